#!/usr/bin/env bash
# Installs everything Quanta needs to build and test on Debian 12. Idempotent: it only calls
# apt-get when a package is missing, so repeated `make` runs cost nothing.
# Ceph (a monitor, a manager, OSDs and librados) is for the RADOS backend and its tests
# (scripts/ceph-dev.sh); --no-install-recommends keeps ceph-mds and ceph-fuse out.
# dpkg-dev, lintian and help2man are for `make deb`; debootstrap, zstd, iproute2 and
# systemd-container (systemd-nspawn) for `make test-package`.
set -euo pipefail
PKGS=(build-essential cmake ninja-build ccache pkg-config
      librocksdb-dev libboost-dev rapidjson-dev libssl-dev openssl libreadline-dev libzstd-dev
      libgtest-dev libgmock-dev libbenchmark-dev libspdlog-dev libfmt-dev prometheus
      clang libclang-rt-14-dev
      tmux curl
      dpkg-dev lintian help2man debootstrap zstd iproute2 systemd-container
      zlib1g-dev libsnappy-dev
      ceph-mon ceph-osd ceph-mgr ceph-common librados-dev libradospp-dev uuid-runtime
      chromium)  # chromium: the web console's browser test (tests/console)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from another packaging (with npm bundled); only ask Debian when absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
