#!/usr/bin/env bash
# Builds the Debian package of Quanta with dpkg-deb (no debhelper): OUT/quanta_VERSION_ARCH.deb.
# Usage: scripts/make-deb.sh [OUT]   (default build-deb; `make deb` runs it)
#
#   OUT/build    a release build (RelWithDebInfo, prefix /usr, no tests or benchmarks)
#   OUT/root     the package's file tree, from `cmake --install` plus DEBIAN/
#   OUT/debug    the debug information split off the binaries (quantad.debug, ...), named in
#                them by a debug link, for gdb on a crash (docs/operations.md)
#
# Environment: JOBS (build parallelism, default the number of cores), DEBFULLNAME and DEBEMAIL
# (the Maintainer field; default: git's user.name and user.email).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
OUT=${1:-build-deb}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
JOBS=${JOBS:-$(nproc)}

VERSION=$(sed -nE 's/^project\(quanta VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
[[ -n "$VERSION" ]] || { echo "make-deb: no version in CMakeLists.txt's project()" >&2; exit 1; }
ARCH=$(dpkg --print-architecture)
NAME=${DEBFULLNAME:-$(git config user.name 2>/dev/null || echo "Quanta maintainers")}
EMAIL=${DEBEMAIL:-$(git config user.email 2>/dev/null || echo "root@localhost")}
DEB=$OUT/quanta_${VERSION}_${ARCH}.deb

echo "make-deb: building quanta $VERSION ($ARCH) in $OUT/build"
cmake -S "$SRC" -B "$OUT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX=/usr -DQUANTA_BUILD_TESTS=OFF -DQUANTA_BUILD_BENCH=OFF \
  -DQUANTA_SYSTEMD_UNIT_DIR=/lib/systemd/system >/dev/null
cmake --build "$OUT/build" -j "$JOBS"

ROOT=$OUT/root
rm -rf "$ROOT" "$OUT/debug"
DESTDIR=$ROOT cmake --install "$OUT/build" >/dev/null

# Binaries: debug information to OUT/debug, the installed copies stripped as dh_strip does.
mkdir -p "$OUT/debug"
bins=()
for f in "$ROOT"/usr/bin/* "$ROOT"/usr/sbin/*; do
  [[ -f "$f" && "$(head -c 4 "$f" | tail -c 3)" == ELF ]] || continue
  bins+=("$f")
  dbg=$OUT/debug/$(basename "$f").debug
  objcopy --only-keep-debug --compress-debug-sections "$f" "$dbg"
  chmod 0644 "$dbg"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f"
  (cd "$OUT/debug" && objcopy --add-gnu-debuglink="$(basename "$dbg")" "$f")
  chmod 0755 "$f"
done
[[ ${#bins[@]} -gt 0 ]] || { echo "make-deb: no binaries installed" >&2; exit 1; }

# Manual pages from the programs' --help and --version (help2man).
for f in "${bins[@]}"; do
  name=$(basename "$f")
  case "$name" in
    quantad) section=8; what="Quanta time-series database server (Riak TS compatible)" ;;
    quanta-shell) section=1; what="SQL shell for Quanta (riak-shell compatible)" ;;
    *) section=1; what="Quanta administration tool" ;;
  esac
  mkdir -p "$ROOT/usr/share/man/man$section"
  help2man --no-info --section="$section" --name="$what" --version-string="$VERSION" "$f" |
    gzip -9n >"$ROOT/usr/share/man/man$section/$name.$section.gz"
done

# Documentation: Debian's copyright file and a changelog, compressed as Debian does.
DOC=$ROOT/usr/share/doc/quanta
first=$(git log --reverse --format=%cd --date=format:%Y 2>/dev/null | sed -n 1p)
last=$(git log -1 --format=%cd --date=format:%Y 2>/dev/null || date +%Y)
YEARS=${first:-$last}
[[ "$YEARS" == "$last" ]] || YEARS=$YEARS-$last
cat >"$DOC/copyright" <<EOT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: quanta
Comment: quantad contains RocksDB, linked statically (Apache-2.0 or GPL-2, see the
 librocksdb-dev package); every other library it uses is a Debian package it depends on.

Files: *
Copyright: $YEARS The Quanta authors
License: Apache-2.0

License: Apache-2.0
 Licensed under the Apache License, Version 2.0 (the "License"); you may not use
 this file except in compliance with the License. You may obtain a copy of the
 License at http://www.apache.org/licenses/LICENSE-2.0
 .
 Unless required by applicable law or agreed to in writing, software distributed
 under the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR
 CONDITIONS OF ANY KIND, either express or implied. See the License for the
 specific language governing permissions and limitations under the License.
 .
 On Debian systems, the full text of the Apache License 2.0 can be found in
 /usr/share/common-licenses/Apache-2.0.
EOT
# The full text is in copyright's pointer already; a second copy is what lintian calls
# extra-license-file.
rm -f "$DOC/LICENSE"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
date=$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")
printf 'quanta (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s <%s>  %s\n' \
  "$VERSION" "$commit" "$NAME" "$EMAIL" "$date" | gzip -9n >"$DOC/changelog.gz"

# Permissions as dpkg expects them whatever the umask: directories 0755, files 0644,
# programs and maintainer scripts 0755.
find "$ROOT" -type d -exec chmod 0755 {} +
find "$ROOT" -type f -exec chmod 0644 {} +
chmod 0755 "${bins[@]}"

# Depends: the Debian packages providing the binaries' shared libraries (dpkg-shlibdeps reads
# debian/control, so it runs in a scratch debian/ layout), plus adduser for the postinst and
# procps for the unit's ExecReload (/bin/kill).
SH=$OUT/shlibdeps
rm -rf "$SH"
mkdir -p "$SH/debian"
printf 'Source: quanta\n\nPackage: quanta\nArchitecture: any\n' >"$SH/debian/control"
shlibs=$(cd "$SH" && dpkg-shlibdeps -O "${bins[@]}" 2>"$SH/warnings" |
         sed -n 's/^shlibs:Depends=//p')
[[ -n "$shlibs" ]] || { echo "make-deb: dpkg-shlibdeps found no dependencies" >&2; cat "$SH/warnings" >&2; exit 1; }
DEPENDS="$shlibs, adduser, procps"

# RocksDB linked statically: Built-Using names its source, as Debian policy asks.
BUILT_USING=""
if grep -q '^ROCKSDB_STATIC_LIB:FILEPATH=/.*\.a$' "$OUT/build/CMakeCache.txt"; then
  BUILT_USING=$(dpkg-query -W -f='${source:Package} (= ${source:Version})' librocksdb-dev)
fi

mkdir -p "$ROOT/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$ROOT/DEBIAN/"
echo /etc/quanta/quanta.conf >"$ROOT/DEBIAN/conffiles"
chmod 0644 "$ROOT/DEBIAN/conffiles"
# md5sums leaves the conffile out, as dh_md5sums does: dpkg tracks conffiles itself.
(cd "$ROOT" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -printf '%P\0' | sort -z |
   xargs -0 md5sum) >"$ROOT/DEBIAN/md5sums"
chmod 0644 "$ROOT/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
{
  echo "Package: quanta"
  echo "Version: $VERSION"
  echo "Architecture: $ARCH"
  echo "Maintainer: $NAME <$EMAIL>"
  echo "Installed-Size: $size"
  echo "Depends: $DEPENDS"
  [[ -z "$BUILT_USING" ]] || echo "Built-Using: $BUILT_USING"
  echo "Section: database"
  echo "Priority: optional"
  echo "Description: time-series database compatible with Riak TS"
  echo " Quanta is a time-series database server that speaks Riak TS 1.5: the Protocol"
  echo " Buffers API (port 8087), the HTTP API (port 8098) and the Riak TS SQL dialect,"
  echo " so applications written for the official Riak TS clients run unchanged."
  echo " Data is stored in an embedded RocksDB directory (/var/lib/quanta) or in a"
  echo " Ceph RADOS pool."
  echo " ."
  echo " This package contains the server (quantad) with its systemd unit and"
  if [[ -f "$ROOT/usr/bin/quanta-admin" ]]; then
    echo " configuration file, the SQL shell (quanta-shell) and the administration"
    echo " tool (quanta-admin)."
  else
    echo " configuration file, and the SQL shell (quanta-shell)."
  fi
} >"$ROOT/DEBIAN/control"

dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null
echo "make-deb: $DEB ($(du -h "$DEB" | cut -f1))"
echo "make-deb: Depends: $DEPENDS"

# A sanity pass when lintian is installed (scripts/deps.sh installs it); its findings are
# printed, not fatal.
if command -v lintian >/dev/null 2>&1; then
  echo "make-deb: lintian:"
  lintian --tag-display-limit 0 "$DEB" 2>&1 | grep -v "running with root privileges" | sed "s/^/  /" || true
fi
