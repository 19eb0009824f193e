import type { Freshness } from "../../storage/shared/request-storage";

/**
 * Consistency tokens are the Worker's own: `<state>.<mac>`, where the state is a backend position
 * (a D1 bookmark, a PostgreSQL WAL position), `@primary` (the primary's newest state, for a
 * request whose calls came back with no position: a write refused inside the database), or
 * `@none` (a request that saw no database state), and the mac an HMAC-SHA256 of it under the
 * deployment's key. D1 accepts any text as a bookmark and answers it back as the state seen, so
 * without the mac a forged bookmark would be served and echoed; with it, a token this deployment
 * did not issue is refused, and every token answered names a state the request really saw.
 */

/** A token's state: a backend's freshness, or none at all. */
export type TokenState = Freshness | "none";

/** Every token the API issues has this shape (one it did not issue may have it too: the mac decides). */
export const CONSISTENCY_TOKEN = /^(?:@primary|@none|[0-9A-Za-z_-]{1,200})\.[0-9A-Za-z_-]{22}$/;

const POSITION = /^[0-9A-Za-z_-]{1,200}$/;
/** Binds the mac to this use of the key, which also signs nothing else. */
const LABEL = "pipeline-registry consistency token v1\n";
/** 128 bits of the HMAC, as 22 base64url characters. */
const MAC_BYTES = 16;

const keys = new Map<string, Promise<CryptoKey>>();

/** The HMAC key, imported once per isolate and secret. */
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, key);
  }
  return key;
}

async function mac(state: string, secret: string): Promise<Uint8Array> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(LABEL + state));
  return new Uint8Array(signature, 0, MAC_BYTES);
}

const base64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function stateText(state: TokenState): string {
  if (state === "none") return "@none";
  if (state === "primary") return "@primary";
  // A position outside the token's alphabet is promised by the primary instead, which is at least as new.
  return POSITION.test(state.position) ? state.position : "@primary";
}

/** The token of `state`, signed with `secret`. */
export async function issueToken(state: TokenState, secret: string): Promise<string> {
  const text = stateText(state);
  return `${text}.${base64Url(await mac(text, secret))}`;
}

/** The state a token names, or undefined when this deployment (its `secret`) did not issue it. */
export async function readToken(token: string, secret: string): Promise<TokenState | undefined> {
  if (!CONSISTENCY_TOKEN.test(token)) return undefined;
  const dot = token.lastIndexOf(".");
  const text = token.slice(0, dot);
  const expected = new TextEncoder().encode(base64Url(await mac(text, secret)));
  const given = new TextEncoder().encode(token.slice(dot + 1));
  if (!crypto.subtle.timingSafeEqual(expected, given)) return undefined;
  if (text === "@none") return "none";
  if (text === "@primary") return "primary";
  return { position: text };
}
