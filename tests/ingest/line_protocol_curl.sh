#!/usr/bin/env bash
# Line protocol from curl into a fresh quantad: plain and gzip bodies, both API versions, a
# partial write; SQL reads every point back exactly.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
start_quantad

status() {  # status URL [curl args...] -> "<code> <body>"
  local url="$1"; shift
  curl -sS -o "$work/body" -w '%{http_code}' -XPOST "$url" "$@"
  echo " $(cat "$work/body")"
}

expect_eq "plain /write" "$(status "$quantad_http/write?db=x&precision=s" --data-binary \
  $'weather,site=north,sensor=t1 temp=21.5,hum=40i,ok=true,note="calm, dry" 1700000000\nweather,site=south,sensor=t1 temp=-3.25,hum=91i,ok=false,note="snow \\"heavy\\"" 1700000000')" "204 "

printf 'weather,site=north,sensor=t1 temp=22.5,hum=41i,ok=true,note="windy" 1700000060000\n' | gzip -c >"$work/lines.gz"
expect_eq "gzip /api/v2/write" "$(status "$quantad_http/api/v2/write?org=o&bucket=b&precision=ms" \
  -H 'Content-Encoding: gzip' --data-binary @"$work/lines.gz")" "204 "

expect_eq "partial write" "$(status "$quantad_http/write?precision=s" --data-binary \
  $'weather,site=east,sensor=t2 temp=1 1700000000\nweather,site=east,sensor=t2 temp=oops 1700000001\nweather,site=east,sensor=t2 wind=3 1700000002')" \
  '400 {"error":"partial write: line 2: invalid field value \"oops\" for field key \"temp\" dropped=2"}'

range="time >= 1700000000000 AND time < 1700000100000"
expect_eq "north" "$(sql "SELECT time, temp, hum, ok, note FROM weather WHERE site = 'north' AND sensor = 't1' AND $range")" \
  '{"columns":["time","temp","hum","ok","note"],"rows":[[1700000000000,21.5,40,true,"calm, dry"],[1700000060000,22.5,41,true,"windy"]]}'
expect_eq "south" "$(sql "SELECT time, temp, hum, ok, note FROM weather WHERE site = 'south' AND sensor = 't1' AND $range")" \
  '{"columns":["time","temp","hum","ok","note"],"rows":[[1700000000000,-3.25,91,false,"snow \"heavy\""]]}'
expect_eq "east (good line of the partial write)" "$(sql "SELECT time, temp FROM weather WHERE site = 'east' AND sensor = 't2' AND $range")" \
  '{"columns":["time","temp"],"rows":[[1700000000000,1.0]]}'
