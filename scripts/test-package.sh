#!/usr/bin/env bash
# Installs the .deb built by `make deb` into a fresh Debian 12 root and proves it works there:
#   1. a Debian 12 (bookworm) root from debootstrap (minbase plus systemd, which every Debian 12
#      system has), cached as OUT/bookworm-root.tar.zst so later runs only unpack it;
#   2. `apt install ./quanta_*.deb` in it (chroot; no systemd running there, as in an image
#      build): the quanta user and group, /var/lib/quanta owned by them, the conffile, the unit,
#      the documentation; `systemd-analyze verify` of the installed unit;
#   3. quantad started as the quanta user with the installed /etc/quanta/quanta.conf, in a
#      network namespace of its own (so the default ports 8087/8098 are free): /ping over HTTP,
#      CREATE TABLE, INSERT and SELECT with quanta-shell, the row again over HTTP, SIGTERM and
#      a clean exit;
#   4. the root booted with systemd (systemd-nspawn): `systemctl enable --now quanta`, the
#      server reached at once (Type=notify), as the quanta user, under every hardening option of
#      the unit, reading and writing; `systemctl stop` and a clean exit;
#   5. an upgrade (the same package again) keeps a locally changed conffile and the data, and
#      `apt purge` removes the data directory and /etc/quanta.
# Every step prints its duration. Needs root (debootstrap, chroot, namespaces) and the Debian
# mirror (DEBIAN_MIRROR, default http://deb.debian.org/debian). Downloaded packages and apt's
# lists are kept in OUT/apt-cache for the next run.
# Usage: scripts/test-package.sh [OUT]   (default build-deb; `make test-package` runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-build-deb}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ARCH=$(dpkg --print-architecture)
CACHE=$OUT/bookworm-root.tar.zst
ROOT=$OUT/chroot
APT_CACHE=$OUT/apt-cache

