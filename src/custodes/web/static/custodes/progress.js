/* Custodes: progress of background work, shown without reloading the page.
 *
 * A page with work in progress carries <meta name="custodes-progress" content="SECONDS"> and
 * this script. Every SECONDS it fetches the page again and swaps in, by id, each element
 * marked data-progress (they are live regions, so the new state is announced politely). Once
 * the fresh copy has nothing in progress, it swaps in the whole <main> once and stops. No timed
 * reload (WCAG 2.2.1); without JavaScript the page offers a "Check progress" link instead.
 */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="custodes-progress"]');
  if (!meta || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = Math.max(1, parseInt(meta.getAttribute("content"), 10) || 2);

  function swap(text) {
    var fresh = new DOMParser().parseFromString(text, "text/html");
    if (!fresh.querySelector('meta[name="custodes-progress"]')) {
      var main = document.querySelector("main");
      var done = fresh.querySelector("main");
      if (main && done) {
        main.innerHTML = done.innerHTML;
      }
      document.title = fresh.title;
      return false;
    }
    var regions = document.querySelectorAll("[data-progress][id]");
    for (var i = 0; i < regions.length; i += 1) {
      var next = fresh.getElementById(regions[i].id);
      if (next) {
        regions[i].innerHTML = next.innerHTML;
      }
    }
    return true;
  }

  function tick() {
    window.fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (text) {
        if (swap(text)) {
          window.setTimeout(tick, seconds * 1000);
        }
      })
      .catch(function () {
        window.setTimeout(tick, seconds * 4000);
      });
  }

  window.setTimeout(tick, seconds * 1000);
}());
