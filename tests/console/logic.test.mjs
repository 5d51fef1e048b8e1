// The console's logic without a browser: the /metrics parser and the rates and quantiles the Live
// page draws, the result's column types, CSV, the CREATE TABLE the form builds, and the wording
// of row estimates. The sources
// are bundled with the console's own esbuild (console/node_modules, installed by the build).
//
//   node --test tests/console/logic.test.mjs
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";

const consoleDir = join(dirname(fileURLToPath(import.meta.url)), "../../console");
const esbuild = createRequire(join(consoleDir, "package.json"))("esbuild");
const bundle = await esbuild.build({
  stdin: {
    contents: `export * from "./src/metrics.ts";
               export { columnKinds, columnTypes, formatCell, toCsv } from "./src/results.ts";
               export { createStatement } from "./src/pages/create_table.ts";
               export { compact, rowsLabel } from "./src/rows.ts";`,
    resolveDir: consoleDir,
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "neutral",
  write: false,
  logLevel: "error",
});
const m = await import("data:text/javascript;base64," + Buffer.from(bundle.outputFiles[0].contents).toString("base64"));

const scrape = (queries, buckets, sum) => m.parseMetrics(`# HELP quanta_requests_total Requests handled, by operation.
# TYPE quanta_requests_total counter
quanta_requests_total{op="query"} ${queries}
quanta_requests_total{op="put"} 7
quanta_errors_total{op="query"} 1
quanta_errors_total{op="put"} 2
quanta_query_latency_seconds_bucket{le="0.001"} ${buckets[0]}
quanta_query_latency_seconds_bucket{le="0.010"} ${buckets[1]}
quanta_query_latency_seconds_bucket{le="0.100"} ${buckets[2]}
quanta_query_latency_seconds_bucket{le="+Inf"} ${buckets[3]}
quanta_query_latency_seconds_sum ${sum}
quanta_query_latency_seconds_count ${buckets[3]}
quanta_open_connections{listener="pb",note="a \\"quoted\\" value"} 3
`);

test("parses Prometheus text and sums by labels", () => {
  const s = scrape(10, [1, 2, 3, 4], 0.5);
  assert.equal(m.total(s, "quanta_requests_total", { op: "query" }), 10);
  assert.equal(m.total(s, "quanta_errors_total"), 3);
  assert.equal(m.total(s, "quanta_open_connections", { note: 'a \\"quoted\\" value' }), 3);
  assert.equal(m.total(s, "missing"), 0);
  assert.equal(s.find((x) => x.labels.le === "+Inf").labels.le, "+Inf");
});

test("quantiles between two scrapes interpolate inside the bucket", () => {
  const before = scrape(0, [10, 10, 10, 10], 0);
  // 100 new observations: 50 under 1 ms, 40 in (1, 10] ms, 10 in (10, 100] ms.
  const after = scrape(0, [60, 100, 110, 110], 1);
  assert.equal(m.quantileBetween(before, after, "quanta_query_latency_seconds", 0.5), 0.001);
  assert.ok(Math.abs(m.quantileBetween(before, after, "quanta_query_latency_seconds", 0.95) - 0.055) < 1e-12);
  assert.ok(Number.isNaN(m.quantileBetween(after, after, "quanta_query_latency_seconds", 0.95)));
  // Beyond the last finite bound: its bound, as Prometheus answers.
  const tail = scrape(0, [60, 100, 110, 120], 1);
  assert.equal(m.quantileBetween(before, tail, "quanta_query_latency_seconds", 0.99), 0.1);
});

test("column kinds: table types first, then values and names", () => {
  const table = [{ name: "time", type: "timestamp" }, { name: "site", type: "varchar" }, { name: "v", type: "sint64" }];
  const rows = [[1767614400000, "a", 1, 2.5, 1767614400000, 1767614400000, true, null],
                [1767614460000, "b", 2, null, 1767614460000, 5, false, null]];
  const names = ["time", "site", "v", "AVG(v)", "TIME(time, 60000)", "bucket_time", "ok", "nothing"];
  const kinds = m.columnKinds(names, rows, table);
  assert.deepEqual(kinds, ["timestamp", "string", "number", "number", "timestamp", "number", "boolean", "empty"]);
  assert.deepEqual(m.columnTypes(names, kinds, table), ["timestamp", "varchar", "sint64", "number", "timestamp", "number", "boolean", ""]);
  assert.equal(m.formatCell(1767614400000, "timestamp"), "2026-01-05 12:00:00.000");
  assert.equal(m.formatCell(null, "number"), "");
});

test("CSV quotes what needs quoting and keeps values as sent", () => {
  const csv = m.toCsv(["a", "b,c"], [["x", 1], ['say "hi"', null], ["two\nlines", 1767614400000]]);
  assert.equal(csv, 'a,"b,c"\r\nx,1\r\n"say ""hi""",\r\n"two\nlines",1767614400000\r\n');
});

test("the form's CREATE TABLE", () => {
  const design = {
    table: "sensor data",
    fields: [
      { name: "site", type: "VARCHAR", notNull: true, role: "partition" },
      { name: "time", type: "TIMESTAMP", notNull: true, role: "partition" },
      { name: "seq", type: "SINT64", notNull: true, role: "local" },
      { name: "", type: "DOUBLE", notNull: false, role: "none" },
      { name: "value", type: "DOUBLE", notNull: false, role: "none" },
    ],
    quantumColumn: "time",
    interval: 15,
    unit: "m",
  };
  assert.equal(m.createStatement(design), `CREATE TABLE "sensor data" (
  site VARCHAR NOT NULL,
  time TIMESTAMP NOT NULL,
  seq SINT64 NOT NULL,
  value DOUBLE,
  PRIMARY KEY ((site, QUANTUM(time, 15, 'm')),
    site, time, seq)
)`);
});

test("row estimates: counted, estimated (two significant digits), lower bound, none", () => {
  const e = (rows, exact = false, atLeast = false) => ({ name: "t", rows, exact, atLeast });
  assert.equal(m.rowsLabel(e(1, true)), "1 row");
  assert.equal(m.rowsLabel(e(0, true)), "0 rows");
  assert.equal(m.rowsLabel(e(1234567, true)), "1,234,567 rows");
  assert.equal(m.rowsLabel(e(812)), "≈ 812 rows");
  assert.equal(m.rowsLabel(e(1234)), "≈ 1.2k rows");
  assert.equal(m.rowsLabel(e(39960)), "≈ 40k rows");
  assert.equal(m.rowsLabel(e(1234567)), "≈ 1.2M rows");
  assert.equal(m.rowsLabel(e(999600)), "≈ 1M rows");
  assert.equal(m.rowsLabel(e(123456789)), "≈ 123M rows");
  assert.equal(m.rowsLabel(e(4.2e9)), "≈ 4.2G rows");
  assert.equal(m.rowsLabel(e(8192, false, true)), "≥ 8,192 rows");
  assert.equal(m.rowsLabel(e(null)), "");
  assert.equal(m.rowsLabel(undefined), "");
});
