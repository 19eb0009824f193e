import { Pages } from "./pages.js";
import type { Call, QueryValue, Transport } from "./transport.js";
import type {
  Diff,
  NewPipeline,
  Pipeline,
  PipelineCountQuery,
  PipelinePatch,
  PipelineQuery,
  PipelineReplacement,
  Revision,
  RevisionSummary,
} from "./types.js";

/** A conditional write: sent with `If-Match` of that version, it is refused with a 412 if the pipeline has moved on. */
export interface Conditional {
  ifMatch?: number;
}

export interface CreateOptions {
  /** The `Idempotency-Key`; a random one unless given, reused by every retry of the call. */
  idempotencyKey?: string;
}

export interface PageOptions {
  /** Items per page, 1 to 100. */
  limit?: number;
}

const conditional = (options: Conditional = {}): Record<string, string> =>
  options.ifMatch === undefined ? {} : { "If-Match": `"${options.ifMatch}"` };

/** The pipelines of the client's workspace (`/v1/workspaces/{workspace}/pipelines`). */
export class PipelinesApi {
  constructor(private readonly transport: Transport) {}

  private path(id?: string, rest = ""): string {
    return this.transport.inWorkspace(`/pipelines${id === undefined ? "" : `/${encodeURIComponent(id)}`}${rest}`);
  }

  private pages<T>(path: string, query: Record<string, QueryValue>): Pages<T> {
    return new Pages<T>((cursor) => this.transport.json({ method: "GET", path, query: { ...query, cursor } }));
  }

  /** The pipelines that match, a page at a time: `for await (const page of client.pipelines.list({ sort: "name" }))`. */
  list(query: PipelineQuery & PageOptions = {}): Pages<Pipeline> {
    return this.pages(this.path(), { ...query });
  }

  async count(query: PipelineCountQuery = {}): Promise<number> {
    return (await this.transport.json<{ count: number }>({ method: "GET", path: this.path("count"), query: { ...query } })).count;
  }

  /** One pipeline, archived or not. */
  get(id: string): Promise<Pipeline> {
    return this.transport.json({ method: "GET", path: this.path(id) });
  }

  /** Creates a pipeline under an `Idempotency-Key`, so a retried create never makes two. */
  create(body: NewPipeline, options: CreateOptions = {}): Promise<Pipeline> {
    const key = options.idempotencyKey ?? crypto.randomUUID();
    return this.transport.json({ method: "POST", path: this.path(), body, headers: { "Idempotency-Key": key } });
  }

  replace(id: string, body: PipelineReplacement, options?: Conditional): Promise<Pipeline> {
    return this.transport.json({ method: "PUT", path: this.path(id), body, headers: conditional(options) });
  }

  patch(id: string, body: PipelinePatch, options?: Conditional): Promise<Pipeline> {
    return this.transport.json({ method: "PATCH", path: this.path(id), body, headers: conditional(options) });
  }

  async delete(id: string, options?: Conditional): Promise<void> {
    const call: Call = { method: "DELETE", path: this.path(id), headers: conditional(options) };
    await (await this.transport.call(call)).body?.cancel();
  }

  archive(id: string, options?: Conditional): Promise<Pipeline> {
    return this.transport.json({ method: "POST", path: this.path(id, "/archive"), headers: conditional(options) });
  }

  restore(id: string, options?: Conditional): Promise<Pipeline> {
    return this.transport.json({ method: "POST", path: this.path(id, "/restore"), headers: conditional(options) });
  }

  /** The pipeline's history, newest first, a page at a time. */
  revisions(id: string, options: PageOptions = {}): Pages<RevisionSummary> {
    return this.pages(this.path(id, "/revisions"), { ...options });
  }

  /** The pipeline exactly as it was at that version. */
  revision(id: string, version: number): Promise<Revision> {
    return this.transport.json({ method: "GET", path: this.path(id, `/revisions/${version}`) });
  }

  /** What changed between two versions, as RFC 6902 operations. */
  diff(id: string, from: number, to: number): Promise<Diff> {
    return this.transport.json({ method: "GET", path: this.path(id, "/diff"), query: { from, to } });
  }

  /** A new version whose content is that of `version`. */
  rollback(id: string, version: number, options?: Conditional): Promise<Pipeline> {
    return this.transport.json({ method: "POST", path: this.path(id, "/rollback"), body: { version }, headers: conditional(options) });
  }
}
