#!/usr/bin/env bash
# packaging/quanta.service passes `systemd-analyze verify`, and its hardening keeps
# `systemd-analyze security` at an exposure of at most 2.0 (of 10).
# verify checks that ExecStart's program exists, so the unit is checked inside a scratch root
# holding the built quantad at /usr/sbin/quantad, /bin/kill and a copy of this machine's
# systemd units (the targets the unit is ordered after). The installed unit is verified in
# place by `make test-package`.
# Usage: unit_verify.sh <quantad> <source dir>
set -u
QUANTAD=$1
SRC=$2
UNIT=$SRC/packaging/quanta.service
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v systemd-analyze >/dev/null 2>&1 || { echo "SKIP: systemd-analyze not found"; exit 0; }
[[ -d /usr/lib/systemd/system ]] || { echo "SKIP: no systemd units on this machine"; exit 0; }
[[ -x "$QUANTAD" ]] || fail "quantad not executable: '$QUANTAD'"

R=$(mktemp -d "${TMPDIR:-/tmp}/quanta-unitroot-XXXXXX")
trap 'rm -rf "$R"' EXIT
mkdir -p "$R/usr/sbin" "$R/usr/bin" "$R/usr/lib/systemd" "$R/etc/quanta"
ln -s usr/lib "$R/lib"; ln -s usr/bin "$R/bin"; ln -s usr/sbin "$R/sbin"
cp -a /usr/lib/systemd/system "$R/usr/lib/systemd/"
cp "$QUANTAD" "$R/usr/sbin/quantad"
cp "$(type -P kill)" "$R/usr/bin/kill"
cp "$SRC/packaging/quanta.conf" "$R/etc/quanta/quanta.conf"
cp "$UNIT" "$R/usr/lib/systemd/system/quanta.service"

out=$(systemd-analyze verify --root="$R" --man=no quanta.service 2>&1) ||
  fail "systemd-analyze verify: $out"
[[ -z "$out" ]] || fail "systemd-analyze verify printed warnings: $out"
echo "systemd-analyze verify: clean"

# The check has teeth: without the program it must fail.
rm "$R/usr/sbin/quantad"
if systemd-analyze verify --root="$R" --man=no quanta.service >/dev/null 2>&1; then
  fail "verify passed with /usr/sbin/quantad missing: the check proves nothing"
fi
cp "$QUANTAD" "$R/usr/sbin/quantad"

sec=$(systemd-analyze security --offline=yes --root="$R" --threshold=20 quanta.service 2>&1)
rc=$?
level=$(grep -o 'Overall exposure level for quanta.service: [0-9.]*' <<<"$sec")
[[ $rc -eq 0 ]] || fail "systemd-analyze security above 2.0: $level
$(grep '✗' <<<"$sec")"
echo "systemd-analyze security: ${level##* }"
