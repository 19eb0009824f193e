import type { History, Operation } from "./history";

/**
 * The Wing–Gong linearizability search with Lowe's memoization, as porcupine implements it:
 * the history is a doubly linked list of invocation and response events in time order; the
 * search linearizes a minimal operation (one whose invocation comes before every pending
 * response), removes its two events from the list, and starts again from the head. Meeting a
 * response means that operation had to be linearized already: the search undoes its last
 * choice and tries the next candidate. A cache of (linearized set, model state) pairs already
 * explored prunes the exponential part: two orders of the same operations that reach the same
 * state have the same futures.
 */

/** A sequential specification: what each operation may do from each state. */
export interface Model<S, I, O> {
  readonly initial: S;
  /**
   * The states `input` can lead to from `state` when it answered `output`; none when it could
   * not have answered that. A null output is an unknown answer: the operation may have taken
   * effect with any answer, or not at all (the state unchanged is one of the states).
   */
  step(state: S, input: I, output: O | null): readonly S[];
  /** Equal for equal states, and only for them: the memo's key. */
  key(state: S): string;
}

/** Where no order explains the history: the furthest response the search could not get past, with the fewest operations pending there. */
export interface Counterexample<S, I, O> {
  /** The operation whose response no explored order could precede with it linearized. */
  stuck: Operation<I, O>;
  /** The operations pending at that response (invoked before it, not yet linearized): no order of them explains their answers. */
  window: Operation<I, O>[];
  /** The state the window starts from, after `before`. */
  state: S;
  /** The operations linearized before the window, in their order. */
  before: Operation<I, O>[];
}

export type Verdict<S, I, O> =
  | { linearizable: true; order: Operation<I, O>[]; steps: number }
  | { linearizable: false; counterexample: Counterexample<S, I, O>; steps: number };

interface Entry<I, O> {
  operation: Operation<I, O>;
  time: number;
  /** An invocation's response entry; null on a response. */
  match: Entry<I, O> | null;
  prev: Entry<I, O> | null;
  next: Entry<I, O> | null;
}

interface Frame<S, I, O> {
  entry: Entry<I, O>;
  before: S;
  states: readonly S[];
  chosen: number;
}

/** The event list, in time order; responses at Infinity (unknown answers) last, by id. */
function eventList<I, O>(history: History<I, O>): Entry<I, O> {
  const entries: Entry<I, O>[] = [];
  for (const operation of history) {
    const response: Entry<I, O> = { operation, time: operation.returnedAt, match: null, prev: null, next: null };
    entries.push({ operation, time: operation.invokedAt, match: response, prev: null, next: null }, response);
  }
  entries.sort((a, b) => (a.time === b.time ? a.operation.id - b.operation.id : a.time < b.time ? -1 : 1));
  const head: Entry<I, O> = { operation: undefined as never, time: Number.NEGATIVE_INFINITY, match: null, prev: null, next: null };
  let last = head;
  for (const entry of entries) {
    last.next = entry;
    entry.prev = last;
    last = entry;
  }
  return head;
}

/** Takes an invocation and its response out of the list (they are put back in reverse order). */
function lift<I, O>(entry: Entry<I, O>) {
  const match = entry.match as Entry<I, O>;
  (entry.prev as Entry<I, O>).next = entry.next;
  (entry.next as Entry<I, O>).prev = entry.prev;
  (match.prev as Entry<I, O>).next = match.next;
  if (match.next) match.next.prev = match.prev;
}

function unlift<I, O>(entry: Entry<I, O>) {
  const match = entry.match as Entry<I, O>;
  (match.prev as Entry<I, O>).next = match;
  if (match.next) match.next.prev = match;
  (entry.prev as Entry<I, O>).next = entry;
  (entry.next as Entry<I, O>).prev = entry;
}

/** The set of linearized operations as a compact string, for the memo. */
class Bits {
  private readonly words: Uint16Array;
  constructor(size: number) {
    this.words = new Uint16Array(Math.ceil(size / 16));
  }
  set(i: number) {
    this.words[i >> 4] = (this.words[i >> 4] as number) | (1 << (i & 15));
  }
  clear(i: number) {
    this.words[i >> 4] = (this.words[i >> 4] as number) & ~(1 << (i & 15));
  }
  key(): string {
    return String.fromCharCode(...this.words);
  }
}

export interface SearchOptions {
  /** Steps (operations tried) before the search gives up with an error rather than run on. */
  budget?: number;
}

