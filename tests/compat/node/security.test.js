'use strict';
// The official Node.js client (basho-riak-client 2.4.0) against a quantad with security
// enabled: STARTTLS, TLS with the test CA, RpbAuthReq, then TS commands the user's grants allow
// and refuse. Started by run_security.sh, which sets QUANTA_PB_PORT and QUANTA_CA (the CA that
// signed the server's certificate) and creates the users:
//   alice / Secret1: create_table, put, get, query_select on any; nothing else
//   bob   / Other2:  query_select on GeoSec only
//   carol (certificate source; QUANTA_CLIENT_CERT/KEY, CN=carol): query_select on GeoSec

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');
const Riak = require('basho-riak-client');

const TS = Riak.Commands.TS;
const port = process.env.QUANTA_PB_PORT;
const host = '127.0.0.1';
const ca = fs.readFileSync(process.env.QUANTA_CA, 'utf8');

function connect(user, password, extra = {}) {
  return new Promise((resolve, reject) => {
    const nodes = Riak.Node.buildNodes([`${host}:${port}`], {
      auth: password === null ? { user, ca, ...extra } : { user, password, ca, ...extra },
    });
    const cluster = new Riak.Cluster({ nodes });
    const client = new Riak.Client(cluster, (err) => (err ? reject(err) : resolve(client)));
  });
}

function exec(client, cmd) {
  return new Promise((resolve, reject) => {
    client.execute(cmd.withCallback((err, resp, data) => {
      if (err) {
        const e = new Error(String(err));
        e.riak = data || {};
        reject(e);
      } else {
        resolve(resp);
      }
    }).build());
  });
}

async function rejectsWith(promise, msg) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.riak.msg, msg, `got ${JSON.stringify(e.riak)} / ${e.message}`);
    return;
  }
  assert.fail(`expected "${msg}"`);
}

// One PB frame: u32 length (code included), code, payload.
function frame(code, payload = Buffer.alloc(0)) {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length + 1, 0);
  head.writeUInt8(code, 4);
  return Buffer.concat([head, payload]);
}

// Reads one reply frame from a socket: {code, payload}.
function readFrame(sock) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        sock.removeListener('data', onData);
        const len = buf.readUInt32BE(0);
        resolve({ code: buf[4], payload: buf.subarray(5, 4 + len) });
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });
}

// RpbErrorResp's errmsg (field 1), enough for these tests.
function errmsg(payload) {
  assert.equal(payload[0], 0x0a);
  const len = payload[1];
  return payload.subarray(2, 2 + len).toString('utf8');
}

const pbString = (field, s) => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
};

const GEO = 'GeoSec';
const CREATE = `CREATE TABLE ${GEO} (region VARCHAR NOT NULL, station VARCHAR NOT NULL, ` +
  'time TIMESTAMP NOT NULL, temp DOUBLE, ' +
  'PRIMARY KEY ((region, station, QUANTUM(time, 15, \'m\')), region, station, time))';

