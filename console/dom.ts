import { ProblemError } from "./api";
import type { Problem } from "./types";

/**
 * Elements are built with the DOM API, never from HTML text: whatever the API returns (names,
 * parameters, problem details) is text, so nothing it holds can run in the page, and no inline
 * style or script is needed under the Content-Security-Policy.
 */
type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

function assign(element: Element, attributes: Attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  assign(element, attributes);
  append(element, children);
  return element;
}

export function svg(tag: string, attributes: Attributes = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  assign(element, attributes);
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `target` shows. */
export function show(target: Element, ...children: Child[]) {
  target.replaceChildren();
  append(target, children);
}

export const loading = (what: string) => h("p", { class: "loading", role: "status" }, `Loading ${what}…`);

export const empty = (text: string) => h("p", { class: "empty" }, text);

/** A problem as the API worded it: title, detail, each invalid field, and the request id to quote. */
export function problemView(problem: Problem, ...actions: Child[]): HTMLElement {
  return h(
    "div",
    { class: "problem", role: "alert" },
    h("p", { class: "problem-title" }, problem.status ? `${problem.title} (${problem.status})` : problem.title),
    problem.detail ? h("p", {}, problem.detail) : null,
    problem.errors?.length
      ? h("ul", {}, ...problem.errors.map((issue) => h("li", {}, h("code", {}, issue.path), " ", issue.message)))
      : null,
    problem.requestId ? h("p", { class: "request-id" }, "Request id: ", h("code", {}, problem.requestId)) : null,
    ...actions,
  );
}

export function asProblem(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  return { title: "Something went wrong in the console", status: 0, detail: String(error) };
}

/** Runs a load and shows its outcome in `target`: a loading line first, the problem if it fails. */
export async function render(target: Element, what: string, load: () => Promise<Child | Child[]>) {
  show(target, loading(what));
  try {
    const content = await load();
    show(target, ...(Array.isArray(content) ? content : [content]));
  } catch (error) {
    show(target, problemView(asProblem(error)));
  }
}

export const time = (iso: string) => h("time", { datetime: iso }, iso.replace("T", " ").replace(/\.\d+Z$/, " UTC"));

export function definitionList(entries: Record<string, string>, emptyText: string): HTMLElement {
  const keys = Object.keys(entries).sort();
  if (keys.length === 0) return empty(emptyText);
  return h("dl", { class: "entries" }, ...keys.flatMap((key) => [h("dt", {}, key), h("dd", {}, entries[key] ?? "")]));
}

export const link = (href: string, text: Child, attributes: Attributes = {}) => h("a", { href, ...attributes }, text);

/** A labelled <select> of `options` ([value, text]), `chosen` selected. */
export function selectField(
  id: string,
  name: string,
  label: string,
  options: readonly (readonly [string, string])[],
  chosen: string,
): HTMLElement {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, name }, ...options.map(([value, text]) => h("option", { value, selected: value === chosen }, text))),
  );
}
