/* The API's documentation page (/api/v1/docs): Swagger UI with the settings the page carries as JSON.
   "Try it out" calls the API with the browser's session, so a write carries the CSRF token. */
(function () {
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  settings.requestInterceptor = function (request) {
    if (csrfToken) request.headers["X-CSRFToken"] = csrfToken;
    return request;
  };
  SwaggerUIBundle(settings);
})();
