import type { Session } from "./api";

/**
 * The console's places are hash routes (`/console#/pipelines/{id}/history?from=1&to=3`): real
 * links that work with the keyboard, the back button and a reload, while the page itself stays
 * the one static asset at /console.
 */
export interface View {
  session: Session;
  main: HTMLElement;
  params: string[];
  query: URLSearchParams;
  /** Draws the current route again (after a write, or to reload a stale page). */
  refresh: () => void;
}

export function currentRoute(hash = location.hash): { path: string; query: URLSearchParams } {
  const text = hash.replace(/^#/, "") || "/pipelines";
  const [path = "/pipelines", search = ""] = text.split("?", 2);
  return { path, query: new URLSearchParams(search) };
}

/** A hash link: the path and the query entries that have a value. */
export function href(path: string, query: Record<string, string | string[] | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== "") params.append(name, item);
  }
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ""}`;
}

export const pipelineHref = (id: string, page = "") => href(`/pipelines/${encodeURIComponent(id)}${page}`);

/** Goes to `target`: the hash change draws it, or, already there, `redraw` does. */
export function go(target: string, redraw: () => void) {
  if (location.hash === target) redraw();
  else location.hash = target;
}

let flash: string | null = null;

/** A line for the next page drawn to announce (what a write did before the page reloaded). */
export const setFlash = (text: string) => {
  flash = text;
};

export const takeFlash = () => {
  const text = flash;
  flash = null;
  return text;
};
