/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  function rot13(text) {
    return text.replace(/[a-z]/gi, function (c) {
      var base = c <= "Z" ? 65 : 97;
      return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
    });
  }

  // Protected e-mail addresses: turn "name (at) example (dot) org" into a mailto link.
  document.querySelectorAll("[data-rot13]").forEach(function (el) {
    var address = rot13(el.getAttribute("data-rot13"));
    var link = document.createElement("a");
    link.href = "mailto:" + address;
    link.textContent = address;
    el.replaceChildren(link);
  });

  // The header's menu fold (<details class="menu-fold">): on wide screens site.css shows its content through
  // ::details-content; a browser without that pseudo-element gets the <details> opened there instead.
  var fold = document.querySelector(".menu-fold");
  var styled = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  if (fold && !styled && window.matchMedia("(min-width: 64rem)").matches) {
    fold.open = true;
  }
})();
