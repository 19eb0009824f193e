import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { CONSUMER_OPTIONS, root, scratchPackage, tsc } from "./support/typecheck";

/** The typed-client snippet of docs/client.md, compiled as another package would: through `exports`, with DOM types and no Workers types. */

const work = mkdtempSync(join(tmpdir(), "client-package-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function readmeSnippet(): string {
  const page = readFileSync(join(root, "docs/client.md"), "utf8");
  const snippet = /```ts\n([\s\S]*?)```/.exec(page)?.[1];
  if (!snippet) throw new Error("docs/client.md has no ```ts block");
  return snippet;
}

it("the hono/client snippet of docs/client.md type-checks from a package that depends on this one", () => {
  const build = spawnSync(join(root, "node_modules/.bin/tsc"), ["-p", join(root, "tsconfig.client.json")], { encoding: "utf8" });
  expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
  const consumer = join(work, "consumer");
  const checks = `
import type { AppType, Pipeline, PipelinePage, Problem } from "pipeline-registry/client";
import { hc } from "hono/client";
declare const client: ReturnType<typeof hc<AppType>>;
export async function checks(): Promise<[Pipeline | undefined, PipelinePage, Problem | undefined]> {
  const page = await (await client.v1.workspaces[":workspace"].pipelines.$get({ param: { workspace: "default" } })).json();
  await client.v1.workspaces[":workspace"].pipelines.$post({
    param: { workspace: "default" },
    // @ts-expect-error stageType is one of five
    json: { name: "x", stages: [{ name: "a", stageType: "zip", algorithm: "a" }] },
  });
  return [page.data[0], page, undefined];
}
`;
  scratchPackage(
    consumer,
    {
      "package.json": JSON.stringify({
        name: "consumer",
        private: true,
        type: "module",
        dependencies: { "pipeline-registry": "*", hono: "*" },
      }),
      "snippet.ts": `${readmeSnippet()}\nexport {};\n`,
      "checks.ts": checks,
      "tsconfig.json": JSON.stringify({ compilerOptions: { ...CONSUMER_OPTIONS, types: ["node"] }, files: ["snippet.ts", "checks.ts"] }),
    },
    { "pipeline-registry": root, hono: join(root, "node_modules/hono"), "@types/node": join(root, "node_modules/@types/node") },
  );
  expect(tsc(consumer)).toBe("");
});
