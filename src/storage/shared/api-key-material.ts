import { type ApiKey, KEY_PREFIX, type NewApiKey, type Scope, scopesDigit } from "../../domain/api-key";
import { newId } from "../../domain/ids";
import { sha256Hex } from "./sha256";

/** Keys are stored and looked up only by their SHA-256. */
export const hashKey = sha256Hex;

/** `plk_`, the workspace and the id: tells keys apart and shows none of the secret. */
const prefixLength = (workspace: string) => KEY_PREFIX.length + workspace.length + 1 + 26;

/** `plk_<workspace>_<id><scopes>` and 32 random bytes (256 bits, base64url): the format `parseKey` reads. */
function generateKey(workspace: string, id: string, scopes: readonly Scope[]): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
  return `${KEY_PREFIX}${workspace}_${id}${scopesDigit(scopes)}${secret}`;
}

/** A new key for both backends: what is shown (`apiKey`, and `key` once) and the hash that is stored. */
export async function mintApiKey(
  workspace: string,
  input: NewApiKey,
  now: Date,
): Promise<{ apiKey: ApiKey; key: string; keyHash: string }> {
  const id = newId();
  const key = generateKey(workspace, id, input.scopes);
  const apiKey: ApiKey = {
    id,
    name: input.name,
    scopes: input.scopes,
    prefix: key.slice(0, prefixLength(workspace)),
    createdAt: now.toISOString(),
    revokedAt: null,
  };
  return { apiKey, key, keyHash: await hashKey(key) };
}
