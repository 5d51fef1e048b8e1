#!/usr/bin/env bash
# A throw-away local Ceph cluster for tests, benchmarks and people: 1 monitor, 1 manager and 3
# BlueStore OSDs on sparse files, one replicated pool (size 3, min_size 2), all on 127.0.0.1.
#
#   scripts/ceph-dev.sh start DIR   starts it in DIR (created if missing; a cluster already
#                                   bootstrapped there is started again with its data), waits
#                                   until every placement group is active+clean, then prints
#                                   two lines: "conf <path of ceph.conf>" and "pool <name>".
#   scripts/ceph-dev.sh stop DIR    ends the daemons by the PIDs recorded in DIR/pids.
#   scripts/ceph-dev.sh status DIR  prints `ceph -s`.
#   scripts/ceph-dev.sh purge DIR   removes every object of the pool (all namespaces), so that
#                                   test runs do not fill the small OSDs.
#   scripts/ceph-dev.sh kill-osd DIR N [SIGNAL]
#                                   sends SIGNAL (default KILL; STOP and CONT pause and resume)
#                                   to osd.N, by its recorded PID: fault tests.
#   scripts/ceph-dev.sh restart-osd DIR N
#                                   starts osd.N again when it is not running (returns at once;
#                                   wait-clean waits for it to rejoin).
#   scripts/ceph-dev.sh wait-clean DIR
#                                   waits until every OSD is up and every placement group
#                                   active+clean (bounded by CEPH_DEV_TIMEOUT).
#
# Idempotent: start on a running cluster only waits for active+clean and prints; stop on a
# stopped one does nothing. Bounded: start gives up after CEPH_DEV_TIMEOUT seconds (default
# 180) with the logs' tails; stop after about 20 s.
#
# Environment: CEPH_DEV_MON_PORT (default 24300; the monitor's v2 port), CEPH_DEV_MS_PORTS
# (default 24800-24899; the range the manager and OSDs bind in), CEPH_DEV_POOL (default
# quanta), CEPH_DEV_OSD_GIB (default 2; sparse block file size per OSD).
#
# Authentication is off (auth ... required = none): this is a development cluster on loopback.
# Admin sockets and log files are the daemons' only: clients (quantad, tests) run many at once.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop|status|purge|wait-clean DIR, $0 kill-osd DIR N [SIGNAL], $0 restart-osd DIR N" >&2
  exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
conf=$dir/ceph.conf
pool=${CEPH_DEV_POOL:-quanta}
mon_port=${CEPH_DEV_MON_PORT:-24300}
ms_ports=${CEPH_DEV_MS_PORTS:-24800-24899}
osd_gib=${CEPH_DEV_OSD_GIB:-2}
timeout_s=${CEPH_DEV_TIMEOUT:-180}
num_osds=3
start_time=$(date +%s)

log() { echo "ceph-dev: $*" >&2; }

remaining() {
  local left=$((timeout_s - ($(date +%s) - start_time)))
  [ "$left" -gt 0 ] || left=1
  echo "$left"
}

# The ceph CLI, bounded: every call gets a connect timeout and an overall one.
cephc() {
  timeout "$(remaining)" ceph -c "$conf" --connect-timeout 10 "$@"
}

