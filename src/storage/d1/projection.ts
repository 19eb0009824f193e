import { sql } from "../shared/sql";
import { PIPELINE_JSON_SQL } from "./pipeline-json";

/**
 * The one read projection: pipeline `p` as the API's JSON, built by SQLite in the statement
 * that reads it, children included (stages in order, with their parameters, and the
 * configuration), times as RFC 3339 UTC with milliseconds. A single pipeline, a list page and
 * the pipeline a write answers with all come from this text, so they cannot differ.
 */
export const PIPELINE_JSON = sql.raw(PIPELINE_JSON_SQL);
