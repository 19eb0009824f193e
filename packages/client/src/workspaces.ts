import { Pages } from "./pages.js";
import type { Transport } from "./transport.js";
import type { NewWorkspace, Workspace, WorkspaceWithCount } from "./types.js";

/** Workspaces (`/v1/workspaces`): creating, listing and deleting them takes the operator token. */
export class WorkspacesApi {
  constructor(private readonly transport: Transport) {}

  /** One workspace with its pipeline count; the client's own unless named. */
  get(id: string = this.transport.workspace): Promise<WorkspaceWithCount> {
    return this.transport.json({ method: "GET", path: `/v1/workspaces/${encodeURIComponent(id)}` });
  }

  list(options: { limit?: number } = {}): Pages<Workspace> {
    return new Pages((cursor) => this.transport.json({ method: "GET", path: "/v1/workspaces", query: { ...options, cursor } }));
  }

  create(body: NewWorkspace): Promise<Workspace> {
    return this.transport.json({ method: "POST", path: "/v1/workspaces", body });
  }

  async delete(id: string): Promise<void> {
    await (await this.transport.call({ method: "DELETE", path: `/v1/workspaces/${encodeURIComponent(id)}` })).body?.cancel();
  }
}
