/* The event's agenda rows: a new row's day is the previous row's day (the event's first day for
   the first row) and its start the previous row's end, so a programme is typed in one go.
   Django's admin fires `formset:added` on the new row. */
(function () {
  "use strict";

  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  document.addEventListener("formset:added", function (event) {
    if (!event.detail || event.detail.formsetName !== "agenda_items") return;
    var row = event.target;
    var rows = Array.prototype.filter.call(
      document.querySelectorAll("#agenda_items-group .inline-related"),
      function (r) { return r !== row && !r.classList.contains("empty-form") && field(r, "day"); }
    );
    var previous = rows.length ? rows[rows.length - 1] : null;
    var day = field(row, "day");
    var start = field(row, "start_time");
    var eventStart = document.getElementById("id_start_0");
    if (day && !day.value) {
      var previousDay = previous && field(previous, "day");
      day.value = (previousDay && previousDay.value) || (eventStart ? eventStart.value : "");
    }
    if (start && !start.value && previous) {
      var previousEnd = field(previous, "end_time");
      if (previousEnd && previousEnd.value) start.value = previousEnd.value;
    }
  });
})();
