#!/usr/bin/env bash
# DHCP through kea-dhcp4 with the provisor hook vs without it: perfdhcp runs
# full DORA exchanges from a network namespace (as the end-to-end test sets
# it up: tests/kea/kea_e2e_test.cc) at each offered rate, alternating the
# two modes, RUNS times each; the hook prints its master latency (time a
# packet waits for Balancer.NextServer) when Kea unloads it.
#
#   sudo tests/bench/kea_bench.sh [RATES="1000 4000"] [SECONDS_PER_RUN=10] [RUNS=3]
#
# Needs root, build/ built, kea-dhcp4 and perfdhcp (deploy/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
RATES="${RATES:-1000 4000}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
RUNS="${RUNS:-3}"
bin="$PWD/build/bin"
work="$(mktemp -d)"
ns="pvb$$"; srv="pvb$$s"; dev="pvb$$d"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$srv" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns"
ip link add "$srv" type veth peer name "$dev"
ip link set "$dev" netns "$ns"
for a in 10.77.0.1/16 10.77.0.11/16 10.77.0.12/16; do ip addr add "$a" dev "$srv"; done
ip link set "$srv" up
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip link set "$dev" up
ip netns exec "$ns" ip addr add 10.77.0.2/16 dev "$dev"

start() {  # name role command...: waits for its "listening" line
  local name="$1" role="$2"; shift 2
  "$@" > "$work/$name.out" 2> "$work/$name.log" &
  pids+=("$!")
  for _ in $(seq 1 200); do
    if grep -q "^listening $role " "$work/$name.out"; then
      sed -n "s/^listening $role [a-z]* //p" "$work/$name.out" | head -n 1 > "$work/$name.addr"
      return
    fi
    sleep 0.05
  done
  echo "$name did not start" >&2; cat "$work/$name.log" >&2; exit 1
}

mkdir "$work/data"
printf 'data_dir = "%s/data"\ngrpc_listen = "127.0.0.1:0"\nhttp_listen = "off"\n' "$work" > "$work/master.toml"
start master master "$bin/provisor-master" --config "$work/master.toml"
master="$(cat "$work/master.addr")"
for i in 1 2; do
  printf 'id = "s%s"\nmaster = "%s"\ntftp_listen = "10.77.0.1%s:69"\n' "$i" "$master" "$i" \
    > "$work/s$i.toml"
  start "s$i" slave "$bin/provisor-slave" --config "$work/s$i.toml"
done
ctl() { "$bin/provisorctl" --master "$master" "$@" > /dev/null; }
ctl import deploy/examples/templates.jsonl
ctl import deploy/examples/models.csv --kind model
ctl import deploy/examples/packages.csv --kind package
ctl import deploy/examples/subscribers.csv --kind subscriber
ctl import deploy/examples/devices.csv --kind device
sleep 1

sed -e "s|\"eth1\"|\"$srv/10.77.0.1\"|" \
    -e "s|/usr/local/lib/provisor/libdhcp_provisor.so|$bin/libdhcp_provisor.so|" \
    -e "s|\"masters\": \[[^]]*\]|\"masters\": [ \"$master\" ]|" \
    -e 's|"type": "memfile",|"type": "memfile", "persist": false,|' \
    -e 's|"severity": "INFO"|"severity": "WARN"|' \
    deploy/kea/kea-dhcp4.conf > "$work/hook.conf"
sed '/"hooks-libraries": \[/,/^    \],$/d' "$work/hook.conf" > "$work/plain.conf"
export KEA_LOCKFILE_DIR="$work" KEA_PIDFILE_DIR="$work"

field() { grep -m1 "$1" | sed 's/.*: *//; s/ .*//'; }
echo "mode   offered  achieved/s  DO-drops  RA-drops  DO-avg-ms  RA-avg-ms  hook-p50-us  hook-p99-us"
for rate in $RATES; do
  for run in $(seq 1 "$RUNS"); do
    for mode in hook plain; do
      kea-dhcp4 -c "$work/$mode.conf" > "$work/kea.out" 2> "$work/kea.err" &
      kea=$!
      sleep 1.5
      n=$((rate * SECONDS_PER_RUN))
      ip netns exec "$ns" perfdhcp -4 -l "$dev" -r "$rate" -n "$n" -R "$n" -W 1000000 \
        10.77.0.1 > "$work/perf.out" 2>&1 || true
      kill "$kea"; wait "$kea" 2>/dev/null || true
      achieved="$(field 'Rate:' < "$work/perf.out")"
      do_drops="$(sed -n '/DISCOVER-OFFER/,/REQUEST-ACK/p' "$work/perf.out" | field 'drops:')"
      ra_drops="$(sed -n '/REQUEST-ACK/,$p' "$work/perf.out" | field 'drops:')"
      do_avg="$(sed -n '/DISCOVER-OFFER/,/REQUEST-ACK/p' "$work/perf.out" | field 'avg delay')"
      ra_avg="$(sed -n '/REQUEST-ACK/,$p' "$work/perf.out" | field 'avg delay')"
      p50="-"; p99="-"
      if [ "$mode" = hook ]; then
        p50="$(sed -n 's/.*p50 \([0-9]*\) us.*/\1/p' "$work/kea.err")"
        p99="$(sed -n 's/.*p99 \([0-9]*\) us.*/\1/p' "$work/kea.err")"
      fi
      printf '%-6s %7s  %10s  %8s  %8s  %9s  %9s  %11s  %11s\n' "$mode" "$rate" "$achieved" \
        "$do_drops" "$ra_drops" "$do_avg" "$ra_avg" "$p50" "$p99"
    done
  done
done
