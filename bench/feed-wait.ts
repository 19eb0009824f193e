import { expectStatus, send } from "./http.ts";
import { pipelineBody } from "./seed.ts";
import { startWorkers } from "./workers.ts";

/**
 * `GET /events?wait=` measured: what idle consumers cost the database while they wait, and how
 * soon a waiting consumer hears of a commit. Runs in a workspace of its own, so the feed holds
 * only what this part writes.
 */
export const FEED_BENCH = {
  workspace: "bench-feed",
  /** Idle consumers waiting at once, each for `waitSeconds`. */
  consumers: 20,
  waitSeconds: 5,
  /** Waits woken by a write, one after another; the write is sent `writeAfterMs` into the wait. */
  wakes: 10,
  writeAfterMs: 700,
  /** Budgets: rows read per second by one idle consumer, and the slowest wake after the write's answer. */
  maxRowsPerSecond: 5,
  maxWakeMs: 1_500,
} as const;

export interface FeedWaitResult {
  consumers: number;
  waitSeconds: number;
  /** Means per idle request (each waited the whole time and answered an empty page). */
  calls: number;
  rowsRead: number;
  seconds: number;
  rowsPerSecond: number;
  /** Milliseconds from the write's answer to the waiting request's answer with the write's event. */
  wakeMedianMs: number;
  wakeMaxMs: number;
}

const feed = `/v1/workspaces/${FEED_BENCH.workspace}/events`;
const write = (name: string) => ({
  method: "POST",
  path: `/v1/workspaces/${FEED_BENCH.workspace}/pipelines`,
  body: pipelineBody(name),
});
const number = (headers: Headers, name: string) => Number(headers.get(name));

/** The position after the newest event: where a consumer that is up to date waits. */
async function end(base: string): Promise<string> {
  let cursor: string | undefined;
  for (;;) {
    const page = await expectStatus(base, { method: "GET", path: `${feed}?limit=100${cursor ? `&after=${cursor}` : ""}` }, 200);
    cursor = page.body.nextCursor as string;
    if ((page.body.data as unknown[]).length === 0) return cursor;
  }
}

export async function measureFeedWait(urls: { project: string; metered: string }): Promise<{ result: FeedWaitResult; failures: string[] }> {
  const failures: string[] = [];
  await expectStatus(urls.project, { method: "POST", path: "/v1/workspaces", body: { id: FEED_BENCH.workspace } }, 201);
  try {
    await expectStatus(urls.project, write("bench-feed-first"), 201);
    let after = await end(urls.project);

    const idle = await Promise.all(
      Array.from({ length: FEED_BENCH.consumers }, async () => {
        const started = performance.now();
        const reply = await expectStatus(
          urls.metered,
          { method: "GET", path: `${feed}?after=${after}&wait=${FEED_BENCH.waitSeconds}` },
          200,
        );
        if ((reply.body.data as unknown[]).length !== 0) failures.push("an idle wait answered events nobody wrote");
        return {
          calls: number(reply.headers, "X-Bench-D1-Calls"),
          rowsRead: number(reply.headers, "X-Bench-Rows-Read"),
          seconds: (performance.now() - started) / 1000,
        };
      }),
    );
    const mean = (pick: (r: (typeof idle)[number]) => number) => idle.reduce((sum, r) => sum + pick(r), 0) / idle.length;

    const wakes: number[] = [];
    for (let i = 0; i < FEED_BENCH.wakes; i++) {
      const waiting = send(urls.project, { method: "GET", path: `${feed}?after=${after}&wait=${FEED_BENCH.waitSeconds}` });
      await new Promise((resolve) => setTimeout(resolve, FEED_BENCH.writeAfterMs));
      await expectStatus(urls.project, write(`bench-feed-${i}`), 201);
      const written = performance.now();
      const reply = await waiting;
      wakes.push(performance.now() - written);
      const events = (reply.body?.data ?? []) as { type: string; pipeline: { name: string } }[];
      if (reply.status !== 200 || events.length !== 1 || events[0]?.pipeline.name !== `bench-feed-${i}`)
        failures.push(`wake ${i}: the waiting request answered ${reply.status} with ${events.length} events, not the write's one`);
      after = reply.body?.nextCursor ?? (await end(urls.project));
    }
    wakes.sort((a, b) => a - b);
    const result: FeedWaitResult = {
      consumers: FEED_BENCH.consumers,
      waitSeconds: FEED_BENCH.waitSeconds,
      calls: mean((r) => r.calls),
      rowsRead: mean((r) => r.rowsRead),
      seconds: mean((r) => r.seconds),
      rowsPerSecond: mean((r) => r.rowsRead / r.seconds),
      wakeMedianMs: wakes[Math.floor(wakes.length / 2)] ?? Number.NaN,
      wakeMaxMs: wakes.at(-1) ?? Number.NaN,
    };
    if (result.rowsPerSecond > FEED_BENCH.maxRowsPerSecond)
      failures.push(`an idle wait read ${result.rowsPerSecond.toFixed(1)} rows a second (budget ${FEED_BENCH.maxRowsPerSecond})`);
    if (result.wakeMaxMs > FEED_BENCH.maxWakeMs)
      failures.push(`a waiting request answered ${Math.round(result.wakeMaxMs)} ms after the write (budget ${FEED_BENCH.maxWakeMs})`);
    return { result, failures };
  } finally {
    await send(urls.project, { method: "DELETE", path: `/v1/workspaces/${FEED_BENCH.workspace}` });
  }
}

export function feedWaitSection(r: FeedWaitResult): string {
  return `## The change feed's long poll

\`GET /v1/workspaces/{workspace}/events?after=<the end>&wait=${r.waitSeconds}\`, ${r.consumers} idle consumers waiting at once through the metered Worker (rows read are D1's \`meta\` over the whole wait), then ${FEED_BENCH.wakes} waits one after another, each woken by a create sent ${FEED_BENCH.writeAfterMs} ms into it. Budgets: at most ${FEED_BENCH.maxRowsPerSecond} rows read a second by an idle consumer, an answer at most ${FEED_BENCH.maxWakeMs} ms after the write's.

| idle wait, mean | D1 calls | rows read | rows read a second | woken: after the write's answer, median / max ms |
|---|---|---|---|---|
| ${r.seconds.toFixed(2)} s | ${r.calls.toFixed(1)} | ${r.rowsRead.toFixed(1)} | ${r.rowsPerSecond.toFixed(2)} | ${Math.round(r.wakeMedianMs)} / ${Math.round(r.wakeMaxMs)} |

A thousand idle consumers would read about ${Math.round(r.rowsPerSecond * 1000).toLocaleString("en-US")} rows a second in all, and make ${Math.round((1000 * r.calls) / r.seconds).toLocaleString("en-US")} D1 calls a second: a waiting request looks again about every ${Math.round((1000 * r.seconds) / r.calls)} ms, one call each time.
`;
}

/** `node bench/run.ts --feed-only`: this part alone, on a fresh Miniflare; prints the section, answers the exit code. */
export async function feedOnly(): Promise<number> {
  const workers = await startWorkers();
  try {
    const { result, failures } = await measureFeedWait(workers.urls);
    console.log(feedWaitSection(result));
    for (const failure of failures) console.error(`bench: ${failure}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await workers.dispose();
  }
}
