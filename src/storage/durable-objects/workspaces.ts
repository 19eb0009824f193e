import type { DeletionProgress, WorkspaceStore } from "../../domain/storage";
import type { WorkspaceQuery } from "../../domain/workspace";
import { INSERT_GUARD, reason } from "../d1/guard";
import { prepare } from "../d1/statement";
import { d1Workspaces } from "../d1/workspaces";
import { domainError } from "../shared/refusals";
import { sql } from "../shared/sql";
import type { WorkspaceObjects } from "./objects";

/** Workspaces of the directory asked at once whether they hold work (one call to each object). */
const PAGE = 100;

/**
 * The workspaces on Durable Objects: the directory is the D1 database's `workspaces` table (the
 * operator's list, paged), each workspace's data its object. The order of every change keeps a
 * workspace's object live only while the directory has its row: a create writes the row first
 * and then the object's own; a deletion marks the row first (a deletion the archive job finishes
 * if this one fails), deletes the object, and removes the row last. A failure between two steps
 * leaves a row whose object is gone or not yet made: listed, answering 404, and cleared by
 * DELETE; never an object that nothing lists.
 */
export function objectWorkspaces(directory: D1Database, objects: WorkspaceObjects): WorkspaceStore {
  const rows = d1Workspaces(directory);
  const liveIds = async (query: WorkspaceQuery) => (await rows.list(query)).items.map((workspace) => workspace.id);

  /** Every live workspace of the directory after `after`, a page at a time, each asked `ask` at once. */
  async function* askEvery<T>(ask: (id: string) => Promise<T>, after?: string): AsyncGenerator<{ id: string; answer: T }> {
    for (let ids = await liveIds({ limit: PAGE, after }); ids.length > 0; ids = await liveIds({ limit: PAGE, after: ids.at(-1) })) {
      const answers = await Promise.all(ids.map(async (id) => ({ id, answer: await ask(id) })));
      yield* answers;
      if (ids.length < PAGE) return;
    }
  }

  /** Up to `limit` live workspaces after `after` whose object answers `ask` with something. */
  async function having(ask: (id: string) => Promise<string[]>, { limit, after }: WorkspaceQuery): Promise<string[]> {
    const found: string[] = [];
    for await (const { id, answer } of askEvery(ask, after)) {
      if (answer.length > 0) found.push(id);
      if (found.length === limit) break;
    }
    return found;
  }

  return {
    async create(input, now) {
      const workspace = await rows.create(input, now);
      await d1Workspaces(objects.database(workspace.id)).create(input, now);
      return workspace;
    },

    list: (query) => rows.list(query),

    async deleteStep(id, now): Promise<DeletionProgress> {
      try {
        await directory.batch([
          prepare(
            directory,
            sql`${INSERT_GUARD} SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM workspaces WHERE id = ${id}) THEN ${reason("workspace_missing")} END`,
          ),
          prepare(directory, sql`UPDATE workspaces SET deleted_at = ${now.getTime()} WHERE id = ${id} AND deleted_at IS NULL`),
        ]);
      } catch (error) {
        throw domainError(error);
      }
      // One step: the object deletes all it stores at once, whatever its size.
      await objects.destroy(id);
      await prepare(directory, sql`DELETE FROM workspaces WHERE id = ${id}`).run();
      return "deleted";
    },

    unfinishedDeletions: (limit) => rows.unfinishedDeletions(limit),

    withStalePipelines: (cutoff, query) =>
      having((id) => d1Workspaces(objects.database(id)).withStalePipelines(cutoff, { limit: 1 }), query),

    withUnsentWebhooks: (cutoff, query) =>
      having((id) => d1Workspaces(objects.database(id)).withUnsentWebhooks(cutoff, { limit: 1 }), query),

    async pruneAuditEvents(cutoff) {
      for await (const _ of askEvery((id) => d1Workspaces(objects.database(id)).pruneAuditEvents(cutoff))) {
        // Each object prunes its own; nothing to collect.
      }
    },
  };
}
