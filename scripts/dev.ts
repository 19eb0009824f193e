// `npm run dev`: make sure a local admin token exists, migrate the embedded D1, build the /docs
// assets and the OpenAPI document, start wrangler dev, and print the URL it really serves. Extra
// arguments go to `wrangler dev` (for example `npm run dev -- --port 8788 --test-scheduled`). `npm run dev:pg`
// (scripts/dev-pg.ts) serves the same way through serveDev, with PostgreSQL.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { buildDocsAssets } from "./docs-assets.ts";
import { freePort, portIsFree, startWranglerDev } from "./wrangler-dev.ts";

const VARS = ".dev.vars";
const DEFAULT_PORT = 8787;

export interface DevOptions {
  /** Arguments for `wrangler dev` ahead of the user's (dev:pg's generated configuration). */
  wranglerArgs?: string[];
  /** A line for the banner, after the URL. */
  note?: string;
  /** Runs once wrangler has exited, before this process does (dev:pg stops its PostgreSQL). */
  onExit?: () => Promise<void> | void;
}

/** Serves the Worker under `wrangler dev` with `args` (the command line's), until wrangler exits. */
export async function serveDev(args: string[], options: DevOptions = {}): Promise<void> {
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
  if (migrate.status !== 0) {
    await options.onExit?.();
    process.exit(migrate.status ?? 1);
  }
  await buildDocsAssets();

  // Miniflare's rate limiters count in windows aligned to the epoch: Retry-After can say the real wait.
  // Webhooks may reach a receiver on this machine (http://127.0.0.1:<port>, docs/webhooks.md); a deploy never sets it.
  args = [...(options.wranglerArgs ?? []), "--var", "RATE_LIMIT_WINDOWS:epoch", "--var", "WEBHOOK_ALLOW_LOOPBACK:true", ...args];
  if (!args.some((arg) => arg === "--port" || arg.startsWith("--port="))) {
    // Without this, wrangler quietly moves to another port when 8787 is taken.
    let port = DEFAULT_PORT;
    if (!(await portIsFree(port))) {
      port = DEFAULT_PORT + 1;
      while (port < DEFAULT_PORT + 20 && !(await portIsFree(port))) port++;
      if (port === DEFAULT_PORT + 20) port = await freePort();
      console.warn(`\nPort ${DEFAULT_PORT} is taken (another \`npm run dev\`?); serving on port ${port} instead.\n`);
    }
    args.push("--port", String(port));
  }

  const worker = await startWranglerDev(args, { echo: true }).catch(async (error: unknown) => {
    await options.onExit?.();
    throw error;
  });
  console.log(`
Serving at ${worker.url}   (reference: ${worker.url}/docs)${options.note ? `\n${options.note}` : ""}
Local admin token: ${token}
  export TOKEN=$(sed -n 's/^ADMIN_TOKEN=//p' .dev.vars)
  curl -H "Authorization: Bearer $TOKEN" ${worker.url}/v1/workspaces/default/pipelines
`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void worker.stop());
  worker.process.on("exit", async (code) => {
    await options.onExit?.();
    process.exit(code ?? 0);
  });
}

if (import.meta.filename === process.argv[1]) await serveDev(process.argv.slice(2));
