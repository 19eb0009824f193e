/**
 * The write rules of the API's pipeline rules (docs/api.md), checked by hand (no schema library), listing
 * every failing field as the project does. The baseline's answer to "what does validation
 * cost without a framework".
 */

export interface Issue {
  path: string;
  message: string;
}

export interface StageInput {
  id?: string;
  name: string;
  stageType: string;
  algorithm: string;
  enabled: boolean;
  parallelProcessing: boolean;
  chunkSize: number | null;
  parameters: Record<string, string>;
}

export interface PipelineInput {
  name: string;
  configuration: Record<string, string>;
  stages: StageInput[];
}

const ALGORITHMS: Record<string, readonly string[] | undefined> = {
  compression: ["brotli", "gzip", "zstd", "lz4", "deflate"],
  encryption: ["aes-256-gcm", "aes-128-gcm", "chacha20-poly1305"],
  checksum: ["sha256", "sha512", "sha3-256", "blake3"],
  transform: undefined,
  passthrough: undefined,
};
const NO_REPEAT = new Set(["compression", "encryption"]);
const ALGORITHM = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,63}$/;
const MAP_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const ID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const CONTROL = /\p{Cc}/u;
const PIPELINE_MEMBERS = new Set(["name", "configuration", "stages"]);
const STAGE_MEMBERS = new Set(["name", "stageType", "algorithm", "enabled", "parallelProcessing", "chunkSize", "order", "parameters"]);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const length = (text: string) => [...text].length;

function text(value: unknown, path: string, what: string, issues: Issue[]): string {
  if (typeof value !== "string" || length(value) < 1 || length(value) > 100) {
    issues.push({ path, message: `${what} must be 1 to 100 characters` });
    return "";
  }
  return value;
}

function stringMap(value: unknown, path: string, issues: Issue[]): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    issues.push({ path, message: "must be an object of strings" });
    return {};
  }
  const entries = Object.entries(value);
  if (entries.length > 64) issues.push({ path, message: "at most 64 entries" });
  for (const [key, entry] of entries) {
    if (!MAP_KEY.test(key)) issues.push({ path: `${path}/${key}`, message: "keys are 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'" });
    if (typeof entry !== "string" || entry.length > 4096)
      issues.push({ path: `${path}/${key}`, message: "values are strings of at most 4096 characters" });
  }
  return value as Record<string, string>;
}

function unknownMembers(value: Record<string, unknown>, allowed: Set<string>, path: string, issues: Issue[]) {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) issues.push({ path: `${path}/${key}`, message: "unknown member; it cannot be set" });
  }
}

function stage(value: unknown, index: number, withIds: boolean, issues: Issue[]): StageInput | undefined {
  const at = `/stages/${index}`;
  if (!isRecord(value)) {
    issues.push({ path: at, message: "a stage is an object" });
    return undefined;
  }
  unknownMembers(value, withIds ? new Set([...STAGE_MEMBERS, "id"]) : STAGE_MEMBERS, at, issues);
  const { id, stageType, algorithm, enabled = true, parallelProcessing = false, chunkSize = null, order } = value;
  if (id !== undefined && (typeof id !== "string" || !ID.test(id))) issues.push({ path: `${at}/id`, message: "must be a ULID" });
  if (typeof stageType !== "string" || !(stageType in ALGORITHMS)) issues.push({ path: `${at}/stageType`, message: "unknown stage type" });
  if (typeof algorithm !== "string" || !ALGORITHM.test(algorithm)) {
    issues.push({ path: `${at}/algorithm`, message: "algorithm is 1 to 64 lowercase letters, digits and single hyphens" });
  } else if (typeof stageType === "string" && ALGORITHMS[stageType] && !ALGORITHMS[stageType].includes(algorithm)) {
    issues.push({ path: `${at}/algorithm`, message: `a ${stageType} stage takes one of ${ALGORITHMS[stageType].join(", ")}` });
  }
  if (typeof enabled !== "boolean") issues.push({ path: `${at}/enabled`, message: "must be a boolean" });
  if (typeof parallelProcessing !== "boolean") issues.push({ path: `${at}/parallelProcessing`, message: "must be a boolean" });
  if (chunkSize !== null && (!Number.isInteger(chunkSize) || (chunkSize as number) < 1024 || (chunkSize as number) > 104_857_600)) {
    issues.push({ path: `${at}/chunkSize`, message: "chunkSize is null or an integer from 1024 to 104857600" });
  }
  if (order !== undefined && order !== index)
    issues.push({ path: `${at}/order`, message: `order must equal the stage's position (${index})` });
  return {
    ...(typeof id === "string" ? { id } : {}),
    name: text(value.name, `${at}/name`, "stage name", issues),
    stageType: stageType as string,
    algorithm: algorithm as string,
    enabled: enabled as boolean,
    parallelProcessing: parallelProcessing as boolean,
    chunkSize: chunkSize as number | null,
    parameters: stringMap(value.parameters, `${at}/parameters`, issues),
  };
}

/** The body of a create (`withIds` false) or a replacement (stages may carry ids), or its issues. */
export function validatePipeline(body: unknown, withIds: boolean): PipelineInput | Issue[] {
  const issues: Issue[] = [];
  if (!isRecord(body)) return [{ path: "", message: "the body is a JSON object" }];
  unknownMembers(body, PIPELINE_MEMBERS, "", issues);
  const name = text(body.name, "/name", "name", issues);
  if (CONTROL.test(name)) issues.push({ path: "/name", message: "name may not contain control characters" });
  if (name.trim() !== name) issues.push({ path: "/name", message: "name may not start or end with white space" });
  const configuration = stringMap(body.configuration, "/configuration", issues);
  const stages: StageInput[] = [];
  if (!Array.isArray(body.stages) || body.stages.length < 1 || body.stages.length > 32) {
    issues.push({ path: "/stages", message: "a pipeline has 1 to 32 stages" });
  } else {
    const names = new Set<string>();
    const ids = new Set<string>();
    body.stages.forEach((value, index) => {
      const parsed = stage(value, index, withIds, issues);
      if (!parsed) return;
      if (names.has(parsed.name)) issues.push({ path: `/stages/${index}/name`, message: "stage name is used twice" });
      names.add(parsed.name);
      if (parsed.id !== undefined && ids.has(parsed.id)) issues.push({ path: `/stages/${index}/id`, message: "stage id is used twice" });
      if (parsed.id !== undefined) ids.add(parsed.id);
      const previous = stages.at(-1);
      if (previous && NO_REPEAT.has(parsed.stageType) && previous.stageType === parsed.stageType) {
        issues.push({ path: `/stages/${index}/stageType`, message: `a ${parsed.stageType} stage may not directly follow another` });
      }
      stages.push(parsed);
    });
  }
  return issues.length > 0 ? issues : { name, configuration, stages };
}
