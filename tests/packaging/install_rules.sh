#!/usr/bin/env bash
# `cmake --install` of a configured build tree into a scratch DESTDIR puts every file where
# packaging/CMakeLists.txt says, for the prefix the tree was configured with, and the installed
# quantad runs.
# Usage: install_rules.sh <build dir>
set -u
BUILD=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
unitdir=$(sed -n 's/^QUANTA_SYSTEMD_UNIT_DIR:STRING=//p' "$BUILD/CMakeCache.txt")
[[ -n "$prefix" && -n "$unitdir" ]] || fail "no install prefix or unit directory in $BUILD/CMakeCache.txt"
[[ "$unitdir" == /* ]] || unitdir=$prefix/$unitdir
# GNUInstallDirs: the configuration goes to /etc for the prefix /usr, else under the prefix.
if [[ "$prefix" == /usr ]]; then etc=/etc; else etc=$prefix/etc; fi

D=$(mktemp -d "${TMPDIR:-/tmp}/quanta-install-XXXXXX")
trap 'rm -rf "$D"' EXIT
DESTDIR=$D cmake --install "$BUILD" >"$D.log" 2>&1 || { cat "$D.log" >&2; rm -f "$D.log"; fail "cmake --install failed"; }
rm -f "$D.log"

expect=(
  "$prefix/sbin/quantad" "$prefix/bin/quanta-shell" "$etc/quanta/quanta.conf"
  "$unitdir/quanta.service" "$prefix/share/doc/quanta/LICENSE"
  "$prefix/share/doc/quanta/README.md" "$prefix/share/doc/quanta/docs/configuration.md"
  "$prefix/share/doc/quanta/docs/operations.md" "$prefix/share/doc/quanta/docs/formats/chunk.md"
)
if grep -q '^quanta-admin' <(cd "$BUILD" && ninja -t targets all 2>/dev/null | cut -d: -f1); then
  expect+=("$prefix/bin/quanta-admin")
fi
for f in "${expect[@]}"; do
  [[ -f "$D$f" ]] || fail "not installed: $f (installed: $(cd "$D" && find . -type f | sort | tr '\n' ' '))"
done
[[ -x "$D$prefix/sbin/quantad" && -x "$D$prefix/bin/quanta-shell" ]] || fail "binaries not executable"
"$D$prefix/sbin/quantad" --version | grep -q '^quantad ' || fail "the installed quantad does not run"
cmp -s "$D$etc/quanta/quanta.conf" "$(dirname "$0")/../../packaging/quanta.conf" ||
  fail "the installed quanta.conf differs from packaging/quanta.conf"
echo "installed $(cd "$D" && find . -type f | wc -l) files under prefix $prefix; configuration in $etc/quanta"
