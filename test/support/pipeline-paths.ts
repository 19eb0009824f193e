/**
 * Where the pipeline routes live, for the tests that import it: the one line to change when
 * the routes move (under a workspace, say).
 */
export const pipelinesBase = "/v1/pipelines";

/** One pipeline's path, or a path under it (`/archive`, `/rollback`). */
export const pipelinePath = (id: string, tail = "") => `${pipelinesBase}/${id}${tail}`;
