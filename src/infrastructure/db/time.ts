/** Times are epoch milliseconds in D1 (integers sort and compare exactly) and RFC 3339 in the domain. */
export const ms = (iso: string) => Date.parse(iso);
export const iso = (epochMs: number) => new Date(epochMs).toISOString();
