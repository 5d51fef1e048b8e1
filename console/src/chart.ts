// Time-series charts with uPlot: a result with a timestamp column and numeric columns becomes
// one line per numeric column, split into one line per group when it also has text columns.
import uPlot from "uplot";
import { Kind } from "./results";
import { h } from "./dom";

const PALETTE = ["#3b6cf6", "#e8590c", "#2b8a3e", "#c2255c", "#7048e8", "#0c8599", "#e67700",
                 "#5c940d", "#a61e4d", "#1864ab", "#862e9c", "#087f5b"];
const MAX_SERIES = 24;

export interface Plan { time: number; values: number[]; groups: number[] }

export function chartPlan(kinds: Kind[]): Plan | null {
  const time = kinds.indexOf("timestamp");
  const values = kinds.flatMap((k, i) => (k === "number" ? [i] : []));
  const groups = kinds.flatMap((k, i) => (k === "string" ? [i] : []));
  return time >= 0 && values.length > 0 ? { time, values, groups } : null;
}

function css(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function axis(): uPlot.Axis {
  return { stroke: css("--muted"), grid: { stroke: css("--grid"), width: 1 }, ticks: { stroke: css("--grid"), width: 1 } };
}

// One aligned table: the sorted distinct times, then one value array per series.
export function seriesData(columns: string[], rows: unknown[][], plan: Plan) {
  const keys = new Map<string, number>();
  const labels: string[] = [];
  const points: Map<number, number | null>[] = [];
  const times = new Set<number>();
  let dropped = 0;
  for (const row of rows) {
    const t = row[plan.time];
    if (typeof t !== "number") continue;
    times.add(t);
    const group = plan.groups.map((g) => String(row[g] ?? "null")).join(" · ");
    for (const v of plan.values) {
      const key = `${group}\u0000${v}`;
      let index = keys.get(key);
      if (index === undefined) {
        if (labels.length >= MAX_SERIES) { dropped++; continue; }
        index = labels.length;
        keys.set(key, index);
        const name = plan.values.length > 1 || !group ? columns[v] : "";
        labels.push([name, group].filter(Boolean).join(" · "));
        points.push(new Map());
      }
      const value = row[v];
      points[index].set(t, typeof value === "number" ? value : null);
    }
  }
  const xs = Array.from(times).sort((a, b) => a - b);
  const data: (number | null)[][] = [xs, ...points.map((p) => xs.map((x) => (p.has(x) ? p.get(x)! : null)))];
  return { labels, data, dropped };
}

// Returns the chart's element; it sizes itself to its container and follows its width.
export function timeChart(columns: string[], rows: unknown[][], plan: Plan): HTMLElement {
  const { labels, data, dropped } = seriesData(columns, rows, plan);
  const holder = h("div", { class: "chart", role: "img", "aria-label": `Chart of ${labels.join(", ")} over ${columns[plan.time]}` });
  const note = h("p", { class: "muted small" },
    "Drag across the chart to zoom, double-click to reset; values at the cursor are in the legend.",
    dropped > 0 ? ` Only the first ${MAX_SERIES} series are drawn.` : "");
  const wrap = h("div", { class: "chart-wrap" }, holder, note);
  const manyPoints = data[0].length > 400;
  const opts: uPlot.Options = {
    width: 800,
    height: 320,
    ms: 1,
    tzDate: (ts) => uPlot.tzDate(new Date(ts), "Etc/UTC"),
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    axes: [axis(), axis()],
    series: [
      { label: `${columns[plan.time]} (UTC)` },
      ...labels.map((label, i) => ({
        label,
        stroke: PALETTE[i % PALETTE.length],
        width: 1.75,
        spanGaps: true,
        points: { show: !manyPoints, fill: css("--panel") },
      })),
    ],
  };
  const plot = new uPlot(opts, data as uPlot.AlignedData, holder);
  const resize = () => {
    const width = Math.max(320, Math.floor(holder.clientWidth));
    if (width !== plot.width) plot.setSize({ width, height: 320 });
  };
  new ResizeObserver(resize).observe(holder);
  requestAnimationFrame(resize);
  return wrap;
}

// A small live chart (the Live page): fixed series, data replaced on each update.
export function sparkChart(holder: HTMLElement, labels: string[], unit: string): uPlot {
  const opts: uPlot.Options = {
    width: 360,
    height: 150,
    ms: 1,
    tzDate: (ts) => uPlot.tzDate(new Date(ts), "Etc/UTC"),
    legend: { show: labels.length > 1, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(max * 1.15, min + 1)] } },
    axes: [axis(), { ...axis(), size: 56, values: (_u, ticks) => ticks.map((t) => formatTick(t) + unit) }],
    series: [{ label: "time (UTC)" }, ...labels.map((label, i) => ({
      label, stroke: PALETTE[i % PALETTE.length], width: 1.5, fill: i === 0 ? PALETTE[0] + "22" : undefined,
      points: { show: false },
    }))],
  };
  const plot = new uPlot(opts, [[], ...labels.map(() => [])] as unknown as uPlot.AlignedData, holder);
  const resize = () => {
    const width = Math.max(240, Math.floor(holder.clientWidth));
    if (width !== plot.width) plot.setSize({ width, height: 150 });
  };
  new ResizeObserver(resize).observe(holder);
  requestAnimationFrame(resize);
  return plot;
}

function formatTick(t: number): string {
  if (Math.abs(t) >= 1e6) return (t / 1e6).toFixed(1) + "M";
  if (Math.abs(t) >= 1e3) return (t / 1e3).toFixed(1) + "k";
  return String(Math.round(t * 100) / 100);
}
