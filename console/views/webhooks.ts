import { call, inWorkspace } from "../api";
import { asProblem, empty, h, problemView, render, show, time } from "../dom";
import { href, setFlash, type View } from "../route";
import type { Page, Webhook, WebhookDelivery, WebhookWithLastDelivery } from "../types";

/**
 * GET /webhooks (an admin key or the operator): the endpoints, newest first; an endpoint's page
 * shows its state and its delivery attempts (GET /webhooks/{id}/deliveries, newest first, paged),
 * and sends a ping. Secrets are never shown: the API shows one only when it makes it.
 */

const webhookHref = (id: string, query: Record<string, string | undefined> = {}) => href(`/webhooks/${encodeURIComponent(id)}`, query);
const types = (endpoint: Webhook) => (endpoint.types.length === 0 ? "every type" : endpoint.types.join(", "));
const state = (endpoint: Webhook) =>
  endpoint.status === "enabled" ? "enabled" : `disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ""}`;

function table(caption: string, head: string[], rows: HTMLElement[]): HTMLElement {
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, ...head.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...rows),
    ),
  );
}

export async function webhooksView({ session, main, query }: View) {
  const results = h("section", { "aria-label": "Webhook endpoints" });
  main.replaceChildren(h("h1", { tabindex: -1 }, "Webhooks"), results);
  const cursor = query.get("cursor") ?? undefined;
  await render(results, "the webhooks", async () => {
    const { data: page } = await call<Page<Webhook>>(session.token, inWorkspace(session, "/webhooks"), { query: { limit: "50", cursor } });
    if (page.data.length === 0) return empty(cursor ? "No older endpoints." : "No webhook endpoint in this workspace.");
    return [
      table(
        "Webhook endpoints, newest first",
        ["URL", "Types", "State", "Created"],
        page.data.map((endpoint) =>
          h(
            "tr",
            {},
            h("td", {}, h("a", { href: webhookHref(endpoint.id) }, h("code", {}, endpoint.url))),
            h("td", {}, types(endpoint)),
            h("td", {}, state(endpoint)),
            h("td", {}, time(endpoint.createdAt)),
          ),
        ),
      ),
      h(
        "nav",
        { class: "pager", "aria-label": "Pages of endpoints" },
        cursor ? h("a", { href: href("/webhooks") }, "Newest endpoints") : null,
        page.nextCursor ? h("a", { href: href("/webhooks", { cursor: page.nextCursor }) }, "Older endpoints") : null,
      ),
    ];
  });
}

function ping(view: View, id: string): HTMLElement {
  const outcome = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button" }, "Send a ping");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const { data } = await call<{ eventId: string }>(
        view.session.token,
        inWorkspace(view.session, `/webhooks/${encodeURIComponent(id)}/ping`),
        {
          method: "POST",
        },
      );
      setFlash(`Ping ${data.eventId} sent; its attempt shows here once the receiver answers.`);
      view.refresh();
    } catch (error) {
      show(outcome, problemView(asProblem(error)));
      button.disabled = false;
    }
  });
  return h("div", { class: "actions" }, button, outcome);
}

export async function webhookView(view: View) {
  const { session, main, params, query } = view;
  const id = params[0] ?? "";
  const path = inWorkspace(session, `/webhooks/${encodeURIComponent(id)}`);
  const cursor = query.get("cursor") ?? undefined;
  const body = h("div");
  main.replaceChildren(h("h1", { tabindex: -1 }, "Webhook endpoint"), body);
  await render(body, "the endpoint", async () => {
    const [{ data: endpoint }, { data: page }] = await Promise.all([
      call<WebhookWithLastDelivery>(session.token, path),
      call<Page<WebhookDelivery>>(session.token, `${path}/deliveries`, { query: { limit: "50", cursor } }),
    ]);
    return [
      h(
        "dl",
        { class: "facts summary" },
        ...[
          ["URL", h("code", {}, endpoint.url)],
          ["Types", types(endpoint)],
          ["State", state(endpoint)],
          ["Description", endpoint.description ?? ""],
          ["Created", time(endpoint.createdAt)],
          ["Id", h("code", {}, endpoint.id)],
        ].flatMap(([term, value]) => [h("dt", {}, term as string), h("dd", {}, value as string | HTMLElement)]),
      ),
      ping(view, id),
      h("h2", {}, "Delivery attempts"),
      page.data.length === 0
        ? empty(cursor ? "No older attempts." : "No delivery attempted yet.")
        : table(
            "Delivery attempts, newest first",
            ["When", "Event", "Attempt", "Outcome", "Answer", "Time", "Error"],
            page.data.map((delivery) =>
              h(
                "tr",
                {},
                h("td", {}, time(delivery.at)),
                h("td", {}, h("code", {}, delivery.eventId)),
                h("td", {}, String(delivery.attempt)),
                h("td", {}, delivery.status),
                h("td", {}, delivery.responseStatus === null ? "none" : String(delivery.responseStatus)),
                h("td", {}, delivery.durationMs === null ? "" : `${delivery.durationMs} ms`),
                h("td", {}, delivery.error ?? ""),
              ),
            ),
          ),
      h(
        "nav",
        { class: "pager", "aria-label": "Pages of delivery attempts" },
        cursor ? h("a", { href: webhookHref(id) }, "Newest attempts") : null,
        page.nextCursor ? h("a", { href: webhookHref(id, { cursor: page.nextCursor }) }, "Older attempts") : null,
      ),
    ];
  });
}
