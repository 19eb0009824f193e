import { call, inWorkspace, type Session } from "../api";
import { changedStages, type DiffRow, describeOperations, formatValue } from "../diff";
import { asProblem, empty, h, problemView, render, selectField, show, time } from "../dom";
import { href, pipelineHref, setFlash, type View } from "../route";
import type { Actor, Diff, Page, Pipeline, Revision, RevisionWithPipeline } from "../types";
import { pipelineNav } from "./pipeline";
import { stageChain } from "./stages";

/**
 * A pipeline's revisions as a timeline (who, when, which change), two versions compared side by
 * side from the diff endpoint's operations, and rollback. Rollback sends the ETag the page was
 * drawn from as If-Match: if someone changed the pipeline since, the 412 is shown with a
 * reload, and nothing is overwritten.
 */
const who = (actor: Actor) =>
  actor.type === "system" ? "the archive job" : actor.type === "admin" ? "the operator" : `API key ${actor.id ?? ""}`;

async function allRevisions(session: Session, id: string): Promise<Revision[]> {
  const revisions: Revision[] = [];
  let cursor: string | undefined;
  do {
    const { data } = await call<Page<Revision>>(session.token, inWorkspace(session, `/pipelines/${encodeURIComponent(id)}/revisions`), {
      query: { limit: "100", cursor },
    });
    revisions.push(...data.data);
    cursor = data.nextCursor ?? undefined;
  } while (cursor);
  return revisions;
}

function rollbackButton(view: View, pipeline: Pipeline, etag: string | null, version: number, outcome: HTMLElement) {
  const button = h("button", { type: "button" }, `Roll back to version ${version}`);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const path = inWorkspace(view.session, `/pipelines/${encodeURIComponent(pipeline.id)}/rollback`);
      const { data } = await call<Pipeline>(view.session.token, path, { method: "POST", body: { version }, ifMatch: etag });
      setFlash(`Rolled back to version ${version}: now version ${data.version}.`);
      view.refresh();
    } catch (error) {
      const problem = asProblem(error);
      const advice =
        problem.status === 412
          ? h("p", {}, "The pipeline changed since this page was loaded. Reload to see the change before rolling back.")
          : null;
      show(outcome, problemView(problem, advice, h("button", { type: "button", onclick: view.refresh }, "Reload")));
      button.disabled = false;
    }
  });
  return button;
}

function timeline(view: View, pipeline: Pipeline, etag: string | null, revisions: Revision[], outcome: HTMLElement): HTMLElement {
  if (revisions.length === 0) return empty("No revisions are kept for this pipeline.");
  return h(
    "ol",
    { class: "timeline", "aria-label": "Revisions, newest first" },
    ...revisions.map((revision) =>
      h(
        "li",
        {},
        h(
          "p",
          {},
          h("strong", {}, `Version ${revision.version}`),
          ` ${revision.change} by ${who(revision.actor)}, `,
          time(revision.changedAt),
        ),
        h("p", { class: "muted" }, "Request id ", h("code", {}, revision.requestId)),
        revision.version === pipeline.version || pipeline.archived ? null : rollbackButton(view, pipeline, etag, revision.version, outcome),
      ),
    ),
  );
}

const versionSelect = (name: string, label: string, versions: number[], chosen: number) =>
  selectField(
    `compare-${name}`,
    name,
    label,
    versions.map((v) => [String(v), `Version ${v}`] as const),
    String(chosen),
  );

function compareForm(id: string, versions: number[], from: number, to: number): HTMLFormElement {
  const form = h(
    "form",
    { class: "filters", "aria-label": "Compare two versions" },
    versionSelect("from", "From", versions, from),
    versionSelect("to", "To", versions, to),
    h("button", { type: "submit" }, "Compare"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    location.hash = href(`/pipelines/${encodeURIComponent(id)}/history`, { from: String(data.get("from")), to: String(data.get("to")) });
  });
  return form;
}

function diffTable(rows: DiffRow[], from: number, to: number): HTMLElement {
  if (rows.length === 0) return empty(`Versions ${from} and ${to} have the same content.`);
  const cell = (value: unknown, side: string) => h("td", { class: side }, value === undefined ? "" : h("code", {}, formatValue(value)));
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "diff" },
      h("caption", {}, `What changed from version ${from} to version ${to}`),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Where"),
          h("th", { scope: "col" }, `Version ${from}`),
          h("th", { scope: "col" }, `Version ${to}`),
        ),
      ),
      h(
        "tbody",
        {},
        ...rows.map((row) =>
          h(
            "tr",
            { class: `op-${row.op}` },
            h("th", { scope: "row" }, row.label, h("span", { class: "visually-hidden" }, ` (${row.op})`)),
            cell(row.before, "before"),
            cell(row.after, "after"),
          ),
        ),
      ),
    ),
  );
}

async function comparison(session: Session, id: string, from: number, to: number): Promise<HTMLElement[]> {
  const base = `/pipelines/${encodeURIComponent(id)}`;
  const [{ data: diff }, { data: older }, { data: newer }] = await Promise.all([
    call<Diff>(session.token, inWorkspace(session, `${base}/diff`), { query: { from: String(from), to: String(to) } }),
    call<RevisionWithPipeline>(session.token, inWorkspace(session, `${base}/revisions/${from}`)),
    call<RevisionWithPipeline>(session.token, inWorkspace(session, `${base}/revisions/${to}`)),
  ]);
  const [before, after] = [older.pipeline, newer.pipeline];
  const rows = describeOperations(before, diff.operations);
  const changed = changedStages(rows);
  return [
    diffTable(rows, from, to),
    h(
      "div",
      { class: "side-by-side" },
      h(
        "section",
        { "aria-label": `Version ${from}` },
        h("h3", {}, `Version ${from}: ${before.name}`),
        stageChain(before.stages, changed, `Stages of version ${from}`),
      ),
      h(
        "section",
        { "aria-label": `Version ${to}` },
        h("h3", {}, `Version ${to}: ${after.name}`),
        stageChain(after.stages, changed, `Stages of version ${to}`),
      ),
    ),
  ];
}

export async function historyView(view: View) {
  const { session, main, params, query } = view;
  const id = params[0] ?? "";
  const title = h("h1", { tabindex: -1 }, "History");
  const body = h("div");
  main.replaceChildren(title, pipelineNav(id, "/history"), body);
  await render(body, "the history", async () => {
    const [{ data: pipeline, etag }, revisions] = await Promise.all([
      call<Pipeline>(session.token, inWorkspace(session, `/pipelines/${encodeURIComponent(id)}`)),
      allRevisions(session, id),
    ]);
    title.textContent = `History of ${pipeline.name}`;
    const outcome = h("div", { "aria-live": "polite" });
    const versions = revisions.map((revision) => revision.version);
    const newest = versions[0] ?? pipeline.version;
    const to = Number(query.get("to") ?? newest);
    const from = Number(query.get("from") ?? versions[1] ?? newest);
    const compared = h("section", { class: "compare", "aria-label": "Comparison" });
    const parts = [
      h(
        "p",
        {},
        h("a", { href: pipelineHref(id) }, `Current version ${pipeline.version}`),
        pipeline.archived ? " (archived: restore it to roll back)" : "",
      ),
      outcome,
      h("h2", {}, "Compare versions"),
      versions.length > 1 ? compareForm(id, versions, from, to) : empty("There is one version: nothing to compare yet."),
      compared,
      h("h2", {}, "Revisions"),
      timeline(view, pipeline, etag, revisions, outcome),
    ];
    if (versions.length > 1) void render(compared, "the comparison", () => comparison(session, id, from, to));
    return parts;
  });
}
