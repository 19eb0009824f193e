import * as v from "valibot";
import { CHANGE_EVENT_TYPES } from "./events";
import { jsonObject } from "./json-schemas";
import { MAX_WEBHOOK_URL_LENGTH } from "./webhook-url";

/**
 * Webhook endpoints (docs/webhooks.md): a workspace's change events pushed to a URL, signed as
 * Standard Webhooks v1 asks, at least once, retried with growing delays, and the endpoint
 * disabled when its receiver answers 410 or fails every attempt for three days.
 */

export const WEBHOOK_TYPES = [...CHANGE_EVENT_TYPES, "pipeline.*"] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];
export const WEBHOOK_STATUSES = ["enabled", "disabled"] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];
export const DELIVERY_STATUSES = ["succeeded", "failed", "pending"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const PING_TYPE = "webhook.ping";

/** Endpoints a workspace may hold: each one is an outbox row for every change, so their number bounds a write's fan-out. */
export const MAX_WEBHOOKS = 20;

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Event types delivered (`pipeline.*` for all of them); empty: every type. */
  types: WebhookType[];
  description: string | null;
  status: WebhookStatus;
  createdAt: string;
  /** Why the endpoint was disabled by a delivery (`gone`: a 410; `failing`: three days of failures); absent when enabled or disabled by hand. */
  disabledReason?: string;
  /** Since when every attempt has failed; absent after a success. */
  failingSince?: string;
}

/** One attempt to deliver one event to one endpoint. */
export interface WebhookDelivery {
  id: string;
  eventId: string;
  attempt: number;
  /** `pending`: this attempt failed and another follows; `failed`: none does. */
  status: DeliveryStatus;
  responseStatus: number | null;
  durationMs: number | null;
  at: string;
  error?: string;
}

/** The one time an endpoint's secret is shown: its creation, and each rotation. */
export interface CreatedWebhook extends WebhookEndpoint {
  secret: string;
}

const description = v.pipe(v.string(), v.maxLength(500, "description is at most 500 characters"));
const types = v.pipe(
  v.array(v.picklist(WEBHOOK_TYPES, `types are ${WEBHOOK_TYPES.join(", ")}`)),
  v.maxLength(WEBHOOK_TYPES.length, `at most ${WEBHOOK_TYPES.length} types`),
  v.check((list) => new Set(list).size === list.length, "each type once"),
  v.metadata({ uniqueItems: true }),
);
// The URL's own rules (./webhook-url.ts) depend on a setting, so they are judged after the schema.
const url = v.pipe(v.string("url is a string"), v.maxLength(MAX_WEBHOOK_URL_LENGTH, `url is at most ${MAX_WEBHOOK_URL_LENGTH} characters`));

export const NewWebhookSchema = jsonObject({ url, types: v.optional(types), description: v.optional(description) });
export type NewWebhook = v.InferOutput<typeof NewWebhookSchema>;

export const WebhookPatchSchema = jsonObject({
  url: v.optional(url),
  types: v.optional(types),
  description: v.optional(v.nullable(description)),
  status: v.optional(v.picklist(WEBHOOK_STATUSES, "status is enabled or disabled")),
});
export type WebhookPatch = v.InferOutput<typeof WebhookPatchSchema>;

/** Whether an endpoint that takes `types` gets events of `type`. */
export const takesType = (types: readonly string[], type: string) =>
  type === PING_TYPE || types.length === 0 || types.includes(type) || (type.startsWith("pipeline.") && types.includes("pipeline.*"));

/** `whsec_` and the base64 of 32 random bytes, as Standard Webhooks' libraries read a secret. */
export function mintWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** How long the secret before a rotation still signs deliveries. */
export const PREVIOUS_SECRET_HOURS = 24;

/**
 * The delay before each retry, in seconds: the first attempt at once, then after a minute, five
 * minutes, half an hour, two hours, six hours and every twelve hours (a queue's longest delay)
 * until about three and a half days have passed: twelve attempts in all.
 */
export const RETRY_DELAYS_SECONDS = [60, 300, 1800, 7200, 21_600, 43_200, 43_200, 43_200, 43_200, 43_200, 43_200] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** The delay before the attempt after `attempt` (1 for the first), or null when that was the last. */
export const retryDelay = (attempt: number): number | null => RETRY_DELAYS_SECONDS[attempt - 1] ?? null;

/** An endpoint whose every attempt has failed this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3600 * 1000;

/** Delivery timeout, and how much of a response is read (enough for an error message). */
export const DELIVERY_TIMEOUT_MS = 10_000;
export const RESPONSE_READ_BYTES = 4096;

/** What one attempt came to. */
export interface AttemptOutcome {
  responseStatus: number | null;
  durationMs: number | null;
  error?: string;
}

/** An attempt succeeded on a 2xx; a 410 asks never to be called again. */
export const succeeded = (outcome: AttemptOutcome) =>
  outcome.responseStatus !== null && outcome.responseStatus >= 200 && outcome.responseStatus < 300;

/**
 * What an attempt leads to: the delivery's status, and whether the endpoint is disabled with it
 * (`gone` at once on a 410; `failing` when every attempt since `failingSince` has failed for three days).
 */
export function judgeAttempt(
  outcome: AttemptOutcome,
  attempt: number,
  failingSince: number | null,
  now: number,
): { status: DeliveryStatus; disable?: "gone" | "failing"; retryAfter: number | null } {
  if (succeeded(outcome)) return { status: "succeeded", retryAfter: null };
  if (outcome.responseStatus === 410) return { status: "failed", disable: "gone", retryAfter: null };
  const failingFor = now - (failingSince ?? now);
  if (failingFor >= DISABLE_AFTER_FAILING_MS) return { status: "failed", disable: "failing", retryAfter: null };
  const delay = retryDelay(attempt);
  return delay === null ? { status: "failed", retryAfter: null } : { status: "pending", retryAfter: delay };
}
