import type { Io } from "../io.js";
import { resolvePipeline } from "../resolve.js";
import type { Target } from "../settings.js";

const done = (io: Io, json: boolean, pipeline: { name: string; id: string; version: number }, what: string) => {
  io.stdout(json ? `${JSON.stringify(pipeline)}\n` : `${what} "${pipeline.name}" (${pipeline.id}): now version ${pipeline.version}.\n`);
  return 0;
};

/** `rollback <name|id> <version>`: a new version with that revision's content, conditional on the version just read. */
export async function rollback(ref: string, version: number, json: boolean, { client }: Target, io: Io): Promise<number> {
  const pipeline = await resolvePipeline(client, ref);
  const result = await client.pipelines.rollback(pipeline.id, version, { ifMatch: pipeline.version });
  return done(io, json, result, `Rolled back to version ${version}:`);
}

export async function archive(ref: string, json: boolean, { client }: Target, io: Io): Promise<number> {
  const pipeline = await resolvePipeline(client, ref);
  return done(io, json, await client.pipelines.archive(pipeline.id, { ifMatch: pipeline.version }), "Archived");
}

export async function restore(ref: string, json: boolean, { client }: Target, io: Io): Promise<number> {
  const pipeline = await resolvePipeline(client, ref, true);
  return done(io, json, await client.pipelines.restore(pipeline.id, { ifMatch: pipeline.version }), "Restored");
}
