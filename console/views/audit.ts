import { AUDIT_ACTIONS } from "../../src/domain/history";
import { call, inWorkspace } from "../api";
import { empty, h, render, time } from "../dom";
import { href, pipelineHref, type View } from "../route";
import type { AuditEvent, Page } from "../types";

/** GET /audit-events (an admin key or the operator) with its filters (resource, action, actor) and cursor paging, newest first. */

const FILTERS = [
  ["resourceId", "Resource id"],
  ["action", "Action"],
  ["actorId", "Actor id (API key)"],
] as const;

function filters(query: URLSearchParams): HTMLFormElement {
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter the audit log" },
    ...FILTERS.map(([name, label]) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: `audit-${name}` }, label),
        h("input", { id: `audit-${name}`, name, value: query.get(name) ?? "", list: name === "action" ? "audit-actions" : null }),
      ),
    ),
    h("datalist", { id: "audit-actions" }, ...AUDIT_ACTIONS.map((action) => h("option", { value: action }))),
    h("button", { type: "submit" }, "Apply"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    location.hash = href("/audit", Object.fromEntries(FILTERS.map(([name]) => [name, String(data.get(name) ?? "").trim()])));
  });
  return form;
}

function table(events: AuditEvent[]): HTMLElement {
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, "Audit events, newest first"),
      h(
        "thead",
        {},
        h("tr", {}, ...["When", "Action", "Actor", "Resource", "Version", "Request id"].map((t) => h("th", { scope: "col" }, t))),
      ),
      h(
        "tbody",
        {},
        ...events.map((event) =>
          h(
            "tr",
            {},
            h("td", {}, time(event.at)),
            h("td", {}, event.action),
            h("td", {}, event.actor.type, event.actor.id ? h("code", {}, ` ${event.actor.id}`) : null),
            h(
              "td",
              {},
              `${event.resource.type} `,
              event.resource.type === "pipeline" && event.action !== "pipeline.deleted"
                ? h("a", { href: pipelineHref(event.resource.id) }, h("code", {}, event.resource.id))
                : h("code", {}, event.resource.id),
            ),
            h("td", {}, event.version === null ? "" : String(event.version)),
            h("td", {}, h("code", {}, event.requestId)),
          ),
        ),
      ),
    ),
  );
}

export async function auditView({ session, main, query }: View) {
  const results = h("section", { "aria-label": "Audit events" });
  main.replaceChildren(h("h1", { tabindex: -1 }, "Audit log"), filters(query), results);
  const chosen = Object.fromEntries(FILTERS.map(([name]) => [name, query.get(name) ?? undefined]));
  const cursor = query.get("cursor") ?? undefined;
  await render(results, "the audit log", async () => {
    const { data: page } = await call<Page<AuditEvent>>(session.token, inWorkspace(session, "/audit-events"), {
      query: { ...chosen, limit: "50", cursor },
    });
    if (page.data.length === 0) return empty(cursor ? "No older events." : "No audit event matches these filters.");
    return [
      table(page.data),
      h(
        "nav",
        { class: "pager", "aria-label": "Pages of audit events" },
        cursor ? h("a", { href: href("/audit", chosen) }, "Newest events") : null,
        page.nextCursor ? h("a", { href: href("/audit", { ...chosen, cursor: page.nextCursor }) }, "Older events") : null,
      ),
    ];
  });
}
