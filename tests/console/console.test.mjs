// The web console in a real browser: Debian's chromium, driven by playwright-core, against a
// real quantad on a temporary data directory. Creates a table and rows over HTTP, runs a query
// from the editor with the keyboard, checks the result table's cells and that the chart drew,
// shows an error with its Riak code, visits Tables (row estimates, DESCRIBE, SHOW CREATE TABLE,
// the create form) and Live, and saves screenshots that must be non-empty and not blank.
//
//   node console.test.mjs <quantad> <screenshot dir>
// Environment: CHROMIUM (default /usr/bin/chromium), QUANTA_TEST_HTTP_PORT (default: a free one).
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { freePort, launch, run, setUp, sleep, startQuantad } from "./harness.mjs";

const t = setUp("console.test.mjs");
const shots = t.shots;

async function startServer() {
  const httpPort = Number(process.env.QUANTA_TEST_HTTP_PORT) || await freePort();
  let pbPort = await freePort();
  while (pbPort === httpPort) pbPort = await freePort();
  const base = `http://127.0.0.1:${httpPort}`;
  // Chunks of 256 rows (the smallest), so that the "wind" table's rows fill many more chunks
  // than a row estimate reads and the Tables page shows an extrapolated estimate; memtables of
  // 1 MB, so that its rows reach the disk's files (the estimate sizes the memtable too coarsely
  // to extrapolate from, and counts what is there instead).
  serverArgs = ["--data-dir", join(t.work, "data"), "--pb-listen", `127.0.0.1:${pbPort}`,
    "--http-listen", `127.0.0.1:${httpPort}`, "--set", "storage.chunk_rows=256",
    "--set", "storage.write_buffer_mb=1"];
  await startQuantad(t, serverArgs, base);
  return base;
}
let serverArgs;

// Stops quantad and starts it again on the same directory and ports: its rows are then all in
// the storage's files (the write-ahead log is replayed into them at start).
async function restartServer(base) {
  const exited = new Promise((resolve) => t.server.once("exit", resolve));
  t.server.kill("SIGTERM");
  await exited;
  await startQuantad(t, serverArgs, base);
}

async function sql(base, statement) {
  const r = await fetch(`${base}/ts/v1/query`, { method: "POST", body: statement });
  const text = await r.text();
  assert.equal(r.status, 200, `${statement}: ${text}`);
  return JSON.parse(text);
}

// Luminance spread of a screenshot: a blank page has none.
function checkScreenshot(path) {
  assert.ok(statSync(path).size > 1000, `${path} is (nearly) empty`);
  const png = PNG.sync.read(readFileSync(path));
  assert.ok(png.width >= 800 && png.height >= 600, `${path}: ${png.width}x${png.height}`);
  let sum = 0, sum2 = 0;
  const n = png.width * png.height;
  for (let i = 0; i < png.data.length; i += 4) {
    const y = 0.2126 * png.data[i] + 0.7152 * png.data[i + 1] + 0.0722 * png.data[i + 2];
    sum += y; sum2 += y * y;
  }
  const sd = Math.sqrt(sum2 / n - (sum / n) ** 2);
  assert.ok(sd > 8, `${path} looks blank (luminance standard deviation ${sd.toFixed(2)})`);
  console.log(`screenshot ${path}: ${png.width}x${png.height}, luminance sd ${sd.toFixed(1)}`);
}

// Non-transparent pixels drawn on a canvas inside `selector`.
async function inkedPixels(page, selector) {
  return page.$eval(selector, (root) => {
    let inked = 0;
    for (const canvas of root.querySelectorAll("canvas")) {
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
    }
    return inked;
  });
}

