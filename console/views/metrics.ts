import { call, inWorkspace, type Session } from "../api";
import { compactNumber, linePath, scalePoints } from "../chart";
import { empty, h, render, svg } from "../dom";
import type { View } from "../route";
import type { Metrics, Page } from "../types";
import { pipelineNav } from "./pipeline";

/**
 * The metrics history (GET …/metrics/history, every kept metrics) as four inline SVG charts,
 * oldest left: one point per recorded metrics, each with its value as a tooltip and title. No
 * chart library and nothing from another origin: the arithmetic is chart.ts.
 */
const BOX = { width: 560, height: 200, left: 64, pad: 16 };

const SERIES: { key: string; title: string; unit: string; value: (m: Metrics) => number | null }[] = [
  { key: "throughput", title: "Throughput", unit: "B/s", value: (m) => m.throughputBytesPerSecond },
  { key: "bytes", title: "Bytes processed", unit: "B", value: (m) => m.bytesProcessed },
  { key: "ratio", title: "Compression ratio", unit: "", value: (m) => m.compressionRatio },
  { key: "errors", title: "Errors", unit: "", value: (m) => m.errorCount },
];

async function allMetrics(session: Session, id: string): Promise<Metrics[]> {
  const kept: Metrics[] = [];
  let cursor: string | undefined;
  do {
    const path = inWorkspace(session, `/pipelines/${encodeURIComponent(id)}/metrics/history`);
    const { data } = await call<Page<Metrics>>(session.token, path, { query: { limit: "100", cursor } });
    kept.push(...data.data);
    cursor = data.nextCursor ?? undefined;
  } while (cursor);
  return kept.reverse();
}

function chart(series: (typeof SERIES)[number], history: Metrics[]): HTMLElement {
  const recorded = history.flatMap((metrics) => {
    const value = series.value(metrics);
    return value === null ? [] : [{ value, at: metrics.endTime ?? metrics.updatedAt }];
  });
  const titleId = `chart-${series.key}-title`;
  const figure = h("figure", { class: "chart", "data-series": series.key }, h("figcaption", { id: titleId }, series.title));
  if (recorded.length === 0) {
    figure.append(empty("No value recorded."));
    return figure;
  }
  const { points, top } = scalePoints(
    recorded.map((r) => r.value),
    BOX,
  );
  const latest = recorded[recorded.length - 1];
  const bottom = BOX.height - BOX.pad;
  figure.append(
    svg(
      "svg",
      {
        viewBox: `0 0 ${BOX.width} ${BOX.height}`,
        role: "img",
        "aria-labelledby": titleId,
        "aria-describedby": `${titleId}-summary`,
      },
      svg("line", { class: "axis", x1: BOX.left, y1: BOX.pad, x2: BOX.left, y2: bottom }),
      svg("line", { class: "axis", x1: BOX.left, y1: bottom, x2: BOX.width - BOX.pad, y2: bottom }),
      svg("text", { class: "tick", x: BOX.left - 6, y: BOX.pad + 4, "text-anchor": "end" }, compactNumber(top, series.unit)),
      svg("text", { class: "tick", x: BOX.left - 6, y: bottom, "text-anchor": "end" }, "0"),
      svg("path", { class: "line", d: linePath(points) }),
      ...points.map((point, index) =>
        svg(
          "circle",
          { class: "point", cx: point.x, cy: point.y, r: 4 },
          svg("title", {}, `${recorded[index]?.at ?? ""}: ${compactNumber(point.value, series.unit)}`),
        ),
      ),
    ),
    h(
      "p",
      { id: `${titleId}-summary`, class: "muted" },
      `${recorded.length} recorded; latest ${compactNumber(latest?.value ?? 0, series.unit)}; axis up to ${compactNumber(top, series.unit)}.`,
    ),
  );
  return figure;
}

export async function metricsView({ session, main, params }: View) {
  const id = params[0] ?? "";
  const body = h("div");
  main.replaceChildren(h("h1", { tabindex: -1 }, "Metrics"), pipelineNav(id, "/metrics"), body);
  await render(body, "the metrics history", async () => {
    const history = await allMetrics(session, id);
    if (history.length === 0) return empty("No metrics recorded for this pipeline yet.");
    return [
      h("p", {}, `${history.length} metrics kept, oldest on the left.`),
      h("div", { class: "charts" }, ...SERIES.map((series) => chart(series, history))),
    ];
  });
}
