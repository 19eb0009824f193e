import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { API_PAGE, apiReference, readDocument } from "../../scripts/api-reference.ts";

// docs/api.md is generated from the OpenAPI document that the global set-up builds (docs:assets).

it("docs/api.md is what `npm run docs:api` writes from the OpenAPI document", () => {
  expect(readFileSync(API_PAGE, "utf8"), "Run `npm run docs:api` and commit docs/api.md.").toBe(apiReference(readDocument()));
});

it("the reference names every operation of the document", () => {
  const document = readDocument();
  const page = apiReference(document);
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const method of Object.keys(methods)) expect(page).toContain(`### ${method.toUpperCase()} ${path}\n`);
  }
});
