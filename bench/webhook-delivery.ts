import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { Webhook } from "standardwebhooks";
import { unstable_readConfig } from "wrangler";
import { expectStatus } from "./http.ts";
import { pipelineBody } from "./seed.ts";
import { benchSettings, migrate, ROOT, startWorkers } from "./workers.ts";

/**
 * Webhook delivery measured: the production script in a Miniflare of its own with the queues of
 * wrangler.toml (producer and consumer, as deployed), a receiver in this process that verifies
 * every delivery with the standardwebhooks package, and creates sent one after another in a
 * workspace with 1 and then 10 endpoints. Latency runs from a write's answer (taken here) to
 * the receiver's first receipt of its event; the rate is unique deliveries over the time from
 * the first write's answer to the last receipt.
 */
export const DELIVERY_BENCH = {
  events: 1_000,
  /**
   * Writes as fast as they answer, or paced: 1,000 creates to 10 endpoints as fast as they go
   * make outbox rows faster than the consumer delivers them here, so their latency is mostly
   * the queue's backlog; paced, the same 10 endpoints show the delivery's own latency.
   */
  cases: [
    { endpoints: 1, writesPerSecond: null, budget: true },
    { endpoints: 10, writesPerSecond: null, budget: false },
    { endpoints: 10, writesPerSecond: 20, budget: true },
  ],
  /** Longest wait for the last delivery after the last write, in seconds. */
  drainSeconds: 180,
  /** Budget of the cases that keep below the consumer's rate: the 99th percentile from a write's answer to its event's receipt. */
  maxP99Ms: 5_000,
} as const;
type DeliveryCase = (typeof DELIVERY_BENCH.cases)[number];

export interface DeliveryRow {
  endpoints: number;
  /** The pace the writes were sent at, or null for as fast as they answered. */
  paced: number | null;
  events: number;
  /** Each (endpoint, event) received at least once. */
  delivered: number;
  /** Receipts beyond the first of an (endpoint, event): at least once allows them. */
  duplicates: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  deliveriesPerSecond: number;
  writesPerSecond: number;
}

interface Receipt {
  path: string;
  at: number;
  headers: Record<string, string>;
  body: string;
}