fail() {
  log "$*"
  for f in "$dir"/log/*.log; do
    [ -f "$f" ] || continue
    echo "---- tail $f" >&2
    tail -n 15 "$f" >&2
  done
  exit 1
}

# A recorded PID is ours only while it runs with our ceph.conf (PIDs are reused).
alive() {
  local name=$1 pid
  [ -f "$dir/pids/$name" ] || return 1
  pid=$(cat "$dir/pids/$name")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$conf"
}

# Starts one daemon in its own session, detached from this shell, and records its PID.
launch() {
  local name=$1
  shift
  alive "$name" && return 0
  setsid "$@" -f -c "$conf" >>"$dir/log/$name.out" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name"
}

write_conf() {
  local fsid=$1
  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms bind port min = ${ms_ports%-*}
ms bind port max = ${ms_ports#*-}
run dir = $dir/run
keyring = $dir/keyring
osd pool default size = 3
osd pool default min size = 2
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon data avail warn = 2
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
mon allow pool delete = true
mon osd reporter subtree level = osd
mon pg warn min per osd = 0

[mon]
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
mon data = $dir/mon/\$id

[mgr]
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
mgr data = $dir/mgr/\$id

[osd]
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
osd data = $dir/osd/\$id
osd objectstore = bluestore
bluestore block path = $dir/osd/block.\$id
bluestore block create = true
bluestore block size = $((osd_gib * 1024 * 1024 * 1024))
osd memory target = 939524096
osd heartbeat grace = 8
osd crush update on start = false
osd recovery sleep hdd = 0
osd recovery max active = 8
osd max backfills = 8
EOF
}

bootstrap() {
  log "bootstrapping a new cluster in $dir"
  rm -rf "$dir/mon" "$dir/mgr" "$dir/osd" "$dir/run" "$dir/log" "$dir/pids" "$dir/keyring" \
    "$dir/bootstrapped"
  mkdir -p "$dir/mon" "$dir/mgr/x" "$dir/osd" "$dir/run" "$dir/log" "$dir/pids"
  local fsid
  fsid=$(uuidgen)
  write_conf "$fsid"
  ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring" \
    >>"$dir/log/mkfs.out" 2>&1 || fail "ceph-mon --mkfs failed"
  launch mon.a ceph-mon -i a
  cephc -s >/dev/null 2>&1 || fail "the monitor did not answer"
  launch mgr.x ceph-mgr -i x
  for _ in $(seq 1 $num_osds); do
    local uuid id
    uuid=$(uuidgen)
    id=$(cephc osd new "$uuid") || fail "ceph osd new failed"
    mkdir -p "$dir/osd/$id"
    ceph-osd -c "$conf" -i "$id" --mkfs --osd-uuid "$uuid" >>"$dir/log/mkfs.out" 2>&1 ||
      fail "ceph-osd --mkfs failed for osd.$id"
    cephc osd crush add "osd.$id" 1.0 root=default host=localhost >/dev/null 2>&1 ||
      fail "crush add osd.$id failed"
    launch "osd.$id" ceph-osd -i "$id"
  done
  cephc osd pool create "$pool" 32 32 replicated >/dev/null 2>&1 || fail "pool create failed"
  cephc osd pool set "$pool" size 3 >/dev/null 2>&1
  cephc osd pool set "$pool" min_size 2 >/dev/null 2>&1
  cephc osd pool application enable "$pool" quanta --yes-i-really-mean-it >/dev/null 2>&1
  touch "$dir/bootstrapped"
}

restart_daemons() {
  mkdir -p "$dir/run" "$dir/log" "$dir/pids"
  # The configuration of this version of the script, for the cluster's fsid.
  write_conf "$(sed -n 's/^fsid = //p' "$conf")"
  launch mon.a ceph-mon -i a
  launch mgr.x ceph-mgr -i x
  local d
  for d in "$dir"/osd/*/; do
    [ -d "$d" ] || continue
    launch "osd.$(basename "$d")" ceph-osd -i "$(basename "$d")"
  done
}

# Every placement group active+clean and every OSD up.
clean() {
  local json
  json=$(cephc pg stat -f json 2>/dev/null) || return 1
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])
s = d.get("pg_summary", d)
total = s.get("num_pgs", 0)
clean = sum(x["num"] for x in s.get("num_pg_by_state", []) if x["name"] == "active+clean")
sys.exit(0 if total > 0 and clean == total else 1)' "$json" || return 1
  local up
  up=$(cephc osd stat -f json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["num_up_osds"])') || return 1
  [ "$up" -ge "$num_osds" ]
}

case "$cmd" in
  start)
    if [ -f "$dir/bootstrapped" ]; then
      restart_daemons
    else
      bootstrap
    fi
    until clean; do
      [ $(($(date +%s) - start_time)) -lt "$timeout_s" ] ||
        fail "placement groups not active+clean after ${timeout_s}s: $(cephc pg stat 2>&1 || true)"
      sleep 1
    done
    # The health warnings a fresh cluster raises for a few seconds (no recent mgr report) are
    # not worth waiting for: active+clean is what clients need.
    log "active+clean after $(($(date +%s) - start_time))s: $(cephc health 2>&1 || true)"
    echo "conf $conf"
    echo "pool $pool"
    ;;
  stop)
    [ -d "$dir/pids" ] || exit 0
    names=()
    for f in "$dir"/pids/*; do
      [ -f "$f" ] || continue
      name=$(basename "$f")
      if alive "$name"; then
        names+=("$name")
        kill -TERM "$(cat "$f")" 2>/dev/null || true
      fi
    done
    for _ in $(seq 1 100); do
      left=0
      for name in "${names[@]}"; do alive "$name" && left=1; done
      [ "$left" -eq 0 ] && break
      sleep 0.2
    done
    for name in "${names[@]}"; do
      alive "$name" && kill -KILL "$(cat "$dir/pids/$name")" 2>/dev/null || true
    done
    rm -f "$dir"/pids/*
    ;;
  status)
    cephc -s
    ;;
  purge)
    timeout "$(remaining)" rados -c "$conf" purge "$pool" --yes-i-really-really-mean-it >/dev/null
    ;;
  kill-osd)
    osd=${3:?osd number}
    alive "osd.$osd" || { log "osd.$osd is not running"; exit 1; }
    kill "-${4:-KILL}" "$(cat "$dir/pids/osd.$osd")"
    ;;
  restart-osd)
    osd=${3:?osd number}
    [ -d "$dir/osd/$osd" ] || { log "no osd.$osd in $dir"; exit 1; }
    launch "osd.$osd" ceph-osd -i "$osd"
    ;;
  wait-clean)
    until clean; do
      [ $(($(date +%s) - start_time)) -lt "$timeout_s" ] ||
        fail "placement groups not active+clean after ${timeout_s}s: $(cephc pg stat 2>&1 || true)"
      sleep 0.5
    done
    log "active+clean after $(($(date +%s) - start_time))s"
    ;;
  *)
    echo "usage: $0 start|stop|status|purge|wait-clean DIR, $0 kill-osd DIR N [SIGNAL], $0 restart-osd DIR N" >&2
    exit 2
    ;;
esac
