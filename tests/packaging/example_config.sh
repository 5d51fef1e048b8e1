#!/usr/bin/env bash
# packaging/quanta.conf, the file the .deb installs as /etc/quanta/quanta.conf:
#  1. it lists every key of docs/configuration.md (commented out or set);
#  2. quantad starts with the file as it is, and with every commented-out key set to the value
#     shown (so the defaults written there are values quantad accepts), and answers /ping.
# Usage: example_config.sh <quantad> <source dir>
# QUANTA_TEST_PORTS=lo-hi keeps the ports it picks in that range.
set -u
QUANTAD=$1
SRC=$2
CONF=$SRC/packaging/quanta.conf
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ -x "$QUANTAD" ]] || fail "quantad not executable: '$QUANTAD'"
command -v curl >/dev/null 2>&1 || { echo "SKIP: curl not found"; exit 0; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/quanta-conftest-XXXXXX")
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# 1. Keys of the configuration reference: the first column of its table, aliases (in
# parentheses) left out.
missing=()
while IFS= read -r key; do
  grep -Eq "^(# )?${key//./\\.} =" "$CONF" || missing+=("$key")
done < <(grep -E '^\| `' "$SRC/docs/configuration.md" | cut -d'|' -f2 | sed -E 's/\([^)]*\)//g' |
         grep -oE '`[^`]+`' | tr -d '`')
[[ ${#missing[@]} -eq 0 ]] || fail "keys of docs/configuration.md missing from packaging/quanta.conf: ${missing[*]}"
nkeys=$(grep -cE '^(# )?[a-z_.]+ =' "$CONF")
echo "packaging/quanta.conf lists $nkeys keys, every key of docs/configuration.md"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
lo=20000; hi=31999
if [[ "${QUANTA_TEST_PORTS:-}" =~ ^([0-9]+)-([0-9]+)$ ]]; then lo=${BASH_REMATCH[1]}; hi=${BASH_REMATCH[2]}; fi
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((lo + RANDOM % (hi - lo + 1)))
    if [[ "$p" != "${1:-}" ]] && ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

# 2. quantad with a config file on fresh ports (flags override the file's listeners and data
# directory) until /ping answers, then SIGTERM and a clean exit.
run_with() {
  local conf=$1 what=$2 pb http
  for attempt in 1 2 3; do
    pb=$(free_port) || fail "no free port"
    http=$(free_port "$pb") || fail "no free port"
    rm -rf "$WORK/data"
    "$QUANTAD" --config "$conf" --data-dir "$WORK/data" --pb-listen "127.0.0.1:$pb" \
      --http-listen "127.0.0.1:$http" >"$WORK/quantad.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
      if [[ "$(curl -s "http://127.0.0.1:$http/ping" 2>/dev/null)" == "OK" ]]; then
        kill "$SERVER_PID"; wait "$SERVER_PID"; local rc=$?; SERVER_PID=""
        [[ $rc -eq 0 ]] || fail "$what: quantad exited with $rc after SIGTERM: $(cat "$WORK/quantad.log")"
        echo "$what: quantad started and answered /ping"
        return 0
      fi
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
    # A port taken in the meantime is worth another try; anything else is the file's fault.
    grep -qi "address already in use" "$WORK/quantad.log" || break
  done
  fail "$what: quantad did not start: $(cat "$WORK/quantad.log")"
}

run_with "$CONF" "packaging/quanta.conf as shipped"
sed -E 's/^# ([a-z_.]+ =)/\1/' "$CONF" >"$WORK/all-keys.conf"
run_with "$WORK/all-keys.conf" "every commented-out key set to the value shown"
