import fc from "fast-check";
import { type Spec, state } from "./fuzz-harness";
import { notAnObject, unknownMember } from "./fuzz-inputs";
import { authMutations, badAuth, badCredential, bodyMutations, type Endpoint, withId, withoutAuth } from "./fuzz-mutations";

/**
 * The webhook routes in the fuzz test (admin scope): bodies with URLs of every forbidden shape
 * (the tests' Worker lets loopback through, as local development does, so none of those here),
 * bad types, statuses and members; unknown ids.
 */

const WEBHOOKS = "/v1/workspaces/default/webhooks";
const URL = "https://hooks.example.com/fuzzed";

const badUrl = fc.oneof(
  fc.constantFrom(
    "",
    "hooks.example.com/x",
    "http://hooks.example.com/x",
    "ftp://hooks.example.com/x",
    "https://user:secret@hooks.example.com/x",
    "https://10.0.0.1/x",
    "https://192.168.1.1/x",
    "https://[fd00::1]/x",
    "https://169.254.169.254/latest",
    "https://0x7f.1/x",
    `https://hooks.example.com/${"a".repeat(2050)}`,
  ),
  notAnObject.filter((value) => typeof value !== "string"),
);
const badTypes = fc.constantFrom<unknown>([], ["pipeline.nope"], "pipeline.*", [1], ["pipeline.created", "pipeline.created"], null);
const badStatus = fc.constantFrom<unknown>("paused", "", true, null, "ENABLED");

export function webhookEndpoints(write: (method: string, path: string, body?: unknown, contentType?: string) => Spec): Endpoint[] {
  const one = () => `${WEBHOOKS}/${state.seeded.webhookId}`;
  return [
    {
      name: "POST /v1/workspaces/default/webhooks",
      valid: () => write("POST", WEBHOOKS, { url: URL, types: ["pipeline.deleted"], description: "fuzz" }),
      spoil: [
        ...authMutations,
        ...bodyMutations(
          ["application/json"],
          fc.oneof(
            // The URL's rules are the most of this body's: drawn most often.
            { arbitrary: badUrl.map((url) => ({ url })), weight: 4 },
            badTypes.map((types) => ({ url: URL, types })),
            fc.constant({ types: ["pipeline.*"] }),
            fc.constantFrom<unknown>(1, "x", null, "a".repeat(501)).map((description) => ({ url: URL, description })),
            unknownMember(["url", "types", "description"]).map(([k, v]) => ({ url: URL, [k]: v })),
          ),
        ),
      ],
    },
    {
      name: "PATCH /v1/workspaces/default/webhooks/{id}",
      valid: () => write("PATCH", one(), { description: "fuzzed" }, "application/merge-patch+json"),
      spoil: [
        ...authMutations,
        withId((id) => `${WEBHOOKS}/${id}`),
        ...bodyMutations(
          ["application/merge-patch+json", "application/json"],
          fc.oneof(
            { arbitrary: badUrl.map((url) => ({ url })), weight: 4 },
            badTypes.map((types) => ({ types })),
            badStatus.map((status) => ({ status })),
            unknownMember(["url", "types", "description", "status"]).map(([k, v]) => ({ [k]: v })),
          ),
        ),
      ],
    },
    {
      name: "GET /v1/workspaces/default/webhooks/…, DELETE /v1/workspaces/default/webhooks/{id}",
      valid: () => write("DELETE", one()),
      spoil: [
        ...authMutations,
        withId((id) => `${WEBHOOKS}/${id}`),
        (spec) =>
          fc
            .constantFrom(withoutAuth, badAuth, badCredential(true))
            .chain((m) => fc.constantFrom(WEBHOOKS, one(), `${one()}/deliveries`).chain((path) => m({ ...spec, method: "GET", path }))),
        (spec) =>
          fc
            .constantFrom(withoutAuth, badAuth, badCredential(true))
            .chain((m) =>
              fc.constantFrom("rotate-secret", "ping").chain((action) => m({ ...spec, method: "POST", path: `${one()}/${action}` })),
            ),
      ],
    },
  ];
}
