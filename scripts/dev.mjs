// `npm run dev`: make sure a local admin token exists, migrate the embedded D1, start wrangler dev.
// Extra arguments go to `wrangler dev` (for example `npm run dev -- --port 8788 --test-scheduled`).
import { spawnSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, appendFileSync } from "node:fs";

const VARS = ".dev.vars";
const current = existsSync(VARS) ? readFileSync(VARS, "utf8") : "";
let token = /^ADMIN_TOKEN=(.+)$/m.exec(current)?.[1]?.trim();
if (!token) {
  token = randomBytes(24).toString("base64url");
  appendFileSync(VARS, `${current && !current.endsWith("\n") ? "\n" : ""}ADMIN_TOKEN=${token}\n`);
  console.log(`Created ${VARS} with a random ADMIN_TOKEN (git-ignored).`);
}

const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local"], {
  stdio: "inherit",
  env: { ...process.env, CI: "true" }, // no confirmation prompt
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

console.log(`
Local admin token: ${token}
  export TOKEN=$(sed -n 's/^ADMIN_TOKEN=//p' .dev.vars)
  curl -H "Authorization: Bearer $TOKEN" http://localhost:8787/v1/pipelines
`);

// The /docs renderer is a static asset copied from node_modules (scripts/docs-assets.ts).
spawnSync("node", ["scripts/docs-assets.ts"], { stdio: "inherit" });

const dev = spawn("wrangler", ["dev", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
