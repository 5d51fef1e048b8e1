#!/usr/bin/env python3
"""plot_scaling.py - how Quanta's cost grows with the data set, from quanta_bench JSON lines.

Reads the JSON lines that `quanta_bench --json FILE` appends (runs at several sizes, e.g. by
run_scaling.sh) and draws one PNG with four panels, one line per layout:
  ingest rows/s, bytes on disk per row, and the time of Q2 and Q5 against the rows they touch
(Q2 touches the same 432k rows at every size; Q5 every row), so that "flat" and "proportional"
can be read off directly. Also prints the table it plotted.

Usage: plot_scaling.py RUNS.jsonl OUT.png      (needs python3-matplotlib)
"""
import collections
import json
import sys


def load(path):
    runs = collections.defaultdict(dict)  # (layout, rows) -> figures
    current_rows = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            if r.get("bench") != "quanta_bench":
                continue
            layout = r.get("layout")
            if r["phase"] == "ingest":
                current_rows[layout] = r["rows"]
                key = (layout, r["rows"])
                runs[key]["rows_per_s"] = r["rows_per_s"]
                runs[key]["cpu_s_per_Mrows"] = r["cpu_s_per_Mrows"]
            elif r["phase"] == "disk" and layout in current_rows:
                key = (layout, current_rows[layout])
                runs[key]["bytes_per_row"] = r["disk_bytes_per_row"]
                if "seal_s" in r:
                    runs[key]["seal_s"] = r["seal_s"]
            elif r["phase"] == "query" and r.get("supported") and layout in current_rows:
                key = (layout, current_rows[layout])
                runs[key][r["query"] + "_ms"] = r["ms_median"]
                runs[key][r["query"] + "_rows"] = r["rows_scanned_median"]
    return runs


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    runs = load(sys.argv[1])
    if not runs:
        sys.exit("no quanta_bench records in " + sys.argv[1])
    layouts = sorted({k[0] for k in runs})
    print("| layout | rows | ingest rows/s | CPU-s/1M rows | disk B/row | Q2 ms (rows) | Q5 ms (rows) |")
    print("|---|---|---|---|---|---|---|")
    for (layout, rows) in sorted(runs):
        r = runs[(layout, rows)]
        print("| %s | %d | %.0f | %.2f | %.2f | %.1f (%d) | %.1f (%d) |" % (
            layout, rows, r.get("rows_per_s", 0), r.get("cpu_s_per_Mrows", 0),
            r.get("bytes_per_row", 0), r.get("q2_max_12h_by_host_ms", 0),
            r.get("q2_max_12h_by_host_rows", 0), r.get("q5_avg10_all_by_host_ms", 0),
            r.get("q5_avg10_all_by_host_rows", 0)))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    panels = [
        (axes[0][0], "rows_per_s", None, "ingest (rows/s)", "rows stored"),
        (axes[0][1], "bytes_per_row", None, "disk (bytes/row)", "rows stored"),
        (axes[1][0], "q2_max_12h_by_host_ms", "q2_max_12h_by_host_rows", "Q2 (ms)", "rows touched"),
        (axes[1][1], "q5_avg10_all_by_host_ms", "q5_avg10_all_by_host_rows", "Q5 (ms)", "rows touched"),
    ]
    for ax, field, xfield, title, xlabel in panels:
        for layout in layouts:
            pts = sorted((k[1], v) for k, v in runs.items() if k[0] == layout and field in v)
            if not pts:
                continue
            xs = [v[xfield] if xfield and v.get(xfield) else rows for rows, v in pts]
            ys = [v[field] for _, v in pts]
            ax.plot(xs, ys, marker="o", label="layout " + layout)
        ax.set_xscale("log")
        if field.endswith("_ms"):
            ax.set_yscale("log")
        else:
            ax.set_ylim(bottom=0)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("Quanta: cost against data size (quanta_bench, one sitting)")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=100)
    print("wrote", sys.argv[2])


if __name__ == "__main__":
    main()
