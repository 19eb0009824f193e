/// <reference path="./pg-client.d.ts" />
import type { Duplex } from "node:stream";
// node-postgres's client alone: its index adds the pool, which a Worker's one connection per
// request never uses, to the bundle every cold start evaluates.
import Client from "pg/lib/client.js";
import { CloudflareSocket } from "pg-cloudflare";
import type { WorkspaceCheck } from "../shared/key-check";
import { domainError } from "../shared/refusals";
import type { Freshness } from "../shared/request-storage";
import { type SQL, sql, toPostgres } from "../shared/sql";
import { workspaceCheckArgument } from "./key-check";

/**
 * A request's connection to PostgreSQL (through Hyperdrive in production): every call is ONE
 * statement, so one round trip (node-postgres sends parse, bind, execute and sync together),
 *
 *   SELECT (<payload>)::text AS result, registry_wal_position() AS token
 *   FROM registry_check_workspace(<the workspace check, or null>) AS workspace_check
 *
 * where the payload is a write function of functions/ or a read's rows as one JSON
 * array. The check (the workspace, and the API key if any) is a function scan, so it runs
 * before the payload, and its refusal aborts the statement (a write function included: one
 * statement is one transaction). The token is the WAL position, in the shape of a D1 bookmark
 * (see `toToken`).
 */
export interface PostgresCalls {
  /** One value as JSON: a write function's answer (`payload` is its call), or one expression such as a pipeline's projection. */
  value<T>(payload: SQL, id?: string): Promise<T>;
  /** The rows of a SELECT, as their JSON objects (members named by the columns' aliases). */
  rows<T>(query: SQL, id?: string): Promise<T[]>;
}

/** Calls that each check one workspace (and key) in their own statement. */
export interface CheckedCalls extends PostgresCalls {
  /** Whether a call (with its check) has been sent. */
  readonly sent: boolean;
  /** The check alone, in one call. */
  verify(): Promise<void>;
}

/** The connection's own calls check nothing (the operator's store, a ping); `checked` gives calls that check a workspace. */
export interface PostgresConnection extends PostgresCalls {
  /** Calls over this connection with `check` in each one's statement. */
  checked(check: WorkspaceCheck): CheckedCalls;
  /** The freshness after the last call: its WAL position, or "primary" when it failed; none before any call. */
  token(): Freshness | undefined;
  close(): Promise<void>;
}

/**
 * `16/B374D848` (the LSN's two halves in hex) as `00000016-b374d848-00000000-<32 zeros>`: the
 * shape clients already hold for D1, so the header keeps one pattern on both backends.
 */
export function toToken(position: string): string {
  const [high = "0", low = "0"] = position.split("/");
  return `${high.toLowerCase().padStart(8, "0")}-${low.toLowerCase().padStart(8, "0")}-00000000-${"0".repeat(32)}`;
}

/**
 * A node-postgres client on a Workers socket, given explicitly: node-postgres would otherwise
 * require pg-cloudflare itself, through an export condition that not every module loader
 * takes (the test pool's does not), and fall back to Node's `net`.
 */
export function postgresClient(connectionString: string): Client {
  const client = new Client({ connectionString, stream: () => new CloudflareSocket(false) as unknown as Duplex });
  // A failure reaches the caller through its query's rejection; the event repeats it, and the
  // Workers socket raises one more when its reader stops after close: nothing to add.
  client.on("error", () => {});
  return client;
}

export function postgresConnection(connectionString: string, onCall?: () => void): PostgresConnection {
  const client = postgresClient(connectionString);
  let connected: Promise<unknown> | undefined;
  let lastToken: Freshness | undefined;

  async function call(payload: SQL, id: string | undefined, workspace: WorkspaceCheck | undefined): Promise<unknown> {
    connected ??= client.connect();
    await connected;
    onCall?.();
    const check = workspaceCheckArgument(workspace);
    let result: { rows: { result: string | null; token: string }[] };
    try {
      result = await client.query<{ result: string | null; token: string }>(
        toPostgres(
          sql`SELECT (${payload})::text AS result, registry_wal_position() AS token FROM registry_check_workspace(${check}::json) AS workspace_check`,
        ),
      );
    } catch (error) {
      // A refused statement answers no position; the server it ran on, the primary, saw every commit.
      lastToken = "primary";
      throw domainError(error, id);
    }
    const [row] = result.rows;
    if (!row) throw new Error("PostgreSQL answered no row to a one-row statement");
    lastToken = { position: toToken(row.token) };
    // A function that returns void answers '' as text: no value, like NULL.
    return row.result === null || row.result === "" ? null : JSON.parse(row.result);
  }

  const calls = (check?: WorkspaceCheck): PostgresCalls => ({
    value: <T>(payload: SQL, id?: string) => call(payload, id, check) as Promise<T>,
    rows: <T>(query: SQL, id?: string) => call(sql`SELECT coalesce(json_agg(q), '[]'::json) FROM (${query}) q`, id, check) as Promise<T[]>,
  });

  return {
    ...calls(),
    checked(check) {
      const inner = calls(check);
      let sent = false;
      return {
        value: <T>(payload: SQL, id?: string) => {
          sent = true;
          return inner.value<T>(payload, id);
        },
        rows: <T>(query: SQL, id?: string) => {
          sent = true;
          return inner.rows<T>(query, id);
        },
        get sent() {
          return sent;
        },
        verify: async () => {
          sent = true;
          await inner.value(sql`NULL`);
        },
      };
    },
    token: () => lastToken,
    async close() {
      if (connected) await client.end();
    },
  };
}