function startReceiver() {
  const receipts: Receipt[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      receipts.push({ path: request.url ?? "", at: performance.now(), headers, body });
      response.writeHead(204).end();
    });
  });
  return new Promise<{ url: string; receipts: Receipt[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        receipts,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

/** The queues of wrangler.toml, as Miniflare options. */
function queues() {
  const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
  const producers = (config.queues.producers ?? []) as { binding: string; queue: string }[];
  const consumers = (config.queues.consumers ?? []) as {
    queue: string;
    max_batch_size?: number;
    max_batch_timeout?: number;
    max_retries?: number;
    dead_letter_queue?: string;
  }[];
  return {
    queueProducers: Object.fromEntries(producers.map((p) => [p.binding, { queueName: p.queue }])),
    queueConsumers: Object.fromEntries(
      consumers.map((c) => [
        c.queue,
        {
          maxBatchSize: c.max_batch_size,
          maxBatchTimeout: c.max_batch_timeout,
          maxRetries: c.max_retries,
          deadLetterQueue: c.dead_letter_queue,
        },
      ]),
    ),
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function measureOne(base: string, receiver: Awaited<ReturnType<typeof startReceiver>>, which: DeliveryCase, failures: string[]) {
  const { endpoints, writesPerSecond } = which;
  const workspace = `bench-hooks-${endpoints}-${writesPerSecond ?? "all"}`;
  await expectStatus(base, { method: "POST", path: "/v1/workspaces", body: { id: workspace } }, 201);
  const secrets = new Map<string, Webhook>();
  for (let e = 0; e < endpoints; e++) {
    const path = `/${workspace}/${e}`;
    const made = await expectStatus(
      base,
      { method: "POST", path: `/v1/workspaces/${workspace}/webhooks`, body: { url: `${receiver.url}${path}` } },
      201,
    );
    secrets.set(path, new Webhook(made.body.secret as string));
  }
  receiver.receipts.length = 0;
  const answered = new Map<string, number>();
  const started = performance.now();
  for (let i = 0; i < DELIVERY_BENCH.events; i++) {
    const due = writesPerSecond === null ? 0 : started + (i * 1000) / writesPerSecond - performance.now();
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    const name = `hook-${String(i).padStart(5, "0")}`;
    await expectStatus(base, { method: "POST", path: `/v1/workspaces/${workspace}/pipelines`, body: pipelineBody(name) }, 201);
    answered.set(name, performance.now());
  }
  const written = performance.now();
  const expected = DELIVERY_BENCH.events * endpoints;
  const first = new Map<string, number>();
  const deadline = written + DELIVERY_BENCH.drainSeconds * 1000;
  let checked = 0;
  let duplicates = 0;
  while (first.size < expected && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (; checked < receiver.receipts.length; checked++) {
      const receipt = receiver.receipts[checked] as Receipt;
      // A late delivery of an earlier case's workspace is that case's, not this one's.
      if (!receipt.path.startsWith(`/${workspace}/`)) continue;
      const verifier = secrets.get(receipt.path);
      let event: { data: { pipeline: { name: string } } };
      try {
        if (!verifier) throw new Error(`no endpoint at ${receipt.path}`);
        event = verifier.verify(receipt.body, receipt.headers) as typeof event;
      } catch (error) {
        failures.push(`${endpoints} endpoints: a delivery failed verification: ${String(error)}`);
        continue;
      }
      const key = `${receipt.path} ${receipt.headers["webhook-id"]}`;
      if (first.has(key)) duplicates++;
      else first.set(key, receipt.at - (answered.get(event.data.pipeline.name) ?? Number.NaN));
    }
  }
  const last = Math.max(...receiver.receipts.filter((r) => r.path.startsWith(`/${workspace}/`)).map((r) => r.at));
  if (first.size < expected)
    failures.push(
      `${endpoints} endpoints: ${first.size} of ${expected} deliveries within ${DELIVERY_BENCH.drainSeconds} s of the last write`,
    );
  const latencies = [...first.values()].sort((a, b) => a - b);
  const row: DeliveryRow = {
    endpoints,
    paced: writesPerSecond,
    events: DELIVERY_BENCH.events,
    delivered: first.size,
    duplicates,
    medianMs: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    deliveriesPerSecond: first.size / ((last - started) / 1000),
    writesPerSecond: DELIVERY_BENCH.events / ((written - started) / 1000),
  };
  if (which.budget && !(row.p99Ms <= DELIVERY_BENCH.maxP99Ms))
    failures.push(
      `${endpoints} endpoints: 99th percentile ${Math.round(row.p99Ms)} ms from write to receipt (budget ${DELIVERY_BENCH.maxP99Ms})`,
    );
  return row;
}

/** Measures with the production script built (`script`), or builds it. */
export async function measureDeliveries(script?: string): Promise<{ rows: DeliveryRow[]; failures: string[] }> {
  let scriptPath = script;
  if (!scriptPath) {
    const built = await startWorkers();
    scriptPath = built.scripts.project;
    await built.dispose();
  }
  const receiver = await startReceiver();
  const settings = benchSettings();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      logRequests: false,
      workers: [
        {
          name: "project",
          modules: true,
          scriptPath,
          ...settings,
          // Deliveries go to the receiver on 127.0.0.1, as in local development.
          bindings: { ...settings.bindings, WEBHOOK_ALLOW_LOOPBACK: "true" },
          ...queues(),
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
      ],
    }),
  );
  const failures: string[] = [];
  try {
    await mf.ready;
    await migrate(await mf.getD1Database("DB", "project"));
    const base = String(await mf.unsafeGetDirectURL("project"));
    const rows: DeliveryRow[] = [];
    for (const which of DELIVERY_BENCH.cases) rows.push(await measureOne(base, receiver, which, failures));
    return { rows, failures };
  } finally {
    await mf.dispose();
    await receiver.close();
  }
}

export function deliverySection(rows: DeliveryRow[]): string {
  const lines = rows.map(
    (r) =>
      `| ${r.endpoints} | ${r.paced === null ? "as fast as they answer" : `${r.paced} a second`} | ${r.events.toLocaleString("en-US")} | ${r.delivered.toLocaleString("en-US")} | ${r.duplicates} | ${Math.round(r.medianMs)} / ${Math.round(r.p99Ms)} / ${Math.round(r.maxMs)} | ${Math.round(r.deliveriesPerSecond)} | ${Math.round(r.writesPerSecond)} |`,
  );
  return `## Webhook delivery

The production script in a Miniflare of its own with wrangler.toml's queues (producer, consumer and dead-letter queue as deployed), a receiver in the bench's process answering 204 and verifying every delivery with the \`standardwebhooks\` package; ${DELIVERY_BENCH.events.toLocaleString("en-US")} creates sent one after another in a workspace with 1, then 10 endpoints, as fast as they answer, then to 10 endpoints paced. Latency: from a write's answer to its event's first receipt. Budgets: every delivery received and verified; the 99th percentile at most ${DELIVERY_BENCH.maxP99Ms.toLocaleString("en-US")} ms for 1 endpoint and for the paced writes (to 10 endpoints unpaced, outbox rows come faster than the consumer delivers them here, and the latency is the backlog: a measurement of this machine, not a budget).

| endpoints | writes sent | events | deliveries | duplicates | write to receipt, median / p99 / max ms | deliveries a second | writes a second |
|---|---|---|---|---|---|---|---|
${lines.join("\n")}
`;
}

/** `node bench/run.ts --webhooks-only`: this part alone; prints the section, answers the exit code. */
export async function deliveriesOnly(): Promise<number> {
  const { rows, failures } = await measureDeliveries();
  console.log(deliverySection(rows));
  for (const failure of failures.slice(0, 20)) console.error(`bench: ${failure}`);
  return failures.length === 0 ? 0 : 1;
}
