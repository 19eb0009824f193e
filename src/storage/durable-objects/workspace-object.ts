import { DurableObject } from "cloudflare:workers";
import { hasSchema, migrate } from "./migrations";
import { holdsWorkspace, runStatements } from "./object-sql";
import type { BatchAnswer, SentStatement, StatementAnswer, WorkspaceObjectCalls } from "./protocol";

/** Keys of the object's own bookkeeping, in its synchronous key-value store (beside the SQL tables). */
const POSITION = "position";
const DESTROYED = "destroyed";

/** Thrown inside a transaction to roll back a call to an object that holds no workspace, once its answers are kept. */
const NOTHING_KEPT = Symbol("nothing kept");

/**
 * One workspace's data, in the object's own SQLite database (the schema D1 has, from the same
 * migrations): the `WORKSPACES` binding's class, one object per workspace, named by its id.
 * Every call of the Worker is one `batch`: D1's statements, run as one transaction, so the
 * workspace and key check at the head of a write aborts it whole, as on D1. An object whose
 * workspace was never created (or was deleted) answers as a database without it would, and
 * keeps nothing: a path naming no workspace leaves no database behind.
 */
export class WorkspaceObject extends DurableObject implements WorkspaceObjectCalls {
  /** Whether this wake has brought the schema up to date (the first call of each wake does). */
  #ready = false;
  /** Committed write round trips: the object's position, which consistency tokens carry. */
  #position = 0;

  async batch(workspace: string, statements: SentStatement[]): Promise<BatchAnswer> {
    if (!this.#ready) await this.ctx.blockConcurrencyWhile(async () => this.#wake(workspace));
    const { sql, kv } = this.ctx.storage;
    try {
      const results = hasSchema(sql)
        ? this.ctx.storage.transactionSync(() => {
            const answers = runStatements(sql, statements);
            if (answers.some((answer) => answer.rowsWritten > 0)) kv.put(POSITION, ++this.#position);
            return answers;
          })
        : this.#answerWithoutKeeping(workspace, statements);
      return { results, position: String(this.#position) };
    } catch (error) {
      if (error instanceof Error) return { failed: error.message };
      throw error;
    }
  }

  async destroy(_workspace: string): Promise<void> {
    // Nothing runs in the object meanwhile: no call sees half of the deletion.
    await this.ctx.blockConcurrencyWhile(async () => {
      await this.ctx.storage.deleteAll();
      this.ctx.storage.kv.put(DESTROYED, true);
      this.#position = 0;
      this.#ready = true;
    });
  }

  /** On the first call of a wake: an object at an older schema version is upgraded before any call runs. */
  #wake(workspace: string) {
    const { sql, kv } = this.ctx.storage;
    this.#position = kv.get<number>(POSITION) ?? 0;
    if (hasSchema(sql)) this.ctx.storage.transactionSync(() => migrate(sql, workspace, false));
    this.#ready = true;
  }

  /**
   * A call to an object with no schema: the schema is made and the call run in one transaction,
   * kept only if the workspace's row is there at the end (the call created it); otherwise rolled
   * back, so a read of a workspace that does not exist answers as on D1 and stores nothing.
   */
  #answerWithoutKeeping(workspace: string, statements: SentStatement[]): StatementAnswer[] {
    const { sql, kv } = this.ctx.storage;
    let answers: StatementAnswer[] = [];
    try {
      this.ctx.storage.transactionSync(() => {
        migrate(sql, workspace, kv.get(DESTROYED) === undefined);
        answers = runStatements(sql, statements);
        if (!holdsWorkspace(sql, workspace)) throw NOTHING_KEPT;
        kv.delete(DESTROYED);
        kv.put(POSITION, ++this.#position);
      });
    } catch (error) {
      if (error !== NOTHING_KEPT) throw error;
    }
    return answers;
  }
}
