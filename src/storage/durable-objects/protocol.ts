/**
 * What passes between the Worker and a workspace's object (src/storage/durable-objects/): a
 * round trip is one RPC call carrying D1's statements as text and values, and answering each
 * statement's columns and rows as arrays, so two result columns named alike survive the trip.
 */

/** A value SQLite stores; booleans go as 0 and 1, as D1 binds them. */
export type SqlValue = string | number | null | ArrayBuffer;

/** One statement of a round trip: `?` placeholders and their values. */
export interface SentStatement {
  sql: string;
  params: SqlValue[];
}

/** One statement's answer. */
export interface StatementAnswer {
  columns: string[];
  rows: SqlValue[][];
  rowsRead: number;
  rowsWritten: number;
}

/**
 * A round trip's answer: each statement's and the object's position after it, or the message of
 * the statement that failed (a guard's `guard:<reason>`, a constraint), everything rolled back.
 * A refusal is an answer, not an exception: it is how the API says 404 or 409.
 */
export type BatchAnswer = { results: StatementAnswer[]; position: string } | { failed: string };

/** What the Worker calls on a workspace's object: the RPC surface of `WorkspaceObject`. */
export interface WorkspaceObjectCalls {
  /** Runs `statements` in order as one transaction; `workspace` is the object's own name. */
  batch(workspace: string, statements: SentStatement[]): Promise<BatchAnswer>;
  /** Makes the workspace unreachable at once, then deletes everything the object stores. */
  destroy(workspace: string): Promise<void>;
}
