'use strict';
// Drives a running quantad through every Riak TS command of the official Node.js client
// (basho-riak-client 2.4.0, PB only): Store (with and without column descriptions), Get, Delete,
// Query (CREATE TABLE, DESCRIBE, INSERT, SELECT), Describe, ListKeys (both modes), plus blobs,
// NULLs, Date timestamps, error codes, a DESC local key and a table name with a hyphen.
//
// Started by run.sh, which sets QUANTA_PB_PORT. Run alone: QUANTA_PB_PORT=8087 node --test .

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const Riak = require('basho-riak-client');

const TS = Riak.Commands.TS;
const port = process.env.QUANTA_PB_PORT || '8087';
const host = process.env.QUANTA_PB_HOST || '127.0.0.1';

let client;

function exec(cmd) {
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

const query = (sql) => exec(new TS.Query.Builder().withQuery(sql));
const store = (table, rows, columns) => {
  const b = new TS.Store.Builder().withTable(table).withRows(rows);
  if (columns) b.withColumns(columns);
  return exec(b);
};
const get = (table, key) => exec(new TS.Get.Builder().withTable(table).withKey(key));
const del = (table, key) => exec(new TS.Delete.Builder().withTable(table).withKey(key));
const listKeys = (table) => exec(new TS.ListKeys.Builder().withTable(table).withStreaming(false));

// Expects a promise to fail with Riak error code `code`.
async function rejectsWith(promise, code, msgPattern) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.riak.code, code, `expected errcode ${code}, got ${JSON.stringify(e.riak)}`);
    if (msgPattern) assert.match(e.riak.msg, msgPattern);
    return e;
  }
  assert.fail(`expected an error with code ${code}`);
}

const num = (v) => (v !== null && typeof v === 'object' && typeof v.toNumber === 'function')
  ? v.toNumber() : v;
const str = (v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v);

const T0 = new Date(Date.UTC(2015, 0, 1, 12, 0, 0));   // 1420113600000
const ms = (d) => d.getTime();
const at = (minutes) => new Date(ms(T0) + minutes * 60000);

const GEO = 'GeoCheckin';
const CREATE_GEO = `CREATE TABLE ${GEO} (
  region VARCHAR NOT NULL,
  state VARCHAR NOT NULL,
  time TIMESTAMP NOT NULL,
  weather VARCHAR NOT NULL,
  temperature DOUBLE,
  uv_index SINT64,
  observed BOOLEAN NOT NULL,
  payload BLOB,
  PRIMARY KEY ((region, state, QUANTUM(time, 15, 'm')), region, state, time))`;

const COLUMNS = [
  { name: 'region', type: 0 },
  { name: 'state', type: 0 },
  { name: 'time', type: 3 },
  { name: 'weather', type: 0 },
  { name: 'temperature', type: 2 },
  { name: 'uv_index', type: 1 },
  { name: 'observed', type: 4 },
  { name: 'payload', type: 5 },
];