/** Whether `history` is linearizable with respect to `model`. */
export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: History<I, O>, options: SearchOptions = {}): Verdict<S, I, O> {
  const budget = options.budget ?? 5_000_000;
  // Bits index operations by their position here, whatever their ids in the whole history.
  const index = new Map(history.map((operation, i) => [operation, i]));
  const head = eventList(history);
  const linearized = new Bits(history.length);
  const explored = new Map<string, Set<string>>();
  const stack: Frame<S, I, O>[] = [];
  let state = model.initial;
  let steps = 0;
  let furthest: Counterexample<S, I, O> | null = null;

  /** Linearizes `entry` into the first of `states` from `from` on whose configuration is new. */
  function advance(entry: Entry<I, O>, states: readonly S[], from: number): boolean {
    const position = index.get(entry.operation) as number;
    linearized.set(position);
    const bits = linearized.key();
    const seen = explored.get(bits) ?? new Set<string>();
    explored.set(bits, seen);
    for (let chosen = from; chosen < states.length; chosen++) {
      const next = states[chosen] as S;
      const key = model.key(next);
      if (seen.has(key)) continue;
      seen.add(key);
      stack.push({ entry, before: state, states, chosen });
      state = next;
      lift(entry);
      return true;
    }
    linearized.clear(position);
    return false;
  }

  /** Keeps the furthest response the search got stuck at, and there the configuration with the fewest pending operations. */
  function noteStuck(response: Entry<I, O>) {
    if (furthest && furthest.stuck.returnedAt > response.time) return;
    const window: Operation<I, O>[] = [];
    for (let e = head.next; e && e !== response; e = e.next) if (e.match) window.push(e.operation);
    if (furthest && furthest.stuck.returnedAt === response.time && furthest.window.length <= window.length) return;
    furthest = { stuck: response.operation, window, state, before: stack.map((frame) => frame.entry.operation) };
  }

  let entry = head.next as Entry<I, O>;
  while (head.next) {
    if (++steps > budget) throw new Error(`the linearizability search gave up after ${budget} steps (${history.length} operations)`);
    if (entry.match) {
      const { input, output } = entry.operation;
      entry = advance(entry, model.step(state, input, output), 0) ? (head.next as Entry<I, O>) : (entry.next as Entry<I, O>);
      continue;
    }
    // A response: its operation had to be linearized before this point. Undo the last choice
    // and try its next state, or else the next candidate after it.
    noteStuck(entry);
    const frame = stack.pop();
    if (!frame) return { linearizable: false, counterexample: furthest as unknown as Counterexample<S, I, O>, steps };
    state = frame.before;
    linearized.clear(index.get(frame.entry.operation) as number);
    unlift(frame.entry);
    entry = advance(frame.entry, frame.states, frame.chosen + 1) ? (head.next as Entry<I, O>) : (frame.entry.next as Entry<I, O>);
  }
  return { linearizable: true, order: stack.map((frame) => frame.entry.operation), steps };
}

/**
 * The history as it stood at logical time `t`: the operations invoked before it, those not
 * answered by then pending (an unknown answer: they may or may not have taken effect).
 */
export function prefixAt<I, O>(history: History<I, O>, t: number): Operation<I, O>[] {
  return history
    .filter((operation) => operation.invokedAt < t)
    .map((operation) => (operation.returnedAt <= t ? operation : { ...operation, output: null, returnedAt: Number.POSITIVE_INFINITY }));
}

/**
 * The smallest window of a history that is not linearizable: the first response that no
 * linearization of the history up to it can get past (linearizability is closed under
 * prefixes, so the first is found by bisection over the responses), and there the fewest
 * operations pending from a state the operations before them reach. Operations answered after
 * that response are pending in the window: `history` holds their real answers, for the report.
 * Null when the history is linearizable.
 */
export function smallestCounterexample<S, I, O>(
  model: Model<S, I, O>,
  history: History<I, O>,
  options: SearchOptions = {},
): Counterexample<S, I, O> | null {
  const responses = history
    .map((operation) => operation.returnedAt)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const check = (t: number) => checkLinearizable(model, t === Number.POSITIVE_INFINITY ? history : prefixAt(history, t), options);
  const whole = check(Number.POSITIVE_INFINITY);
  if (whole.linearizable) return null;
  // The first prefix that fails: every prefix before it is linearizable, the whole history is not.
  let low = 0;
  let high = responses.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (check(responses[middle] as number).linearizable) low = middle + 1;
    else high = middle;
  }
  const verdict = low < responses.length ? check(responses[low] as number) : whole;
  if (verdict.linearizable) throw new Error("a prefix of a non-linearizable history passed where a shorter one failed");
  const real = new Map(history.map((operation) => [operation.id, operation]));
  const original = (operation: Operation<I, O>) => real.get(operation.id) ?? operation;
  const { stuck, window, state, before } = verdict.counterexample;
  return { stuck: original(stuck), window: window.map(original), state, before: before.map(original) };
}
