import * as v from "valibot";
import { jsonObject } from "./json-schemas";
import { NameSchema } from "./pipeline";

/** API keys (API.md "Auth"): random, shown once, stored only as a SHA-256 hash, revocable. */

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

export const KEY_PREFIX = "plk_";

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
  ),
});

export type NewApiKey = v.InferOutput<typeof NewApiKeySchema>;