describe('basho-riak-client 2.4.0 against quantad', () => {
  before(async () => {
    await new Promise((resolve, reject) => {
      const nodes = Riak.Node.buildNodes([`${host}:${port}`], {});
      const cluster = new Riak.Cluster({ nodes });
      client = new Riak.Client(cluster, (err) => (err ? reject(err) : resolve()));
    });
  });

  after(async () => {
    await new Promise((resolve) => client.stop(() => resolve()));
  });

  it('pings', async () => {
    const resp = await new Promise((resolve, reject) => {
      client.ping((err, r) => (err ? reject(new Error(err)) : resolve(r)));
    });
    assert.equal(resp, true);
  });

  it('creates a table with Query (empty result)', async () => {
    const resp = await query(CREATE_GEO);
    assert.deepEqual(resp.columns, []);
    assert.deepEqual(resp.rows, []);
  });

  it('describes the table with Query DESCRIBE and with the Describe command', async () => {
    const resp = await query(`DESCRIBE ${GEO}`);
    assert.deepEqual(resp.columns.map((c) => c.name),
      ['Column', 'Type', 'Nullable', 'Partition Key', 'Local Key', 'Interval', 'Unit',
        'Sort Order']);
    assert.equal(resp.rows.length, 8);
    assert.deepEqual(resp.rows.map((r) => str(r[1])),
      ['varchar', 'varchar', 'timestamp', 'varchar', 'double', 'sint64', 'boolean', 'blob']);
    assert.equal(num(resp.rows[2][5]), 15);
    assert.equal(str(resp.rows[2][6]), 'm');
    assert.equal(resp.rows[4][3], null);
    const d = await exec(new TS.Describe.Builder().withTable(GEO));
    assert.equal(d.rows.length, 8);
  });

  it('stores rows without columns: Date timestamps, NULLs, blobs, booleans', async () => {
    const blob = Buffer.from([0, 1, 2, 255, 254]);
    const ok = await store(GEO, [
      ['South Atlantic', 'FL', at(0), 'sunny', 23.5, 3, true, blob],
      ['South Atlantic', 'FL', at(1), 'cloudy', null, null, false, null],
      ['South Atlantic', 'FL', at(2), 'rain', 18.25, 0, true, Buffer.alloc(0)],
    ]);
    assert.equal(ok, true);
  });

  it('stores rows with column descriptions (whole numbers as doubles)', async () => {
    const ok = await store(GEO, [
      ['South Atlantic', 'GA', at(0), 'hot', 25, 7, true, Buffer.from('x')],
      ['South Atlantic', 'GA', at(20), 'hot', 26, null, false, null],
    ], COLUMNS);
    assert.equal(ok, true);
  });

  it('rejects a whole number for a DOUBLE column without column descriptions (1003)', async () => {
    await rejectsWith(
      store(GEO, [['South Atlantic', 'FL', at(5), 'sunny', 25, 1, true, null]]),
      1003, /^Invalid data found at row index\(es\) 1$/);
  });

  it('gets a row by key with every type', async () => {
    const resp = await get(GEO, ['South Atlantic', 'FL', at(0)]);
    assert.deepEqual(resp.columns.map((c) => [c.name, c.type]),
      COLUMNS.map((c) => [c.name, c.type]));
    assert.equal(resp.rows.length, 1);
    const r = resp.rows[0];
    assert.equal(str(r[0]), 'South Atlantic');
    assert.equal(num(r[2]), ms(at(0)));
    assert.equal(r[4], 23.5);
    assert.equal(num(r[5]), 3);
    assert.equal(r[6], true);
    assert.deepEqual([...r[7]], [0, 1, 2, 255, 254]);
  });

  it('gets NULL cells back as null', async () => {
    const resp = await get(GEO, ['South Atlantic', 'FL', at(1)]);
    const r = resp.rows[0];
    assert.equal(r[4], null);
    assert.equal(r[5], null);
    assert.equal(r[6], false);
    assert.equal(r[7], null);
  });

  it('gets nothing for a missing key (not an error)', async () => {
    const resp = await get(GEO, ['South Atlantic', 'FL', at(99)]);
    assert.deepEqual(resp.columns, []);
    assert.deepEqual(resp.rows, []);
  });

  it('reports a short key as 1011', async () => {
    await rejectsWith(get(GEO, ['South Atlantic', 'FL']), 1011,
      /^Key element count mismatch \(key has 3 elements but 2 supplied\)$/);
  });

  it('queries with SELECT (timestamps as Longs, NULLs, blobs)', async () => {
    const resp = await query(`SELECT * FROM ${GEO} WHERE region = 'South Atlantic' AND ` +
      `state = 'FL' AND time >= ${ms(T0)} AND time < ${ms(at(10))}`);
    assert.equal(resp.columns.length, 8);
    assert.equal(resp.rows.length, 3);
    assert.deepEqual(resp.rows.map((r) => num(r[2])), [ms(at(0)), ms(at(1)), ms(at(2))]);
    assert.equal(resp.rows[1][4], null);
    const agg = await query(`SELECT COUNT(*), AVG(temperature) FROM ${GEO} WHERE ` +
      `region = 'South Atlantic' AND state = 'GA' AND time >= ${ms(T0)} AND time < ${ms(at(30))}`);
    assert.equal(num(agg.rows[0][0]), 2);
    assert.equal(agg.rows[0][1], 25.5);
  });

  it('inserts with Query INSERT and reads it back', async () => {
    const resp = await query(`INSERT INTO ${GEO} VALUES ('Pacific', 'CA', ${ms(T0)}, 'fog', ` +
      `12.5, 1, false, 0x0102)`);
    assert.deepEqual(resp.rows, []);
    const g = await get(GEO, ['Pacific', 'CA', T0]);
    assert.equal(g.rows.length, 1);
    assert.deepEqual([...g.rows[0][7]], [1, 2]);
  });

  it('returns no columns for a SELECT without matches', async () => {
    const resp = await query(`SELECT * FROM ${GEO} WHERE region = 'none' AND state = 'x' ` +
      `AND time >= ${ms(T0)} AND time < ${ms(at(1))}`);
    assert.deepEqual(resp.columns, []);
    assert.deepEqual(resp.rows, []);
  });

  it('lists keys (collected and streamed)', async () => {
    const resp = await listKeys(GEO);
    assert.equal(resp.done, true);
    const keys = resp.keys.map((k) => `${str(k[0])}|${str(k[1])}|${num(k[2])}`).sort();
    assert.deepEqual(keys, [
      `Pacific|CA|${ms(T0)}`,
      `South Atlantic|FL|${ms(at(0))}`,
      `South Atlantic|FL|${ms(at(1))}`,
      `South Atlantic|FL|${ms(at(2))}`,
      `South Atlantic|GA|${ms(at(0))}`,
      `South Atlantic|GA|${ms(at(20))}`,
    ]);
    const streamed = await new Promise((resolve, reject) => {
      const all = [];
      client.execute(new TS.ListKeys.Builder().withTable(GEO).withStreaming(true)
        .withCallback((err, r) => {
          if (err) return reject(new Error(err));
          all.push(...r.keys);
          if (r.done) resolve(all);
          return undefined;
        }).build());
    });
    assert.equal(streamed.length, 6);
  });

  it('deletes a row, then reports notfound (1021)', async () => {
    assert.equal(await del(GEO, ['South Atlantic', 'FL', at(2)]), true);
    const g = await get(GEO, ['South Atlantic', 'FL', at(2)]);
    assert.deepEqual(g.rows, []);
    await rejectsWith(del(GEO, ['South Atlantic', 'FL', at(2)]), 1021, /^notfound$/);
  });

  it('reports query errors with Riak codes', async () => {
    await rejectsWith(query('SELECT * FROM nosuch WHERE a = 1'), 1019,
      /^nosuch is not an active table$/);
    await rejectsWith(query('selectah * from GeoCheckin'), 1020);
    await rejectsWith(query(CREATE_GEO), 1014);
  });

  it('reports key/value operations on a missing table as code 0', async () => {
    await rejectsWith(get('nosuch', ['a']), 0, /^Message decoding error: "Table nosuch is not active."$/);
  });

  it('handles a table with a DESC local key', async () => {
    await query(`CREATE TABLE desc_tab (dev VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v SINT64,
      PRIMARY KEY ((dev, QUANTUM(ts, 1, 'h')), dev, ts DESC))`);
    await store('desc_tab', [
      ['d1', at(0), 1],
      ['d1', at(1), 2],
      ['d1', at(2), 3],
    ]);
    const resp = await query(`SELECT ts, v FROM desc_tab WHERE dev = 'd1' AND ` +
      `ts >= ${ms(T0)} AND ts < ${ms(at(10))}`);
    assert.deepEqual(resp.rows.map((r) => num(r[1])), [3, 2, 1]);
    const g = await get('desc_tab', ['d1', at(1)]);
    assert.equal(num(g.rows[0][2]), 2);
    const keys = await listKeys('desc_tab');
    assert.deepEqual(keys.keys.map((k) => num(k[1])).sort(), [ms(at(0)), ms(at(1)), ms(at(2))]);
    assert.equal(await del('desc_tab', ['d1', at(0)]), true);
  });

  it('handles a table name with a hyphen', async () => {
    const t = 'timeseries-abc';
    await query(`CREATE TABLE ${t} (id VARCHAR NOT NULL, time TIMESTAMP NOT NULL, ` +
      `temperature-1 DOUBLE, PRIMARY KEY ((id, QUANTUM(time, 1, 'd')), id, time))`);
    await store(t, [['x', at(0), 1.5], ['x', at(1), null]]);
    const g = await get(t, ['x', at(0)]);
    assert.equal(g.rows[0][2], 1.5);
    assert.equal(g.columns[2].name, 'temperature-1');
    const q = await query(`SELECT * FROM ${t} WHERE id = 'x' AND time >= ${ms(T0)} AND ` +
      `time < ${ms(at(5))}`);
    assert.equal(q.rows.length, 2);
    const keys = await listKeys(t);
    assert.equal(keys.keys.length, 2);
    assert.equal(await del(t, ['x', at(1)]), true);
    const d = await query(`DESCRIBE ${t}`);
    assert.equal(d.rows.length, 3);
  });
});
