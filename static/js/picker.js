/* The time picker (templates/bookings/_picker.html): keep the chosen day in view in its strip,
   and keep the keyboard's place when htmx swaps the picker after a day is chosen. The picker
   works without this file: every day and time is a link. */
(function () {
  "use strict";

  function showChosen(picker, focus) {
    const strip = picker.querySelector(".picker-strip");
    const chosen = picker.querySelector(".picker-day.is-chosen");
    if (!strip || !chosen) return;
    const item = chosen.parentElement;
    // Scroll the strip only, never the page: the chosen day as the second one shown.
    const previous = item.previousElementSibling;
    strip.scrollLeft = previous ? previous.offsetLeft - strip.offsetLeft : 0;
    if (focus) chosen.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const picker = document.getElementById("picker");
    if (picker) showChosen(picker, false);
  });

  // The picker is the only thing htmx swaps on the pages that load this file.
  document.body.addEventListener("htmx:afterSettle", function () {
    const picker = document.getElementById("picker");
    if (picker) showChosen(picker, true);
  });
})();
