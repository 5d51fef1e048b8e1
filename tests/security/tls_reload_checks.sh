#!/usr/bin/env bash
# SIGHUP reads the TLS certificate and key again (a renewed certificate, same files), run by
# tests/compat/node/run_security.sh last: the server's certificate is replaced by one from
# another CA; after SIGHUP new HTTPS and PB/STARTTLS connections present it, and a broken file
# leaves the certificate in use as it was.
#   tls_reload_checks.sh SERVER_PID QUANTA_ADMIN HTTPS_PORT PB_PORT HTTP_PORT WORK_DIR
set -uo pipefail
pid=$1
admin=$2
https=https://127.0.0.1:$3
pb=127.0.0.1:$4
http=127.0.0.1:$5
work=$6
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
wait_log() {  # pattern: up to 10 s
  for _ in $(seq 1 100); do grep -q -- "$1" "$work/quantad.log" && return 0; sleep 0.1; done
  return 1
}
export_as_alice() {  # CA file
  "$admin" --http "$http" --data-dir "$work/data" --pb "$pb" --user alice \
    --password-file "$work/alice.pw" --cacert "$1" export --query \
    "SELECT time FROM GeoSec WHERE region = 'north' AND station = 's1' AND time >= 0 AND time < 2000" 2>&1
}

# A second CA and a server certificate from it, written over the files the server was given.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Quanta test CA 2" \
  -keyout "$work/ca2.key" -out "$work/ca2.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$work/server2.key" -out "$work/server2.csr" 2>/dev/null
openssl x509 -req -in "$work/server2.csr" -CA "$work/ca2.pem" -CAkey "$work/ca2.key" \
  -CAcreateserial -days 2 -extfile "$work/san.ext" -out "$work/server2.pem" 2>/dev/null
[[ "$(curl -s --cacert "$work/ca.pem" "$https/ping")" == OK ]] || fail "HTTPS before the renewal"
cp "$work/server2.pem" "$work/server.pem"
cp "$work/server2.key" "$work/server.key"
# Until SIGHUP the old certificate is served.
[[ "$(curl -s --cacert "$work/ca.pem" "$https/ping")" == OK ]] || fail "the old certificate went before SIGHUP"
kill -HUP "$pid"
wait_log "TLS certificate and key read again" || fail "no log line for the TLS reload"
[[ "$(curl -s --cacert "$work/ca2.pem" "$https/ping")" == OK ]] || fail "HTTPS does not present the new certificate"
curl -s --cacert "$work/ca.pem" "$https/ping" >/dev/null && fail "HTTPS still presents the old certificate"
out=$(export_as_alice "$work/ca2.pem") || fail "PB STARTTLS with the new certificate: $out"
[[ "$out" == *1000* ]] || fail "export after the renewal: $out"
out=$(export_as_alice "$work/ca.pem") && fail "PB STARTTLS still presents the old certificate"
[[ "$out" == *"the server's certificate"* ]] || fail "old CA after the renewal: $out"
# A broken certificate file: reported, the one in use stays.
echo "not a certificate" >"$work/server.pem"
kill -HUP "$pid"
wait_log "TLS certificate not reloaded, the old one stays" || fail "a broken certificate file was not reported"
[[ "$(curl -s --cacert "$work/ca2.pem" "$https/ping")" == OK ]] || fail "HTTPS after a failed reload"
kill -0 "$pid" || fail "quantad exited"

if [[ $failures -ne 0 ]]; then
  echo "tls_reload_checks.sh: $failures failure(s)" >&2
  exit 1
fi
echo "tls_reload_checks.sh: all TLS reload checks passed"
