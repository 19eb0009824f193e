import { call, saveSession, workspaceOfKey } from "../api";
import { asProblem, h, problemView, show } from "../dom";
import { go } from "../route";
import type { Page, Workspace } from "../types";

/**
 * Sign in with an API key (its workspace is the one the key names, checked with GET
 * /v1/workspaces/{workspace}) or with the operator token (checked by listing the workspaces,
 * one of which it then chooses). The token goes to sessionStorage only once the API accepts it.
 */
export function signInView(main: HTMLElement, signedIn: () => void) {
  const input = h("input", { id: "token", name: "token", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  const outcome = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "sign-in" },
    h("label", { for: "token" }, "API key or operator token"),
    input,
    h("p", { class: "hint" }, "Kept in this tab only, and forgotten when you sign out or close it."),
    button,
    outcome,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    button.disabled = true;
    show(outcome, h("p", { role: "status" }, "Checking the token…"));
    try {
      const workspace = workspaceOfKey(token);
      if (workspace) {
        await call<Workspace>(token, `/v1/workspaces/${encodeURIComponent(workspace)}`);
        saveSession({ token, workspace, operator: false });
        go("#/pipelines", signedIn);
      } else {
        await call<Page<Workspace>>(token, "/v1/workspaces", { query: { limit: "1" } });
        saveSession({ token, workspace: "", operator: true });
        go("#/workspaces", signedIn);
      }
    } catch (error) {
      show(outcome, problemView(asProblem(error)));
      button.disabled = false;
      input.focus();
    }
  });
  show(main, h("h1", { tabindex: -1 }, "Sign in to the pipeline registry"), form);
  input.focus();
}
