#!/usr/bin/env bash
# tftp_bench.sh: TFTP read throughput of the provisor slave (diagnostic mode)
# against dnsmasq and tftpd-hpa, measured in the same run with
# provisor-tftp-load. Everything runs on 127.0.0.1; everything started here is
# stopped on exit.
#
# Usage: tests/bench/tftp_bench.sh [--quick] [--help]   (from the repo root or
# anywhere; paths are resolved against the repository root)
#
# Environment (defaults in brackets):
#   DURATION   seconds per measurement [5]        RUNS     runs per cell [3]
#   WARMUP     seconds of unrecorded load per scenario and peer [0.5]
#   SETTLE     seconds of pause between measurements [0.5]
#   PEERS      servers to measure ["provisor dnsmasq tftpd-hpa"]
#   BUILD_DIR  [build]; LOADGEN [$BUILD_DIR/bin/provisor-tftp-load];
#   SLAVE      [$BUILD_DIR/bin/provisor-slave]
#   DNSMASQ    [dnsmasq]; TFTPD [/usr/sbin/in.tftpd]
#   PIN        auto|0 [auto]: with >= 2 CPUs every server runs on
#              SERVER_CPUS [0] and the load generator on LOADGEN_CPUS [1]
#   RESULTS    if set, the raw per-run results (TSV) are copied there
#   KEEP_TMP   1 = keep the temporary directory (configs, logs)
# --quick: DURATION=1 RUNS=1 WARMUP=0.2 SETTLE=0.2 (smoke run).
#
# Pinning: with 2 cores the load generator gets its own core and each server,
# including every tftpd-hpa child and all slave threads, shares the other
# one, so the comparison is per server core and the client never competes
# with the server for CPU.
#
# Quirks: dnsmasq cannot change its TFTP port, so it listens on 127.0.0.1:69
# (needs root and a free port 69). tftpd-hpa forks one process per transfer.
# Neither peer implements windowsize (RFC 7440): both leave it out of the OACK
# and send lock-step, which the load generator accepts.
#
# "client cpu" is the load generator's CPU use during the measurement (its
# own core when pinned); near 100% means the client, not the server, set the
# pace.
#
# Exit status: 0 when every measurement ran and provisor had no failed
# transfers, 1 otherwise, 2 for setup errors.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO_ROOT"

if (( QUICK )); then
  DURATION=1 RUNS=1 WARMUP=0.2 SETTLE=0.2
fi
DURATION=${DURATION:-5}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-0.5}
SETTLE=${SETTLE:-0.5}
PEERS=${PEERS:-"provisor dnsmasq tftpd-hpa"}
BUILD_DIR=${BUILD_DIR:-build}
LOADGEN=${LOADGEN:-$BUILD_DIR/bin/provisor-tftp-load}
SLAVE=${SLAVE:-$BUILD_DIR/bin/provisor-slave}
DNSMASQ=${DNSMASQ:-dnsmasq}
TFTPD=${TFTPD:-/usr/sbin/in.tftpd}
PIN=${PIN:-auto}
SERVER_CPUS=${SERVER_CPUS:-0}
LOADGEN_CPUS=${LOADGEN_CPUS:-1}

# name|size|load generator flags (besides --duration/--verify-diag/--json)
SCENARIOS=(
  "2k-tsize-c32|2048|--blksize 1428 --tsize --concurrency 32"
  "2k-tsize-c256|2048|--blksize 1428 --tsize --concurrency 256"
  "8k-w8-c32|8192|--blksize 1428 --windowsize 8 --concurrency 32"
)

log() { echo "tftp_bench: $*" >&2; }
die() { log "error: $*"; exit 2; }

# ---------------------------------------------------------------- cleanup
TMP_DIR=""
STARTED_PIDS=()
cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    # Each server was started as the leader of its own process group
    # (setsid), so this reaches tftpd-hpa's forked children too.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
  if [[ -n "$TMP_DIR" && -d "$TMP_DIR" ]]; then
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then
      log "kept $TMP_DIR"
    else
      rm -rf "$TMP_DIR"
    fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- checks
[[ -x "$LOADGEN" ]] || die "$LOADGEN not found; build it first:" \
  "cmake --build $BUILD_DIR --target provisor-tftp-load provisor-slave"
