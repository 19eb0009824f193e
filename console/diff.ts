/**
 * The diff endpoint's RFC 6902 operations, made readable: each operation becomes a row that
 * says what it touched (the stage by its position and name, the field) and the value before and
 * after it. Operations apply in order, so the value an operation replaces is read from the
 * document as the operations before it left it: the rows are replayed on a copy of `from`.
 * Pure (no DOM), so the node tests check it against fast-json-patch.
 */
/** An RFC 6902 operation: the diff endpoint sends add, remove and replace; move, copy and test are read as the RFC says. */
export interface Operation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  from?: string;
  value?: unknown;
}

export interface DiffRow {
  op: Operation["op"];
  path: string;
  /** "stage 2 “sum” › algorithm", "configuration › env", "name". */
  label: string;
  /** The 0-based index of the stage it touches, in the version it applies to, or null. */
  stage: number | null;
  before?: unknown;
  after?: unknown;
}

type Json = unknown;

/** A JSON pointer's reference tokens (RFC 6901: ~1 is /, ~0 is ~). */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`Not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const isContainer = (value: Json): value is Record<string, Json> | Json[] => typeof value === "object" && value !== null;

function valueAt(document: Json, tokens: string[]): Json {
  let current = document;
  for (const token of tokens) {
    if (!isContainer(current)) return undefined;
    current = Array.isArray(current) ? current[Number(token)] : current[token];
  }
  return current;
}

function parentOf(document: Json, tokens: string[]): { parent: Record<string, Json> | Json[]; key: string } {
  const parent = valueAt(document, tokens.slice(0, -1));
  const key = tokens[tokens.length - 1];
  if (!isContainer(parent) || key === undefined) throw new Error(`No parent for /${tokens.join("/")}`);
  return { parent, key };
}

function add(document: Json, tokens: string[], value: Json): Json {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(document, tokens);
  if (Array.isArray(parent)) parent.splice(key === "-" ? parent.length : Number(key), 0, value);
  else parent[key] = value;
  return document;
}

function remove(document: Json, tokens: string[]): Json {
  const { parent, key } = parentOf(document, tokens);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return document;
}

const copyOf = (value: Json): Json => (value === undefined ? undefined : structuredClone(value));

/** Applies `operations` to a copy of `document` (RFC 6902), calling `each` with the document as each operation finds it. */
export function applyPatch(document: Json, operations: Operation[], each?: (operation: Operation, before: Json) => void): Json {
  let current = copyOf(document);
  for (const operation of operations) {
    each?.(operation, current);
    const tokens = parsePointer(operation.path);
    switch (operation.op) {
      case "add":
        current = add(current, tokens, copyOf(operation.value));
        break;
      case "remove":
        current = remove(current, tokens);
        break;
      case "replace":
        current = tokens.length === 0 ? copyOf(operation.value) : add(remove(current, tokens), tokens, copyOf(operation.value));
        break;
      case "move": {
        const source = parsePointer(operation.from ?? "");
        const moved = valueAt(current, source);
        current = add(remove(current, source), tokens, moved);
        break;
      }
      case "copy":
        current = add(current, tokens, copyOf(valueAt(current, parsePointer(operation.from ?? ""))));
        break;
      case "test":
        break;
    }
  }
  return current;
}

function stageName(document: Json, index: number, value: Json): string | undefined {
  const stage = valueAt(document, ["stages", String(index)]) ?? value;
  return isContainer(stage) && !Array.isArray(stage) && typeof stage.name === "string" ? stage.name : undefined;
}

/** Where a pointer lands, worded for people: the stage by position (1-based) and name, then the field. */
export function labelOf(tokens: string[], document: Json, value?: Json): { label: string; stage: number | null } {
  if (tokens[0] === "stages" && tokens[1] !== undefined) {
    const index = tokens[1] === "-" ? ((valueAt(document, ["stages"]) as Json[] | undefined)?.length ?? 0) : Number(tokens[1]);
    const name = stageName(document, index, tokens.length === 2 ? value : undefined);
    const head = `stage ${index + 1}${name ? ` “${name}”` : ""}`;
    return { label: [head, ...tokens.slice(2)].join(" › "), stage: index };
  }
  return { label: tokens.length ? tokens.join(" › ") : "the whole pipeline", stage: null };
}

/** One row per operation, with the value each found (`before`) and the one it left (`after`). */
export function describeOperations(from: Json, operations: Operation[]): DiffRow[] {
  const rows: DiffRow[] = [];
  applyPatch(from, operations, (operation, document) => {
    const tokens = parsePointer(operation.path);
    const { label, stage } = labelOf(tokens, document, operation.value);
    const row: DiffRow = { op: operation.op, path: operation.path, label, stage };
    if (operation.op === "remove" || operation.op === "replace") row.before = copyOf(valueAt(document, tokens));
    if (operation.op === "add" || operation.op === "replace") row.after = copyOf(operation.value);
    if (operation.op === "move" || operation.op === "copy") {
      row.before = `from ${operation.from}`;
      row.after = copyOf(valueAt(document, parsePointer(operation.from ?? "")));
    }
    if (operation.op !== "test") rows.push(row);
  });
  return rows;
}

/** The stages (0-based positions) that any row touches. */
export const changedStages = (rows: DiffRow[]) => new Set(rows.flatMap((row) => (row.stage === null ? [] : [row.stage])));

/** A value as a diff cell shows it: strings as they are, everything else as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
