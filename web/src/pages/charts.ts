// The health page's charts over the last blocks (samples.ts), drawn with uPlot: axes with units,
// a legend per chart, the x axis in blocks. Each chart carries `data-points`, its number of blocks.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Sample } from "../samples";
import { h } from "../ui";

type Column = (number | null)[];

interface Line {
  label: string;
  values: Column;
  stroke: string;
  /** The scale (and so the axis) it is drawn against; the chart's first by default. */
  scale?: string;
  /** Drawn as points only (events, readings), not joined. */
  points?: boolean;
  dash?: number[];
  /** A gap where a value is missing, rather than a line across it. */
  gaps?: boolean;
}

interface ChartSpec {
  testid: string;
  title: string;
  blocks: number[];
  lines: Line[];
  /** The left axis's unit, and a right axis's (scale "right") if any. */
  unit: string;
  rightUnit?: string;
  /** Further attributes on the chart's element, for what the chart cannot show in text. */
  attrs?: Record<string, string>;
}

const WIDTH = () => Math.max(260, Math.min(520, window.innerWidth - 72));

function chart(spec: ChartSpec): { el: HTMLElement; plot: uPlot } {
  const el = h("figure", { class: "chart", "data-testid": spec.testid, "data-points": String(spec.blocks.length), ...spec.attrs });
  const series: uPlot.Series[] = [
    { label: "block" },
    ...spec.lines.map((l): uPlot.Series => ({
      label: l.label,
      stroke: l.stroke,
      scale: l.scale ?? "y",
      dash: l.dash,
      width: l.points ? 0 : 1.5,
      spanGaps: !l.points && !l.gaps,
      ...(l.points ? { paths: () => null, points: { show: true, size: 7, fill: l.stroke } } : { points: { show: false } }),
    })),
  ];
  const axes: uPlot.Axis[] = [
    { label: "block", labelSize: 18 },
    { scale: "y", label: spec.unit, labelSize: 18, size: 56 },
    ...(spec.rightUnit ? [{ scale: "right", side: 1, label: spec.rightUnit, labelSize: 18, size: 56, grid: { show: false } } as uPlot.Axis] : []),
  ];
  const opts: uPlot.Options = {
    title: spec.title,
    width: WIDTH(),
    height: 180,
    scales: { x: { time: false } },
    series,
    axes,
  };
  const data: uPlot.AlignedData = [spec.blocks, ...spec.lines.map((l) => l.values)];
  el.append(h("div"));
  return { el, plot: new uPlot(opts, data, el.firstChild as HTMLElement) };
}

/** The health page's charts, drawn afresh on each refresh; the ones they replace are destroyed
 * (uPlot keeps every live chart in a global list and on window listeners). */
export class ChartSet {
  private live: uPlot[] = [];

  draw(samples: readonly Sample[], rebalances: ReadonlyMap<number, number>, sym: { base: string; quote: string }): HTMLElement[] {
    this.live.forEach((p) => p.destroy());
    const drawn = healthCharts(samples, rebalances, sym);
    this.live = drawn.map((d) => d.plot);
    return drawn.map((d) => d.el);
  }
}

/** The four charts: q in its band with rebalances, prices, fee and k, oracle age. */
function healthCharts(
  samples: readonly Sample[],
  rebalances: ReadonlyMap<number, number>,
  sym: { base: string; quote: string },
): { el: HTMLElement; plot: uPlot }[] {
  const blocks = samples.map((s) => s.block);
  const col = (f: (s: Sample) => number | null): Column => samples.map(f);
  const pct = (v: number | null) => (v === null ? null : v * 100);
  const reporters = Math.max(0, ...samples.map((s) => s.reporters.length));
  const colours = ["#6a3d9a", "#b15928", "#33a02c", "#e31a1c", "#1f78b4"];
  return [
    chart({
      testid: "chart-q", title: "Inventory q against its band", blocks, unit: "q, % of value",
      // How many blocks' bands were read in their own state, and how many blocks the pool priced
      // (it checks a band only then).
      attrs: {
        "data-band-read": String(samples.filter((s) => s.trigger !== null).length),
        "data-priced": String(samples.filter((s) => s.feeBps !== null).length),
      },
      lines: [
        { label: "q", values: col((s) => pct(s.q)), stroke: "#1a5fb4" },
        { label: "band", values: col((s) => pct(s.trigger)), stroke: "#2e7d32", dash: [4, 4], gaps: true },
        { label: "−band", values: col((s) => (s.trigger === null ? null : -s.trigger * 100)), stroke: "#2e7d32", dash: [4, 4], gaps: true },
        { label: "rebalance", values: col((s) => pct(rebalances.get(s.block) ?? null)), stroke: "#c62828", points: true },
      ],
    }),
    chart({
      testid: "chart-price", title: "Pool reference against the oracle", blocks, unit: `${sym.quote} per ${sym.base}`,
      lines: [
        { label: "oracle", values: col((s) => s.oracle), stroke: "#1d232b" },
        { label: "pool reference", values: col((s) => s.reference), stroke: "#1a5fb4", dash: [6, 3] },
        ...Array.from({ length: reporters }, (_, i): Line => ({
          label: `reporter ${i + 1}`, values: col((s) => s.reporters[i] ?? null), stroke: colours[i % colours.length], points: true,
        })),
      ],
    }),
    chart({
      testid: "chart-fee", title: "Fee and k", blocks, unit: "fee, bps", rightUnit: "k",
      lines: [
        { label: "fee (bps)", values: col((s) => s.feeBps), stroke: "#b15928" },
        { label: "k", values: col((s) => s.k), stroke: "#6a3d9a", scale: "right" },
      ],
    }),
    chart({
      testid: "chart-age", title: "Oracle reading's age", blocks, unit: "seconds",
      lines: [{ label: "age (s)", values: col((s) => s.ageS), stroke: "#455a64" }],
    }),
  ];
}