for peer in $PEERS; do
  case "$peer" in
    provisor) [[ -x "$SLAVE" ]] || die "$SLAVE not found (or set PEERS)" ;;
    dnsmasq)
      command -v "$DNSMASQ" >/dev/null || die "dnsmasq not installed"
      [[ $(id -u) == 0 ]] || die "dnsmasq needs root (fixed port 69)"
      [[ -z "$(ss -Hlun 'sport = :69' 2>/dev/null)" ]] || die \
        "UDP port 69 is in use; dnsmasq cannot change its TFTP port" \
        "(set PEERS to skip dnsmasq)" ;;
    tftpd-hpa)
      [[ -x "$TFTPD" ]] || die "$TFTPD not installed"
      [[ $(id -u) == 0 ]] || die "in.tftpd -s needs root (chroot)" ;;
    *) die "unknown peer $peer" ;;
  esac
done

SERVER_PIN=()
LOADGEN_PIN=()
PIN_NOTE="no CPU pinning"
if [[ "$PIN" != 0 ]] && (( $(nproc) >= 2 )) && command -v taskset >/dev/null
then
  SERVER_PIN=(taskset -c "$SERVER_CPUS")
  LOADGEN_PIN=(taskset -c "$LOADGEN_CPUS")
  PIN_NOTE="servers on CPU $SERVER_CPUS, load generator on CPU $LOADGEN_CPUS"
fi
# One socket per in-flight transfer here, one per session in the servers.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

TMP_DIR=$(mktemp -d /tmp/provisor-tftp-bench.XXXXXX)
chmod 755 "$TMP_DIR"  # tftpd-hpa drops to "nobody" and must read the files

# Same bytes as the slave's diagnostic files: line "provisor diagnostic line
# NNNNNN\n" repeated, cut at <size>, stored at diag/<size>/x.
FILES_DIR="$TMP_DIR/files"
make_diag_file() {
  local size=$1
  mkdir -p "$FILES_DIR/diag/$size"
  awk -v n=$(( size / 32 + 1 )) 'BEGIN {
      for (i = 0; i < n; i++) printf "provisor diagnostic line %06d\n", i
    }' | head -c "$size" > "$FILES_DIR/diag/$size/x"
}
for scenario in "${SCENARIOS[@]}"; do
  IFS='|' read -r _ size _ <<< "$scenario"
  [[ -f "$FILES_DIR/diag/$size/x" ]] || make_diag_file "$size"
done
chmod -R a+rX "$FILES_DIR"

# ---------------------------------------------------------------- servers
declare -A PORT

port_is_free() {
  [[ -z "$(ss -Hlun "sport = :$1" 2>/dev/null)" ]]
}

pick_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 12000 ))
    if port_is_free "$port"; then echo "$port"; return 0; fi
  done
  return 1
}

# start_server NAME LOGFILE CMD...: starts CMD pinned, in its own session.
start_server() {
  local name=$1 logfile=$2
  shift 2
  setsid "${SERVER_PIN[@]}" "$@" > "$logfile" 2>&1 < /dev/null &
  STARTED_PIDS+=("$!")
  SERVER_PID=$!
  log "started $name (pid $SERVER_PID): $*"
}

# wait_ready NAME PID PORT LOGFILE: polls with single transfers for 10 s.
wait_ready() {
  local name=$1 pid=$2 port=$3 logfile=$4
  local deadline=$(( SECONDS + 10 ))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$logfile" >&2 || true
      die "$name exited during startup"
    fi
    if "$LOADGEN" --port "$port" --name diag/2048/x --total 1 --timeout 0.2 \
        --retries 1 --verify-diag > /dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  "$LOADGEN" --port "$port" --name diag/2048/x --total 1 --timeout 0.2 \
    --retries 1 --verify-diag >&2 || true
  tail -n 20 "$logfile" >&2 || true
  die "$name did not serve diag/2048/x correctly on 127.0.0.1:$port"
}

