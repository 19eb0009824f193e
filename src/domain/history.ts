import type { Pipeline } from "./pipeline";

/** docs/history.md: who changed what, kept in the same atomic write as the change. */

export type ActorType = "admin" | "apiKey" | "system";

/** Who made a change: the admin token, an API key (its id), or the system (the archive job). */
export interface Actor {
  type: ActorType;
  /** The API key's id; null for the admin token and the system. */
  id: string | null;
}

/** What every write records beside the change itself. */
export interface WriteContext {
  actor: Actor;
  requestId: string;
}

export const SYSTEM: Actor = { type: "system", id: null };

/** The context of writes no request made (the repository used directly, as in tests and tools). */
export const INTERNAL_WRITE: WriteContext = { actor: SYSTEM, requestId: "internal" };

export const CHANGES = ["created", "replaced", "patched", "archived", "restored", "rolledBack"] as const;
export type Change = (typeof CHANGES)[number];

/** A revision as listed: everything but the pipeline itself. */
export interface RevisionSummary {
  pipelineId: string;
  version: number;
  change: Change;
  actor: Actor;
  requestId: string;
  changedAt: string;
}

export interface Revision extends RevisionSummary {
  /** The pipeline exactly as `GET /v1/workspaces/{workspace}/pipelines/{id}` answered at this version. */
  pipeline: Pipeline;
}

/** What changes a pipeline: each is an audit action and a change event's type (./events.ts). */
export const PIPELINE_ACTIONS = [
  "pipeline.created",
  "pipeline.replaced",
  "pipeline.patched",
  "pipeline.archived",
  "pipeline.restored",
  "pipeline.rolledBack",
  "pipeline.deleted",
  "pipeline.metricsRecorded",
] as const;

/** What changes a webhook endpoint: audit actions only, never change events (those are the pipelines'). */
export const WEBHOOK_ACTIONS = ["webhook.created", "webhook.updated", "webhook.deleted", "webhook.disabled"] as const;

export const AUDIT_ACTIONS = [...PIPELINE_ACTIONS, "apiKey.created", "apiKey.revoked", "archiveRun.finished", ...WEBHOOK_ACTIONS] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const RESOURCE_TYPES = ["pipeline", "apiKey", "archiveRun", "webhook"] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface AuditEvent {
  id: string;
  at: string;
  action: AuditAction;
  actor: Actor;
  resource: { type: ResourceType; id: string };
  /** The pipeline's version after the change; null for other resources and for a delete. */
  version: number | null;
  requestId: string;
}

export interface AuditFilter {
  resourceId?: string;
  action?: AuditAction;
  actorId?: string;
}

export interface AuditQuery extends AuditFilter {
  limit: number;
  /** Keyset paging: events committed before this position (newest first). */
  before?: number;
}

/** Events newest first; `next` is the position the next page starts before, or null. */
export interface AuditPage {
  items: AuditEvent[];
  next: number | null;
}

export interface RevisionQuery {
  limit: number;
  /** Keyset paging: versions below this one (newest first). */
  before?: number;
}

export interface RevisionPage {
  items: RevisionSummary[];
  next: number | null;
}

export const HISTORY_DEFAULTS = { revisionsKeep: 100, auditRetentionDays: 365 } as const;
