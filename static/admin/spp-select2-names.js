'use strict';
// Django's autocomplete fields (select2 4.0) draw a search box without a name, inside a list of
// the chosen items, and a one-choice field's box is named only by its choice (nothing when empty):
// screen readers announce unnamed fields (axe: "label", critical; "aria-input-field-name",
// serious). This names them after their field's label. select2 redraws these boxes on every
// change, so a MutationObserver keeps naming them. Loaded on every admin page (admin/base_site.html).
{
  const labelOf = (select) => {
    const label = select && select.id ? document.querySelector(`label[for="${CSS.escape(select.id)}"]`) : null;
    return label ? label.textContent.replace(/[:：]\s*$/, '').trim() : '';
  };

  const selectFor = (element) => {
    // The box in a field's own container (several choices) sits right after its <select>;
    // the box of an opened drop-down (one choice) names its results list "select2-<id>-results".
    const container = element.closest('.select2');
    if (container && container.previousElementSibling && container.previousElementSibling.tagName === 'SELECT') {
      return container.previousElementSibling;
    }
    const match = /^select2-(.+)-results$/.exec(element.getAttribute('aria-controls') || '');
    return match ? document.getElementById(match[1]) : null;
  };

  const name = (root) => {
    root.querySelectorAll('.select2-search__field:not([aria-label])').forEach((input) => {
      const text = labelOf(selectFor(input));
      if (text) input.setAttribute('aria-label', text);
    });
    // A one-choice field's box (role combobox) is named by the chosen item only: nothing when
    // empty. Name it by the field's label first, then the choice.
    root.querySelectorAll('.select2-selection--single[role="combobox"]').forEach((box) => {
      const select = selectFor(box);
      const label = select && select.id ? document.querySelector(`label[for="${CSS.escape(select.id)}"]`) : null;
      if (!label) return;
      if (!label.id) label.id = `${select.id}-label`;
      const shown = box.querySelector('.select2-selection__rendered');
      const names = [label.id, shown && shown.id].filter(Boolean).join(' ');
      if (box.getAttribute('aria-labelledby') !== names) box.setAttribute('aria-labelledby', names);
      // The choice inside it is a read-only text box (role textbox): named by the label too.
      if (shown && shown.getAttribute('role') === 'textbox' && shown.getAttribute('aria-labelledby') !== label.id) {
        shown.setAttribute('aria-labelledby', label.id);
      }
    });
    // The chosen items of a several-choice field are drawn as a list that also holds the search
    // box: a list of items plus a control, not a list (axe: "list"); announced as a group.
    root.querySelectorAll('ul.select2-selection__rendered:not([role])').forEach((list) => {
      list.setAttribute('role', 'presentation');
    });
  };

  const start = () => {
    name(document);
    new MutationObserver((changes) => {
      for (const change of changes) {
        change.addedNodes.forEach((node) => {
          if (node.nodeType === Node.ELEMENT_NODE) name(node.parentElement || node);
        });
      }
    }).observe(document.body, {childList: true, subtree: true});
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
