import type { ClusterVerdict, RegistryHistory, RegistryOperation } from "./partition";
import { describeState, type RegistryInput, type RegistryOutput } from "./registry-model";

/**
 * Failure reports a person can read: short labels for pipeline ids (p0, p1, … in the order
 * the history first names them), one line per operation with its logical invocation and
 * response times, and the state the search had reached where it got stuck.
 */

export class IdLabels {
  private readonly labels = new Map<string, string>();

  constructor(history: RegistryHistory) {
    for (const { input, output } of history) {
      if (input.kind !== "create") this.add(input.id);
      if (output?.view) this.add(output.view.id);
    }
  }

  private add(id: string) {
    if (!this.labels.has(id)) this.labels.set(id, `p${this.labels.size}`);
  }

  of(id: string): string {
    return this.labels.get(id) ?? id;
  }

  /** `text` with every known id replaced by its label. */
  replace(text: string): string {
    let out = text;
    for (const [id, label] of this.labels) out = out.split(id).join(label);
    return out;
  }
}

function describeInput(input: RegistryInput, labels: IdLabels): string {
  const guard = "ifMatch" in input && input.ifMatch !== undefined ? ` If-Match "${input.ifMatch}"` : "";
  switch (input.kind) {
    case "create":
      return `POST ${JSON.stringify(input.name)} w=${input.token}`;
    case "get":
      return `GET ${labels.of(input.id)}`;
    case "put":
      return `PUT ${labels.of(input.id)} ${JSON.stringify(input.name)} w=${input.token}${guard}`;
    case "patch": {
      const name = input.name === undefined ? "" : ` ${JSON.stringify(input.name)}`;
      const token = input.token === undefined ? "" : ` w=${input.token}`;
      return `PATCH ${labels.of(input.id)}${name}${token}${guard}`;
    }
    case "rollback":
      return `ROLLBACK ${labels.of(input.id)} to ${input.to}${guard}`;
    default:
      return `${input.kind.toUpperCase()} ${labels.of(input.id)}${guard}`;
  }
}

function describeOutput(output: RegistryOutput | null, note: string | undefined, labels: IdLabels): string {
  if (output === null) return `unknown (${note ?? "no response"})`;
  const view = output.view;
  if (!view) return String(output.status);
  const archived = view.archived ? " archived" : "";
  return `${output.status} ${labels.of(view.id)} v${view.version} ${JSON.stringify(view.name)}${archived} ${view.content}`;
}

export function describeOperation(operation: RegistryOperation, labels: IdLabels): string {
  const returned = Number.isFinite(operation.returnedAt) ? operation.returnedAt : "?";
  const times = `[${operation.invokedAt}→${returned}]`.padEnd(13);
  return `#${operation.id} client ${operation.client} ${times} ${describeInput(operation.input, labels)} → ${describeOutput(operation.output, operation.note, labels)}`;
}

/** How many linearized operations a report shows before the window: the state came from them. */
const CONTEXT = 6;

/** The failures of `verdicts` as text, empty when every cluster is linearizable. */
export function describeFailures(verdicts: readonly ClusterVerdict[], history: RegistryHistory): string {
  const labels = new IdLabels(history);
  const parts: string[] = [];
  for (const { cluster, operations, counterexample, concurrent = [] } of verdicts) {
    if (!counterexample) continue;
    const { stuck, window, state, before } = counterexample;
    const pending = (operation: RegistryOperation) => (operation.returnedAt > stuck.returnedAt ? "  (answered after the window)" : "");
    parts.push(
      [
        `cluster ${cluster} (${operations} operations) is not linearizable: the history up to time ${stuck.returnedAt} (the answer of #${stuck.id}) is the shortest that no order explains;`,
        `from the state ${labels.replace(describeState(state))},`,
        `reached by the order (last ${Math.min(CONTEXT, before.length)} of ${before.length}):`,
        ...before.slice(-CONTEXT).map((operation) => `    ${describeOperation(operation, labels)}`),
        `no order of the ${window.length} operations pending there (* the one that cannot be placed) explains their answers:`,
        ...window.map((operation) => `  ${operation === stuck ? "*" : " "} ${describeOperation(operation, labels)}${pending(operation)}`),
        `the other operations of the cluster that overlap #${stuck.id} (placed before it in that order, or after it):`,
        ...(concurrent.length ? concurrent : [null]).map((operation) => `    ${operation ? describeOperation(operation, labels) : "none"}`),
      ].join("\n"),
    );
  }
  return parts.join("\n\n");
}

export type { RegistryInput, RegistryOutput };
