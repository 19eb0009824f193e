/** Page sizes of every paged listing: `limit` from 1 to 100, 20 unless asked. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** Digits of a non-negative integer of at most nine, so the number stays exact. */
export const NON_NEGATIVE_INTEGER = /^(0|[1-9][0-9]{0,8})$/;

/** A `limit` parameter: an integer from 1 to `max` (`fallback` when absent), or undefined when invalid. */
export function parseLimit(param: string | undefined, fallback: number, max: number): number | undefined {
  if (param === undefined) return fallback;
  const limit = Number(param);
  return NON_NEGATIVE_INTEGER.test(param) && limit >= 1 && limit <= max ? limit : undefined;
}
