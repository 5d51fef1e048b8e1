// What the console's browser tests share: their arguments, a temporary directory, free ports,
// a quantad child process, Debian's chromium through playwright-core, and cleaning all of it up
// however the test ends.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// `node <script> <quantad> <screenshot dir>`: the arguments, the screenshot directory made, a
// fresh work directory, and the objects cleanup() ends.
export function setUp(script) {
  const [quantad, shots] = process.argv.slice(2);
  if (!quantad || !shots) {
    console.error(`usage: node ${script} <quantad> <screenshot dir>`);
    process.exit(2);
  }
  mkdirSync(shots, { recursive: true });
  const t = { quantad, shots, work: mkdtempSync(join(tmpdir(), "quanta-console-test-")), server: null, context: null };
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => cleanup(t).finally(() => process.exit(1)));
  return t;
}

export async function cleanup(t) {
  if (t.context) await t.context.close().catch(() => {});
  t.context = null;
  if (t.server && t.server.exitCode === null) {
    t.server.kill("SIGTERM");
    await new Promise((resolve) => { t.server.once("exit", resolve); setTimeout(resolve, 10000); });
  }
  rmSync(t.work, { recursive: true, force: true });
}

// Starts quantad with `args`; resolves once `base`/ping answers OK.
export async function startQuantad(t, args, base) {
  const log = [];
  t.server = spawn(t.quantad, args, { stdio: ["ignore", "pipe", "pipe"] });
  t.server.stdout.on("data", (d) => log.push(String(d)));
  t.server.stderr.on("data", (d) => log.push(String(d)));
  for (let i = 0; i < 100; i++) {
    if (t.server.exitCode !== null) throw new Error(`quantad exited: ${log.join("")}`);
    try {
      if ((await (await fetch(`${base}/ping`)).text()) === "OK") return;
    } catch { /* not up yet */ }
    await sleep(100);
  }
  throw new Error(`quantad did not answer /ping: ${log.join("")}`);
}

// Headless chromium (Debian's, no download) with a fresh profile; offline flags, as this
// machine's closed network wants.
export async function launch(t, options = {}) {
  t.context = await chromium.launchPersistentContext(join(t.work, "profile"), {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 860 },
    colorScheme: "light",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    ...options,
  });
  return t.context.pages()[0] ?? await t.context.newPage();
}

// Runs `main(t)` and exits 0 when it passed, 1 with the error otherwise, cleaning up either way.
export async function run(t, name, main) {
  let status = 0;
  try {
    await main(t);
    console.log(`${name}: OK`);
  } catch (e) {
    console.error(e);
    status = 1;
  } finally {
    await cleanup(t);
  }
  process.exit(status);
}
