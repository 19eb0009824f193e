import { call, inWorkspace } from "../api";
import { asProblem, definitionList, h, problemView, render, show, time } from "../dom";
import { pipelineHref, type View } from "../route";
import type { Pipeline } from "../types";
import { stageChain } from "./stages";

/** A pipeline's links to its other pages. */
export const pipelineNav = (id: string, here: string) =>
  h(
    "nav",
    { class: "tabs", "aria-label": "This pipeline" },
    ...[
      ["", "Overview"],
      ["/history", "History"],
      ["/metrics", "Metrics"],
    ].map(([page = "", text]) => h("a", { href: pipelineHref(id, page), "aria-current": page === here ? "page" : null }, text)),
  );

/**
 * Archive and restore send the ETag the page was drawn from as If-Match, so a pipeline changed
 * meanwhile is a 412 that the page shows, with a reload, rather than a write over a change the
 * user has not seen.
 */
function lifecycle(view: View, pipeline: Pipeline, etag: string | null): HTMLElement {
  const outcome = h("div", { "aria-live": "polite" });
  const action = pipeline.archived ? "restore" : "archive";
  const button = h("button", { type: "button" }, pipeline.archived ? "Restore" : "Archive");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await call(view.session.token, inWorkspace(view.session, `/pipelines/${encodeURIComponent(pipeline.id)}/${action}`), {
        method: "POST",
        ifMatch: etag,
      });
      view.refresh();
    } catch (error) {
      show(outcome, problemView(asProblem(error), h("button", { type: "button", onclick: view.refresh }, "Reload")));
      button.disabled = false;
    }
  });
  return h("div", { class: "actions" }, button, outcome);
}

export async function pipelineView(view: View) {
  const { session, main, params } = view;
  const id = params[0] ?? "";
  const title = h("h1", { tabindex: -1 }, "Pipeline");
  const body = h("div");
  main.replaceChildren(title, pipelineNav(id, ""), body);
  await render(body, "the pipeline", async () => {
    const { data: pipeline, etag } = await call<Pipeline>(session.token, inWorkspace(session, `/pipelines/${encodeURIComponent(id)}`));
    title.textContent = pipeline.name;
    return [
      h(
        "dl",
        { class: "facts summary" },
        h("dt", {}, "State"),
        h("dd", {}, pipeline.archived ? "archived" : "active"),
        h("dt", {}, "Version"),
        h("dd", {}, String(pipeline.version)),
        h("dt", {}, "Created"),
        h("dd", {}, time(pipeline.createdAt)),
        h("dt", {}, "Updated"),
        h("dd", {}, time(pipeline.updatedAt)),
        h("dt", {}, "Id"),
        h("dd", {}, h("code", {}, pipeline.id)),
      ),
      lifecycle(view, pipeline, etag),
      h("h2", {}, `Stages (${pipeline.stages.length})`),
      stageChain(pipeline.stages),
      h("h2", {}, "Configuration"),
      definitionList(pipeline.configuration, "No configuration."),
    ];
  });
}
