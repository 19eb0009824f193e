import fc from "fast-check";
import { expect, it } from "vitest";
import { compactNumber, linePath, niceMax, scalePoints } from "../../console/chart.ts";

/** The arithmetic of the console's metrics charts (console/chart.ts). */
const BOX = { width: 560, height: 200, left: 64, pad: 16 };

it("rounds the axis up to 1, 2 or 5 times a power of ten, and to 1 when nothing is above zero", () => {
  expect([0.3, 1, 7, 12, 20, 21, 499, 501, 1e6 + 1].map(niceMax)).toEqual([0.5, 1, 10, 20, 20, 50, 500, 1000, 2e6]);
  expect([0, -5, Number.NaN, Number.POSITIVE_INFINITY].map(niceMax)).toEqual([1, 1, 1, 1]);
});

it("places one point per value inside the plot, oldest left, a larger value higher", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 50 }), (values) => {
      const { points, top } = scalePoints(values, BOX);
      expect(points).toHaveLength(values.length);
      expect(top).toBeGreaterThanOrEqual(Math.max(...values));
      for (const [index, point] of points.entries()) {
        expect(point.value).toBe(values[index]);
        expect(point.x).toBeGreaterThanOrEqual(BOX.left);
        expect(point.x).toBeLessThanOrEqual(BOX.width - BOX.pad);
        expect(point.y).toBeGreaterThanOrEqual(BOX.pad - 0.01);
        expect(point.y).toBeLessThanOrEqual(BOX.height - BOX.pad);
        const next = points[index + 1];
        if (next) expect(next.x).toBeGreaterThan(point.x);
      }
      for (const a of points) for (const b of points) if (a.value > b.value * (1 + 1e-6) + 1e-9) expect(a.y).toBeLessThanOrEqual(b.y);
    }),
  );
});

it("draws the axis' ends at its top and its bottom, and a lone value in the middle", () => {
  const { points, top } = scalePoints([0, 50, 100], BOX);
  expect(top).toBe(100);
  expect(points.map(({ x, y }) => [x, y])).toEqual([
    [64, 184],
    [304, 100],
    [544, 16],
  ]);
  expect(linePath(points)).toBe("M64 184 L304 100 L544 16");
  expect(scalePoints([7], BOX).points[0]?.x).toBe(304);
  expect(linePath([])).toBe("");
});

it("words sizes in binary units and other numbers with two decimals at most", () => {
  expect([
    compactNumber(512, "B"),
    compactNumber(1536, "B"),
    compactNumber(3 * 1024 ** 3, "B/s"),
    compactNumber(0.456),
    compactNumber(7, "x"),
  ]).toEqual(["512 B", "1.5 KiB", "3 GiB/s", "0.46", "7 x"]);
});
