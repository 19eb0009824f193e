import { afterEach, describe, expect, it, vi } from "vitest";
import { ID_PATTERN, newId } from "../src/domain/ids";

const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const timeOf = (id: string) => [...id.slice(0, 10)].reduce((time, char) => time * 32 + BASE32.indexOf(char), 0);

describe("newId", () => {
  afterEach(() => vi.useRealTimers());

  it("makes ULIDs whose first ten characters are the time of creation in milliseconds", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 27, 12, 0, 0, 123), toFake: ["Date"] });
    const id = newId();
    expect(id).toMatch(ID_PATTERN);
    expect(timeOf(id)).toBe(Date.UTC(2026, 10, 27, 12, 0, 0, 123));
  });

  it("counts up within one millisecond, so ids sort in the order they were made", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 27, 12, 0, 1), toFake: ["Date"] });
    const ids = Array.from({ length: 1000 }, () => newId());
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => timeOf(id) === Date.UTC(2026, 10, 27, 12, 0, 1))).toBe(true);
  });

  it("keeps counting up from the last id while the clock is behind it", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 27, 12, 0, 2), toFake: ["Date"] });
    const before = newId();
    vi.setSystemTime(Date.UTC(2026, 10, 27, 11, 59, 0));
    const after = newId();
    expect(after > before).toBe(true);
    expect(timeOf(after)).toBe(timeOf(before));
  });

  it("draws fresh random digits in each new millisecond", () => {
    const randomParts = new Set<string>();
    for (let ms = 0; ms < 50; ms++) {
      vi.useFakeTimers({ now: Date.UTC(2026, 10, 27, 12, 1, 0, ms), toFake: ["Date"] });
      randomParts.add(newId().slice(10));
    }
    expect(randomParts.size).toBe(50);
    // Every character of the alphabet turns up somewhere in 800 random digits.
    expect(new Set([...randomParts].join("")).size).toBe(32);
  });
});
