import type { components } from "../packages/client/src/generated/api";

/** The API's shapes, from the OpenAPI document's schemas (the client package's generated types): the contract is their one source. */
type Schemas = components["schemas"];

/** The API's problem, or one the console words alike for a failure that never reached the API (no request id then). */
export type Problem = Pick<Schemas["Problem"], "title" | "status"> & Partial<Omit<Schemas["Problem"], "title" | "status">>;
export type Workspace = Schemas["Workspace"];
export type Pipeline = Schemas["Pipeline"];
export type Stage = Schemas["Stage"];
export type Actor = Schemas["Actor"];
export type Revision = Schemas["RevisionSummary"];
export type RevisionWithPipeline = Schemas["Revision"];
export type Diff = Schemas["Diff"];
export type Metrics = Schemas["Metrics"];
export type AuditEvent = Schemas["AuditEvent"];
export type Webhook = Schemas["Webhook"];
export type WebhookWithLastDelivery = Schemas["WebhookWithLastDelivery"];
export type WebhookDelivery = Schemas["WebhookDelivery"];

/** A page of any list: its items and the cursor of the next page (null on the last). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
