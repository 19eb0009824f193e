import * as v from "valibot";
import { DELIVERY_STATUSES, NewWebhookSchema, WEBHOOK_STATUSES, WEBHOOK_TYPES, WebhookPatchSchema } from "../../domain/webhook";
import { named } from "../openapi/named";
import { EXAMPLE, ResponseIdSchema, TimestampSchema } from "../shared/schemas";

/** The bodies of /v1/workspaces/{workspace}/webhooks, named for the document with their examples: the secret appears only in the answers to a creation and a rotation. */

const webhookId = "01JD45F6G7H8J9K0M1N2P3Q4R5";
const eventId = "01JD44E5F6G7H8J9K0M1N2P3Q4";
const url = "https://ci.example.com/hooks/pipelines";

export const NewWebhookBody = named("NewWebhook", NewWebhookSchema, { url, types: ["pipeline.*"], description: "CI runner" });
export const WebhookPatchBody = named("WebhookPatch", WebhookPatchSchema, { status: "enabled" });

const endpoint = {
  id: ResponseIdSchema,
  url: v.string(),
  types: v.pipe(v.array(v.picklist(WEBHOOK_TYPES)), v.description("Event types delivered; empty: every type")),
  description: v.nullable(v.string()),
  status: v.picklist(WEBHOOK_STATUSES),
  createdAt: TimestampSchema,
  disabledReason: v.optional(v.pipe(v.string(), v.description("`gone` (the receiver answered 410) or `failing` (three days of failures)"))),
  failingSince: v.optional(v.pipe(TimestampSchema, v.description("Since when every attempt has failed"))),
};
const example = { id: webhookId, url, types: ["pipeline.*"], description: "CI runner", status: "enabled", createdAt: EXAMPLE.at } as const;

export const DeliverySchema = named(
  "WebhookDelivery",
  v.object({
    id: ResponseIdSchema,
    eventId: v.pipe(v.string(), v.description("The event's id, sent as `webhook-id` on every attempt")),
    attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
    status: v.pipe(v.picklist(DELIVERY_STATUSES), v.description("`pending`: this attempt failed and another follows")),
    responseStatus: v.nullable(v.pipe(v.number(), v.integer())),
    durationMs: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
    at: TimestampSchema,
    error: v.optional(v.string()),
  }),
  { id: "01JD46G7H8J9K0M1N2P3Q4R5S6", eventId, attempt: 1, status: "succeeded", responseStatus: 204, durationMs: 87, at: EXAMPLE.later },
);

export const WebhookSchema = named("Webhook", v.object(endpoint), example);

export const WebhookWithDeliverySchema = named(
  "WebhookWithLastDelivery",
  v.object({ ...endpoint, lastDelivery: v.nullable(DeliverySchema) }),
  { ...example, lastDelivery: null },
);

const secret = v.pipe(
  v.string(),
  v.regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/),
  v.description("`whsec_` and the base64 of 32 random bytes: shown only here"),
);
export const CreatedWebhookSchema = named("CreatedWebhook", v.object({ ...endpoint, secret }), {
  ...example,
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw3Q4T3nT3aXo=",
});

export const WebhookPageSchema = named("WebhookPage", v.object({ data: v.array(WebhookSchema), nextCursor: v.nullable(v.string()) }), {
  data: [example],
  nextCursor: null,
});

export const DeliveryPageSchema = named(
  "WebhookDeliveryPage",
  v.object({ data: v.array(DeliverySchema), nextCursor: v.nullable(v.string()) }),
  {
    data: [
      {
        id: "01JD46G7H8J9K0M1N2P3Q4R5S6",
        eventId,
        attempt: 1,
        status: "succeeded",
        responseStatus: 204,
        durationMs: 87,
        at: EXAMPLE.later,
      },
    ],
    nextCursor: null,
  },
);

export const PingSchema = named(
  "WebhookPing",
  v.object({ eventId: v.pipe(v.string(), v.description("The ping's id: its `webhook-id`, and the `eventId` of its deliveries")) }),
  { eventId },
);
