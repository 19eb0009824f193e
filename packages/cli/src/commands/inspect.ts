import { stringify } from "yaml";
import type { Io } from "../io.js";
import { resolvePipeline } from "../resolve.js";
import type { Target } from "../settings.js";

/** Prints `value` as JSON with --json, else the lines people read. */
function print(io: Io, json: boolean, value: unknown, lines: () => string[]): number {
  io.stdout(json ? `${JSON.stringify(value)}\n` : `${lines().join("\n")}\n`);
  return 0;
}

const table = (rows: string[][]): string[] => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd(),
  );
};

/** `list`: the workspace's pipelines, active ones unless `--archived` says `true` or `all`. */
export async function list(archived: "false" | "true" | "all", json: boolean, { client }: Target, io: Io): Promise<number> {
  const pipelines = await client.pipelines.list({ archived, limit: 100 }).all();
  return print(io, json, pipelines, () => [
    ...table([
      ["NAME", "ID", "VERSION", "STAGES", "UPDATED", ...(archived === "false" ? [] : ["ARCHIVED"])],
      ...pipelines.map((p) => [
        p.name,
        p.id,
        String(p.version),
        String(p.stages.length),
        p.updatedAt,
        ...(archived === "false" ? [] : [String(p.archived)]),
      ]),
    ]),
    `${pipelines.length} pipeline${pipelines.length === 1 ? "" : "s"}.`,
  ]);
}

/** `get <name|id>`: the whole pipeline, as YAML for people. */
export async function get(ref: string, json: boolean, { client }: Target, io: Io): Promise<number> {
  const pipeline = await resolvePipeline(client, ref);
  return print(io, json, pipeline, () => [stringify(pipeline).trimEnd()]);
}

/** `history <name|id>`: every kept revision, newest first. */
export async function history(ref: string, json: boolean, { client }: Target, io: Io): Promise<number> {
  const pipeline = await resolvePipeline(client, ref);
  const revisions = await client.pipelines.revisions(pipeline.id, { limit: 100 }).all();
  return print(io, json, revisions, () =>
    table([
      ["VERSION", "CHANGE", "AT", "ACTOR", "REQUEST"],
      ...revisions.map((r) => [
        String(r.version),
        r.change,
        r.changedAt,
        r.actor.id ? `${r.actor.type}:${r.actor.id}` : r.actor.type,
        r.requestId,
      ]),
    ]),
  );
}

/** `diff <name|id> <from> <to>`: the RFC 6902 operations between two versions. */
export async function diff(ref: string, from: number, to: number, json: boolean, { client }: Target, io: Io): Promise<number> {
  const pipeline = await resolvePipeline(client, ref);
  const result = await client.pipelines.diff(pipeline.id, from, to);
  return print(io, json, result, () =>
    result.operations.length === 0
      ? [`versions ${from} and ${to} of "${pipeline.name}" have the same content`]
      : result.operations.map((op) => `${op.op.padEnd(7)} ${op.path}${"value" in op ? ` ${JSON.stringify(op.value)}` : ""}`),
  );
}
