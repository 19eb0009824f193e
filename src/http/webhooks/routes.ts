import { MAX_WEBHOOKS } from "../../domain/webhook";
import { param } from "../openapi/parameters";
import { bodyErrors, conflictError, empty, itemErrors, json, notFoundError, readErrors } from "../openapi/responses";
import { resource, route } from "../route";
import * as handle from "./handlers";
import {
  CreatedWebhookSchema,
  DeliveryPageSchema,
  NewWebhookBody,
  PingSchema,
  WebhookPageSchema,
  WebhookPatchBody,
  WebhookSchema,
  WebhookWithDeliverySchema,
} from "./schemas";

/** /v1/workspaces/{workspace}/webhooks (admin only): each route's operation, scope, body, responses and handler (handlers.ts). */

const tags = ["Webhooks"];
const CAP = `A workspace holds at most ${MAX_WEBHOOKS} endpoints: one more is a 409 (\`conflict/quota-exceeded\`) that writes nothing; delete one first.`;
const capError = { 409: { ...conflictError[409], description: CAP } };
const URL_RULES =
  "The URL is `https://`, at most 2048 characters, with no user info and no IP address literal of a loopback, private, link-local, unique-local or unspecified range (a 400 naming `/url`).";

export const webhookRoutes = resource(
  route({
    method: "post",
    path: "/",
    operation: {
      tags,
      operationId: "createWebhook",
      summary: "Register a webhook endpoint",
      description: `Change events of the given types (all when left out; \`pipeline.*\` for every pipeline event) are POSTed to the URL, signed as Standard Webhooks v1 asks. ${URL_RULES} The answer is the only time the secret is shown, with rotate-secret's. ${CAP}`,
    },
    scope: "admin",
    body: { schema: NewWebhookBody },
    responses: { 201: json("The endpoint, with its secret shown once.", CreatedWebhookSchema), ...bodyErrors, ...capError },
    handler: handle.create,
  }),
  route({
    method: "get",
    path: "/",
    operation: {
      tags,
      operationId: "listWebhooks",
      summary: "List webhook endpoints, newest first (never their secrets)",
      parameters: [param("limit"), param("cursor")],
    },
    scope: "admin",
    responses: { 200: json("A page of endpoints.", WebhookPageSchema, ["Link"]), ...readErrors },
    handler: handle.list,
  }),
  route({
    method: "get",
    path: "/:id",
    operation: {
      tags,
      operationId: "getWebhook",
      summary: "A webhook endpoint, with its last delivery attempt",
      parameters: [param("id")],
    },
    scope: "admin",
    responses: { 200: json("The endpoint.", WebhookWithDeliverySchema), ...itemErrors },
    handler: handle.get,
  }),
  route({
    method: "patch",
    path: "/:id",
    operation: {
      tags,
      operationId: "patchWebhook",
      summary: "Change a webhook endpoint's URL, types, description or status",
      description: `${URL_RULES} Enabling an endpoint that deliveries disabled forgets why and its failures.`,
      parameters: [param("id")],
    },
    scope: "admin",
    body: { schema: WebhookPatchBody, mediaTypes: ["application/merge-patch+json", "application/json"] },
    responses: { 200: json("The endpoint as it now is.", WebhookSchema), ...bodyErrors, ...notFoundError },
    handler: handle.patch,
  }),
  route({
    method: "delete",
    path: "/:id",
    operation: {
      tags,
      operationId: "deleteWebhook",
      summary: "Delete a webhook endpoint; no further deliveries start",
      parameters: [param("id")],
    },
    scope: "admin",
    responses: { 204: empty("Deleted, with its deliveries."), ...itemErrors },
    handler: handle.remove,
  }),
  route({
    method: "post",
    path: "/:id/rotate-secret",
    operation: {
      tags,
      operationId: "rotateWebhookSecret",
      summary: "A new secret for a webhook endpoint",
      description: "Deliveries are signed with both the new and the old secret for 24 hours, then with the new one alone.",
      parameters: [param("id")],
    },
    scope: "admin",
    responses: { 200: json("The endpoint, with its new secret shown once.", CreatedWebhookSchema), ...itemErrors },
    handler: handle.rotateSecret,
  }),
  route({
    method: "post",
    path: "/:id/ping",
    operation: {
      tags,
      operationId: "pingWebhook",
      summary: "Send a webhook.ping event to the endpoint at once",
      description: "The ping is delivered, signed and retried as any event; its attempts are in the endpoint's deliveries.",
      parameters: [param("id")],
    },
    scope: "admin",
    responses: { 202: json("The ping is on its way.", PingSchema), ...itemErrors },
    handler: handle.ping,
  }),
  route({
    method: "get",
    path: "/:id/deliveries",
    operation: {
      tags,
      operationId: "listWebhookDeliveries",
      summary: "A webhook endpoint's delivery attempts, newest first",
      parameters: [param("id"), param("limit"), param("cursor")],
    },
    scope: "admin",
    responses: { 200: json("A page of attempts.", DeliveryPageSchema, ["Link"]), ...itemErrors },
    handler: handle.deliveries,
  }),
);
