/** A clock the test moves by hand, so times (and their order) are exact. */
export function manualClock(start = Date.parse("2026-11-26T12:00:00.000Z")) {
  let now = start;
  const clock = () => new Date(now);
  clock.advance = (ms: number) => {
    now += ms;
  };
  clock.set = (iso: string) => {
    now = Date.parse(iso);
  };
  return clock;
}

export type ManualClock = ReturnType<typeof manualClock>;
