import fc from "fast-check";
import { expecting, type Spec, state, toRequest } from "./fuzz-harness";
import { anyText, badAuthorization, badId, headerGarbage, notJsonObjectText, wrongContentType } from "./fuzz-inputs";
import { ADMIN_TOKEN } from "./http";

/** How the fuzz test spoils a valid request: one thing wrong in its token, body, content type, id or headers. */

export type Mutation = (spec: Spec) => fc.Arbitrary<Spec>;

export interface Endpoint {
  name: string;
  /** A request that would succeed. */
  valid: () => Spec;
  /** Ways to spoil it; each result must be refused. */
  spoil: Mutation[];
}

export const json = (value: unknown) => JSON.stringify(value);
export const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

export const withHeader =
  (name: string, values: fc.Arbitrary<string>): Mutation =>
  (spec) =>
    values.map((value) => ({ ...spec, headers: { ...spec.headers, [name]: value } }));
export const withoutAuth: Mutation = expecting([401], (spec) =>
  fc.constant({ ...spec, headers: Object.fromEntries(Object.entries(spec.headers).filter(([k]) => k !== "Authorization")) }),
);
export const badAuth: Mutation = expecting([401], withHeader("Authorization", badAuthorization));
/** Bodies that break a rule: 400, or `conflicts` for the ones that are valid but collide (409). */
/** A body over 256 KiB is a 413 whatever it holds; under it, `otherwise`. */
export const MAX_BODY_BYTES = 256 * 1024;
export const bodyStatus = (body: string, otherwise: number) => [new TextEncoder().encode(body).length > MAX_BODY_BYTES ? 413 : otherwise];
/** Bodies that break a rule: 400, or 409 for the one that is valid but takes an active pipeline's name. */
export const withBody =
  (bodies: fc.Arbitrary<unknown>): Mutation =>
  (spec) =>
    bodies.map((body) => ({
      ...spec,
      body: json(body),
      expected: bodyStatus(json(body), json(body).includes('"name":"fuzz-other"') ? 409 : 400),
    }));
export const withBodyText =
  (texts: fc.Arbitrary<string>): Mutation =>
  (spec) =>
    texts.map((body) => ({ ...spec, body, expected: bodyStatus(body, 400) }));
export const overLimit: Mutation = expecting([413], (spec) =>
  fc.integer({ min: 256 * 1024 + 1, max: 400 * 1024 }).map((n) => ({ ...spec, body: `{"name":"${"x".repeat(n)}"}` })),
);
export const withContentType = (accepted: string[]): Mutation =>
  expecting([415], (spec) => wrongContentType(accepted).map((type) => ({ ...spec, headers: { ...spec.headers, "Content-Type": type } })));
export const withId = (template: (id: string) => string): Mutation =>
  expecting([404], (spec) => badId.map((id) => ({ ...spec, path: template(id) })));

/** Keys that may not do this: a revoked admin key (401), and for writes and admin routes a read key (403). */
export const badCredential =
  (readKeyForbidden: boolean): Mutation =>
  (spec) =>
    fc
      .constantFrom(
        state.seeded.revokedKey,
        ...(readKeyForbidden ? [state.seeded.readKey] : []),
        `${state.seeded.readKey.slice(0, -1)}x`,
        "plk_",
        `plk_${"A".repeat(43)}`,
      )
      .map((key) => ({
        ...spec,
        headers: { ...spec.headers, Authorization: `Bearer ${key}` },
        expected: key === state.seeded.readKey ? [403] : [401],
      }));
export const authMutations = [withoutAuth, badAuth, badCredential(true)];
export const readAuthMutations = [withoutAuth, badAuth, badCredential(false)];
/** Nesting as deep as the body limit allows, written as text (too deep to build as a value). */
export const deepText = fc
  .tuple(fc.integer({ min: 3000, max: 120_000 }), fc.constantFrom("[", '{"a":'), fc.boolean())
  .map(([depth, open, wrapped]) => {
    const nested = `${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`;
    return wrapped ? `{"unknown-member":${nested}}` : nested;
  })
  .filter((text) => !text.startsWith('{"a":'));
export const bodyMutations = (accepted: string[], bodies: fc.Arbitrary<unknown>) => [
  withBody(bodies),
  withBodyText(fc.oneof(notJsonObjectText, deepText)),
  overLimit,
  withContentType(accepted),
];

