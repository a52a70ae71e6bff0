/* The reader's text size and page colour (site.js's reading settings, kept in localStorage), applied
   before the page is drawn: loaded without defer in the head, so the page does not flash. */
(function () {
  "use strict";
  try {
    var settings = JSON.parse(window.localStorage.getItem("edition-reading") || "{}");
    if (settings.size) document.documentElement.style.fontSize = settings.size + "%";
    if (settings.theme) document.documentElement.dataset.theme = settings.theme;
  } catch (error) {
    // No storage (a private window, a file: page in some browsers): the defaults.
  }
})();
