import { forgetSession, loadSession, type Session } from "./api";
import { h, show } from "./dom";
import { currentRoute, href, takeFlash, type View } from "./route";
import { auditView } from "./views/audit";
import { historyView } from "./views/history";
import { metricsView } from "./views/metrics";
import { pipelineView } from "./views/pipeline";
import { pipelinesView } from "./views/pipelines";
import { signInView } from "./views/sign-in";
import { webhooksView, webhookView } from "./views/webhooks";
import { workspacesView } from "./views/workspaces";

/** The routes, by path pattern: each view draws into <main> and loads what it shows. */
const ROUTES: [RegExp, (view: View) => Promise<void>][] = [
  [/^\/pipelines$/, pipelinesView],
  [/^\/pipelines\/([^/]+)$/, pipelineView],
  [/^\/pipelines\/([^/]+)\/history$/, historyView],
  [/^\/pipelines\/([^/]+)\/metrics$/, metricsView],
  [/^\/audit$/, auditView],
  [/^\/webhooks$/, webhooksView],
  [/^\/webhooks\/([^/]+)$/, webhookView],
  [/^\/workspaces$/, workspacesView],
];

const root = document.getElementById("console") as HTMLElement;

function header(session: Session): HTMLElement {
  const signOut = h(
    "button",
    {
      type: "button",
      onclick: () => {
        forgetSession();
        // Back to the bare page without a hash change, so the sign-in form is drawn once.
        history.replaceState(null, "", location.pathname);
        draw(true);
      },
    },
    "Sign out",
  );
  return h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: href("/pipelines") }, "Pipeline registry"),
    h(
      "nav",
      { "aria-label": "Console" },
      h(
        "ul",
        {},
        h("li", {}, h("a", { href: href("/pipelines") }, "Pipelines")),
        h("li", {}, h("a", { href: href("/audit") }, "Audit log")),
        h("li", {}, h("a", { href: href("/webhooks") }, "Webhooks")),
        session.operator ? h("li", {}, h("a", { href: href("/workspaces") }, "Workspaces")) : null,
      ),
    ),
    h("p", { class: "who" }, "Workspace ", h("strong", {}, session.workspace || "none chosen")),
    signOut,
  );
}

let drawn = 0;

/** Draws the page for the session and the route; a view's heading takes the focus after a navigation. */
export function draw(focus = false) {
  const session = loadSession();
  const main = h("main", { id: "main" });
  if (!session) {
    show(root, main);
    signInView(main, () => draw(true));
    return;
  }
  const flash = takeFlash();
  show(root, header(session), flash ? h("p", { class: "flash", role: "status" }, flash) : null, main);
  const { path, query } = currentRoute();
  const chosen = !session.workspace && session.operator ? "/workspaces" : path;
  const found = ROUTES.map(([pattern, view]) => ({ match: pattern.exec(chosen), view })).find(({ match }) => match);
  const turn = ++drawn;
  const view: View = {
    session,
    main,
    params: found?.match?.slice(1).map(decodeURIComponent) ?? [],
    query,
    refresh: () => draw(true),
  };
  const done = found
    ? found.view(view)
    : Promise.resolve(
        show(main, h("h1", { tabindex: -1 }, "No such page"), h("p", {}, h("a", { href: href("/pipelines") }, "Go to the pipelines"))),
      );
  void done.then(() => {
    if (focus && turn === drawn) main.querySelector<HTMLElement>("h1")?.focus();
  });
}

window.addEventListener("hashchange", () => draw(true));
draw();
