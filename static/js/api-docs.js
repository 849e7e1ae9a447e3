// Starts Swagger UI on /api/docs with the settings the page carries (no inline script).
const settings = JSON.parse(document.getElementById("swagger-settings").textContent);
const csrfToken = document.body.dataset.csrfToken;

settings.dom_id = "#swagger-ui";
settings.presets = [SwaggerUIBundle.presets.apis];
settings.requestInterceptor = (request) => {
  if (csrfToken) {
    request.headers["X-CSRFToken"] = csrfToken;
  }
  return request;
};
SwaggerUIBundle(settings);
