/**
 * A history of concurrent operations, as a linearizability checker reads it: what each client
 * asked, what it was answered, and when, on a logical clock.
 *
 * The clock is a counter that ticks once at every invocation and once at every response, in
 * the order the test's single JavaScript thread sees them. It orders events exactly as real
 * time would (workerd's Date.now() stands still during I/O, so it cannot), and every tick is
 * unique, so "a returned before b was invoked" is `a.returnedAt < b.invokedAt`.
 */

export interface Operation<I, O> {
  /** Position in the history: invocation order. */
  id: number;
  client: number;
  input: I;
  /** The answer; null when it is unknown (no response, or a 5xx), so it may or may not have taken effect. */
  output: O | null;
  invokedAt: number;
  /** Infinity for an unknown answer: such an operation may take effect at any time after its invocation. */
  returnedAt: number;
  /** What the report shows beside an unknown answer (the status, or the error). */
  note?: string;
}

export type History<I, O> = readonly Operation<I, O>[];

/** The outcome the recorder is given for one operation: an answer, or "unknown" with why. */
export type Outcome<O> = { output: O } | { unknown: string };

/** Records operations as concurrent clients invoke them and receive their answers. */
export class Recorder<I, O> {
  private clock = 0;
  private readonly operations: Operation<I, O>[] = [];

  /**
   * Runs one operation of `client`: the invocation is recorded before `send` starts, the
   * answer when it settles. A thrown error is not an answer: it is recorded as unknown and
   * thrown again, so a broken test never passes as a lost response.
   */
  async record(client: number, input: I, send: () => Promise<Outcome<O>>): Promise<Outcome<O>> {
    const operation: Operation<I, O> = {
      id: this.operations.length,
      client,
      input,
      output: null,
      invokedAt: ++this.clock,
      returnedAt: Number.POSITIVE_INFINITY,
    };
    this.operations.push(operation);
    try {
      const outcome = await send();
      if ("output" in outcome) {
        operation.output = outcome.output;
        operation.returnedAt = ++this.clock;
      } else {
        operation.note = outcome.unknown;
      }
      return outcome;
    } catch (error) {
      operation.note = `threw ${String(error)}`;
      throw error;
    }
  }

  get history(): History<I, O> {
    return this.operations;
  }
}

/** Whether `a` returned before `b` was invoked: the only order a linearization must keep. */
export const precedes = (a: Operation<unknown, unknown>, b: Operation<unknown, unknown>) => a.returnedAt < b.invokedAt;
