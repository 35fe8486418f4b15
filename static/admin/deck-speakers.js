/* Slide decks: choosing the talk (agenda item) of a deck whose speakers are still empty fills in
   the talk's speakers, asked from the admin's staff-only JSON address (the select's
   data-speakers-url), and says so in a live region. Speakers the editor chose are never replaced.
   Works in the deck's own form and in the event's slide-deck rows (added ones included). */
(function () {
  "use strict";

  function liveRegion(select) {
    var row = select.closest(".form-row, .fieldBox, td") || select.parentNode;
    var region = row.querySelector(".spp-live-note");
    if (!region) {
      region = document.createElement("p");
      region.className = "spp-live-note";
      region.setAttribute("aria-live", "polite");
      row.appendChild(region);
    }
    return region;
  }

  function prepare(root) {
    (root || document).querySelectorAll("select[data-speakers-url]").forEach(liveRegion);
  }

  document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  document.addEventListener("formset:added", function (event) { prepare(event.target); });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-speakers-url]") || !select.value) return;
    var prefix = select.name.slice(0, -"agenda_item".length);
    var speakers = document.querySelector('select[name="' + prefix + 'speakers"]');
    var guests = document.querySelector('input[name="' + prefix + 'guest_speakers"]');
    if (!speakers || speakers.selectedOptions.length || (guests && guests.value.trim())) return;
    var region = liveRegion(select);
    var url = select.dataset.speakersUrl + "?talk=" + encodeURIComponent(select.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || (!data.speakers.length && !data.guest_speakers)) return;
        if (speakers.selectedOptions.length || (guests && guests.value.trim())) return; // chosen meanwhile
        data.speakers.forEach(function (person) {
          var option = speakers.querySelector('option[value="' + person.id + '"]');
          if (option) option.selected = true;
          else speakers.appendChild(new Option(person.text, person.id, true, true));
        });
        if (guests && data.guest_speakers) guests.value = data.guest_speakers;
        if (window.django && window.django.jQuery) window.django.jQuery(speakers).trigger("change");
        region.textContent = data.message;
      })
      .catch(function () { /* the server fills them in on saving */ });
  });
})();
