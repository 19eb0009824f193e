import { call, inWorkspace } from "../api";
import { empty, h, render, selectField, time } from "../dom";
import { href, pipelineHref, type View } from "../route";
import type { Page, Pipeline } from "../types";

/**
 * GET /pipelines with the API's own filters (archived, exact name, configuration entries), sort
 * and page size, paged by its cursor. The filters live in the route's query, so a filtered page
 * is a link like any other.
 */
const SORTS = [
  ["name", "Name, A to Z"],
  ["-name", "Name, Z to A"],
  ["-updatedAt", "Recently updated"],
  ["updatedAt", "Least recently updated"],
  ["-createdAt", "Newest"],
  ["createdAt", "Oldest"],
] as const;

function input(name: string, label: string, value: string, hint?: string) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: `filter-${name}` }, label),
    h("input", { id: `filter-${name}`, name, value, "aria-describedby": hint ? `filter-${name}-hint` : null }),
    hint ? h("small", { id: `filter-${name}-hint` }, hint) : null,
  );
}

/** The API's query from the route's: `config=env=prod` entries become `config.env=prod`. */
export function listQuery(query: URLSearchParams): Record<string, string | undefined> {
  const api: Record<string, string | undefined> = {
    archived: query.get("archived") ?? undefined,
    name: query.get("name") ?? undefined,
    sort: query.get("sort") ?? undefined,
    limit: query.get("limit") ?? "20",
  };
  for (const entry of query.getAll("config")) {
    const split = entry.indexOf("=");
    if (split > 0) api[`config.${entry.slice(0, split).trim()}`] = entry.slice(split + 1).trim();
  }
  return api;
}

function filters(query: URLSearchParams): HTMLFormElement {
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter the pipelines" },
    input("name", "Name (exact)", query.get("name") ?? ""),
    input("config", "Configuration", query.getAll("config").join(", "), "key=value, comma separated"),
    selectField(
      "filter-archived",
      "archived",
      "Show",
      [
        ["false", "Active"],
        ["true", "Archived"],
        ["all", "Active and archived"],
      ],
      query.get("archived") ?? "false",
    ),
    selectField("filter-sort", "sort", "Sort by", SORTS, query.get("sort") ?? "name"),
    selectField(
      "filter-limit",
      "limit",
      "Per page",
      ["5", "20", "50", "100"].map((n) => [n, n] as const),
      query.get("limit") ?? "20",
    ),
    h("button", { type: "submit" }, "Apply"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "").trim();
    const config = text("config")
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry.includes("="));
    location.hash = href("/pipelines", {
      name: text("name"),
      config,
      archived: text("archived"),
      sort: text("sort"),
      limit: text("limit"),
    });
  });
  return form;
}

function table(pipelines: Pipeline[]): HTMLElement {
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, "Pipelines"),
      h("thead", {}, h("tr", {}, ...["Name", "Stages", "Version", "State", "Updated"].map((title) => h("th", { scope: "col" }, title)))),
      h(
        "tbody",
        {},
        ...pipelines.map((pipeline) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, h("a", { href: pipelineHref(pipeline.id) }, pipeline.name)),
            h("td", {}, pipeline.stages.map((stage) => stage.algorithm).join(" → ")),
            h("td", {}, String(pipeline.version)),
            h("td", {}, pipeline.archived ? "archived" : "active"),
            h("td", {}, time(pipeline.updatedAt)),
          ),
        ),
      ),
    ),
  );
}

export async function pipelinesView({ session, main, query }: View) {
  const results = h("section", { "aria-label": "Results" });
  main.replaceChildren(h("h1", { tabindex: -1 }, "Pipelines"), filters(query), results);
  const api = listQuery(query);
  const cursor = query.get("cursor") ?? undefined;
  await render(results, "the pipelines", async () => {
    const [{ data: page }, { data: count }] = await Promise.all([
      call<Page<Pipeline>>(session.token, inWorkspace(session, "/pipelines"), { query: { ...api, cursor } }),
      call<{ count: number }>(session.token, inWorkspace(session, "/pipelines/count"), {
        query: { ...api, sort: undefined, limit: undefined },
      }),
    ]);
    const summary = h(
      "p",
      { class: "muted", role: "status" },
      `${count.count} ${count.count === 1 ? "pipeline matches" : "pipelines match"}.`,
    );
    if (page.data.length === 0) return [summary, empty(cursor ? "No more pipelines." : "No pipeline matches these filters.")];
    const here = Object.fromEntries(query);
    const pages = h(
      "nav",
      { class: "pager", "aria-label": "Pages of pipelines" },
      cursor ? h("a", { href: href("/pipelines", { ...here, config: query.getAll("config"), cursor: undefined }) }, "First page") : null,
      page.nextCursor
        ? h("a", { href: href("/pipelines", { ...here, config: query.getAll("config"), cursor: page.nextCursor }) }, "Next page")
        : null,
    );
    return [summary, table(page.data), pages];
  });
}
