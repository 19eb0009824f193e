/** Times are epoch milliseconds in D1 (integers sort and compare exactly) and RFC 3339 in the domain. */
let lastConverted = { iso: "", ms: Number.NaN };
export const ms = (iso: string) => {
  // A write stamps all its rows with one time: the last conversion is kept rather than parsed again.
  if (iso !== lastConverted.iso) lastConverted = { iso, ms: Date.parse(iso) };
  return lastConverted.ms;
};
export const iso = (epochMs: number) => new Date(epochMs).toISOString();
