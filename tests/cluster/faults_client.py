#!/usr/bin/env python3
"""The clients of tests/cluster/faults.sh, over Riak TS's HTTP API (POST /ts/v1/query).

  write   inserts batches of rows until a stop file appears, recording every acknowledged row
          (HTTP 200) and every request's outcome; when a coordinator stops answering
          (connection refused or reset) it moves to the next one.
  query   runs one long aggregate again and again until a stop file appears, recording each
          answer: right, a Riak error, or wrong.
  fill    inserts the static rows the long query reads.
  verify  reads every writer's rows back and compares them with what was acknowledged.
  report  prints the figures of a time window of the writers' and queries' logs.

Rows: table f (dev VARCHAR, ts TIMESTAMP, seq SINT64), partition key (dev, 10-minute quantum).
Writer W's row n has dev "W-(n mod 4)", ts BASE + n seconds, seq n: keys are unique, a batch
spans four partitions, and n tells which rows a writer ever sent.
"""
import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request

BASE = 1_700_000_000_000
QUANTUM_MS = 600_000
BIG_DEV = "big"
# A request taking longer than this is a hang: rados.op_timeout (3 s in the test) bounds every
# RADOS operation, and a statement makes a few rounds of them.
HANG_S = 30


def post(port, sql, timeout=HANG_S):
    """Returns (http status, riak error code or 0, body); raises OSError when nobody answers."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/ts/v1/query", data=sql.encode(),
                                 method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, 0, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, int(e.headers.get("X-Riak-Error-Code") or 0), e.read().decode()


def rows_sql(tag, first, count):
    values = ", ".join(f"('{tag}-{n % 4}', {BASE + n * 1000}, {n})"
                       for n in range(first, first + count))
    return f"INSERT INTO f (dev, ts, seq) VALUES {values}"


def log_line(f, **kw):
    f.write(json.dumps(kw) + "\n")
    f.flush()


def write(a):
    ports = a.ports.split(",")
    current = 0
    n = 0
    with open(a.acked, "a") as acked, open(a.log, "a") as log:
        while not os.path.exists(a.stop):
            port = ports[current]
            t0 = time.time()
            try:
                status, code, body = post(port, rows_sql(a.tag, n, a.batch))
            except (urllib.error.URLError, ConnectionError, OSError) as e:
                elapsed = time.time() - t0
                reason = str(getattr(e, "reason", e))
                hang = "timed out" in reason
                log_line(log, t=t0, s=elapsed, port=port, first=n, outcome="hang" if hang else "down",
                         error=reason)
                if not hang:
                    current = (current + 1) % len(ports)  # the client moves on
                    time.sleep(0.05)
                n += a.batch
                continue
            elapsed = time.time() - t0
            if status == 200:
                acked.write("".join(f"{m}\n" for m in range(n, n + a.batch)))
                acked.flush()
                log_line(log, t=t0, s=elapsed, port=port, first=n, outcome="ok")
            else:
                log_line(log, t=t0, s=elapsed, port=port, first=n, outcome="error", status=status,
                         code=code, error=body[:200])
                time.sleep(0.1)
            n += a.batch
            time.sleep(a.pause)
        log_line(log, t=time.time(), s=0, port="", first=n, outcome="sent")


def big_sql():
    return (f"SELECT COUNT(*), SUM(seq) FROM f WHERE dev = '{BIG_DEV}' AND ts >= {BASE} "
            f"AND ts < {BASE + 40 * QUANTUM_MS}")


def fill(a):
    # 40 quanta of 500 rows each: the long query reads 40 partitions (sub-queries).
    seqs = []
    for q in range(40):
        rows = []
        for i in range(500):
            n = q * 500 + i
            rows.append(f"('{BIG_DEV}', {BASE + q * QUANTUM_MS + i * 1000}, {n})")
            seqs.append(n)
        status, code, body = post(a.port, "INSERT INTO f (dev, ts, seq) VALUES " + ", ".join(rows), 60)
        if status != 200:
            sys.exit(f"fill: {status} {code} {body[:200]}")
    status, _, body = post(a.port, big_sql(), 60)
    expect = [[len(seqs), sum(seqs)]]
    if status != 200 or json.loads(body)["rows"] != expect:
        sys.exit(f"fill: the long query answered {status} {body[:200]}, expected {expect}")


def query(a):
    expect = [[20000, sum(range(20000))]]
    with open(a.log, "a") as log:
        while not os.path.exists(a.stop):
            t0 = time.time()
            try:
                status, code, body = post(a.port, big_sql())
            except (urllib.error.URLError, ConnectionError, OSError) as e:
                log_line(log, t=t0, s=time.time() - t0, outcome="hang", error=str(e))
                continue
            elapsed = time.time() - t0
            if status == 200:
                right = json.loads(body).get("rows") == expect
                log_line(log, t=t0, s=elapsed, outcome="ok" if right else "wrong",
                         error="" if right else body[:200])
            else:
                log_line(log, t=t0, s=elapsed, outcome="error", status=status, code=code,
                         error=body[:200])
                time.sleep(0.1)


def read_log(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def report(a):
    """Figures for requests started in [from, to): counts per outcome and the slowest."""
    t_from, t_to = float(a.t_from), float(a.t_to)
    for path in a.logs:
        entries = [e for e in read_log(path) if t_from <= e["t"] < t_to and e["outcome"] != "sent"]
        outcomes = {}
        for e in entries:
            key = e["outcome"] + (f" {e.get('status')}/{e.get('code')}" if e["outcome"] == "error" else "")
            outcomes[key] = outcomes.get(key, 0) + 1
        slowest = max((e["s"] for e in entries), default=0)
        errs = [e["s"] for e in entries if e["outcome"] == "error"]
        name = os.path.basename(path).rsplit(".", 1)[0]
        print(f"  {name}: {len(entries)} requests {json.dumps(outcomes, sort_keys=True)}, "
              f"slowest {slowest:.2f} s" + (f", errors after {min(errs):.2f}-{max(errs):.2f} s" if errs else ""))


def verify(a):
    """Every acknowledged row present exactly once, on every coordinator; no row never sent."""
    failures = 0
    for tag in a.tags.split(","):
        with open(os.path.join(a.dir, f"{tag}.acked")) as f:
            acked = [int(x) for x in f]
        sent = read_log(os.path.join(a.dir, f"{tag}.log"))[-1]
        if sent["outcome"] != "sent":
            print(f"FAIL: writer {tag} did not finish")
            failures += 1
            continue
        sent_n = sent["first"]
        if len(set(acked)) != len(acked):
            print(f"FAIL: writer {tag} recorded a row twice")
            failures += 1
        acked = set(acked)
        for port in a.ports.split(","):
            found = []
            for dev in range(4):
                # A window of 20 quanta per SELECT keeps each answer small.
                for start in range(0, sent_n * 1000, 20 * QUANTUM_MS):
                    sql = (f"SELECT seq, ts FROM f WHERE dev = '{tag}-{dev}' AND ts >= {BASE + start} "
                           f"AND ts < {BASE + start + 20 * QUANTUM_MS}")
                    status, code, body = post(port, sql, 120)
                    if status != 200:
                        print(f"FAIL: reading back on {port}: {status} {code} {body[:200]}")
                        return 1
                    for seq, ts in json.loads(body)["rows"]:
                        if ts != BASE + seq * 1000 or seq % 4 != dev:
                            print(f"FAIL: {tag}: a row with seq {seq} at ts {ts} in dev {dev}")
                            failures += 1
                        found.append(seq)
            present = set(found)
            dups = len(found) - len(present)
            missing = sorted(acked - present)
            never_sent = sorted(x for x in present if x >= sent_n)
            extra = len(present - acked)
            print(f"  {tag} on {port}: {len(acked)} rows acknowledged, {len(present)} present "
                  f"({extra} of batches that failed), {len(missing)} missing, {dups} duplicated")
            if missing:
                print(f"FAIL: {tag}: acknowledged rows missing on {port}, e.g. {missing[:10]}")
                failures += 1
            if dups:
                print(f"FAIL: {tag}: {dups} rows returned more than once on {port}")
                failures += 1
            if never_sent:
                print(f"FAIL: {tag}: rows nobody sent on {port}: {never_sent[:10]}")
                failures += 1
    return 1 if failures else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("--ports", required=True)
    w.add_argument("--tag", required=True)
    w.add_argument("--acked", required=True)
    w.add_argument("--log", required=True)
    w.add_argument("--stop", required=True)
    w.add_argument("--batch", type=int, default=20)
    w.add_argument("--pause", type=float, default=0.02)
    f = sub.add_parser("fill")
    f.add_argument("--port", required=True)
    q = sub.add_parser("query")
    q.add_argument("--port", required=True)
    q.add_argument("--log", required=True)
    q.add_argument("--stop", required=True)
    r = sub.add_parser("report")
    r.add_argument("t_from")
    r.add_argument("t_to")
    r.add_argument("logs", nargs="+")
    v = sub.add_parser("verify")
    v.add_argument("--dir", required=True)
    v.add_argument("--tags", required=True)
    v.add_argument("--ports", required=True)
    a = p.parse_args()
    if a.cmd == "write":
        write(a)
    elif a.cmd == "fill":
        fill(a)
    elif a.cmd == "query":
        query(a)
    elif a.cmd == "report":
        report(a)
    elif a.cmd == "verify":
        sys.exit(verify(a))


if __name__ == "__main__":
    main()
