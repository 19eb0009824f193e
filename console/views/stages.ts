import { definitionList, h } from "../dom";
import type { Stage } from "../types";

function chunk(size: number | null): string {
  if (size === null) return "whole input";
  if (size % 1048576 === 0) return `${size / 1048576} MiB`;
  return size % 1024 === 0 ? `${size / 1024} KiB` : `${size} B`;
}

/** A pipeline's stages as the chain they run in, each with its type, algorithm, chunk size, flags and parameters; `changed` marks stages a diff touches. */
export function stageChain(stages: Stage[], changed: Set<number> = new Set(), label = "Stages"): HTMLElement {
  return h(
    "ol",
    { class: "chain", "aria-label": label },
    ...stages.map((stage, index) =>
      h(
        "li",
        { class: changed.has(index) ? "stage changed" : "stage", "data-stage": stage.name },
        h(
          "p",
          { class: "stage-head" },
          h("span", { class: "stage-order" }, `${index + 1}`),
          " ",
          h("strong", {}, stage.name),
          changed.has(index) ? h("span", { class: "badge" }, "changed") : null,
        ),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Type"),
          h("dd", {}, stage.stageType),
          h("dt", {}, "Algorithm"),
          h("dd", {}, stage.algorithm),
          h("dt", {}, "Chunk size"),
          h("dd", {}, chunk(stage.chunkSize)),
          h("dt", {}, "Flags"),
          h("dd", {}, [stage.enabled ? "enabled" : "disabled", stage.parallelProcessing ? "parallel" : "sequential"].join(", ")),
        ),
        h("p", { class: "sub" }, "Parameters"),
        definitionList(stage.parameters, "No parameters."),
      ),
    ),
  );
}
