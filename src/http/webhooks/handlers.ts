import type { Context } from "hono";
import { NotFoundError, ValidationError } from "../../domain/errors";
import { isId, newId } from "../../domain/ids";
import { mintWebhookSecret, PREVIOUS_SECRET_HOURS } from "../../domain/webhook";
import { webhookUrlProblem } from "../../domain/webhook-url";
import { webhookLoopbackAllowed } from "../../settings";
import { type AppEnv, type WithBody, writeContext } from "../context";
import { sendWebhooksLater } from "../middleware/webhook-send";
import { newestFirstAnswer, newestFirstQuery } from "../shared/pages";
import type { NewWebhookBody, WebhookPatchBody } from "./schemas";

/** What the webhook routes do; what they take and answer is in routes.ts. */

const webhookNotFound = (id: string) => new NotFoundError(`No webhook endpoint has the id ${id}.`);

/** The path's id, a 404 when it cannot be one. */
function endpointId(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw webhookNotFound(id);
  return id;
}

/** The URL rules (src/domain/webhook-url.ts): a URL they refuse is a 400 naming `/url`. */
function checkUrl(c: Context<AppEnv>, url: string | undefined): void {
  if (url === undefined) return;
  const problem = webhookUrlProblem(url, webhookLoopbackAllowed(c.env));
  if (problem) throw new ValidationError([{ path: "/url", message: problem }]);
}

const found = <T>(id: string, value: T | null | false): T => {
  if (value === null || value === false) throw webhookNotFound(id);
  return value;
};

export async function create(c: WithBody<typeof NewWebhookBody>) {
  const input = c.req.valid("json");
  checkUrl(c, input.url);
  const secret = mintWebhookSecret();
  const endpoint = await c
    .get("workspace")
    .webhooks.create(
      { id: newId(), url: input.url, types: input.types ?? [], description: input.description ?? null, secret },
      new Date(),
      writeContext(c),
    );
  return c.json({ ...endpoint, secret }, 201);
}

export async function list(c: Context<AppEnv>) {
  const filters = { workspace: c.get("workspaceId"), list: "webhooks" };
  return newestFirstAnswer(c, filters, await c.get("workspace").webhooks.list(newestFirstQuery(c, filters)));
}

export async function get(c: Context<AppEnv>) {
  const id = endpointId(c);
  return c.json(found(id, await c.get("workspace").webhooks.get(id)), 200);
}

export async function patch(c: WithBody<typeof WebhookPatchBody>) {
  const id = endpointId(c);
  const input = c.req.valid("json");
  checkUrl(c, input.url);
  return c.json(found(id, await c.get("workspace").webhooks.update(id, input, new Date(), writeContext(c))), 200);
}

export async function remove(c: Context<AppEnv>) {
  const id = endpointId(c);
  found(id, await c.get("workspace").webhooks.delete(id, new Date(), writeContext(c)));
  return c.body(null, 204);
}

export async function rotateSecret(c: Context<AppEnv>) {
  const id = endpointId(c);
  const secret = mintWebhookSecret();
  const now = new Date();
  const previousUntil = new Date(now.getTime() + PREVIOUS_SECRET_HOURS * 3600 * 1000);
  const endpoint = found(id, await c.get("workspace").webhooks.rotateSecret(id, { secret, previousUntil }, now, writeContext(c)));
  return c.json({ ...endpoint, secret }, 200);
}

export async function ping(c: Context<AppEnv>) {
  const id = endpointId(c);
  const eventId = newId();
  found(id, await c.get("workspace").webhooks.ping(id, eventId, new Date()));
  sendWebhooksLater(c);
  return c.json({ eventId }, 202);
}

export async function deliveries(c: Context<AppEnv>) {
  const id = endpointId(c);
  const filters = { workspace: c.get("workspaceId"), webhook: id, list: "deliveries" };
  const page = found(id, await c.get("workspace").webhooks.deliveries(id, newestFirstQuery(c, filters)));
  return newestFirstAnswer(c, filters, page);
}
