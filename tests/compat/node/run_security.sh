#!/usr/bin/env bash
# Security with real clients: a CA and a server certificate made here with openssl, quantad with
# TLS and security enabled, users and grants created with quanta-admin, then the official
# Node.js client (security.test.js), curl over HTTPS, quanta-admin's login options, and a
# certificate renewed under the running server (SIGHUP).
#
#   tests/compat/node/run_security.sh QUANTAD QUANTA_ADMIN
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
quantad="${1:?usage: run_security.sh QUANTAD QUANTA_ADMIN}"
admin="${2:?usage: run_security.sh QUANTAD QUANTA_ADMIN}"
quantad="$(cd "$(dirname "$quantad")" && pwd)/$(basename "$quantad")"
admin="$(cd "$(dirname "$admin")" && pwd)/$(basename "$admin")"
command -v node >/dev/null || { echo "run_security.sh: node is not installed" >&2; exit 2; }
command -v openssl >/dev/null || { echo "run_security.sh: openssl is not installed" >&2; exit 2; }

cd "$here"
if [[ ! -d node_modules/basho-riak-client ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/quanta-security.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Certificates: a CA, and a server certificate for 127.0.0.1 and localhost signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Quanta test CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$work/san.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
  -CAcreateserial -days 2 -extfile "$work/san.ext" -out "$work/server.pem" 2>/dev/null

# A client certificate for carol (certificate source).
openssl req -newkey rsa:2048 -nodes -subj "/CN=carol" \
  -keyout "$work/carol.key" -out "$work/carol.csr" 2>/dev/null
openssl x509 -req -in "$work/carol.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
  -CAcreateserial -days 2 -out "$work/carol.pem" 2>/dev/null

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}
pb_port="$(free_port)"
http_port="$(free_port)"
https_port="$(free_port)"

mkdir -p "$work/data"
"$quantad" --data-dir "$work/data" --pb-listen "127.0.0.1:$pb_port" \
  --http-listen "127.0.0.1:$http_port" \
  --set "tls.certfile=$work/server.pem" --set "ssl.keyfile=$work/server.key" \
  --set "tls.cacertfile=$work/ca.pem" --set "https.listen=127.0.0.1:$https_port" \
  >"$work/quantad.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do
  if curl -sf "http://127.0.0.1:$http_port/ping" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run_security.sh: quantad exited early:" >&2
    cat "$work/quantad.log" >&2
    exit 1
  fi
  sleep 0.1
done

qa() { "$admin" --http "127.0.0.1:$http_port" --data-dir "$work/data" security "$@"; }
qa add-user alice password=Secret1
qa add-user bob password=Other2
qa add-source all 127.0.0.1/32 password
qa add-user carol
qa add-source carol 127.0.0.1/32 certificate
qa grant riak_ts.query_select on GeoSec to carol
qa grant riak_ts.create_table,riak_ts.put,riak_ts.get,riak_ts.query_select on any to alice
qa grant riak_ts.query_select on GeoSec to bob
qa enable
[[ "$(qa status)" == "Enabled" ]] || { echo "security status is not Enabled" >&2; exit 1; }
# The password is nowhere in the state file.
if grep -q Secret1 "$work/data/security.json"; then echo "plain password stored" >&2; exit 1; fi

status=0
QUANTA_PB_PORT="$pb_port" QUANTA_CA="$work/ca.pem" QUANTA_CLIENT_CERT="$work/carol.pem" \
  QUANTA_CLIENT_KEY="$work/carol.key" \
  node --test --test-concurrency=1 security.test.js || status=$?

if [[ $status -eq 0 ]]; then
  bash "$here/../../security/https_checks.sh" "$https_port" "$http_port" "$work/ca.pem" "$work/data" || status=$?
fi
# Failed logins are logged (user, address, the reason the client is not told).
if [[ $status -eq 0 ]]; then
  grep -q 'warning security: failed login user=alice peer=127.0.0.1 reason="wrong password"' "$work/quantad.log" ||
    { echo "FAIL: no log line for alice's failed login" >&2; status=1; }
  grep -q 'warning security: failed login user=mallory .*reason="no such user"' "$work/quantad.log" ||
    { echo "FAIL: no log line for an unknown user's login" >&2; status=1; }
fi
if [[ $status -eq 0 ]]; then
  bash "$here/../../security/admin_login_checks.sh" "$quantad" "$admin" "$pb_port" "$http_port" \
    "$work/ca.pem" "$work" || status=$?
fi
if [[ $status -eq 0 ]]; then
  bash "$here/../../security/tls_reload_checks.sh" "$server_pid" "$admin" "$https_port" "$pb_port" \
    "$http_port" "$work" || status=$?
fi
if [[ $status -ne 0 ]]; then
  echo "--- quantad log ---" >&2
  cat "$work/quantad.log" >&2
fi
exit $status
