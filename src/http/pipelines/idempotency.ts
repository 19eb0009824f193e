import type { Context, TypedResponse } from "hono";
import type { NewPipeline, Pipeline } from "../../domain/pipeline";
import { sha256Hex } from "../../storage/shared/sha256";
import { type AppEnv, writeContext } from "../context";
import { badRequest, idempotencyKeyReused } from "../errors";

/** How long a key's first response is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A response as kept for replays. */
interface StoredResponse<T> {
  status: 201;
  headers: Record<string, string>;
  body: T;
}

const fingerprintOf = (c: Context<AppEnv>, body: unknown) => sha256Hex(`${c.req.method} ${c.req.path}\n${JSON.stringify(body)}`);

/**
 * Creates `inputs` and answers with `render(created)`, honouring `Idempotency-Key`: within 24 h
 * the same key (for the same caller) replays the first response, or is a 422 when the request
 * differs. The claim and the creation are one atomic write: two racing requests with one key
 * create once.
 */
export async function createOnce<T extends object>(
  c: Context<AppEnv>,
  inputs: NewPipeline[],
  render: (created: Pipeline[]) => StoredResponse<T>,
): Promise<TypedResponse<T, 201, "json">> {
  // Typed for hono/client; a replay's body is the stored JSON of the same shape.
  const reply = ({ status, headers, body }: StoredResponse<T>, extra: Record<string, string> = {}) =>
    c.json(body, status, { ...headers, ...extra }) as unknown as TypedResponse<T, 201, "json">;
  const key = c.req.header("Idempotency-Key");
  if (key === undefined) return reply(render(await c.get("repository").saveMany(inputs, writeContext(c))));
  if (!IDEMPOTENCY_KEY.test(key)) throw badRequest("Idempotency-Key is 1 to 255 visible ASCII characters.");

  const fingerprint = await fingerprintOf(c, inputs);
  const outcome = await c.get("repository").saveManyOnce(
    inputs,
    {
      scope: c.get("caller").id,
      key,
      fingerprint,
      expiresAt: new Date(Date.now() + IDEMPOTENCY_TTL_MS).toISOString(),
      record: (created) => JSON.stringify(render(created)),
    },
    writeContext(c),
  );
  if (outcome.kind === "created") return reply(render(outcome.pipelines));
  if (outcome.fingerprint !== fingerprint) throw idempotencyKeyReused();
  return reply(JSON.parse(outcome.record) as StoredResponse<T>, { "Idempotent-Replayed": "true" });
}
