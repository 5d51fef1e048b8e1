// npm's InfluxDB 1.x client (influx 5.12.0) writes points into quantad's /write; SQL reads
// them back exactly. QUANTA_HTTP_PORT names the server's HTTP port (run.sh starts it).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const Influx = require('influx');

const port = Number(process.env.QUANTA_HTTP_PORT);

async function sql(text) {
  const res = await fetch(`http://127.0.0.1:${port}/ts/v1/query`, { method: 'POST', body: text });
  const body = await res.text();
  assert.strictEqual(res.status, 200, body);
  return JSON.parse(body);
}

const influx = new Influx.InfluxDB({
  host: '127.0.0.1',
  port,
  protocol: 'http',
  database: 'telegraf',
  schema: [{
    measurement: 'cpu',
    tags: ['host', 'dc'],
    fields: {
      idle: Influx.FieldType.FLOAT,
      procs: Influx.FieldType.INTEGER,
      state: Influx.FieldType.STRING,
      up: Influx.FieldType.BOOLEAN,
    },
  }],
});

test('writePoints in ms, then SQL reads them back', async () => {
  const points = [];
  for (let i = 0; i < 100; i++) {
    points.push({
      measurement: 'cpu',
      tags: { host: `h${i % 4}`, dc: 'eu-1' },
      fields: { idle: 90 + i / 8, procs: 100 + i, state: `s "${i}", ok`, up: i % 3 !== 0 },
      timestamp: new Date(1700000000000 + i * 1000),
    });
  }
  await influx.writePoints(points, { precision: 'ms' });
  const got = await sql("SELECT time, idle, procs, state, up FROM cpu WHERE host = 'h1' AND dc = 'eu-1' " +
                        'AND time >= 1700000000000 AND time < 1700000100000');
  assert.deepStrictEqual(got.columns, ['time', 'idle', 'procs', 'state', 'up']);
  const expected = points.filter((p) => p.tags.host === 'h1').map((p) => [
    p.timestamp.getTime(), p.fields.idle, p.fields.procs, p.fields.state, p.fields.up,
  ]);
  assert.strictEqual(got.rows.length, 25);
  assert.deepStrictEqual(got.rows, expected);
});

test('nanosecond timestamps (the default precision) keep their milliseconds', async () => {
  await influx.writePoints([{
    measurement: 'cpu',
    tags: { host: 'ns', dc: 'eu-1' },
    fields: { idle: 1.5, procs: 7, state: 'x', up: true },
    timestamp: Influx.toNanoDate('1700000200123456789'),
  }]);
  const got = await sql("SELECT time, idle, procs FROM cpu WHERE host = 'ns' AND dc = 'eu-1' " +
                        'AND time > 1700000200000 AND time < 1700000201000');
  assert.deepStrictEqual(got.rows, [[1700000200123, 1.5, 7]]);
});

test('a field the table does not have is refused with an Influx-style error', async () => {
  const other = new Influx.InfluxDB({ host: '127.0.0.1', port, database: 'telegraf' });
  await assert.rejects(
    other.writePoints([{ measurement: 'cpu', tags: { host: 'h0', dc: 'eu-1' }, fields: { steal: 1 } }]),
    (err) => /unknown field \\?"steal\\?"/.test(String(err.message)));
});
