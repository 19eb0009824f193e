import * as v from "valibot";
import { ID_PATTERN } from "./ids";
import { jsonObject } from "./json-schemas";
import { NameSchema } from "./pipeline";
import { DEFAULT_WORKSPACE, WORKSPACE_ID_PATTERN } from "./workspace";

/** API keys (docs/security.md): random, shown once, stored only as a SHA-256 hash, revocable. */

export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** What each scope grants: admin includes write, write includes read. */
export const GRANTS: Record<Scope, readonly Scope[]> = {
  read: ["read"],
  write: ["read", "write"],
  admin: ["read", "write", "admin"],
};

export const effectiveScopes = (scopes: readonly Scope[]): Scope[] =>
  SCOPES.filter((scope) => scopes.some((held) => GRANTS[held].includes(scope)));

/** The scopes any of which lets a caller use a route that needs `scope`. */
export const grantorsOf = (scope: Scope): Scope[] => SCOPES.filter((held) => GRANTS[held].includes(scope));

export const KEY_PREFIX = "plk_";

/**
 * A key names its workspace, id and scopes before its secret, `plk_<workspace>_<id><scopes><secret>`
 * (scopes one digit, a bit each: read 1, write 2, admin 4; the secret 43 base64url characters,
 * 256 bits), so a request with it is identified, rate limited, kept to its workspace and judged
 * for scope before any database work, and the key itself is checked in the request's own
 * database call: the row with that id must hold the SHA-256 of the whole key and belong to the
 * path's workspace, so changing any of these gives a key that matches no row. Keys made before
 * workspaces name no workspace and belong to `default`; keys made before ids (`plk_` and the
 * secret only) are looked up by hash.
 */
const KEY_FORMAT = new RegExp(
  `^${KEY_PREFIX}(?:(${WORKSPACE_ID_PATTERN.source.slice(1, -1)})_)?(${ID_PATTERN.source.slice(1, -1)})([1-7])[A-Za-z0-9_-]{43}$`,
);

export const scopesDigit = (scopes: readonly Scope[]) => String(scopes.reduce((bits, scope) => bits | (1 << SCOPES.indexOf(scope)), 0));

/** The workspace, id and scopes a key names (not yet checked against its row), or null for a key of the oldest format. */
export function parseKey(token: string): { workspace: string; id: string; scopes: Scope[] } | null {
  const match = KEY_FORMAT.exec(token);
  if (!match?.[2] || !match[3]) return null;
  const bits = Number(match[3]);
  return { workspace: match[1] ?? DEFAULT_WORKSPACE, id: match[2], scopes: SCOPES.filter((_, i) => bits & (1 << i)) };
}

export interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  /** The first characters of the key, to tell keys apart; never enough to use it. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export const NewApiKeySchema = jsonObject({
  name: NameSchema,
  scopes: v.pipe(
    v.array(v.picklist(SCOPES, `scopes are ${SCOPES.join(", ")}`)),
    v.minLength(1, "give at least one scope"),
    v.check((scopes) => new Set(scopes).size === scopes.length, "each scope once"),
    v.metadata({ uniqueItems: true, maxItems: SCOPES.length }),
  ),
});

export type NewApiKey = v.InferOutput<typeof NewApiKeySchema>;
