#!/usr/bin/env python3
"""summarize.py - medians over repeated quanta_bench runs.

    quanta_bench --json runs.jsonl   (several times)
    python3 bench/ingest/summarize.py runs.jsonl [more.jsonl ...]

Prints, per layout, the median (and the individual values) of: ingest rows/s and CPU-s per 1M
rows, disk bytes per row (du and SST), and per query the median ms, CPU seconds and rows scanned
per CPU second.
"""
import collections
import json
import statistics
import sys


def main():
    for path in sys.argv[1:]:
        agg = collections.defaultdict(list)
        with open(path) as f:
            for line in f:
                d = json.loads(line)
                lay = d.get("layout")
                if d["phase"] == "ingest":
                    agg[(lay, "ingest rows/s")].append(d["rows_per_s"])
                    agg[(lay, "ingest CPU-s per 1M rows")].append(d["cpu_s_per_Mrows"])
                elif d["phase"] == "disk":
                    agg[(lay, "disk B/row (du)")].append(d["disk_bytes_per_row"])
                    agg[(lay, "disk B/row (sst)")].append(d["sst_bytes_per_row"])
                elif d["phase"] == "query" and d.get("supported"):
                    q = d["query"]
                    agg[(lay, q + " ms")].append(d["ms_median"])
                    agg[(lay, q + " CPU-s")].append(d["cpu_s_median"])
                    agg[(lay, q + " rows scanned/CPU-s")].append(d["rows_scanned_per_cpu_s"])
        print(path)
        for (lay, key), vals in sorted(agg.items()):
            med = statistics.median(vals)
            print("  %s %-45s median %12s   %s" % (lay, key, round(med, 3), vals))


if __name__ == "__main__":
    main()
