// Starts `wrangler dev` and finds out the URL it really serves (from its "Ready on" line), for
// `npm run dev` (scripts/dev.ts) and the Node tests that need a running Worker (test/node/).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

/** This project's wrangler, found without relying on npm's PATH. */
const WRANGLER = join(resolve(import.meta.dirname, ".."), "node_modules/.bin/wrangler");

/** Whether nothing listens on the port yet (wrangler binds localhost; 127.0.0.1 is what it tries first). */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A port the system has free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningWorker {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const READY = /Ready on (https?:\/\/\S+)/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: wrangler colours its output
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Runs `wrangler dev` with the given arguments; resolves with the URL once it serves. `echo`
 * passes wrangler's output through (npm run dev); otherwise it is kept and shown only if
 * wrangler exits before it is ready.
 */
export function startWranglerDev(args: string[], { echo = false, env = process.env } = {}): Promise<RunningWorker> {
  // At least info: the "Ready on" line is how the URL is known (vitest.config.ts quiets wrangler to
  // warn). Shown to a person, "log": the Worker's own console.log lines (the access log) are at that level.
  const level = echo ? "log" : "info";
  const child = spawn(WRANGLER, ["dev", ...args], { stdio: ["inherit", "pipe", "pipe"], env: { ...env, WRANGLER_LOG: level } });
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      const text = chunk.toString();
      if (echo) stream.write(chunk);
      output += text;
      const ready = READY.exec(output.replace(ANSI, ""));
      if (ready?.[1]) {
        resolve({
          url: ready[1].replace(/\/$/, ""),
          process: child,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    };
    child.stdout?.on("data", onData(process.stdout));
    child.stderr?.on("data", onData(process.stderr));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`wrangler dev exited (${code}) before it was ready:\n${output}`)));
  });
}

/** `wrangler dev` on loopback, on free ports (HTTP and inspector), with this admin token and `args` beside. */
export async function startOnFreePorts(adminToken: string, args: string[] = []): Promise<RunningWorker> {
  return startWranglerDev([
    "--ip",
    "127.0.0.1",
    "--port",
    String(await freePort()),
    "--inspector-port",
    String(await freePort()),
    "--var",
    `ADMIN_TOKEN:${adminToken}`,
    ...args,
  ]);
}
