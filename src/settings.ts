import * as v from "valibot";
import { HISTORY_DEFAULTS } from "./domain/history";
import { METRICS_DEFAULTS } from "./domain/metrics";
import { WORKSPACE_DEFAULTS } from "./domain/workspace";
import type { Env } from "./env";

/**
 * The Worker's settings (wrangler.toml [vars] or .dev.vars), read and checked here and nowhere
 * else: the archive job, the HTTP layer's storage and its CORS and access log all ask this
 * module. A bad number is an error with the setting's name, never a silent default.
 */

/** The settings of an archive run. */
export type ArchiveEnv = Partial<Pick<Env, "ARCHIVE_AFTER_DAYS" | "ARCHIVE_BATCH_SIZE" | "AUDIT_RETENTION_DAYS" | "REVISIONS_KEEP">>;

export interface ArchiveSettings {
  /** Pipelines not updated for this many days are archived. */
  afterDays: number;
  /** At most this many pipelines per run; the rest wait for the next run. */
  batchSize: number;
  /** Audit events older than this many days are pruned by the run. */
  auditRetentionDays: number;
  /** Revisions kept per pipeline (the archive adds one to each pipeline it archives). */
  revisionsKeep: number;
}

export const ARCHIVE_DEFAULTS = { afterDays: 90, batchSize: 500 } as const;
/** 100 years of retention; a batch of 10,000 still runs as one D1 statement well within a run's limits. */
export const ARCHIVE_LIMITS = { maxAfterDays: 36_500, maxBatchSize: 10_000, maxRevisionsKeep: 10_000 } as const;

/** A bad setting: an archive run fails with this message instead of archiving with a wrong cutoff. */
export class SettingsError extends Error {}

const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
};

/**
 * `olderThanDays` of a manual run, which the HTTP layer validates with this schema too. 0 archives
 * every active pipeline not changed since the run started (the cutoff is the run's start).
 * ARCHIVE_AFTER_DAYS starts at 1: a daily cron with 0 would archive everything every day, which is
 * no retention at all.
 */
export const ArchiveDaysSchema = wholeNumber(0, ARCHIVE_LIMITS.maxAfterDays);
const AfterDaysSchema = wholeNumber(1, ARCHIVE_LIMITS.maxAfterDays);

/**
 * A setting as wrangler hands it over: a string (a TOML number in [vars] arrives as a number);
 * absent or "" means the default. Anything but plain digits becomes NaN, which the number check
 * refuses, so "abc", "-1", "1.5" and "1e3" are errors rather than some other number.
 */
const setting = (fallback: number, schema: ReturnType<typeof wholeNumber>) =>
  v.pipe(
    v.optional(v.union([v.string(), v.number()], "must be a whole number"), ""),
    v.transform((value) => {
      if (value === "") return fallback;
      if (typeof value === "number") return value;
      return /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    }),
    schema,
  );

const HistorySettingsSchema = v.object({
  AUDIT_RETENTION_DAYS: setting(HISTORY_DEFAULTS.auditRetentionDays, AfterDaysSchema),
  REVISIONS_KEEP: setting(HISTORY_DEFAULTS.revisionsKeep, wholeNumber(1, ARCHIVE_LIMITS.maxRevisionsKeep)),
});

const ArchiveSettingsSchema = v.object({
  ARCHIVE_AFTER_DAYS: setting(ARCHIVE_DEFAULTS.afterDays, AfterDaysSchema),
  ARCHIVE_BATCH_SIZE: setting(ARCHIVE_DEFAULTS.batchSize, wholeNumber(1, ARCHIVE_LIMITS.maxBatchSize)),
  ...HistorySettingsSchema.entries,
  olderThanDays: v.optional(ArchiveDaysSchema),
});

const shown = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : String(value));

function parseSettings<S extends v.GenericSchema>(schema: S, what: string, env: object): v.InferOutput<S> {
  const input = env as Record<string, unknown>;
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => {
    const key = v.getDotPath(issue) ?? "";
    return `${key} ${issue.message}, not ${shown(input[key])}`;
  });
  throw new SettingsError(`Invalid ${what} configuration: ${problems.join("; ")}.`);
}

