/** Where the pipeline routes of the workspace `default` live, for the tests that run in it. */
export const pipelinesBase = "/v1/workspaces/default/pipelines";

/** One pipeline's path, or a path under it (`/archive`, `/rollback`). */
export const pipelinePath = (id: string, tail = "") => `${pipelinesBase}/${id}${tail}`;
