/**
 * Values read from JSON text keep that text, so an answer can carry it as it came instead of
 * serializing the parsed value again: a pipeline is built as JSON by the database (its one read
 * projection), and re-serializing a page of them was a tenth of a list request's time in the
 * Worker (issue 16's profile). Such a value is frozen, so its text can never disagree with it.
 */
const texts = new WeakMap<object, string>();

function deepFreeze(root: object): void {
  const pending: unknown[] = [root];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (typeof value !== "object" || value === null) continue;
    Object.freeze(value);
    for (const member of Object.values(value)) pending.push(member);
  }
}

/** `text` (a JSON object or array) parsed, frozen, and remembered as its own serialization. */
export function parseJsonText<T extends object>(text: string): T {
  const value = JSON.parse(text) as T;
  deepFreeze(value);
  texts.set(value, text);
  return value;
}

/**
 * `value` as JSON, as `JSON.stringify` writes it, except that a value from `parseJsonText`
 * (there, or in the arrays and plain objects around it) is written as the text it was read from.
 */
export function jsonText(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  const text = texts.get(value);
  if (text !== undefined) return text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (Object.getPrototypeOf(value) !== Object.prototype) return JSON.stringify(value);
  const members = Object.entries(value).filter(([, member]) => member !== undefined && typeof member !== "function");
  return `{${members.map(([key, member]) => `${JSON.stringify(key)}:${jsonText(member)}`).join(",")}}`;
}
