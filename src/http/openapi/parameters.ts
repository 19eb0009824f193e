import { CHANGE_EVENT_TYPES, FEED_WAIT } from "../../domain/events";
import { AUDIT_ACTIONS } from "../../domain/history";
import { ID_PATTERN } from "../../domain/ids";
import { LIMITS, MAP_KEY_PATTERN } from "../../domain/pipeline";
import { WORKSPACE_ID_PATTERN } from "../../domain/workspace";
import { IDEMPOTENCY_KEY } from "../pipelines/idempotency";
import { MAX_CONFIG_FILTERS } from "../pipelines/query";
import { CONSISTENCY_TOKEN } from "../shared/consistency-tokens";
import { entityTagListPattern, MAX_IF_MATCH_VERSIONS } from "../shared/preconditions";
import { DEFAULT_LIMIT, FILTER_VALUE, MAX_INTEGER_PARAM, MAX_LIMIT } from "../shared/query";
import type { Parameter, Ref } from "./types";

/** Reusable parameters, as `components.parameters`; operations refer to them by name with `param`. */
export const PARAMETERS = {
  workspace: {
    name: "workspace",
    in: "path",
    required: true,
    description:
      "The workspace's id: lowercase letters, digits and inner hyphens, 1 to 63 characters. An unknown one, or one the token may not act in, is the same 404.",
    schema: { type: "string", pattern: WORKSPACE_ID_PATTERN.source },
    example: "default",
  },
  id: {
    name: "id",
    in: "path",
    required: true,
    description: "The resource's ULID.",
    schema: { type: "string", pattern: ID_PATTERN.source },
    example: "01JD3ZK5Q8W7V6T5S4R3P2N1M0",
  },
  "If-Match": {
    name: "If-Match",
    in: "header",
    description:
      'The pipeline\'s ETag (`"<version>"`), a list of entity tags, or `*` (RFC 9110): the write happens only if one listed strong tag is the current ETag (a weak tag never matches), else 412; `*` matches any pipeline. A list of several versions is met by any of them (at most 16 distinct versions; more is a 400). A value that does not follow the grammar is a 400 (once the pipeline is known to exist). Without it the write goes ahead. The pattern is the grammar without obs-text, of at most 16 list elements.',
    schema: { type: "string", pattern: entityTagListPattern(MAX_IF_MATCH_VERSIONS) },
    example: '"3"',
  },
  "If-None-Match": {
    name: "If-None-Match",
    in: "header",
    description:
      'Entity tags, a list of them, or `*` (RFC 9110); when one matches the current ETag by weak comparison (`W/"3"` matches `"3"`) the answer is 304 with no body. A value that does not follow the grammar is a 400. The pattern is the grammar without obs-text.',
    schema: { type: "string", pattern: entityTagListPattern() },
    example: '"3"',
  },
  "Idempotency-Key": {
    name: "Idempotency-Key",
    in: "header",
    description:
      "1 to 255 visible ASCII characters. The same key with the same request within 24 hours replays the first response (with `Idempotent-Replayed: true`); with a different request it is a 422. Keys are scoped to the caller's token.",
    schema: { type: "string", minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY.source },
    example: "create-nightly-backup-2026-11-26",
  },
  "X-Consistency-Token": {
    name: "X-Consistency-Token",
    in: "header",
    description:
      "The `X-Consistency-Token` of an earlier response: this request is served from a database copy at least that fresh. A token this deployment did not issue (malformed, altered or forged) is a 400.",
    schema: { type: "string", pattern: CONSISTENCY_TOKEN.source },
  },
  archived: {
    name: "archived",
    in: "query",
    description: "Active pipelines (`false`), archived ones (`true`), or both (`all`).",
    schema: { type: "string", enum: ["false", "true", "all"], default: "false" },
  },
  name: {
    name: "name",
    in: "query",
    description: "Exact name. Like every string of a request, it may not contain U+0000 (a 400).",
    schema: { type: "string", minLength: 1, maxLength: 100 },
  },
  config: {
    name: "config",
    in: "query",
    style: "deepObject",
    explode: true,
    description:
      "Configuration entries that must equal the values, ANDed: `config[env]=prod&config[owner]=data-team`. The form `config.env=prod` means the same. " +
      `At most ${MAX_CONFIG_FILTERS}; values may not contain U+0000 (a 400).`,
    schema: {
      type: "object",
      maxProperties: MAX_CONFIG_FILTERS,
      propertyNames: { pattern: MAP_KEY_PATTERN.source },
      additionalProperties: { type: "string", maxLength: LIMITS.valueLength },
    },
    example: { env: "prod" },
  },
  sort: {
    name: "sort",
    in: "query",
    description: "`-` in front for descending; ties are broken by id.",
    schema: { type: "string", enum: ["name", "-name", "createdAt", "-createdAt", "updatedAt", "-updatedAt"], default: "name" },
  },
  limit: { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
  cursor: {
    name: "cursor",
    in: "query",
    description:
      "The `nextCursor` of the previous page, with the same filters and sort. A cursor this deployment did not issue for this listing is a 400.",
    schema: { type: "string" },
  },
  version: {
    name: "version",
    in: "path",
    required: true,
    description: "A version of the pipeline (1 and up).",
    schema: { type: "integer", minimum: 1, maximum: MAX_INTEGER_PARAM },
    example: 2,
  },
  from: {
    name: "from",
    in: "query",
    required: true,
    description: "The version to diff from.",
    schema: { type: "integer", minimum: 1, maximum: MAX_INTEGER_PARAM },
    example: 1,
  },
  to: {
    name: "to",
    in: "query",
    required: true,
    description: "The version to diff to.",
    schema: { type: "integer", minimum: 1, maximum: MAX_INTEGER_PARAM },
    example: 3,
  },
  resourceId: {
    name: "resourceId",
    in: "query",
    description: "Events of this pipeline, API key or archive run: 1 to 128 visible ASCII characters.",
    schema: { type: "string", minLength: 1, maxLength: 128, pattern: FILTER_VALUE.source },
  },
  action: { name: "action", in: "query", description: "Events of this action.", schema: { type: "string", enum: [...AUDIT_ACTIONS] } },
  actorId: {
    name: "actorId",
    in: "query",
    description: "Events of this API key (by its id): 1 to 128 visible ASCII characters.",
    schema: { type: "string", minLength: 1, maxLength: 128, pattern: FILTER_VALUE.source },
  },
  after: {
    name: "after",
    in: "query",
    description:
      "The `nextCursor` of an earlier answer of this workspace's feed: the events after that position (whatever the filters were). Left out, the feed starts at the oldest event kept. A cursor older than what is kept is a 410; one this deployment did not issue for this feed is a 400.",
    schema: { type: "string" },
  },
  type: { name: "type", in: "query", description: "Events of this type.", schema: { type: "string", enum: [...CHANGE_EVENT_TYPES] } },
  wait: {
    name: "wait",
    in: "query",
    description:
      "Seconds to wait, when no event is newer than the position, for one to commit before answering an empty page (the request looks twice a second, and answers as soon as it finds one).",
    schema: { type: "integer", minimum: 0, maximum: FEED_WAIT.maxSeconds, default: 0 },
  },
  offset: {
    name: "offset",
    in: "query",
    description: "Rows to skip; not with `cursor`.",
    schema: { type: "integer", minimum: 0, maximum: MAX_INTEGER_PARAM },
  },
} satisfies Record<string, Parameter>;

export type ParameterName = keyof typeof PARAMETERS;

export const param = (name: ParameterName): Ref => ({ $ref: `#/components/parameters/${name}` });

export const filterParameters = [param("archived"), param("name"), param("config")];
