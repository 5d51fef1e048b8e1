// The web console with security enabled: a real quantad with an HTTPS listener (a certificate
// made with openssl for the test) and security on, a user created through the admin channel,
// and Debian's chromium driven by playwright-core: the console opened over HTTPS asks for a
// user when its first request needs one, refuses a wrong password, then runs a query with the
// right one; plain HTTP is refused (426) with its text shown.
//
//   node login.test.mjs <quantad> <screenshot dir>
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, launch, run, setUp, startQuantad } from "./harness.mjs";

const t = setUp("login.test.mjs");

async function main() {
  const work = t.work;
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", join(work, "key.pem"), "-out", join(work, "cert.pem")], { stdio: "ignore" });
  const [pb, http, https] = [await freePort(), await freePort(), await freePort()];
  const data = join(work, "data");
  const base = `http://127.0.0.1:${http}`;
  await startQuantad(t, ["--data-dir", data, "--pb-listen", `127.0.0.1:${pb}`,
    "--http-listen", `127.0.0.1:${http}`, "--set", `https.listen=127.0.0.1:${https}`,
    "--set", `tls.certfile=${join(work, "cert.pem")}`, "--set", `tls.keyfile=${join(work, "key.pem")}`], base);
  // A table and rows while security is still off, then a user, a source, a grant, enable.
  const q = async (sql) => {
    const r = await fetch(`${base}/ts/v1/query`, { method: "POST", body: sql });
    assert.equal(r.status, 200, `${sql}: ${await r.text()}`);
  };
  await q("CREATE TABLE t (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v DOUBLE, PRIMARY KEY ((k, QUANTUM(ts, 1, 'h')), k, ts))");
  await q("INSERT INTO t (k, ts, v) VALUES ('a', 1000, 1.5), ('a', 2000, 2.5), ('a', 3000, 3.5)");
  const token = readFileSync(join(data, "admin.token"), "utf8").trim();
  const security = async (op, ...args) => {
    const r = await fetch(`${base}/admin/v1/security`, {
      method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ op, args }),
    });
    assert.equal(r.status, 200, `security ${op}: ${await r.text()}`);
  };
  await security("add-user", "alice", "password=Secret1");
  await security("add-source", "all", "127.0.0.1/32", "password");
  await security("grant", "riak_ts.query_select,riak_ts.describe_table", "on", "t", "to", "alice");
  await security("grant", "riak_ts.show_tables", "on", "any", "to", "alice");
  await security("enable");

  const page = await launch(t, { ignoreHTTPSErrors: true });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  const secure = `https://127.0.0.1:${https}`;
  await page.goto(`${secure}/console/`);
  await page.waitForSelector(".cm-content");
  const run = async (sql) => {
    await page.click(".cm-content");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.type(sql, { delay: 1 });
    await page.keyboard.press("Control+Enter");
  };
  // The console's first request (the table list) needs a user: the login box, not the
  // browser's own.
  await page.waitForSelector("#login-user");
  await page.screenshot({ path: join(t.shots, "console-login.png") });
  await page.fill("#login-user", "alice");
  await page.fill("#login-password", "wrong");
  await page.click("#login-submit");
  await page.waitForSelector(".login-failed");
  await page.fill("#login-user", "alice");
  await page.fill("#login-password", "Secret1");
  await page.click("#login-submit");
  await page.waitForSelector("#login-user", { state: "detached" });
  await run("SELECT ts, v FROM t WHERE k = 'a' AND ts >= 0 AND ts < 10000");
  await page.waitForSelector("#result-status");
  assert.match(await page.textContent("#result-status"), /^3 rows/);
  assert.equal(await page.$("#login-user"), null, "the login box is gone");
  console.log("login: a wrong password refused, the right one ran the query (3 rows)");

  // A statement alice holds no grant for: Riak's denial, shown as an error, no login box.
  await run("SELECT ts FROM other WHERE k = 'a' AND ts >= 0 AND ts < 10000");
  await page.waitForSelector("#result-error");
  assert.match(await page.textContent("#result-error"), /not allowed|Permission denied|does not exist/);
  assert.equal(await page.$("#login-user"), null);

  // Plain HTTP with security on: the console shows the server's 426 text.
  await page.goto(`${base}/console/`);
  await page.waitForSelector(".cm-content");
  await run("SELECT ts FROM t WHERE k = 'a' AND ts >= 0 AND ts < 10000");
  await page.waitForSelector("#result-error");
  assert.match(await page.textContent("#result-error"), /Try HTTPS instead/);
  assert.deepEqual(problems, []);
}

await run(t, "console login test", main);
