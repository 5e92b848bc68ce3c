/* Starts Swagger UI on /api/docs/try/ from the settings in the page's JSON data block (the
   Content-Security-Policy allows no inline script). Calls that change data send the CSRF
   token of the signed-in session. */
(function () {
  "use strict";
  var mount = document.getElementById("swagger-ui");
  var settingsBlock = document.getElementById("swagger-settings");
  if (!mount || !settingsBlock || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var config = JSON.parse(settingsBlock.textContent);
  var csrfToken = mount.getAttribute("data-csrf-token");
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  config.requestInterceptor = function (request) {
    if (csrfToken) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  window.SwaggerUIBundle(config);
})();