/**
 * Reads and checks every setting of an archive run at once; `olderThanDays` (a manual run's)
 * overrides ARCHIVE_AFTER_DAYS. A bad environment fails even a run that overrides it: it needs fixing.
 */
export function readArchiveSettings(env: ArchiveEnv, overrides: { olderThanDays?: number } = {}): ArchiveSettings {
  const settings = parseSettings(ArchiveSettingsSchema, "archive", { ...env, olderThanDays: overrides.olderThanDays });
  return {
    afterDays: settings.olderThanDays ?? settings.ARCHIVE_AFTER_DAYS,
    batchSize: settings.ARCHIVE_BATCH_SIZE,
    auditRetentionDays: settings.AUDIT_RETENTION_DAYS,
    revisionsKeep: settings.REVISIONS_KEEP,
  };
}

const StorageSettingsSchema = v.object({
  REVISIONS_KEEP: HistorySettingsSchema.entries.REVISIONS_KEEP,
  METRICS_KEEP: setting(METRICS_DEFAULTS.keep, wholeNumber(1, 100_000)),
  WORKSPACE_MAX_PIPELINES: setting(WORKSPACE_DEFAULTS.maxPipelines, wholeNumber(1, 100_000_000)),
});

const STORAGE_VARS = ["REVISIONS_KEEP", "METRICS_KEEP", "WORKSPACE_MAX_PIPELINES"] as const;

export type StorageEnv = Partial<Pick<Env, (typeof STORAGE_VARS)[number]>>;

/** What every write needs: revisions and recorded metrics kept per pipeline, and pipelines a workspace may hold. */
export interface StorageSettings {
  revisionsKeep: number;
  metricsKeep: number;
  maxPipelines: number;
}

/** The last settings read and their values: every request of an isolate sees the same [vars], so they are checked once. */
let lastRead: { values: unknown[]; settings: StorageSettings } | undefined;

/** REVISIONS_KEEP, METRICS_KEEP and WORKSPACE_MAX_PIPELINES, as the storage of every request needs them. */
export function readStorageSettings(env: StorageEnv): StorageSettings {
  const values = STORAGE_VARS.map((name) => env[name]);
  if (lastRead === undefined || values.some((value, i) => value !== lastRead?.values[i])) {
    const read = parseSettings(StorageSettingsSchema, "storage", env);
    lastRead = {
      values,
      settings: { revisionsKeep: read.REVISIONS_KEEP, metricsKeep: read.METRICS_KEEP, maxPipelines: read.WORKSPACE_MAX_PIPELINES },
    };
  }
  return lastRead.settings;
}

/** `CORS_ORIGINS`: comma-separated origins; none by default, so browsers on other origins get no access. */
export const readCorsOrigins = (env: Pick<Env, "CORS_ORIGINS">): string[] =>
  (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);

/** `ACCESS_LOG=off` stops the one line per request; anything else keeps it. */
export const accessLogOn = (env: Pick<Env, "ACCESS_LOG">): boolean => env.ACCESS_LOG !== "off";

/** `RATE_LIMIT_WINDOWS=epoch`: the rate-limit bindings' windows are known (see Env); anything else, they are not. */
export const rateLimitWindowsKnown = (env: Pick<Env, "RATE_LIMIT_WINDOWS">): boolean => env.RATE_LIMIT_WINDOWS === "epoch";

/**
 * The key consistency tokens are signed with: `CONSISTENCY_KEY` when set, so the operator's token
 * can be rotated without turning every client's token into a 400; else `ADMIN_TOKEN`.
 */
export const tokenSecret = (env: Pick<Env, "CONSISTENCY_KEY" | "ADMIN_TOKEN">): string | undefined =>
  env.CONSISTENCY_KEY || env.ADMIN_TOKEN || undefined;

/**
 * `WEBHOOK_ALLOW_LOOPBACK=true` lets webhook URLs `http://127.0.0.1:<port>` and
 * `http://localhost:<port>` through (src/domain/webhook-url.ts), for a receiver on the developer's
 * machine: `npm run dev` sets it, a deployment never should. Anything else keeps them refused.
 */
export const webhookLoopbackAllowed = (env: Pick<Env, "WEBHOOK_ALLOW_LOOPBACK">): boolean => env.WEBHOOK_ALLOW_LOOPBACK === "true";
