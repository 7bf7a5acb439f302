#!/usr/bin/env bash
# The farm end to end on 127.0.0.1: a master and two slaves (free ports),
# the sample data of deploy/examples imported, `provisorctl next-server` for
# one device (the slave and encoded filename DHCP would hand it), that file
# fetched from that slave with the real tftp client and printed, then
# `provisorctl status`, the events and the dashboard's JSON. Everything it
# started is stopped on exit. Run deploy/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=build/bin
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME ROLE ARGS...: runs a daemon, waits for its "listening" line,
# and leaves the address it announced in $work/NAME.addr.
start() {
  local name="$1" role="$2"; shift 2
  "$@" > "$work/$name.out" 2> "$work/$name.log" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 200); do
    if grep -q "^listening $role " "$work/$name.out"; then
      sed -n "s/^listening $role [a-z]* //p" "$work/$name.out" | head -n 1 > "$work/$name.addr"
      return
    fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$work/$name.log" >&2; exit 1; fi
    sleep 0.05
  done
  echo "$name did not start" >&2; exit 1
}

mkdir "$work/data"
cat > "$work/master.toml" <<TOML
data_dir = "$work/data"
grpc_listen = "127.0.0.1:0"
http_listen = "127.0.0.1:0"
[cluster]
heartbeat_interval = "500ms"
TOML
start master master "$bin/provisor-master" --config "$work/master.toml"
master="$(cat "$work/master.addr")"
echo "master   grpc $master"
ctl() { "$bin/provisorctl" --master "$master" "$@"; }

for id in slave-a slave-b; do
  cat > "$work/$id.toml" <<TOML
id = "$id"
master = "$master"
tftp_listen = "127.0.0.1:0"
TOML
  start "$id" slave "$bin/provisor-slave" --config "$work/$id.toml"
  echo "$id  tftp $(cat "$work/$id.addr")"
done

echo "--- importing deploy/examples"
ctl import deploy/examples/templates.jsonl > /dev/null
ctl import deploy/examples/models.csv --kind model > /dev/null
ctl import deploy/examples/packages.csv --kind package > /dev/null
ctl import deploy/examples/subscribers.csv --kind subscriber > /dev/null
ctl import deploy/examples/devices.csv --kind device > /dev/null
ctl info | head -n 1

# Both slaves have applied the master's revision.
for _ in $(seq 1 200); do
  lagging="$(ctl --json status | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(sum(1 for r in s["slaves"] if r["state"] != "up" or r["revision_lag"] != 0) + 2 - len(s["slaves"]))')"
  [ "$lagging" = 0 ] && break
  sleep 0.05
done

mac="e0:5f:b9:a1:00:01"
echo "--- what DHCP would hand device $mac booting as 127.0.0.1:"
echo "\$ provisorctl next-server --mac $mac --ip 127.0.0.1"
answer="$(ctl next-server --mac "$mac" --ip 127.0.0.1)"
echo "$answer"
read -r server port filename < <(echo "$answer" | python3 -c '
import json, sys
a = json.load(sys.stdin)
print(a["server"], a["port"], a["filename"])')
echo "\$ tftp $server $port -c get $filename"
(cd "$work" && tftp "$server" "$port" -c get "$filename" config.xml)
cat "$work/config.xml"
echo "--- provisorctl status"
ctl status
http="$(sed -n 's/^listening master http //p' "$work/master.out")"
echo "--- provisorctl events"
ctl events
echo "--- the NOC's JSON API: curl http://$http/api/v1/cluster (dashboard: http://$http/)"
curl -s "http://$http/api/v1/cluster" | python3 -c '
import json, sys
c = json.load(sys.stdin)
t = c["totals"]
print("%d of %d slaves up, token key epoch %d, NextServer answered %d" % (
    t["up"], t["slaves"], c["tokens"]["epoch"], c["next_server"]["answered"]))'
