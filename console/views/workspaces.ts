import { call, saveSession } from "../api";
import { asProblem, empty, h, problemView, render, show, time } from "../dom";
import { go, href, type View } from "../route";
import type { Page, Workspace } from "../types";

/**
 * The operator token's workspaces (GET /v1/workspaces, by id, paged), and one opened by its id
 * (checked with GET /v1/workspaces/{id}): choosing one opens its pipelines.
 */
export async function workspacesView({ session, main, query, refresh }: View) {
  const choose = (id: string) => {
    saveSession({ ...session, workspace: id });
    go(href("/pipelines"), refresh);
  };
  const input = h("input", { id: "workspace-id", name: "workspace", required: true, autocomplete: "off" });
  const outcome = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "filters", "aria-label": "Open a workspace by id" },
    h("div", { class: "field" }, h("label", { for: "workspace-id" }, "Workspace id"), input),
    h("button", { type: "submit" }, "Open"),
    outcome,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = input.value.trim();
    try {
      await call<Workspace>(session.token, `/v1/workspaces/${encodeURIComponent(id)}`);
      choose(id);
    } catch (error) {
      show(outcome, problemView(asProblem(error)));
    }
  });
  const list = h("div");
  main.replaceChildren(h("h1", { tabindex: -1 }, "Choose a workspace"), form, h("h2", {}, "Workspaces"), list);
  const cursor = query.get("cursor") ?? undefined;
  await render(list, "the workspaces", async () => {
    const { data: page } = await call<Page<Workspace>>(session.token, "/v1/workspaces", { query: { limit: "50", cursor } });
    if (page.data.length === 0) return empty("There are no workspaces yet.");
    return [
      h(
        "ul",
        { class: "cards", "aria-label": "Workspaces" },
        ...page.data.map((workspace) =>
          h(
            "li",
            {},
            h("button", { type: "button", onclick: () => choose(workspace.id) }, workspace.id),
            workspace.displayName ? h("span", {}, ` ${workspace.displayName}`) : null,
            h("span", { class: "muted" }, " created ", time(workspace.createdAt)),
          ),
        ),
      ),
      h(
        "nav",
        { class: "pager", "aria-label": "Pages of workspaces" },
        cursor ? h("a", { href: href("/workspaces") }, "First page") : null,
        page.nextCursor ? h("a", { href: href("/workspaces", { cursor: page.nextCursor }) }, "Next page") : null,
      ),
    ];
  });
}