start_provisor() {
  local config="$TMP_DIR/slave.toml" out="$TMP_DIR/slave.log"
  cat > "$config" <<'EOF'
id = "bench"
tftp_listen = "127.0.0.1:0"
[tftp]
max_blksize = 1468
max_windowsize = 64
max_sessions = 20000
max_sessions_per_ip = 20000
[diagnostic]
enabled = true
EOF
  local line_buffer=()
  command -v stdbuf >/dev/null && line_buffer=(stdbuf -oL)
  start_server provisor "$out" "${line_buffer[@]}" "$SLAVE" --config "$config"
  local pid=$SERVER_PID port=""
  local deadline=$(( SECONDS + 10 ))
  while (( SECONDS < deadline )); do
    port=$(grep -o 'listening slave tftp 127\.0\.0\.1:[0-9]\+' "$out" \
      2>/dev/null | head -n 1 | sed 's/.*://') || true
    [[ -n "$port" ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$out" >&2 || true
      die "provisor-slave exited during startup"
    fi
    sleep 0.1
  done
  if [[ -z "$port" ]]; then
    tail -n 20 "$out" >&2 || true
    die "provisor-slave did not print 'listening slave tftp 127.0.0.1:PORT'"
  fi
  PORT[provisor]=$port
  wait_ready provisor "$pid" "$port" "$out"
}

start_dnsmasq() {
  local out="$TMP_DIR/dnsmasq.log"
  # --port=0: no DNS. --tftp-max: default is 50 concurrent transfers.
  # --quiet-tftp: no log line per transfer. Runs as root, so files must be
  # world-readable (they are).
  start_server dnsmasq "$out" "$DNSMASQ" --keep-in-foreground \
    --conf-file=/dev/null --port=0 --listen-address=127.0.0.1 \
    --bind-interfaces --enable-tftp --tftp-root="$FILES_DIR" \
    --tftp-max=2000 --quiet-tftp --user=root --group=root --pid-file= \
    --log-facility="$TMP_DIR/dnsmasq.syslog"
  PORT[dnsmasq]=69
  wait_ready dnsmasq "$SERVER_PID" 69 "$out"
}

start_tftpd() {
  local out="$TMP_DIR/tftpd.log" port
  port=$(pick_free_port) || die "no free UDP port found for tftpd-hpa"
  # -L: standalone, foreground. -s: chroot into the files. Forks one child
  # per transfer; drops to user "nobody".
  start_server tftpd-hpa "$out" "$TFTPD" -L -s "$FILES_DIR" \
    -a "127.0.0.1:$port" --blocksize 65464
  PORT[tftpd-hpa]=$port
  wait_ready tftpd-hpa "$SERVER_PID" "$port" "$out"
}

for peer in $PEERS; do
  case "$peer" in
    provisor) start_provisor ;;
    dnsmasq) start_dnsmasq ;;
    tftpd-hpa) start_tftpd ;;
  esac
done

# ---------------------------------------------------------------- measure
json_field() {  # json_field JSON KEY -> numeric value of KEY
  sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<< "$1"
}

RESULTS_TSV="$TMP_DIR/results.tsv"
printf '%s\t' scenario peer run rate p50_ms p99_ms failed completed \
  > "$RESULTS_TSV"
printf 'client_cpu_pct\n' >> "$RESULTS_TSV"

# measure SCENARIO_FLAGS SIZE PEER SECONDS -> prints the JSON report
measure() {
  local flags=$1 size=$2 peer=$3 seconds=$4
  # shellcheck disable=SC2086  # flags are word lists on purpose
  timeout "$(awk -v d="$seconds" 'BEGIN { print d + 60 }')" \
    "${LOADGEN_PIN[@]}" "$LOADGEN" --host 127.0.0.1 --port "${PORT[$peer]}" \
    --name "diag/$size/x" $flags --duration "$seconds" --verify-diag --json \
    2> "$TMP_DIR/loadgen.err" || true
}

read -r -a PEER_LIST <<< "$PEERS"
log "$PIN_NOTE; ${#SCENARIOS[@]} scenarios x ${#PEER_LIST[@]} peers x" \
  "$RUNS runs x ${DURATION}s"
