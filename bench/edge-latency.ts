/**
 * A modelled (not measured) table of the D1 latency a request sees at the edge: for a Worker in
 * each of D1's six replica regions, the time its database round trips take, with and without
 * read replicas, for this project (1 call per request) and for a design that makes 2 (an API
 * key looked up first, then the work). It counts network round trips only: no SQL execution,
 * no Worker CPU, no connection set-up.
 *
 * Assumptions, stated so they can be argued with:
 * - The primary is in ENAM (D1 puts it near whoever created the database).
 * - A Worker reaches the D1 instance in its own region in LOCAL_MS (the region is large; a
 *   replica is not in every data centre).
 * - Round-trip times between regions are those of representative cities, rounded, read from
 *   WonderNetwork's public ping statistics (https://wondernetwork.com/pings): Ashburn (ENAM),
 *   San Jose (WNAM), London (WEUR), Warsaw (EEUR), Singapore (APAC), Sydney (OC).
 * - A read session starts unconstrained, so with replicas every call of a read goes to the
 *   local replica; a write session starts on the primary, so every call of a write goes to the
 *   primary (D1 sends writes there in any case). Without replicas everything goes to the primary.
 */

export const REGIONS = ["ENAM", "WNAM", "WEUR", "EEUR", "APAC", "OC"] as const;
export type Region = (typeof REGIONS)[number];

export const PRIMARY: Region = "ENAM";
export const LOCAL_MS = 10;

/** Assumed round trip from a Worker in each region to the primary in ENAM, in milliseconds. */
export const RTT_TO_PRIMARY_MS: Record<Region, number> = {
  ENAM: LOCAL_MS,
  WNAM: 65,
  WEUR: 75,
  EEUR: 100,
  APAC: 230,
  OC: 200,
};

export interface LatencyRow {
  region: Region;
  /** Milliseconds of D1 round trips, by design (calls per request) and setting. */
  read: { calls: number; withoutReplicas: number; withReplicas: number }[];
  write: { calls: number; withoutReplicas: number; withReplicas: number }[];
}

export const CALLS_PER_REQUEST = [1, 2] as const;

export function modelledLatency(): LatencyRow[] {
  return REGIONS.map((region) => {
    const primary = RTT_TO_PRIMARY_MS[region];
    return {
      region,
      read: CALLS_PER_REQUEST.map((calls) => ({ calls, withoutReplicas: calls * primary, withReplicas: calls * LOCAL_MS })),
      write: CALLS_PER_REQUEST.map((calls) => ({ calls, withoutReplicas: calls * primary, withReplicas: calls * primary })),
    };
  });
}
