import { cursorExpired } from "./errors";
import { type Actor, PIPELINE_ACTIONS } from "./history";
import type { Pipeline } from "./pipeline";

/**
 * Change events (docs/events.md): whatever changes a workspace's pipelines is also published as
 * a change event, made in the same atomic write as the change and its audit event (whose id it
 * shares), and read in commit order from the pull feed.
 */

export const CHANGE_EVENT_TYPES = PIPELINE_ACTIONS;
export type ChangeEventType = (typeof CHANGE_EVENT_TYPES)[number];

export interface ChangeEvent {
  /** The event's id: the id of the audit event of the same change. */
  id: string;
  /** The event's position in its workspace's feed: it only grows, in the order the changes committed (with gaps). */
  seq: number;
  type: ChangeEventType;
  at: string;
  actor: Actor;
  requestId: string;
  resource: { type: "pipeline"; id: string };
  /** The pipeline's version after the change; null after a delete. */
  version: number | null;
  /** The pipeline as `GET /pipelines/{id}` answers it after the change; null after a delete. */
  pipeline: Pipeline | null;
}

export interface ChangeEventFilter {
  type?: ChangeEventType;
  resourceId?: string;
}

export interface ChangeEventQuery extends ChangeEventFilter {
  /**
   * The position to list after (the seq of the last event a consumer saw, or a position with no
   * event); left out, the feed starts at the oldest event kept. A position older than what is
   * kept is a CursorExpiredError.
   */
  after?: number;
  limit: number;
}

/** Events oldest first; `next` is where the next call starts: after the last event listed, or the position started from. */
export interface ChangeEventPage {
  items: ChangeEvent[];
  next: number;
}

/**
 * What a feed page is, from the events after the position it starts from and the highest seq
 * retention pruned (0 when none was): the one rule of every backend. Events at or below
 * `prunedThrough` are never listed, and a position below it has missed some of them.
 */
export function feedPage(items: ChangeEvent[], after: number | undefined, prunedThrough: number): ChangeEventPage {
  if (after !== undefined && after < prunedThrough) throw cursorExpired();
  return { items, next: items.at(-1)?.seq ?? Math.max(after ?? 0, prunedThrough) };
}

/** `GET /events?wait=`: the longest wait, and how often a waiting request looks for a new event. */
export const FEED_WAIT = { maxSeconds: 30, pollMs: 500 } as const;
