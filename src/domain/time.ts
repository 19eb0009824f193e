import * as v from "valibot";

/**
 * The one parser of times sent by clients (docs/api.md): RFC 3339 with `Z` or a
 * `±hh:mm` offset, naming a real calendar instant. `Date.parse` is not used: it takes other
 * formats, rolls impossible dates over (2023-02-31 becomes March 3rd) and throws later on
 * offsets it accepted (`+23`). Offsets are normalised away: the result is UTC.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (year: number, month: number) => (month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0));

/** The instant `text` names, or null when it is not an RFC 3339 time of a real date and time. */
export function parseInstant(text: string): Date | null {
  const match = RFC3339.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = match[7] ?? "";
  const [sign, offsetHours, offsetMinutes] = [match[9], Number(match[10] ?? 0), Number(match[11] ?? 0)];
  // Leap seconds (:60) have no instant of their own in JavaScript (or in D1's epoch milliseconds).
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.slice(1, 4).padEnd(3, "0")));
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000 * (sign === "-" ? -1 : 1);
  const instant = new Date(date.getTime() - offsetMs);
  // An offset can carry 0000-01-01 or 9999-12-31 out of the four-digit years RFC 3339 writes.
  const utcYear = instant.getUTCFullYear();
  return utcYear >= 0 && utcYear <= 9999 ? instant : null;
}

export const TIME_RULE = "must be an RFC 3339 time of a real date, with Z or a ±hh:mm offset (2026-11-26T12:00:00Z)";

/** A client's time: checked with parseInstant, given back as RFC 3339 UTC with milliseconds. */
export const TimeInputSchema = v.pipe(
  v.string(TIME_RULE),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const instant = parseInstant(dataset.value);
    if (instant === null) {
      addIssue({ message: TIME_RULE });
      return NEVER;
    }
    return instant.toISOString();
  }),
  v.metadata({ format: "date-time" }),
);