describe('basho-riak-client with security enabled', () => {
  let alice;
  let bob;
  let carol;

  before(async () => {
    alice = await connect('alice', 'Secret1');
    bob = await connect('bob', 'Other2');
    carol = await connect('carol', null, {
      cert: fs.readFileSync(process.env.QUANTA_CLIENT_CERT, 'utf8'),
      key: fs.readFileSync(process.env.QUANTA_CLIENT_KEY, 'utf8'),
    });
  });

  after(async () => {
    for (const c of [alice, bob, carol]) {
      if (c) await new Promise((resolve) => c.stop(() => resolve()));
    }
  });

  it('runs what the grants allow', async () => {
    await exec(alice, new TS.Query.Builder().withQuery(CREATE));
    await exec(alice, new TS.Store.Builder().withTable(GEO).withRows([
      ['north', 's1', 1000, 1.5],
      ['north', 's1', 2000, 2.5],
    ]));
    const got = await exec(alice, new TS.Get.Builder().withTable(GEO).withKey(['north', 's1', 1000]));
    assert.equal(got.rows.length, 1);
    const sel = `SELECT temp FROM ${GEO} WHERE region = 'north' AND station = 's1' ` +
      'AND time >= 0 AND time < 10000';
    const q = await exec(alice, new TS.Query.Builder().withQuery(sel));
    assert.deepEqual(q.rows.map((r) => r[0]), [1.5, 2.5]);
    const qb = await exec(bob, new TS.Query.Builder().withQuery(sel));
    assert.equal(qb.rows.length, 2);
    // carol logged in with her client certificate (a certificate source, no password).
    const qc = await exec(carol, new TS.Query.Builder().withQuery(sel));
    assert.equal(qc.rows.length, 2);
  });

  it('refuses what they do not, with Riak\'s text', async () => {
    await rejectsWith(exec(alice, new TS.Delete.Builder().withTable(GEO).withKey(['north', 's1', 1000])),
      `Permission denied: User 'alice' does not have 'riak_ts.delete' on ${GEO}`);
    await rejectsWith(exec(alice, new TS.Query.Builder().withQuery(`DESCRIBE ${GEO}`)),
      `Permission denied: User 'alice' does not have 'riak_ts.describe_table' on ${GEO}`);
    await rejectsWith(exec(bob, new TS.Store.Builder().withTable(GEO).withRows([['n', 's', 1, 1.0]])),
      `Permission denied: User 'bob' does not have 'riak_ts.put' on ${GEO}`);
    await rejectsWith(exec(bob, new TS.Query.Builder().withQuery(CREATE.replace(GEO, 'Other'))),
      'Permission denied: User \'bob\' does not have \'riak_ts.create_table\' on Other');
  });

  it('refuses a client that skips STARTTLS', async () => {
    const sock = net.connect(+port, host);
    await new Promise((resolve) => sock.once('connect', resolve));
    sock.write(frame(1));  // RpbPingReq
    const reply = await readFrame(sock);
    assert.equal(reply.code, 0);
    assert.equal(errmsg(reply.payload), 'Security is enabled, please STARTTLS first');
    sock.destroy();
  });

  it('refuses a wrong password and a request before authentication', async () => {
    const sock = net.connect(+port, host);
    await new Promise((resolve) => sock.once('connect', resolve));
    sock.write(frame(255));
    const ack = await readFrame(sock);
    assert.equal(ack.code, 255);
    assert.equal(ack.payload.length, 0);
    const secure = tls.connect({ socket: sock, ca, servername: 'localhost' });
    await new Promise((resolve, reject) => { secure.once('secureConnect', resolve); secure.once('error', reject); });
    secure.write(frame(1));
    const early = await readFrame(secure);
    assert.equal(errmsg(early.payload), 'Security is enabled, please authenticate first');
    secure.write(frame(253, Buffer.concat([pbString(1, 'alice'), pbString(2, 'wrong')])));
    const denied = await readFrame(secure);
    assert.equal(denied.code, 0);
    assert.equal(errmsg(denied.payload), 'Authentication failed');
    secure.write(frame(253, Buffer.concat([pbString(1, 'alice'), pbString(2, 'Secret1')])));
    const ok = await readFrame(secure);
    assert.equal(ok.code, 254);
    secure.destroy();
  });

  it('closes the connection after the third failed login, as Riak', async () => {
    const sock = net.connect(+port, host);
    await new Promise((resolve) => sock.once('connect', resolve));
    sock.write(frame(255));
    assert.equal((await readFrame(sock)).code, 255);
    const secure = tls.connect({ socket: sock, ca, servername: 'localhost' });
    await new Promise((resolve, reject) => { secure.once('secureConnect', resolve); secure.once('error', reject); });
    const closed = new Promise((resolve) => secure.once('close', resolve));
    for (let i = 1; i <= 3; i++) {
      const started = Date.now();
      secure.write(frame(253, Buffer.concat([pbString(1, 'bob'), pbString(2, `guess${i}`)])));
      const denied = await readFrame(secure);
      assert.equal(errmsg(denied.payload), 'Authentication failed');
      // Each failure is answered after Riak's delay (5 s), so that guessing is slow.
      assert.ok(Date.now() - started >= 4500, `failure ${i} answered after ${Date.now() - started} ms`);
    }
    await closed;
  });
});
