import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { CONSUMER_OPTIONS, root, scratchPackage, tsc } from "./support/typecheck";

/** The served /openapi.json through the tools clients use: Redocly's linter, openapi-typescript and openapi-fetch. */

const work = mkdtempSync(join(tmpdir(), "openapi-tools-"));
const documentPath = join(work, "openapi.json");
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  const response = await fetch(`${inject("workerUrl")}/openapi.json`);
  expect(response.status).toBe(200);
  writeFileSync(documentPath, await response.text());
});

it("passes Redocly's recommended lint with no error", () => {
  const result = spawnSync(join(root, "node_modules/.bin/redocly"), ["lint", documentPath, "--format=stylish"], {
    encoding: "utf8",
    // No telemetry or update check: the tests make no request beyond this machine.
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
  const output = `${result.stdout}${result.stderr}`;
  expect(result.status, output).toBe(0);
  expect(output).not.toMatch(/\berror\b/i);
});

const PROGRAM = `
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Pipeline = components["schemas"]["Pipeline"];
const client = createClient<paths>({ baseUrl: "http://localhost:8787", headers: { Authorization: "Bearer token" } });

export async function demo(): Promise<Pipeline[]> {
  const workspace = { workspace: "default" };
  const created = await client.POST("/v1/workspaces/{workspace}/pipelines", {
    params: { path: workspace, header: { "Idempotency-Key": "nightly-1" } },
    body: { name: "nightly-backup", configuration: { env: "prod" }, stages: [{ name: "gzip", stageType: "compression", algorithm: "gzip" }] },
  });
  if (!created.data) throw new Error(created.error.detail);
  const version: number = created.data.version;

  const page = await client.GET("/v1/workspaces/{workspace}/pipelines", {
    params: { path: workspace, query: { config: { env: "prod" }, sort: "-createdAt", limit: 10 } },
  });
  const cursor: string | null | undefined = page.data?.nextCursor;

  const updated = await client.PATCH("/v1/workspaces/{workspace}/pipelines/{id}", {
    params: { path: { ...workspace, id: created.data.id }, header: { "If-Match": \`"\${version}"\` } },
    body: { configuration: { owner: "data-team", legacy: null } },
  });
  if (updated.error) return [];
  await client.POST("/v1/workspaces/{workspace}/pipelines", {
    params: { path: workspace },
    // @ts-expect-error unknown members are refused, so the generated body type is closed
    body: { name: "x", stages: [{ name: "a", stageType: "transform", algorithm: "a" }], id: "chosen" },
  });
  await client.POST("/v1/workspaces/{workspace}/pipelines", {
    params: { path: workspace },
    // @ts-expect-error stageType is one of five
    body: { name: "x", stages: [{ name: "a", stageType: "zip", algorithm: "a" }] },
  });
  return cursor === undefined ? [] : [updated.data, ...(page.data?.data ?? [])];
}
`;

it("generates openapi-typescript types that an openapi-fetch program type-checks against", async () => {
  const types = astToString(await openapiTS(new URL(`file://${documentPath}`)));
  expect(types).not.toContain("[key: string]: unknown");
  const dir = join(work, "openapi-fetch-program");
  scratchPackage(
    dir,
    {
      "api.d.ts": types,
      "program.ts": PROGRAM,
      "tsconfig.json": JSON.stringify({ compilerOptions: CONSUMER_OPTIONS, files: ["program.ts"] }),
    },
    {
      "openapi-fetch": join(root, "node_modules/openapi-fetch"),
      "openapi-typescript-helpers": join(root, "node_modules/openapi-typescript-helpers"),
    },
  );
  expect(tsc(dir)).toBe("");
});
