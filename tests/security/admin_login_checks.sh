#!/usr/bin/env bash
# quanta-admin's PB commands against a quantad with security enabled, run by
# tests/compat/node/run_security.sh after the Node.js client tests (users alice/Secret1 with a
# password source, carol with a certificate source; table GeoSec with rows for north/s1):
# export and import-csv log in with --user (STARTTLS, certificate checked, RpbAuthReq), and
# import --from copies from the secured server into a second, plain one.
#   admin_login_checks.sh QUANTAD QUANTA_ADMIN PB_PORT HTTP_PORT CA_FILE WORK_DIR
set -uo pipefail
quantad=$1
admin=$2
pb=127.0.0.1:$3
http=127.0.0.1:$4
ca=$5
work=$6
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
qa() { "$admin" --http "$http" --data-dir "$work/data" "$@"; }

printf 'Secret1\n' >"$work/alice.pw"
printf 'wrong\n' >"$work/wrong.pw"
sel="SELECT region, station, time, temp FROM GeoSec WHERE region = 'north' AND station = 's1' AND time >= 0 AND time < 10000"

# Without a login: Riak's refusal.
out=$(qa --pb "$pb" export --query "$sel" 2>&1) && fail "export without a login succeeded: $out"
[[ "$out" == *"Security is enabled, please STARTTLS first"* ]] || fail "export without a login: $out"
# A wrong password, a wrong CA.
out=$(qa --pb "$pb" --user alice --password-file "$work/wrong.pw" --cacert "$ca" export --query "$sel" 2>&1) &&
  fail "export with a wrong password succeeded"
[[ "$out" == *"login as alice: "* ]] || fail "wrong password: $out"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=other CA" \
  -keyout "$work/other.key" -out "$work/other.pem" 2>/dev/null
out=$(qa --pb "$pb" --user alice --password-file "$work/alice.pw" --cacert "$work/other.pem" export --query "$sel" 2>&1) &&
  fail "export trusting another CA succeeded"
[[ "$out" == *"the server's certificate"* ]] || fail "other CA: $out"
# The password from the environment, and from a file.
out=$(QUANTA_PASSWORD=Secret1 qa --pb "$pb" --user alice --cacert "$ca" export --query "$sel" 2>&1) ||
  fail "export as alice: $out"
[[ "$out" == *"north,s1,1000,1.5"* ]] || fail "export as alice: $out"
# A client certificate (carol's source is `certificate`; she may query GeoSec).
out=$(qa --pb "$pb" --user carol --cacert "$ca" --cert "$work/carol.pem" --key "$work/carol.key" \
  export --query "$sel" 2>&1) || fail "export as carol: $out"
[[ "$out" == *"north,s1,1000,1.5"* ]] || fail "export as carol: $out"
# import-csv through the login (it reads the table's columns: DESCRIBE), then the rows are there.
qa security grant riak_ts.describe_table,riak_ts.list_keys on GeoSec to alice >/dev/null || fail "grant"
printf 'region,station,time,temp\nnorth,s1,7000,7.5\n' >"$work/rows.csv"
out=$(qa --pb "$pb" --user alice --password-file "$work/alice.pw" --cacert "$ca" \
  import-csv --table GeoSec "$work/rows.csv" 2>&1) || fail "import-csv as alice: $out"
out=$(qa --pb "$pb" --user alice --password-file "$work/alice.pw" --cacert "$ca" export --query "$sel" 2>&1)
[[ "$out" == *"north,s1,7000,7.5"* ]] || fail "the imported row is missing: $out"

# import --from the secured server into a plain one.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
tpb=$(free_port)
thttp=$(free_port)
"$quantad" --data-dir "$work/target" --pb-listen "127.0.0.1:$tpb" --http-listen "127.0.0.1:$thttp" \
  >"$work/target.log" 2>&1 &
target_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$thttp/ping" >/dev/null 2>&1 && break; sleep 0.1; done
out=$("$admin" --pb "127.0.0.1:$tpb" import --from "$pb" --table GeoSec --from-user alice \
  --from-password-file "$work/alice.pw" --from-cacert "$ca" 2>&1) || fail "import --from as alice: $out"
out=$("$admin" --pb "127.0.0.1:$tpb" export --query "$sel" 2>&1)
[[ "$out" == *"north,s1,1000,1.5"* && "$out" == *"north,s1,7000,7.5"* ]] || fail "import --from copied: $out"
out=$("$admin" --pb "127.0.0.1:$tpb" import --from "$pb" --table GeoSec 2>&1) &&
  fail "import --from a secured server without a login succeeded"
[[ "$out" == *"STARTTLS"* ]] || fail "import --from without a login: $out"
kill -TERM "$target_pid"
wait "$target_pid"

if [[ $failures -ne 0 ]]; then
  echo "admin_login_checks.sh: $failures failure(s)" >&2
  exit 1
fi
echo "admin_login_checks.sh: all quanta-admin login checks passed"
