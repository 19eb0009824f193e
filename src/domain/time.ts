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

/**
 * The rule of parseInstant as a pattern for the OpenAPI document, in a syntax that ECMA-262 and
 * Python's `re` both read (`[0-9]`, not `\d`, which is any Unicode digit in Python). It is
 * stricter than parseInstant at the edges it cannot say simply: years 0000 and 9999, whose
 * instant an offset can carry out of range, are left out, and so February 29 of year 0000.
 */
const YEAR = "(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9])";
const MONTH_DAY = "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))";
const LEAP_DAY = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29";
const CLOCK = "[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])";
export const TIME_PATTERN = `^(?:${YEAR}-${MONTH_DAY}|${LEAP_DAY})${CLOCK}$`;

export const TIME_RULE = "must be an RFC 3339 time of a real date, with Z or a ±hh:mm offset (2026-11-26T12:00:00Z)";

/** A client's time: checked with parseInstant, given back as RFC 3339 UTC with milliseconds. */
export const TimeInputSchema = v.pipe(
  v.string(TIME_RULE),
  // Before the transform: the document describes what a client sends.
  v.metadata({ format: "date-time", pattern: TIME_PATTERN }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const instant = parseInstant(dataset.value);
    if (instant === null) {
      addIssue({ message: TIME_RULE });
      return NEVER;
    }
    return instant.toISOString();
  }),
);
