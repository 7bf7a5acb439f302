#!/usr/bin/env bash
# Real-path TFTP throughput: one slave following a master, serving devices
# on the vendor templates of deploy/templates, every file rendered per
# request from a token the master minted (decode, verify, look up, render,
# fresh resync token), side by side with dnsmasq serving the very same
# renders as static files under the same names. Each peer is measured
# RUNS times (alternating), and the medians are compared.
#
#   tests/bench/cluster_tftp_bench.sh [--quick]
#
# Needs root (dnsmasq's TFTP port is fixed at 69) and a build
# (deploy/setup.sh). Environment: DEVICES (1000), DURATION (5 s), RUNS (3),
# CONCURRENCY (32), SERVER_CPUS (0), LOADGEN_CPUS (1).
set -euo pipefail

QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if (( QUICK )); then DURATION=1 RUNS=1 DEVICES=200; fi
DEVICES=${DEVICES:-1000}
DURATION=${DURATION:-5}
RUNS=${RUNS:-3}
CONCURRENCY=${CONCURRENCY:-32}
SERVER_CPUS=${SERVER_CPUS:-0}
LOADGEN_CPUS=${LOADGEN_CPUS:-1}
BIN=${BIN:-build/bin}

log() { echo "cluster_tftp_bench: $*" >&2; }
die() { log "error: $*"; exit 2; }
[[ $(id -u) == 0 ]] || die "dnsmasq needs root (fixed port 69)"
[[ -z "$(ss -Hlun 'sport = :69' 2>/dev/null)" ]] || die "UDP port 69 is in use"
for b in provisor-master provisor-slave provisor-tftp-load provisor-cluster-bench; do
  [[ -x "$BIN/$b" ]] || die "$BIN/$b not built (run deploy/setup.sh)"
done

TMP=$(mktemp -d /tmp/provisor-cluster-tftp.XXXXXX)
chmod 755 "$TMP"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

PIN_SERVER=(); PIN_LOAD=()
if (( $(nproc) >= 2 )) && command -v taskset > /dev/null; then
  PIN_SERVER=(taskset -c "$SERVER_CPUS"); PIN_LOAD=(taskset -c "$LOADGEN_CPUS")
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# wait_line FILE PATTERN: the first line of FILE matching PATTERN, waiting.
wait_line() {
  for _ in $(seq 1 200); do
    if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return; fi
    sleep 0.05
  done
  die "no '$2' in $1"
}

mkdir "$TMP/data"
cat > "$TMP/master.toml" <<EOF
data_dir = "$TMP/data"
grpc_listen = "127.0.0.1:0"
http_listen = "off"
log_level = "warn"
EOF
"${PIN_LOAD[@]}" "$BIN/provisor-master" --config "$TMP/master.toml" > "$TMP/master.out" 2> "$TMP/master.log" &
PIDS+=("$!")
MASTER=$(wait_line "$TMP/master.out" '^listening master grpc' | awk '{print $4}')
cat > "$TMP/slave.toml" <<EOF
id = "bench"
master = "$MASTER"
tftp_listen = "127.0.0.1:0"
log_level = "warn"
[tftp]
max_sessions = 20000
max_sessions_per_ip = 20000
EOF
"${PIN_SERVER[@]}" "$BIN/provisor-slave" --config "$TMP/slave.toml" > "$TMP/slave.out" 2> "$TMP/slave.log" &
PIDS+=("$!")
SLAVE_PORT=$(wait_line "$TMP/slave.out" '^listening slave tftp' | sed 's/.*://')

log "preparing $DEVICES devices and their tokens"
"$BIN/provisor-cluster-bench" prepare-tftp --master "$MASTER" --devices "$DEVICES" --out "$TMP" >&2
chmod -R a+rX "$TMP/files"
# The slave has everything once it serves the last device's token.
LAST=$(tail -n 1 "$TMP/names.txt")
for _ in $(seq 1 200); do
  "$BIN/provisor-tftp-load" --port "$SLAVE_PORT" --name "$LAST" --total 1 --timeout 0.2 \
    --retries 1 > /dev/null 2>&1 && break
  sleep 0.05
done

"${PIN_SERVER[@]}" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
  --listen-address=127.0.0.1 --bind-interfaces --enable-tftp --tftp-root="$TMP/files" \
  --tftp-max=2000 --quiet-tftp --user=root --group=root --pid-file= \
  --log-facility="$TMP/dnsmasq.syslog" > "$TMP/dnsmasq.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 100); do
  "$BIN/provisor-tftp-load" --port 69 --name "$LAST" --total 1 --timeout 0.2 --retries 1 \
    > /dev/null 2>&1 && break
  sleep 0.1
done

run() {  # run PORT: transfers/s of one measured run (json report on stderr)
  "${PIN_LOAD[@]}" "$BIN/provisor-tftp-load" --port "$1" --names-file "$TMP/names.txt" \
    --blksize 1428 --tsize --concurrency "$CONCURRENCY" --duration "$DURATION" --json \
    | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("%.0f %d %d %.2f" % (r["transfers_per_s"], r["completed"], r["failed"], r["p99_ms"]))'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -a P D
for i in $(seq 1 "$RUNS"); do
  read -r tps ok failed p99 < <(run "$SLAVE_PORT")
  log "run $i provisor: $tps transfers/s ($ok ok, $failed failed, p99 $p99 ms)"
  P+=("$tps")
  read -r tps ok failed p99 < <(run 69)
  log "run $i dnsmasq: $tps transfers/s ($ok ok, $failed failed, p99 $p99 ms)"
  D+=("$tps")
done
p=$(printf '%s\n' "${P[@]}" | median)
d=$(printf '%s\n' "${D[@]}" | median)
avg=$(( $(find "$TMP/files" -type f -printf '%s\n' | awk '{s += $1} END {print s}') / DEVICES ))
printf 'real-path TFTP, %d devices (average %d bytes), concurrency %d, blksize 1428 + tsize, median of %d x %ss:\n' \
  "$DEVICES" "$avg" "$CONCURRENCY" "$RUNS" "$DURATION"
printf '  provisor slave (rendered per request): %s transfers/s\n' "$p"
printf '  dnsmasq (static files):                %s transfers/s\n' "$d"
python3 -c "print('  ratio provisor/dnsmasq: %.2fx' % ($p / $d))"
