// Starts the API reference on /docs (src/http/docs.ts). A file rather than an inline script, so the
// page's Content-Security-Policy can allow scripts from this origin only. No default fonts: they
// would come from another origin.
const app = document.getElementById("app");
Scalar.createApiReference(app, {
  url: app.dataset.openapiUrl,
  withDefaultFonts: false,
  defaultOpenAllTags: true,
});
