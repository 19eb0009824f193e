// Starts the API reference on /docs (src/http/docs.ts). A file rather than an inline script, so the
// page's Content-Security-Policy can allow scripts from this origin only. The page shows only what
// works from this origin alone: no default fonts (another origin serves them), none of Scalar's
// cloud features (its AI agent, MCP generation, telemetry, the developer toolbar), and no button
// that opens the document in Scalar's hosted client. Requests tried from the page go to this
// origin directly, never through Scalar's proxy.
const app = document.getElementById("app");
Scalar.createApiReference(app, {
  url: app.dataset.openapiUrl,
  withDefaultFonts: false,
  defaultOpenAllTags: true,
  agent: { disabled: true },
  mcp: { disabled: true },
  telemetry: false,
  showDeveloperTools: "never",
  hideClientButton: true,
});
