import { RegistryError } from "@pipeline-registry/client";
import type { Io } from "./io.js";

/** A failure the command explains itself: its message is the whole report, and the run exits 1. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** The lines of a refusal: the problem's title and detail, its request id, then each invalid field. */
export function problemLines(error: RegistryError): string[] {
  const head = error.detail ? `${error.title}: ${error.detail}` : error.title;
  const lines = [`${head} (HTTP ${error.status}${error.requestId ? `, request id ${error.requestId}` : ""})`];
  for (const issue of error.errors) lines.push(`  ${issue.path || "/"}: ${issue.message}`);
  return lines;
}

/** Writes a failure to stderr (as JSON with --json) and gives the exit code, 1. */
export function report(error: unknown, io: Io, json: boolean): number {
  if (json) {
    const body =
      error instanceof RegistryError
        ? {
            error: {
              status: error.status,
              type: error.type,
              title: error.title,
              detail: error.detail,
              errors: error.errors,
              requestId: error.requestId,
            },
          }
        : {
            error: {
              title: error instanceof Error ? error.message : String(error),
              details: error instanceof CliError ? error.details : [],
            },
          };
    io.stderr(`${JSON.stringify(body)}\n`);
    return 1;
  }
  if (error instanceof RegistryError) io.stderr(`error: ${problemLines(error).join("\n")}\n`);
  else if (error instanceof CliError) io.stderr(`error: ${[error.message, ...error.details].join("\n")}\n`);
  else io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
