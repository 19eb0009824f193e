import type { Difference } from "./content.js";
import type { Palette } from "./io.js";
import type { Change } from "./plan.js";

const SIGN = { create: "+", update: "~", unchanged: "=", archive: "-" } as const;

const show = (value: unknown) => JSON.stringify(value);

function differenceLine({ path, before, after }: Difference, paint: Palette): string {
  if (before === undefined) return paint.green(`      + ${path}: ${show(after)}`);
  if (after === undefined) return paint.red(`      - ${path}: ${show(before)}`);
  return paint.yellow(`      ~ ${path}: ${show(before)} → ${show(after)}`);
}

/** The plan for people: one line a pipeline, what differs under each update, and a count. */
export function renderPlan(changes: Change[], where: string, paint: Palette): string {
  const colour = { create: paint.green, update: paint.yellow, unchanged: paint.dim, archive: paint.red } as const;
  const lines = [paint.bold(`Plan for ${where}:`)];
  for (const change of changes) {
    const file = "file" in change ? paint.dim(`  (${change.file})`) : "";
    lines.push(colour[change.action](`  ${SIGN[change.action]} ${change.action.padEnd(9)} ${change.name}`) + file);
    if (change.action === "update") for (const difference of change.differences) lines.push(differenceLine(difference, paint));
  }
  const count = (action: Change["action"]) => changes.filter((change) => change.action === action).length;
  lines.push(
    `${count("create")} to create, ${count("update")} to update, ${count("archive")} to archive, ${count("unchanged")} unchanged.`,
  );
  return `${lines.join("\n")}\n`;
}

/** A change as --json prints it: its bodies are the files', so they stay out. */
export function changeJson(change: Change): Record<string, unknown> {
  const { action, name } = change;
  return {
    action,
    name,
    ...("file" in change ? { file: change.file } : {}),
    ...("id" in change ? { id: change.id, version: change.version } : {}),
    ...(change.action === "update" ? { differences: change.differences } : {}),
  };
}