// Runs the editor's statement again (the Run button) and waits for its new result.
async function runAgain(page) {
  await page.$eval(".output", (o) => { o.textContent = ""; });
  await page.click("#run");
  await page.waitForSelector("#result-status, #result-error");
  const error = await page.$("#result-error");
  if (error) throw new Error(`the query failed again: ${await error.textContent()}`);
  await page.waitForSelector(".chart canvas");
  await sleep(300);
}

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const SITES = ["north", "south"];
const MINUTES = 90;  // 90 rows per site: two quanta of an hour each
const WIND_ROWS = 100000;

// Polls `ready` every 200 ms for up to 30 s.
async function waitFor(ready, what) {
  for (let i = 0; i < 150; i++) {
    if (await ready()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main() {
  const base = await startServer();
  console.log(`quantad at ${base}`);

  await sql(base, "CREATE TABLE weather (site VARCHAR NOT NULL, time TIMESTAMP NOT NULL, " +
    "temperature DOUBLE, humidity DOUBLE, PRIMARY KEY ((site, QUANTUM(time, 1, 'h')), site, time))");
  const expected = new Map();
  for (const [s, site] of SITES.entries()) {
    const rows = [];
    for (let m = 0; m < MINUTES; m++) {
      const time = T0 + m * 60000;
      const temperature = Math.round((10 + 5 * s + 3 * Math.sin(m / 9)) * 100) / 100;
      rows.push({ site, time, temperature, humidity: 50 + (m % 20) });
      expected.set(`${site}|${time}`, temperature);
    }
    const r = await fetch(`${base}/ts/v1/tables/weather/keys`, { method: "POST", body: JSON.stringify(rows) });
    assert.equal(r.status, 200, await r.text());
  }

  // A second table, big enough for its row count to be estimated rather than counted (about
  // 1 MB on disk: values that do not compress): 100,000 rows by line protocol (which creates
  // the table), then sealed into chunks.
  const lines = [];
  for (let i = 0; i < WIND_ROWS; i++) {
    lines.push(`wind,mast=m${i % 8} speed=${Math.random() * 40} ${T0 + Math.floor(i / 8) * 1000}`);
  }
  const written = await fetch(`${base}/write?precision=ms`, { method: "POST", body: lines.join("\n") });
  assert.equal(written.status, 204, await written.text());
  // Sealed, then on disk. The estimate extrapolates from the sizes of what it read and of the
  // rest; with part of the table in a memtable (sized from a sample of its entries) and part
  // in files, the two sizes differ in kind, and estimates came out between 0.5x and 2.3x the
  // rows. A restart puts every row in files, where sizes compare (docs/console.md).
  await waitFor(async () => (await (await fetch(`${base}/stats`)).json()).storage_head_rows === 0, "the sealer");
  await restartServer(base);
  let estimates;
  await waitFor(async () => {
    estimates = await (await fetch(`${base}/console/api/tables`)).json();
    return estimates.tables.find((e) => e.name === "wind")?.exact === false;
  }, "wind's rows on disk (an estimate, not a count)");
  assert.deepEqual(estimates.tables.find((e) => e.name === "weather"),
    { name: "weather", rows: SITES.length * MINUTES, exact: true, at_least: false });
  const wind = estimates.tables.find((e) => e.name === "wind");
  assert.ok(!wind.exact && !wind.at_least && wind.rows > WIND_ROWS / 1.5 && wind.rows < WIND_ROWS * 1.5,
    `wind estimate ${JSON.stringify(wind)}`);
  console.log(`row estimates: weather ${SITES.length * MINUTES} counted, wind ${wind.rows} for ${WIND_ROWS}`);

  const page = await launch(t, { acceptDownloads: true });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  // (The statement that fails on purpose below logs its 400 as a failed resource load.)
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 400/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  // Offline at run time: every request the page makes goes to quantad.
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) problems.push(`external request ${r.url()}`); });

  // "/" redirects to the console; the SQL page opens with the editor.
  const response = await page.goto(`${base}/`);
  assert.equal(new URL(page.url()).pathname, "/console/");
  assert.equal(response.status(), 200);
  await page.waitForSelector(".cm-content");

  // Type a query and run it with the keyboard.
  const query = `SELECT time, site, temperature FROM weather WHERE time >= ${T0} AND time < ${T0 + MINUTES * 60000}`;
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(query, { delay: 2 });
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#result-status");
  const status = await page.textContent("#result-status");
  assert.match(status, new RegExp(`^${SITES.length * MINUTES} rows`), status);

  // The table: header, then cells that match the rows written (100 on the first page).
  const headers = await page.$$eval(".result-table thead th", (ths) => ths.map((th) => th.firstChild.textContent));
  assert.deepEqual(headers, ["time", "site", "temperature"]);
  const cells = await page.$$eval(".result-table tbody tr", (trs) => trs.map((tr) =>
    Array.from(tr.children).map((td) => ({ text: td.textContent, title: td.getAttribute("title") }))));
  assert.equal(cells.length, 100);
  for (const [time, site, temperature] of cells) {
    const t = Number(time.title);
    assert.equal(time.text, new Date(t).toISOString().replace("T", " ").replace("Z", ""));
    assert.equal(Number(temperature.text), expected.get(`${site.text}|${t}`), `${site.text} ${time.text}`);
  }
  assert.match(await page.textContent(".result-table .toolbar"), /Rows 1–100 of 180/);

  // The chart: one line per site, and ink on its canvas.
  const legend = await page.$$eval(".chart .u-legend .u-series .u-label", (ls) => ls.map((l) => l.textContent));
  assert.deepEqual(legend.slice(1), SITES);
  const inked = await inkedPixels(page, ".chart");
  assert.ok(inked > 2000, `chart canvas has ${inked} drawn pixels`);
  console.log(`chart: ${legend.length - 1} series, ${inked} drawn pixels`);

  // Hover values: the legend shows the values under the cursor.
  const over = await page.$(".chart .u-over");
  const box = await over.boundingBox();
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
  const hovered = await page.$$eval(".chart .u-legend .u-series .u-value", (vs) => vs.map((v) => v.textContent));
  assert.ok(hovered.slice(1).every((v) => Number.isFinite(Number(v))), `legend values ${hovered}`);
  // Zoom: after dragging across a sixth of the chart, the same point of the plot is an earlier time.
  const timeAt = async (x) => {
    await page.mouse.move(x, box.y + box.height / 2);
    return page.$eval(".chart .u-legend .u-series:first-child .u-value", (v) => v.textContent);
  };
  const right = box.x + (box.width * 5) / 6;
  const before = await timeAt(right);
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  const after = await timeAt(right);
  assert.notEqual(after, before, "zoom changed the time axis");
  console.log(`zoom: the point at 5/6 of the plot went from ${before} to ${after}`);
  await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);

  // Paging, and the CSV download (the values as the server sent them).
  await page.click("text=Next ›");
  assert.match(await page.textContent(".result-table .toolbar"), /Rows 101–180 of 180/);
  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.click("text=CSV")]);
  const csv = readFileSync(await csvDownload.path(), "utf8").split("\r\n");
  assert.equal(csv[0], "time,site,temperature");
  assert.equal(csv.length, 1 + SITES.length * MINUTES + 1);
  for (const line of csv.slice(1, -1)) {
    const [time, site, temperature] = line.split(",");
    assert.equal(Number(temperature), expected.get(`${site}|${time}`), line);
  }
  await page.click("text=‹ Prev");
  await page.screenshot({ path: join(shots, "console-sql.png") });
  await page.emulateMedia({ colorScheme: "dark" });
  await runAgain(page);
  assert.ok(await inkedPixels(page, ".chart") > 2000, "the chart drew in the dark theme");
  await page.screenshot({ path: join(shots, "console-sql-dark.png") });
  await page.emulateMedia({ colorScheme: "light" });

  // History keeps the statement.
  assert.equal(await page.getAttribute(".history-item", "title"), query);

  // An error shows its Riak code.
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("SELEC nothing");
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#result-error");
  const error = await page.textContent("#result-error");
  assert.match(error, /Riak error 1020/);
  assert.match(error, /HTTP 400/);
  assert.match(error, /Unexpected token/);

  // Tables, by keyboard: the list, DESCRIBE and SHOW CREATE TABLE of the first table.
  await page.click("main");
  await page.keyboard.press("Alt+2");
  await page.waitForSelector("#show-create");
  assert.equal(new URL(page.url()).hash, "#/tables/weather");
  const described = await page.$$eval("table.describe tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(described, ["site", "time", "temperature", "humidity"]);
  assert.match(await page.textContent("#show-create"), /^CREATE TABLE weather \(site VARCHAR NOT NULL,/);
  // The row estimates, in the list and in the table's header: the rows written to weather,
  // counted; wind's 100,000 as an estimate ("≈ 100k rows", within the factor checked above).
  await page.waitForSelector(".table-list a .rows-estimate:not(:empty)");
  const listed = await page.$$eval(".table-list a", (as) => as.map((a) => [a.querySelector(".table-name").textContent, a.querySelector(".rows-estimate").textContent]));
  assert.deepEqual(listed[0], ["weather", `${SITES.length * MINUTES} rows`]);
  assert.equal(listed[1][0], "wind");
  const windLabel = listed[1][1].match(/^≈ (\d+(?:\.\d)?)k rows$/);
  assert.ok(windLabel && Number(windLabel[1]) * 1000 > WIND_ROWS / 1.5 && Number(windLabel[1]) * 1000 < WIND_ROWS * 1.5, `wind: ${listed[1][1]}`);
  assert.equal(await page.textContent("#table-rows"), ` · ${SITES.length * MINUTES} rows`);
  await page.screenshot({ path: join(shots, "console-tables.png") });

  // The create form shows its statement, then creates the table.
  await page.click("#new-table");
  await page.waitForSelector("#create-preview");
  await page.fill("#table-name", "sensor_data");
  const preview = await page.textContent("#create-preview");
  assert.match(preview, /QUANTUM\(time, 15, 'm'\)/);
  assert.match(preview, /PRIMARY KEY \(\(site, device, QUANTUM\(time, 15, 'm'\)\),\s+site, device, time\)/);
  await page.screenshot({ path: join(shots, "console-create.png") });
  await page.click("#create-table");
  await page.waitForFunction(() => location.hash === "#/tables/sensor_data");
  await page.waitForSelector("#show-create");
  const shown = await sql(base, "SHOW TABLES");
  assert.deepEqual(shown.rows.map((r) => r[0]).sort(), ["sensor_data", "weather", "wind"]);

  // Live: rates from /metrics while queries run; the charts draw.
  await page.keyboard.press("Alt+3");
  await page.waitForSelector("#live-status");
  const load = setInterval(() => {
    fetch(`${base}/ts/v1/query`, { method: "POST", body: query }).catch(() => {});
  }, 100);
  try {
    await page.waitForFunction(() => document.querySelectorAll(".live-grid .big")[2]?.textContent !== "–", null, { timeout: 15000 });
    await sleep(4500);
  } finally {
    clearInterval(load);
  }
  const queryRate = parseFloat(await page.$eval(".live-grid section:nth-child(3) .big", (e) => e.textContent));
  assert.ok(queryRate > 0, `query rate ${queryRate}`);
  const liveInk = await inkedPixels(page, ".live-grid section:nth-child(3) .spark");
  assert.ok(liveInk > 200, `live chart has ${liveInk} drawn pixels`);
  console.log(`live: ${queryRate} queries/s, ${liveInk} drawn pixels`);
  await page.screenshot({ path: join(shots, "console-live.png") });

  assert.deepEqual(problems, []);
  for (const name of ["console-sql.png", "console-sql-dark.png", "console-tables.png", "console-create.png", "console-live.png"]) {
    checkScreenshot(join(shots, name));
  }
}

await run(t, "console test", main);
