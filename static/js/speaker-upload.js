/* A speaker's upload page (templates/events/speaker_upload.html): sends the form in the background
   to show its progress. Without this file the form is sent as it is, and works the same. */
(function () {
  "use strict";

  function showPage(html) {
    // The answer with the form's errors, a refusal (410, 429) or the confirmation: its main content
    // replaces this page's, and the form in it is enhanced again.
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = page.getElementById("main");
    if (!main) {
      return false;
    }
    document.title = page.title;
    document.getElementById("main").replaceWith(main);
    main.focus();
    enhance();
    return true;
  }

  function enhance() {
    var form = document.querySelector("form.upload-form");
    if (!form || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    var box = form.querySelector(".upload-progress");
    var bar = box.querySelector("progress");
    var text = box.querySelector(".upload-progress-text");
    var button = form.querySelector("button[type=submit]");
    var input = form.querySelector("input[type=file]");
    var maxSize = parseInt(form.getAttribute("data-max-size"), 10);

    form.addEventListener("submit", function (event) {
      var file = input && input.files && input.files[0];
      if (file && maxSize && file.size > maxSize) {
        // Not sent at all: the server would refuse it after the whole upload.
        event.preventDefault();
        text.textContent = form.getAttribute("data-too-large");
        box.hidden = false;
        bar.hidden = true;
        return;
      }
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.responseType = "text";
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          var percent = Math.floor((progress.loaded / progress.total) * 100);
          bar.value = percent;
          text.textContent = percent + " %";
        }
      });
      request.addEventListener("load", function () {
        var type = request.getResponseHeader("Content-Type") || "";
        // Sent: the server redirected to the confirmation, which the request followed.
        if (request.status === 200 && request.responseURL && request.responseURL.split("#")[0] !== window.location.href.split("#")[0]) {
          window.location.assign(request.responseURL);
          return;
        }
        if (type.indexOf("text/html") === 0 && showPage(request.responseText)) {
          return;
        }
        text.textContent = request.responseText;
        button.disabled = false;
      });
      request.addEventListener("error", function () {
        // The connection failed: send the form the ordinary way, which shows the browser's own error.
        form.submit();
      });
      bar.hidden = false;
      bar.value = 0;
      text.textContent = "0 %";
      box.hidden = false;
      button.disabled = true;
      request.send(new FormData(form));
    });
  }

  enhance();
})();