export const pipelinesPath = "/v1/workspaces/default/pipelines";
export const at = (id: string) => `${pipelinesPath}/${id}`;

/** A spoiled request, with garbage riding along in X-Request-Id or another header half of the time. */
export function spoiled(endpoint: Endpoint): fc.Arbitrary<Spec> {
  const base = endpoint.valid();
  return (
    fc
      .tuple(
        fc.oneof(...endpoint.spoil.map((spoil) => spoil(base))),
        fc.option(headerGarbage, { freq: 2 }),
        fc.option(
          fc.tuple(fc.constantFrom("X-Forwarded-For", "Accept", "Accept-Encoding", "Range", "X-Unknown", "Origin"), headerGarbage),
          { freq: 3 },
        ),
      )
      .map(([spec, requestId, other]) =>
        shown({
          ...spec,
          headers: {
            ...spec.headers,
            ...(requestId === null ? {} : { "X-Request-Id": requestId }),
            ...(other === null ? {} : { [other[0]]: other[1] }),
          },
        }),
      )
      // A request the platform refuses to build (a header value it rejects) is never generated, so none passes unchecked.
      .filter((spec) => toRequest(spec) !== null)
  );
}

/** How fast-check prints a request in a counterexample: long strings cut short. */
export function shown(spec: Spec): Spec {
  const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…(${text.length} characters)` : text);
  return Object.defineProperty(spec, fc.toStringMethod, {
    value: () => JSON.stringify(spec, (_, value) => (typeof value === "string" ? cut(value) : value)),
  });
}

/** A query of GET /v1/workspaces/default/pipelines or /count with at least one bad parameter. */
export function badQuery(path: string) {
  const isList = !path.endsWith("/count");
  const bad = fc.oneof(
    fc.constantFrom(
      "archived=yes",
      "archived=",
      "archived=False",
      "name=",
      `name=${"n".repeat(101)}`,
      "config.=x",
      "config.a%20b=x",
      `config.${"k".repeat(65)}=x`,
      `config.env=${"v".repeat(4097)}`,
      "config.env=a&config.env=b",
      "archived=all&archived=true",
      "unknown=1",
      "Archived=all",
      "%00=1",
    ),
    isList
      ? fc.constantFrom(
          "limit=0",
          "limit=101",
          "limit=-1",
          "limit=1.5",
          "limit=abc",
          "limit=",
          "limit=1e1",
          "limit=%201",
          "offset=-1",
          "offset=x",
          "offset=1.0",
          "offset=9999999999",
          "sort=nam",
          "sort=--name",
          "sort=%2Bname",
          "sort=NAME",
          "sort=",
          "offset=1&cursor=x",
          "limit=1&limit=2",
        )
      : fc.constantFrom("limit=1", "sort=name", "offset=0", "cursor=x"),
    isList
      ? fc.oneof(
          fc.string({ unit: "binary", maxLength: 60 }).map((s) => `cursor=${encodeURIComponent(s)}`),
          fc.base64String({ maxLength: 80 }).map((s) => `cursor=${encodeURIComponent(s)}`),
          fc.json({ maxDepth: 2 }).map((s) => `cursor=${btoa(unescape(encodeURIComponent(s))).replaceAll("=", "")}`),
          fc
            .constantFrom("sort=-name", "sort=createdAt", "archived=all", "name=fuzz-active", "config.env=prod")
            .map((other) => `cursor=${state.seeded.cursor}&${other}`),
          fc.constant(`cursor=${state.seeded.cursor}&offset=0`),
        )
      : fc.constantFrom("cursor=abc"),
    fc.tuple(anyText, anyText).map(([k, v]) => `${encodeURIComponent(`x${k}`)}=${encodeURIComponent(v)}`),
    // More configuration filters than the 20 allowed, in either spelling (49 once were a 500).
    fc
      .tuple(fc.integer({ min: 21, max: 120 }), fc.boolean())
      .map(([n, brackets]) => Array.from({ length: n }, (_, i) => (brackets ? `config%5Bk${i}%5D=v` : `config.k${i}=v`)).join("&")),
    fc.constantFrom("config%5Benv%5D=prod&config.env=prod", "config%5B%5D=x", "config%5Ba%20b%5D=x"),
  );
  const good = fc.constantFrom("", "archived=all", "name=fuzz-active", "config.env=prod", "config.dots.key=50%25_off");
  return fc.tuple(bad, good).map(([b, g]) => (g ? `${g}&${b}` : b));
}