fail() { echo "test-package: FAIL: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || fail "needs root (debootstrap, chroot and namespaces)"
for tool in debootstrap zstd unshare chroot curl ip systemd-nspawn; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (scripts/deps.sh installs it)"
done
DEB=$(ls -t "$OUT"/quanta_*_"$ARCH".deb 2>/dev/null | sed -n 1p)
[[ -n "$DEB" ]] || fail "no $OUT/quanta_*_$ARCH.deb: run make deb first"

T0=$(date +%s.%N)
T=$T0
step() {
  local now
  now=$(date +%s.%N)
  printf 'test-package: %-58s %6.1f s\n' "$1" "$(awk -v a="$now" -v b="$T" 'BEGIN { print a - b }')"
  T=$now
}

# The chroot's mounts live in mount namespaces that end with each step, so nothing stays
# mounted inside $ROOT, whatever happens; --one-file-system guards the removal all the same.
remove_root() {
  if [[ -d "$ROOT" ]]; then
    if grep -q " $ROOT/" /proc/mounts; then fail "something is still mounted under $ROOT"; fi
    rm -rf --one-file-system "$ROOT"
  fi
}
trap remove_root EXIT

# 1. The Debian 12 root.
if [[ ! -f "$CACHE" ]]; then
  boot=$OUT/bootstrap
  rm -rf --one-file-system "$boot"
  echo "test-package: debootstrap bookworm from $MIRROR (once; cached in $CACHE)"
  unshare --mount --fork debootstrap --variant=minbase --include=systemd bookworm "$boot" \
    "$MIRROR" >"$OUT/debootstrap.log" 2>&1 || fail "debootstrap failed: see $OUT/debootstrap.log"
  tar -C "$boot" --numeric-owner -I 'zstd -T0 -3' -cf "$CACHE.tmp" .
  mv "$CACHE.tmp" "$CACHE"
  rm -rf --one-file-system "$boot"
  step "debootstrap bookworm (minbase + systemd), cached"
fi
remove_root
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -I zstd -xpf "$CACHE"
grep -q '^12\.' "$ROOT/etc/debian_version" || fail "the root is not Debian 12: $(cat "$ROOT/etc/debian_version")"
step "fresh Debian $(cat "$ROOT/etc/debian_version") root unpacked"

# 2. apt install ./quanta_*.deb.
cp "$DEB" "$ROOT/tmp/"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mkdir -p "$APT_CACHE/archives/partial" "$APT_CACHE/lists/partial"
# Runs a command in the chroot with /proc mounted and apt's caches shared with later runs.
in_root() {
  unshare --mount --fork -- bash -c '
    set -e
    root=$1 cache=$2; shift 2
    mount -t proc proc "$root/proc"
    mount --bind "$cache/archives" "$root/var/cache/apt/archives"
    mount --bind "$cache/lists" "$root/var/lib/apt/lists"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
      DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"' bash "$ROOT" "$APT_CACHE" "$@"
}
in_root apt-get update -qq >"$OUT/apt.log" 2>&1 || fail "apt-get update failed: see $OUT/apt.log"
step "apt-get update"
in_root bash -c "cd /tmp && apt install -y -o APT::Keep-Downloaded-Packages=true ./$(basename "$DEB")" >>"$OUT/apt.log" 2>&1 ||
  fail "apt install ./$(basename "$DEB") failed: see $OUT/apt.log"
grep -q "systemd is not running" "$OUT/apt.log" ||
  fail "the postinst did not say that systemd is not running: see $OUT/apt.log"
step "apt install ./$(basename "$DEB") (with its dependencies)"

in_root dpkg-query -W -f='${Status}\n' quanta | grep 'install ok installed' >/dev/null || fail "quanta not installed"
user=$(in_root getent passwd quanta) || fail "no quanta user"
IFS=: read -r _ _ uid gid _ home shell <<<"$user"
[[ $uid -lt 1000 && "$home" == /var/lib/quanta && "$shell" == /usr/sbin/nologin ]] ||
  fail "quanta is not a system user: $user"
in_root getent group quanta >/dev/null || fail "no quanta group"
[[ "$(in_root stat -c '%U:%G %a' /var/lib/quanta)" == "quanta:quanta 750" ]] ||
  fail "/var/lib/quanta: $(in_root stat -c '%U:%G %a' /var/lib/quanta)"
in_root dpkg-query -W -f='${Conffiles}\n' quanta | grep '^ /etc/quanta/quanta.conf ' >/dev/null ||
  fail "/etc/quanta/quanta.conf is not a conffile"
for f in /usr/sbin/quantad /usr/bin/quanta-shell /lib/systemd/system/quanta.service \
         /usr/share/doc/quanta/copyright /usr/share/doc/quanta/changelog.gz \
         /usr/share/doc/quanta/docs/operations.md; do
  [[ -e "$ROOT$f" ]] || fail "$f not installed"
done
[[ ! -e "$ROOT/etc/systemd/system/multi-user.target.wants/quanta.service" ]] ||
  fail "the service was enabled although systemd is not running"
out=$(in_root systemd-analyze verify /lib/systemd/system/quanta.service 2>&1) ||
  fail "systemd-analyze verify of the installed unit: $out"
[[ -z "$out" ]] || fail "systemd-analyze verify of the installed unit printed: $out"
step "installed files, user, conffile checked; systemd-analyze verify clean"

# 3. quantad as the quanta user with the installed configuration, in its own network namespace
# (and PID namespace: whatever happens, nothing outlives it).
SQL_CREATE="CREATE TABLE GeoCheckin (region VARCHAR NOT NULL, state VARCHAR NOT NULL, time TIMESTAMP NOT NULL, weather VARCHAR NOT NULL, temperature DOUBLE, PRIMARY KEY ((region, state, QUANTUM(time, 15, 'm')), region, state, time));"
SQL_INSERT="INSERT INTO GeoCheckin VALUES ('South', 'FL', 1451606400000, 'sunny', 24.5);"
SQL_SELECT="SELECT weather, temperature FROM GeoCheckin WHERE region = 'South' AND state = 'FL' AND time >= 1451606400000 AND time < 1451606500000;"
unshare --mount --net --pid --fork -- bash -c '
  set -u
  root=$1 create=$2 insert=$3 select=$4
  fail() { echo "test-package: FAIL: $*" >&2; exit 1; }
  ip link set lo up
  mount -t proc proc "$root/proc"
  chroot "$root" /usr/bin/setpriv --reuid=quanta --regid=quanta --init-groups \
    /usr/bin/env -i PATH=/usr/bin:/bin /usr/sbin/quantad --config /etc/quanta/quanta.conf \
    >"$root/tmp/quantad.log" 2>&1 &
  pid=$!
  t0=$(date +%s%N)
  for _ in $(seq 1 300); do
    [[ "$(curl -s http://127.0.0.1:8098/ping)" == OK ]] && break
    kill -0 $pid 2>/dev/null || fail "quantad exited: $(cat "$root/tmp/quantad.log")"
    sleep 0.1
  done
  [[ "$(curl -s http://127.0.0.1:8098/ping)" == OK ]] || fail "no /ping answer in 30 s"
  echo "test-package: quantad answered /ping $(( ($(date +%s%N) - t0) / 1000000 )) ms after start"
  shell() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin quanta-shell --format csv -e "$1"; }
  shell "$create" >/dev/null || fail "CREATE TABLE over PB failed"
  shell "$insert" >/dev/null || fail "INSERT over PB failed"
  got=$(shell "$select") || fail "SELECT over PB failed"
  grep -q "^sunny,24.5$" <<<"$got" || fail "SELECT over PB returned: $got"
  echo "test-package: quanta-shell: CREATE TABLE, INSERT, SELECT -> $(grep sunny <<<"$got")"
  http=$(curl -s -XPOST http://127.0.0.1:8098/ts/v1/query --data "${select%;}")
  [[ "$http" == "{\"columns\":[\"weather\",\"temperature\"],\"rows\":[[\"sunny\",24.5]]}" ]] ||
    fail "SELECT over HTTP returned: $http"
  echo "test-package: HTTP query: $http"
  if [[ -x "$root/usr/bin/quanta-admin" ]]; then
    status=$(chroot "$root" /usr/bin/quanta-admin --data-dir /var/lib/quanta status) ||
      fail "quanta-admin status failed: $status"
    grep -q "\"tables\":1" <<<"$status" || fail "quanta-admin status: $status"
    echo "test-package: quanta-admin status: $status"
  fi
  kill -TERM $pid
  wait $pid
  rc=$?
  [[ $rc -eq 0 ]] || fail "quantad exited with $rc after SIGTERM: $(cat "$root/tmp/quantad.log")"
  grep -q "stopped cleanly" "$root/tmp/quantad.log" || fail "no clean stop: $(cat "$root/tmp/quantad.log")"
  others=$(chroot "$root" find /var/lib/quanta ! -user quanta)
  [[ -z "$others" ]] || fail "files in /var/lib/quanta not owned by quanta: $others"
  echo "test-package: quantad stopped cleanly; /var/lib/quanta holds $(chroot "$root" find /var/lib/quanta -type f | wc -l) files, all the quanta user'"'"'s"
' bash "$ROOT" "$SQL_CREATE" "$SQL_INSERT" "$SQL_SELECT" || fail "running the installed quantad"
step "quantad as quanta: ping, CREATE/INSERT/SELECT, clean stop"

# 4. The unit under systemd: the root booted with systemd-nspawn (systemd as PID 1, a network
# namespace of its own), where a one-shot unit enables and starts quanta.service as the
# documentation says, reads the row written above and writes another through the hardened
# unit, stops it, and powers the container off. Proves Type=notify (start returns once the
# ports accept), the user, StateDirectory and every hardening option against the real server.
cat >"$ROOT/root/package-test.sh" <<'EOT'
#!/bin/bash
exec >/root/package-test.log 2>&1
set -x
fail() { echo "FAIL: $*"; echo FAIL >/root/package-test.result; systemctl poweroff; exit 1; }
http_ping() {
  exec 3<>/dev/tcp/127.0.0.1/8098 || return 1
  printf 'GET /ping HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  grep -q '^OK' <&3
}
start=$(date +%s%N)
systemctl enable --now quanta.service || fail "systemctl enable --now quanta"
echo "start took $(( ($(date +%s%N) - start) / 1000000 )) ms"
# Type=notify: when `systemctl start` returns, the listeners accept, with no waiting.
http_ping || fail "no /ping answer right after systemctl start"
pid=$(systemctl show -p MainPID --value quanta)
[[ "$(ps -o user= -p "$pid")" == quanta ]] || fail "quantad does not run as quanta"
# The unit's confinement is in force: a seccomp filter, no new privileges, no capability.
grep -Eq '^Seccomp:\s+2$' /proc/$pid/status || fail "no seccomp filter"
grep -Eq '^NoNewPrivs:\s+1$' /proc/$pid/status || fail "NoNewPrivs not set"
grep -Eq '^CapBnd:\s+0+$' /proc/$pid/status || fail "capabilities left: $(grep ^Cap /proc/$pid/status)"
q() { quanta-shell --format csv -e "$1"; }
q "SELECT weather, temperature FROM GeoCheckin WHERE region = 'South' AND state = 'FL' AND time >= 1451606400000 AND time < 1451606500000;" | grep -q '^sunny,24.5$' ||
  fail "the row written before is not there"
q "INSERT INTO GeoCheckin VALUES ('South', 'FL', 1451606460000, 'rain', 18.25);" || fail "INSERT under systemd"
q "SELECT weather, temperature FROM GeoCheckin WHERE region = 'South' AND state = 'FL' AND time >= 1451606400000 AND time < 1451606500000;" | grep -q '^rain,18.25$' ||
  fail "the row written under systemd is not there"
systemctl stop quanta.service || fail "systemctl stop"
[[ "$(systemctl show -p Result --value quanta)" == success ]] || fail "stop result: $(systemctl show -p Result --value quanta)"
[[ "$(systemctl show -p ExecMainStatus --value quanta)" == 0 ]] || fail "exit status $(systemctl show -p ExecMainStatus --value quanta)"
journalctl -u quanta --no-pager -o cat >/root/quanta-journal.txt
grep -q "stopped cleanly" /root/quanta-journal.txt || fail "no clean stop in the journal"
echo PASS >/root/package-test.result
systemctl poweroff
EOT
chmod 0755 "$ROOT/root/package-test.sh"
cat >"$ROOT/etc/systemd/system/quanta-package-test.service" <<'EOT'
[Unit]
Description=test of the quanta package under systemd
After=multi-user.target
[Service]
Type=oneshot
Environment=HOME=/root
ExecStart=/root/package-test.sh
[Install]
WantedBy=multi-user.target
EOT
ln -s /etc/systemd/system/quanta-package-test.service \
  "$ROOT/etc/systemd/system/multi-user.target.wants/quanta-package-test.service"
# --register=no and --keep-unit: no machined or systemd needed on this side.
timeout 300 systemd-nspawn --quiet --boot --directory="$ROOT" --register=no --keep-unit \
  --private-network --console=pipe >"$OUT/nspawn.log" 2>&1 </dev/null || true
if [[ "$(cat "$ROOT/root/package-test.result" 2>/dev/null)" != PASS ]]; then
  fail "under systemd: $(grep FAIL "$ROOT/root/package-test.log" 2>/dev/null)
$(tail -20 "$ROOT/root/quanta-journal.txt" 2>/dev/null)
(the container's console: $OUT/nspawn.log; the test's log: $ROOT/root/package-test.log)"
fi
echo "test-package: under systemd: $(grep '^start took' "$ROOT/root/package-test.log"), row read back and written through the hardened unit"
rm "$ROOT/etc/systemd/system/multi-user.target.wants/quanta-package-test.service"
step "booted with systemd: enable --now, read, write, stop"

# 5. Upgrade in place, then purge.
echo "# changed by the administrator" >>"$ROOT/etc/quanta/quanta.conf"
in_root dpkg -i --force-confold "/tmp/$(basename "$DEB")" >>"$OUT/apt.log" 2>&1 ||
  fail "reinstalling the package failed: see $OUT/apt.log"
grep -q "^# changed by the administrator" "$ROOT/etc/quanta/quanta.conf" ||
  fail "the upgrade overwrote the changed /etc/quanta/quanta.conf"
[[ -n "$(find "$ROOT/var/lib/quanta" -type f)" ]] || fail "the upgrade lost /var/lib/quanta"
in_root apt-get purge -y quanta >>"$OUT/apt.log" 2>&1 || fail "apt-get purge failed: see $OUT/apt.log"
[[ ! -e "$ROOT/var/lib/quanta" && ! -e "$ROOT/etc/quanta" ]] ||
  fail "purge left $(ls -d "$ROOT/var/lib/quanta" "$ROOT/etc/quanta" 2>/dev/null)"
step "upgrade keeps the changed conffile and the data; purge removes them"

printf 'test-package: PASS in %.1f s (%s)\n' \
  "$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN { print a - b }')" "$(basename "$DEB")"
