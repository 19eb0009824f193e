import { expect } from "vitest";
import type { ChangeEvent } from "../../src/domain/events";
import type { AuditEvent } from "../../src/domain/history";
import { type CallOptions, call, type Reply } from "./http";

/** The change feed as a consumer reads it (docs/events.md), and what it must agree with. */

type Fetch = (method: string, path: string, options?: CallOptions) => Promise<Reply>;

/**
 * Every event of `workspace`'s feed after `after` (from the start without it), page by page as a
 * consumer goes: each page starts where the last one's `nextCursor` said, and the last, empty,
 * page gives back the cursor it was sent.
 */
export async function readFeed(
  workspace = "default",
  { after, limit = 100, fetch = call }: { after?: string; limit?: number; fetch?: Fetch } = {},
): Promise<{ events: ChangeEvent[]; cursor: string }> {
  const events: ChangeEvent[] = [];
  let cursor = after;
  for (;;) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor === undefined ? {} : { after: cursor }) });
    const reply = await fetch("GET", `/v1/workspaces/${workspace}/events?${query}`);
    expect(reply.status, reply.text).toBe(200);
    expect(typeof reply.body.nextCursor).toBe("string");
    events.push(...reply.body.data);
    if (reply.body.data.length === 0) {
      if (cursor !== undefined) expect(reply.body.nextCursor, "an empty page keeps the cursor").toBe(cursor);
      return { events, cursor: reply.body.nextCursor };
    }
    cursor = reply.body.nextCursor;
  }
}

/** The audit log of `workspace`, oldest first (every page of it). */
export async function readAuditLog(workspace = "default"): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | undefined;
  do {
    const reply = await call("GET", `/v1/workspaces/${workspace}/audit-events?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    expect(reply.status, reply.text).toBe(200);
    events.push(...reply.body.data);
    cursor = reply.body.nextCursor ?? undefined;
  } while (cursor);
  return events.reverse();
}

/**
 * Never an event without its change, nor a change without its event: the feed holds exactly the
 * pipeline events of the audit log (the same ids, in the same order, saying the same), and each
 * pipeline's latest event carries it exactly as GET answers it now. Answers the feed.
 */
export async function expectFeedMatchesChanges(workspace = "default", context = ""): Promise<ChangeEvent[]> {
  const { events } = await readFeed(workspace);
  const audit = (await readAuditLog(workspace)).filter((event) => event.resource.type === "pipeline");
  const told = (event: ChangeEvent) => ({
    id: event.id,
    action: event.type,
    at: event.at,
    actor: event.actor,
    resource: event.resource,
    version: event.version,
    requestId: event.requestId,
  });
  expect(events.map(told), `${context}: the feed tells what the audit log does`).toEqual(audit);
  const seqs = events.map((event) => event.seq);
  expect(seqs, `${context}: seq grows`).toEqual([...new Set(seqs)].sort((a, b) => a - b));
  const pipelines = (await call("GET", `/v1/workspaces/${workspace}/pipelines?archived=all&limit=100`)).body.data as { id: string }[];
  for (const pipeline of pipelines) {
    const latest = events.filter((event) => event.resource.id === pipeline.id).at(-1);
    // Rows that no API write made (seeded under the database) have no event; every other pipeline's last one shows it as it is.
    if (latest) expect(latest.pipeline, `${context}: the latest event of ${pipeline.id}`).toEqual(pipeline);
  }
  for (const event of events) {
    const deleted = event.type === "pipeline.deleted";
    expect(event.pipeline === null, `${context}: ${event.type} ${event.id} carries the pipeline unless it is a delete`).toBe(deleted);
    if (event.pipeline) expect(event.pipeline.version).toBe(event.version);
  }
  return events;
}
