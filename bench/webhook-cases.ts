import type { Case } from "./cost-case.ts";
import { type Call, expectStatus } from "./http.ts";
import { pipelineBody } from "./seed.ts";

/**
 * The webhook routes in the cost table, at its end. One endpoint is made for them while the
 * cases are set up, disabled, so the cases before these make no outbox rows; the PATCH case
 * enables it, and the create after it shows what a write with an endpoint costs: still one call,
 * one row written more (its outbox row). The endpoint the POST case registers takes deletions
 * only, so no later write of the bench (creates, updates, imports) makes outbox rows. The bench's
 * Workers have no queue, so nothing is sent.
 */

const PATH = "/v1/workspaces/default/webhooks";
const URL = "https://hooks.example.com/bench";
const write = { reads: { unbudgeted: "a write" } } as const;

export async function webhookCases(project: string, size: number): Promise<Case[]> {
  // What an earlier size's cases left, gone: each size starts with no endpoint.
  for (const left of (await expectStatus(project, { method: "GET", path: `${PATH}?limit=100` }, 200)).body.data as { id: string }[])
    await expectStatus(project, { method: "DELETE", path: `${PATH}/${left.id}` }, 204);
  const { id } = (await expectStatus(project, { method: "POST", path: PATH, body: { url: URL, description: "bench" } }, 201)).body;
  await expectStatus(project, { method: "PATCH", path: `${PATH}/${id}`, body: { status: "disabled" } }, 200);
  const get = (path: string): Call => ({ method: "GET", path });
  return [
    {
      endpoint: `POST ${PATH}`,
      case: "register an endpoint",
      call: { method: "POST", path: PATH, body: { url: `${URL}/deletions`, types: ["pipeline.deleted"] } },
      status: 201,
      ...write,
    },
    { endpoint: `GET ${PATH}`, case: "the endpoints", call: get(PATH), status: 200, reads: { unbudgeted: "one row an endpoint" } },
    {
      endpoint: `GET ${PATH}/{id}`,
      case: "one endpoint, with its last delivery",
      call: get(`${PATH}/${id}`),
      status: 200,
      reads: { unbudgeted: "the endpoint's row and its last delivery" },
    },
    {
      endpoint: `PATCH ${PATH}/{id}`,
      case: "enable it",
      call: { method: "PATCH", path: `${PATH}/${id}`, body: { status: "enabled" } },
      status: 200,
      ...write,
    },
    {
      endpoint: "POST /v1/workspaces/default/pipelines",
      case: "create, one endpoint enabled (its outbox row)",
      call: { method: "POST", path: "/v1/workspaces/default/pipelines", body: pipelineBody(`bench-cost-${size}-hooked`) },
      status: 201,
      ...write,
    },
    {
      endpoint: `POST ${PATH}/{id}/rotate-secret`,
      case: "a new secret",
      call: { method: "POST", path: `${PATH}/${id}/rotate-secret` },
      status: 200,
      ...write,
    },
    {
      endpoint: `POST ${PATH}/{id}/ping`,
      case: "a ping event",
      call: { method: "POST", path: `${PATH}/${id}/ping` },
      status: 202,
      ...write,
    },
    {
      endpoint: `GET ${PATH}/{id}/deliveries`,
      case: "newest first (limit 20)",
      call: get(`${PATH}/${id}/deliveries`),
      status: 200,
      reads: { unbudgeted: "one row a delivery" },
    },
    { endpoint: `DELETE ${PATH}/{id}`, case: "delete it", call: { method: "DELETE", path: `${PATH}/${id}` }, status: 204, ...write },
  ];
}
