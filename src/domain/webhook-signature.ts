/**
 * Standard Webhooks v1 signatures (https://www.standardwebhooks.com): the base64 HMAC-SHA256 of
 * `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the bytes the secret's base64 holds
 * (after `whsec_`), one `v1,<signature>` per secret, space-separated.
 */

const secretBytes = (secret: string) => Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));

async function sign(secret: string, content: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secretBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(content)));
  return btoa(String.fromCharCode(...mac));
}

/** The three headers of a delivery of `body` with id `id` at `timestamp` (Unix seconds), signed with each of `secrets`. */
export async function webhookHeaders(
  id: string,
  timestamp: number,
  body: string,
  secrets: readonly string[],
): Promise<Record<string, string>> {
  const content = `${id}.${timestamp}.${body}`;
  const signatures = await Promise.all(secrets.map(async (secret) => `v1,${await sign(secret, content)}`));
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signatures.join(" ") };
}
