/**
 * The arithmetic of the metrics charts: values to positions in an SVG box, the axis' round
 * maximum, the line through the points. Pure (no DOM), so the node tests check it; the metrics
 * view draws the result as inline SVG.
 */
export interface Box {
  width: number;
  height: number;
  /** Room left of the plot for the axis labels, and around it. */
  left: number;
  pad: number;
}

export interface Point {
  x: number;
  y: number;
  value: number;
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `max` (1 for nothing above zero): the top of the axis. */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  // Below about 1e-308 the power of ten underflows to 0: the value itself is the top then.
  if (!(magnitude > 0)) return max;
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max * (1 - 1e-12)) return step * magnitude;
  return 10 * magnitude;
}

/** One point per value, oldest first, spread evenly across the plot; the y axis runs from 0 to niceMax. */
export function scalePoints(values: number[], box: Box): { points: Point[]; top: number } {
  const top = niceMax(Math.max(0, ...values));
  const plotWidth = box.width - box.left - box.pad;
  const plotHeight = box.height - 2 * box.pad;
  const step = values.length > 1 ? plotWidth / (values.length - 1) : 0;
  const points = values.map((value, index) => ({
    x: round(box.left + (values.length > 1 ? index * step : plotWidth / 2)),
    y: round(box.pad + plotHeight - (Math.max(0, value) / top) * plotHeight),
    value,
  }));
  return { points, top };
}

/** The SVG path through the points, in order ("" for none). */
export const linePath = (points: Point[]) => points.map((point, index) => `${index === 0 ? "M" : "L"}${point.x} ${point.y}`).join(" ");

const round = (n: number) => Math.round(n * 100) / 100;

/** 1536 → "1.5 Ki", for the axis and the points' titles. */
export function compactNumber(value: number, unit = ""): string {
  const prefixes = ["", "Ki", "Mi", "Gi", "Ti"];
  if (unit === "B" || unit === "B/s") {
    let scaled = value;
    let index = 0;
    while (Math.abs(scaled) >= 1024 && index < prefixes.length - 1) {
      scaled /= 1024;
      index++;
    }
    return `${Number(scaled.toFixed(scaled < 10 && index > 0 ? 1 : 0))} ${prefixes[index]}${unit}`;
  }
  return `${Number(value.toFixed(2))}${unit ? ` ${unit}` : ""}`;
}