for scenario in "${SCENARIOS[@]}"; do
  IFS='|' read -r name size flags <<< "$scenario"
  if awk -v w="$WARMUP" 'BEGIN { exit !(w > 0) }'; then
    for peer in "${PEER_LIST[@]}"; do
      measure "$flags" "$size" "$peer" "$WARMUP" > /dev/null
      sleep "$SETTLE"
    done
  fi
  for run in $(seq 1 "$RUNS"); do
    # Rotate the peer order each run so no peer always goes first.
    count=${#PEER_LIST[@]}
    for (( i = 0; i < count; i++ )); do
      peer=${PEER_LIST[$(( (i + run - 1) % count ))]}
      report=$(measure "$flags" "$size" "$peer" "$DURATION")
      rate=$(json_field "$report" transfers_per_s)
      if [[ -z "$rate" ]]; then
        log "$name $peer run $run: no report"
        sed 's/^/  /' "$TMP_DIR/loadgen.err" >&2 || true
        printf '%s\t%s\t%s\t0\tnan\tnan\t-1\t0\tnan\n' "$name" "$peer" "$run" \
          >> "$RESULTS_TSV"
        continue
      fi
      failed=$(json_field "$report" failed)
      cpu=$(awk -v c="$(json_field "$report" client_cpu_s)" \
        -v e="$(json_field "$report" elapsed_s)" \
        'BEGIN { printf "%.1f", (e > 0 ? 100 * c / e : 0) }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$peer" \
        "$run" "$rate" "$(json_field "$report" p50_ms)" \
        "$(json_field "$report" p99_ms)" "$failed" \
        "$(json_field "$report" completed)" "$cpu" >> "$RESULTS_TSV"
      log "$name $peer run $run: $rate/s failed=$failed client_cpu=$cpu%"
      if [[ "$failed" != 0 ]]; then
        sed -n 's/.*"failures_by_reason":\({[^}]*}\).*/  failures: \1/p' \
          <<< "$report" >&2
      fi
      sleep "$SETTLE"
    done
  done
done

# ---------------------------------------------------------------- report
[[ -n "${RESULTS:-}" ]] && cp "$RESULTS_TSV" "$RESULTS"

# Medians per (scenario, peer) of rate / p50 / p99; failures are summed
# (-1 marks a run without a report).
awk -F '\t' -v peers="$PEERS" -v runs="$RUNS" -v secs="$DURATION" \
    -v pin="$PIN_NOTE" '
  function median(list,   n, v, i, j, t) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++)
      for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
        t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
      }
    if (n == 0) return "nan"
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  NR == 1 { next }
  {
    key = $1 SUBSEP $2
    if (!($1 in seen)) { seen[$1] = 1; order[++nscen] = $1 }
    if ($7 < 0) { missing[key]++; next }
    rate[key] = rate[key] " " $4
    p50[key] = p50[key] " " $5
    p99[key] = p99[key] " " $6
    cpu[key] = cpu[key] " " $9
    failed[key] += $7
  }
  END {
    npeer = split(peers, plist, " ")
    printf "\nTFTP benchmark: median of %d run(s) x %ss, %s\n", runs, secs, pin
    printf "%-15s %-10s %13s %9s %9s %9s %11s\n", "scenario", "peer",
           "transfers/s", "p50 ms", "p99 ms", "failures", "client cpu"
    status = 0
    for (s = 1; s <= nscen; s++) {
      sc = order[s]
      for (p = 1; p <= npeer; p++) {
        key = sc SUBSEP plist[p]
        m[plist[p]] = median(rate[key])
        note = missing[key] ? sprintf(" (%d run(s) without report)",
                                      missing[key]) : ""
        c = median(cpu[key])
        if (c + 0 >= 90) saturated = 1
        printf "%-15s %-10s %13.1f %9.3f %9.3f %9d %10.0f%%%s\n", sc,
               plist[p], m[plist[p]], median(p50[key]), median(p99[key]),
               failed[key], c, note
        if (plist[p] == "provisor" && (failed[key] > 0 || missing[key]))
          status = 1
      }
      ratios = ""
      if ("provisor" in m) {
        for (p = 1; p <= npeer; p++) {
          if (plist[p] == "provisor") continue
          r = m[plist[p]] > 0 ? sprintf("%.2fx", m["provisor"] / m[plist[p]]) \
                              : "n/a"
          ratios = ratios sprintf("   provisor/%s = %s", plist[p], r)
        }
      }
      if (ratios != "") printf "%-15s%s\n", "", ratios
      delete m
    }
    if (saturated)
      printf "\nnote: client cpu >= 90%%: the load generator was (nearly) " \
             "saturated, so those rates are a lower bound for the server.\n"
    exit status
  }' "$RESULTS_TSV"
