/* Admin additions for django-markdownx: show upload errors next to the editor, and after an
   image is inserted select its alt-text placeholder (the textarea's data-alt-placeholder, set by
   spp_site.admin.MarkdownPreviewWidget) so the editor types a description over it.
   markdownx's events do not bubble, so they are caught in the capture phase. */
(function () {
  "use strict";

  function note(editorParent, className, text) {
    var old = editorParent.querySelector("." + className);
    if (old) old.remove();
    if (!text) return;
    var p = document.createElement("p");
    p.className = className;
    p.setAttribute("role", "alert");
    p.textContent = text;
    var column = editorParent.querySelector(".spp-md-editor") || editorParent; // above the textarea
    column.insertBefore(p, column.firstChild);
  }

  // The messages in the editor's admin language, from the widget (templates/markdownx/widget.html).
  function message(editorParent, key, fallback) {
    var status = editorParent.querySelector(".spp-md-status");
    return (status && status.dataset[key]) || fallback;
  }

  document.addEventListener("markdownx.fileUploadError", function (event) {
    var response = (event.detail && event.detail[0]) || {};
    var editor = event.target.querySelector("textarea");
    if (editor) editor.value = editor.value.replace("Invalid response", ""); // markdownx inserts this on failure
    note(event.target, "markdownx-upload-error", response.error || message(event.target, "uploadFailed", "The image could not be uploaded."));
  }, true);

  document.addEventListener("markdownx.fileUploadEnd", function (event) {
    note(event.target, "markdownx-upload-error", "");
    var editor = event.target.querySelector("textarea");
    var placeholder = editor && editor.dataset.altPlaceholder;
    if (!placeholder) return;
    var at = editor.value.lastIndexOf(placeholder, editor.selectionStart); // the image just inserted
    if (at >= 0) {
      editor.focus();
      editor.setSelectionRange(at, at + placeholder.length);
      note(event.target, "markdownx-alt-hint", message(event.target, "describe", "Type a short description of the image to replace the selected placeholder text."));
    }
  }, true);
})();
