// Sinew: starts Swagger UI on the document named by the page (no inline script, so a strict
// Content-Security-Policy holds).
(function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.getAttribute("data-spec"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    persistAuthorization: false,
    withCredentials: true
  });
})();
