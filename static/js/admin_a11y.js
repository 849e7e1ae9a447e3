// Django's two-box selector (SelectFilter2.js, e.g. a user's groups) puts an aria-label on a
// plain <span>, where ARIA does not allow one (axe: aria-prohibited-attr). As an image the
// magnifier icon may carry its label. The selector is built on the window's load event, so this
// runs on load too, after it.
"use strict";
window.addEventListener("load", () => {
  for (const icon of document.querySelectorAll("span.search-label-icon[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
});
