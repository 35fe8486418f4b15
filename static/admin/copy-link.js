/* Speaker upload links: a "Copy" button beside each link's read-only field copies the link with
   the Clipboard API and says so in a live region. Without JavaScript (or the API) the buttons stay
   hidden and the link is selected and copied from its field by hand. */
(function () {
  "use strict";

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var note = button.parentNode.querySelector(".spp-copy-note");
    navigator.clipboard.writeText(field.value).then(
      function () {
        if (note) note.textContent = button.getAttribute("data-copied");
      },
      function () {
        field.select();
        if (note) note.textContent = button.getAttribute("data-failed");
      }
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard || !window.isSecureContext) return;
    document.querySelectorAll("button.spp-copy[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
  });
})();
