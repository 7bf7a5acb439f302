#!/usr/bin/env bash
# Master import benchmark: 1,000,000 subscribers and 1,000,000 devices from
# CSV through provisorctl into a fresh master (the real path: CSV parsing,
# gRPC streaming, validation, LMDB batches with fsync), then the store's
# lookup latency and the master's memory.
#
#   tests/bench/master_import_bench.sh            # COUNT=1000000
#   COUNT=100000 tests/bench/master_import_bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${BUILD_DIR:-build}"
COUNT="${COUNT:-1000000}"
BATCH="${BATCH:-1000}"
work="$(mktemp -d /var/tmp/provisor-import-bench.XXXXXX)"
master_pid=""
cleanup() {
  if [ -n "$master_pid" ]; then kill "$master_pid" 2>/dev/null || true; wait "$master_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "import_bench: generating $COUNT subscribers and $COUNT devices in $work"
awk -v n="$COUNT" 'BEGIN {
  print "id,account,name,status,sip_domain,registrar,line1_number,line1_user,line1_auth_user,line1_password,line1_display_name";
  for (i = 0; i < n; i++)
    printf "sub-%d,acct-%d,Subscriber %d,active,voip.example.net,reg.voip.example.net,+1555%07d,u%d,u%d,pw%d,Subscriber %d\n", i, i, i, i % 10000000, i, i, i * 7919 % 1000003, i;
}' > "$work/subscribers.csv"
awk -v n="$COUNT" 'BEGIN {
  print "mac,model,serial,subscriber_id";
  for (i = 0; i < n; i++)
    printf "00:16:%02x:%02x:%02x:%02x,bench-model,SN%d,sub-%d\n", int(i / 16777216) % 256, int(i / 65536) % 256, int(i / 256) % 256, i % 256, i, i;
}' > "$work/devices.csv"
printf '{"template":{"id":"bench-tpl","body":"line={{line1}}\\n","content_type":"text/plain"}}\n' > "$work/templates.jsonl"
printf 'id,vendor,model,template_id\nbench-model,Bench,B1,bench-tpl\n' > "$work/models.csv"

mkdir -p "$work/data"
printf 'data_dir = "%s"\ngrpc_listen = "127.0.0.1:0"\nhttp_listen = "off"\nlog_level = "warn"\n' "$work/data" > "$work/master.toml"
"$BUILD_DIR/bin/provisor-master" --config "$work/master.toml" > "$work/master.out" &
master_pid=$!
for _ in $(seq 1 100); do grep -q '^listening master grpc ' "$work/master.out" 2>/dev/null && break; sleep 0.1; done
addr="$(awk '/^listening master grpc /{print $4}' "$work/master.out")"
ctl=("$BUILD_DIR/bin/provisorctl" --master "$addr")
"${ctl[@]}" import "$work/templates.jsonl" > /dev/null
"${ctl[@]}" import "$work/models.csv" --kind model > /dev/null

start=$(date +%s.%N)
"${ctl[@]}" import "$work/subscribers.csv" --kind subscriber --batch-size "$BATCH"
mid=$(date +%s.%N)
"${ctl[@]}" import "$work/devices.csv" --kind device --batch-size "$BATCH"
end=$(date +%s.%N)

status="/proc/$master_pid/status"
anon=$(awk '/RssAnon/{print $2}' "$status"); file=$(awk '/RssFile/{print $2}' "$status")
disk=$(du -sm "$work/data" | cut -f1)
kill "$master_pid"; wait "$master_pid" || true; master_pid=""

# Point lookups by MAC on the imported store (no gRPC in the way).
lookup=$("$BUILD_DIR/bin/provisor-store-bench" --dir "$work/data" --count 0 --lookup-only --lookup-count "$COUNT" 2>&1 || true)

awk -v s="$start" -v m="$mid" -v e="$end" -v n="$COUNT" -v a="$anon" -v f="$file" -v d="$disk" 'BEGIN {
  printf "\nmaster import benchmark (%d subscribers + %d devices from CSV through provisorctl)\n", n, n;
  printf "  subscribers: %.1f s (%.0f rows/s)\n", m - s, n / (m - s);
  printf "  devices:     %.1f s (%.0f rows/s)\n", e - m, n / (e - m);
  printf "  total:       %.1f s for %d rows (goal <= 60 s)\n", e - s, 2 * n;
  printf "  master RSS after import: heap %.1f MiB, mapped store pages %.1f MiB; store on disk %d MiB\n", a / 1024, f / 1024, d;
}'
echo "  lookups: $lookup"
