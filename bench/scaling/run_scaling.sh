#!/bin/sh
# run_scaling.sh - quanta_bench at 1M, 10M and 50M rows (100 hosts), both layouts, one sitting,
# then the table and bench/scaling/scaling.png.
#   BENCH=build-bench/quanta_bench DIR=/scratch/dir SIZES="10000 100000 500000" ./run_scaling.sh
# SIZES are points per host (rows = 100 x points). Needs ~30 min and a few GB free in DIR.
set -eu
BENCH=${BENCH:-build-bench/quanta_bench}
DIR=${DIR:-$(mktemp -d)}
SIZES=${SIZES:-"10000 100000 500000"}
OUT=${OUT:-$DIR/scaling.jsonl}
HERE=$(dirname "$0")
for points in $SIZES; do
  rm -rf "$DIR/data"
  "$BENCH" --dir "$DIR/data" --hosts 100 --points "$points" --layouts A,B --json "$OUT" >/dev/null
done
python3 "$HERE/plot_scaling.py" "$OUT" "$HERE/scaling.png"
