// `npm run db:reset`: empty the local D1 of `npm run dev` and apply the migrations again.
// `npm run db:seed`: write the demo data set (scripts/demo-data.ts) into it, through the Worker
// itself (wrangler dev on a free port), so it is idempotent and obeys every rule. Stop
// `npm run dev` first: both would write the same local database files.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { seedDemoData } from "./demo-data.ts";
import { startOnFreePorts } from "./wrangler-dev.ts";

const root = resolve(import.meta.dirname, "..");
const wrangler = join(root, "node_modules/.bin/wrangler");

function migrate() {
  const result = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
    stdio: "inherit",
    env: { ...process.env, CI: "true" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const command = process.argv[2];
if (command === "reset") {
  // wrangler keeps the local D1 under .wrangler/state/v3/d1; the rest of the state is left alone.
  rmSync(join(root, ".wrangler/state/v3/d1"), { recursive: true, force: true });
  migrate();
  console.log("The local database is empty, with every migration applied.");
} else if (command === "seed") {
  migrate();
  const token = randomBytes(24).toString("base64url");
  const worker = await startOnFreePorts(token, ["--var", "ACCESS_LOG:off"]);
  try {
    const created = await seedDemoData(worker.url, token);
    console.log(`Seeded the local database: ${created} pipeline(s) created, the rest were already there.`);
  } finally {
    await worker.stop();
  }
} else {
  console.error("usage: node scripts/db.ts reset|seed");
  process.exit(2);
}
