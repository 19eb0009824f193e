import type { OpenOptions, RequestStorage } from "../shared/request-storage";

// Placeholder while the PostgreSQL backend gains workspaces (replaced before this branch lands).
export function openPostgresStorage(_hyperdrive: { connectionString: string }, _options: OpenOptions): RequestStorage {
  throw new Error("PostgreSQL backend: workspaces not yet merged");
}
