// The Live page: scrapes /metrics every few seconds and shows rates (ingest, queries, errors)
// and query latency as small charts over the last five minutes, plus a few gauges.
import uPlot from "uplot";
import { text } from "../api";
import { sparkChart } from "../chart";
import { clear, formatNumber, h } from "../dom";
import { errorBox } from "../error_box";
import { parseMetrics, quantileBetween, Sample, total } from "../metrics";

const INTERVAL_MS = 2000;
const KEEP = 150;  // five minutes of points

interface Panel {
  title: string;
  help: string;
  unit: string;
  labels: string[];
  compute: (before: Sample[], after: Sample[], seconds: number) => number[];
}

const rate = (name: string, match: Record<string, string> = {}) =>
  (before: Sample[], after: Sample[], seconds: number) => Math.max(0, total(after, name, match) - total(before, name, match)) / seconds;

const PANELS: Panel[] = [
  { title: "Ingest", help: "rows written per second", unit: "", labels: ["rows/s"],
    compute: (a, b, s) => [rate("quanta_rows_written_total")(a, b, s)] },
  { title: "Writes", help: "put requests per second", unit: "", labels: ["puts/s"],
    compute: (a, b, s) => [rate("quanta_requests_total", { op: "put" })(a, b, s)] },
  { title: "Queries", help: "queries per second", unit: "", labels: ["queries/s"],
    compute: (a, b, s) => [rate("quanta_requests_total", { op: "query" })(a, b, s)] },
  { title: "Query latency", help: "milliseconds, over each interval", unit: " ms", labels: ["mean", "p95"],
    compute: (a, b) => {
      const count = total(b, "quanta_query_latency_seconds_count") - total(a, "quanta_query_latency_seconds_count");
      const sum = total(b, "quanta_query_latency_seconds_sum") - total(a, "quanta_query_latency_seconds_sum");
      const p95 = quantileBetween(a, b, "quanta_query_latency_seconds", 0.95);
      return [count > 0 ? (sum / count) * 1000 : NaN, p95 * 1000];
    } },
  { title: "Errors", help: "failed requests per second, all operations", unit: "", labels: ["errors/s"],
    compute: (a, b, s) => [rate("quanta_errors_total")(a, b, s)] },
  { title: "Rows read", help: "rows returned per second", unit: "", labels: ["rows/s"],
    compute: (a, b, s) => [rate("quanta_rows_read_total")(a, b, s)] },
];

export function livePage(root: HTMLElement): () => void {
  const status = h("span", { class: "muted", id: "live-status" }, "Connecting…");
  const pause = h("button", { class: "ghost", "aria-pressed": "false" }, "Pause");
  const gauges = h("div", { class: "gauges" });
  const problem = h("div", {});
  const grid = h("div", { class: "live-grid" });
  root.appendChild(h("div", { class: "live-page" },
    h("header", { class: "page-head row" },
      h("div", {}, h("h1", {}, "Live"), h("p", { class: "muted" }, `From /metrics every ${INTERVAL_MS / 1000} s; the last five minutes.`)),
      h("div", { class: "row" }, status, pause)),
    problem, gauges, grid));

  const series = PANELS.map(() => ({ xs: [] as number[], ys: [] as number[][] }));
  const values: HTMLElement[] = [];
  const plots: uPlot[] = PANELS.map((panel, i) => {
    const holder = h("div", { class: "spark" });
    const value = h("div", { class: "big" }, "–");
    values.push(value);
    grid.appendChild(h("section", { class: "card", "aria-label": panel.title },
      h("div", { class: "card-head" }, h("h2", {}, panel.title), value),
      h("p", { class: "muted small" }, panel.help), holder));
    series[i].ys = panel.labels.map(() => []);
    return sparkChart(holder, panel.labels, panel.unit);
  });

  let previous: { samples: Sample[]; at: number } | null = null;
  let paused = false;
  let timer = 0;
  let stopped = false;
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
    pause.setAttribute("aria-pressed", String(paused));
  });

  async function tick() {
    if (stopped) return;
    if (!paused) {
      try {
        const at = Date.now();
        const samples = parseMetrics(await text("/metrics"));
        clear(problem);
        showGauges(gauges, samples);
        if (previous) {
          const seconds = Math.max(0.001, (at - previous.at) / 1000);
          PANELS.forEach((panel, i) => {
            const point = panel.compute(previous!.samples, samples, seconds);
            const s = series[i];
            s.xs.push(at);
            point.forEach((v, k) => s.ys[k].push(v));
            if (s.xs.length > KEEP) { s.xs.shift(); s.ys.forEach((y) => y.shift()); }
            plots[i].setData([s.xs, ...s.ys.map((y) => y.map((v) => (Number.isFinite(v) ? v : null)))] as uPlot.AlignedData);
            const shown = point.map((v) => formatNumber(v, v < 10 ? 2 : 1) + panel.unit).join(" / ");
            values[i].textContent = shown;
          });
        }
        previous = { samples, at };
        status.textContent = `Updated ${new Date(at).toLocaleTimeString()}`;
      } catch (e) {
        clear(problem);
        problem.appendChild(errorBox(e));
        status.textContent = "Not reachable";
      }
    }
    if (!stopped) timer = window.setTimeout(tick, previous ? INTERVAL_MS : 300);
  }
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    plots.forEach((p) => p.destroy());
  };
}

function showGauges(el: HTMLElement, samples: Sample[]) {
  const gauge = (label: string, value: string, id: string) =>
    h("div", { class: "gauge", id }, h("div", { class: "gauge-value" }, value), h("div", { class: "muted small" }, label));
  const bytes = (n: number) => {
    if (n >= 2 ** 30) return (n / 2 ** 30).toFixed(1) + " GiB";
    if (n >= 2 ** 20) return (n / 2 ** 20).toFixed(1) + " MiB";
    if (n >= 2 ** 10) return (n / 2 ** 10).toFixed(1) + " KiB";
    return n + " B";
  };
  clear(el);
  el.append(
    gauge("rows written", formatNumber(total(samples, "quanta_rows_written_total")), "gauge-rows"),
    gauge("queries", formatNumber(total(samples, "quanta_requests_total", { op: "query" })), "gauge-queries"),
    gauge("open connections", formatNumber(total(samples, "quanta_open_connections")), "gauge-connections"),
    gauge("rows not yet sealed", formatNumber(total(samples, "quanta_storage_head_rows")), "gauge-head"),
    gauge("on disk", bytes(total(samples, "quanta_storage_disk_bytes")), "gauge-disk"));
}
