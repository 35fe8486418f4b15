/* The Markdown editor's toolbar (templates/markdownx/widget.html): bold, italic, heading, link,
   list, quotation, formulas and "Insert image", by mouse, by keyboard shortcut in the text field,
   or from the toolbar with the arrow keys (one tab stop). Each action wraps the selection or
   inserts at the cursor through the browser's editing command (so Ctrl+Z undoes it), then sends an
   input event so that django-markdownx refreshes the preview.
   "Insert image" uploads the chosen file to the same endpoint and checks as drag-and-drop
   (spp_site.admin_views.markdown_image_upload) and reports like markdownx does
   (markdownx.fileUploadEnd / fileUploadError events, handled in admin/spp-admin.js).
   Event delegation, so inline rows added later work too. No inline handlers (CSP). */
(function () {
  "use strict";

  function editorOf(element) {
    var box = element.closest(".markdownx");
    return box && box.querySelector("textarea.markdownx-editor");
  }

  function changed(editor) {
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Replace value[start:end] with `text`, then select [selStart, selEnd) (offsets from `start`).
  function replace(editor, start, end, text, selStart, selEnd) {
    editor.focus();
    editor.setSelectionRange(start, end);
    var done = false;
    try {
      done = text !== "" && document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || editor.value.slice(start, start + text.length) !== text) {
      editor.setRangeText(text, start, end, "end");
    }
    editor.setSelectionRange(start + selStart, start + selEnd);
    changed(editor);
  }

  function wrap(editor, before, after) {
    var value = editor.value, start = editor.selectionStart, end = editor.selectionEnd;
    var selected = value.slice(start, end);
    // Already wrapped: unwrap (the button toggles).
    if (value.slice(start - before.length, start) === before && value.slice(end, end + after.length) === after) {
      replace(editor, start - before.length, end + after.length, selected, 0, selected.length);
      return;
    }
    replace(editor, start, end, before + selected + after, before.length, before.length + selected.length);
  }

  function lines(editor) {
    var value = editor.value, start = editor.selectionStart, end = editor.selectionEnd;
    if (end > start && value.charAt(end - 1) === "\n") end -= 1;
    start = value.lastIndexOf("\n", start - 1) + 1;
    var next = value.indexOf("\n", end);
    end = next < 0 ? value.length : next;
    return { start: start, end: end, list: value.slice(start, end).split("\n") };
  }

  function prefixLines(editor, prefix, pattern) {
    var range = lines(editor);
    var all = range.list.every(function (line) { return pattern.test(line); });
    var text = range.list.map(function (line) {
      return all ? line.replace(pattern, "") : prefix + line.replace(pattern, "");
    }).join("\n");
    replace(editor, range.start, range.end, text, all ? 0 : prefix.length, text.length);
  }

  function link(editor) {
    var start = editor.selectionStart, end = editor.selectionEnd;
    var selected = editor.value.slice(start, end);
    if (/^(https?:\/\/|mailto:|\/)\S*$/.test(selected)) {
      replace(editor, start, end, "[](" + selected + ")", 1, 1); // type the link text
    } else {
      var text = "[" + selected + "](https://)";
      var at = selected ? selected.length + 3 : 1;
      replace(editor, start, end, text, at, selected ? at + 8 : 1); // paste the address over https://
    }
  }

  function displayMath(editor) {
    var value = editor.value, start = editor.selectionStart, end = editor.selectionEnd;
    var selected = value.slice(start, end);
    var before = start === 0 || value.slice(0, start).endsWith("\n\n") ? "" : value.charAt(start - 1) === "\n" ? "\n" : "\n\n";
    var after = end === value.length || value.slice(end).startsWith("\n\n") ? "" : value.charAt(end) === "\n" ? "\n" : "\n\n";
    var text = before + "$$" + selected + "$$" + after;
    replace(editor, start, end, text, before.length + 2, before.length + 2 + selected.length);
  }

  function status(editor, key) {
    var box = editor.closest(".markdownx");
    var element = box && box.querySelector(".spp-md-status");
    if (element) element.textContent = key ? element.dataset[key] || "" : "";
  }

  function fire(editor, type, response) {
    editor.closest(".markdownx").dispatchEvent(new CustomEvent(type, { detail: [response] }));
  }

  function upload(editor, file) {
    var token = editor.form && editor.form.querySelector("input[name=csrfmiddlewaretoken]");
    var data = new FormData();
    data.append("image", file);
    if (token) data.append("csrfmiddlewaretoken", token.value);
    status(editor, "uploading");
    fetch(editor.dataset.markdownxUploadUrlsPath, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; });
    }).then(function (response) {
      status(editor, "");
      if (!response.image_code) {
        fire(editor, "markdownx.fileUploadError", response);
        return;
      }
      var start = editor.selectionStart, code = response.image_code;
      replace(editor, start, editor.selectionEnd, code, code.length, code.length);
      fire(editor, "markdownx.fileUploadEnd", response);
    }, function () {
      status(editor, "uploadFailed");
      editor.focus();
    });
  }

  function chooseImage(editor) {
    var input = editor.closest(".markdownx").querySelector(".spp-md-file");
    if (input) input.click();
  }

  var ACTIONS = {
    bold: function (editor) { wrap(editor, "**", "**"); },
    italic: function (editor) { wrap(editor, "*", "*"); },
    heading: function (editor) { prefixLines(editor, "## ", /^#{1,6} /); },
    link: link,
    list: function (editor) { prefixLines(editor, "- ", /^[-*+] /); },
    quote: function (editor) { prefixLines(editor, "> ", /^> ?/); },
    math: function (editor) { wrap(editor, "$", "$"); },
    "display-math": displayMath,
    image: chooseImage
  };

  function shortcut(event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
    var key = (event.key || "").toLowerCase();
    if (!event.shiftKey) return { b: "bold", i: "italic", k: "link", m: "math" }[key] || null;
    return { KeyH: "heading", Digit8: "list", Period: "quote", KeyM: "display-math", KeyG: "image" }[event.code] || null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-md-action]");
    var editor = button && editorOf(button);
    if (!editor || !ACTIONS[button.dataset.mdAction]) return;
    event.preventDefault();
    ACTIONS[button.dataset.mdAction](editor);
  });

  document.addEventListener("change", function (event) {
    if (!event.target.matches(".spp-md-file")) return;
    var editor = editorOf(event.target);
    var file = event.target.files && event.target.files[0];
    if (editor && file) upload(editor, file);
    event.target.value = "";
  });

  // Tab leaves the text field, as in every other field (django-markdownx would indent with it and
  // trap keyboard users in the editor; Ctrl+] and Ctrl+[ still indent). Caught before markdownx.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Tab" && !event.ctrlKey && !event.metaKey && !event.altKey &&
        event.target.matches("textarea.markdownx-editor")) {
      event.stopPropagation();
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.matches("textarea.markdownx-editor")) {
      var action = shortcut(event);
      if (action && target.closest(".markdownx").querySelector(".spp-md-toolbar")) {
        event.preventDefault();
        ACTIONS[action](target);
      }
      return;
    }
    // Arrow keys, Home and End move between the toolbar's buttons (one tab stop).
    var toolbar = target.closest(".spp-md-toolbar");
    if (!toolbar || !target.matches("button")) return;
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    var index = buttons.indexOf(target);
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    focusButton(buttons, (next + buttons.length) % buttons.length);
  });

  function focusButton(buttons, index) {
    buttons.forEach(function (button, i) { button.tabIndex = i === index ? 0 : -1; });
    buttons[index].focus();
  }

  function setUp(root) {
    root.querySelectorAll(".spp-md-toolbar[hidden]").forEach(function (toolbar) {
      if ((toolbar.getAttribute("aria-controls") || "").indexOf("__prefix__") >= 0) return; // inline template
      var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
      buttons.forEach(function (button, i) { button.tabIndex = i === 0 ? 0 : -1; });
      toolbar.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  // A new inline row (Django's admin, formset:added): its toolbar, copied from the template, now
  // names the row's own textarea.
  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    row.querySelectorAll(".spp-md-toolbar").forEach(function (toolbar) {
      var editor = editorOf(toolbar);
      if (editor) toolbar.setAttribute("aria-controls", editor.id);
    });
    setUp(row);
  });
})();
