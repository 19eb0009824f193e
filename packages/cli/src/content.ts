import type { Pipeline } from "@pipeline-registry/client";

/**
 * What a pipeline file says and what `apply` compares: name, configuration and stages, with the
 * API's defaults filled in. Ids, versions, times and the stages' `order` (their position) are
 * not content. Members the API does not know are kept, so that a file with one differs and the
 * API's validation, not a silent "unchanged", answers it.
 */
export type Content = Record<string, unknown>;

const STAGE_DEFAULTS = { enabled: true, parallelProcessing: false, chunkSize: null, parameters: {} };

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

function stageContent(stage: unknown, index: number): unknown {
  if (!isObject(stage)) return stage;
  const { order, ...rest } = stage;
  return { ...STAGE_DEFAULTS, ...rest, ...(order === undefined || order === index ? {} : { order }) };
}

/** A file's document as content. */
export function specContent(spec: Record<string, unknown>): Content {
  const { stages, ...rest } = spec;
  return { configuration: {}, ...rest, stages: Array.isArray(stages) ? stages.map(stageContent) : stages };
}

/** A stored pipeline's content: what a file that matches it says. */
export function pipelineContent(pipeline: Pipeline): Content {
  return {
    name: pipeline.name,
    configuration: pipeline.configuration,
    stages: pipeline.stages.map(({ name, stageType, algorithm, enabled, parallelProcessing, chunkSize, parameters }) => ({
      name,
      stageType,
      algorithm,
      enabled,
      parallelProcessing,
      chunkSize,
      parameters,
    })),
  };
}

/** One difference: where (`stages[1].algorithm`), and the value before and after (undefined when absent). */
export interface Difference {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** JSON with every object's members in one order, so two equal values print the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Whether two contents are the same, whatever the order of their members. */
export const sameContent = (a: Content, b: Content): boolean => canonical(a) === canonical(b);

/** Objects and arrays as their leaves (scalars, and empty ones), keyed by path. */
function leaves(value: unknown, path: string, into: Map<string, string>): Map<string, string> {
  const nested = Array.isArray(value) ? value.length > 0 : isObject(value) && Object.keys(value).length > 0;
  if (!nested) into.set(path, canonical(value));
  else if (Array.isArray(value)) for (const [index, item] of value.entries()) leaves(item, `${path}[${index}]`, into);
  else for (const [key, item] of Object.entries(value as Record<string, unknown>)) leaves(item, path ? `${path}.${key}` : key, into);
  return into;
}

/**
 * What differs between two contents, leaf by leaf, in the order the paths first appear; a
 * container that is empty on one side and filled on the other shows as its leaves, not as itself.
 */
export function differences(before: Content, after: Content): Difference[] {
  const old = leaves(before, "", new Map());
  const now = leaves(after, "", new Map());
  const emptyOnOneSide = (path: string, side: Map<string, string>) =>
    [...side.keys()].some((other) => other.startsWith(path) && other !== path);
  const found: Difference[] = [];
  for (const path of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(path);
    const b = now.get(path);
    if (a === b) continue;
    if ((a === "{}" || a === "[]") && b === undefined && emptyOnOneSide(path, now)) continue;
    if ((b === "{}" || b === "[]") && a === undefined && emptyOnOneSide(path, old)) continue;
    found.push({ path, ...(a === undefined ? {} : { before: JSON.parse(a) }), ...(b === undefined ? {} : { after: JSON.parse(b) }) });
  }
  return found;
}
