#!/usr/bin/env bash
# The main job, for now: start a slave in diagnostic mode on 127.0.0.1 (a
# free port), fetch a file from it with the real tftp client, print it, and
# stop the slave. Run deploy/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
slave_pid=""
cleanup() {
  if [ -n "$slave_pid" ]; then kill "$slave_pid" 2>/dev/null || true; wait "$slave_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/slave.toml" <<TOML
id = "demo-diag"
tftp_listen = "127.0.0.1:0"
[diagnostic]
enabled = true
TOML

build/bin/provisor-slave --config "$work/slave.toml" > "$work/stdout" 2> "$work/stderr" &
slave_pid=$!
for _ in $(seq 1 100); do
  if grep -q '^listening slave tftp ' "$work/stdout"; then break; fi
  if ! kill -0 "$slave_pid" 2>/dev/null; then cat "$work/stderr" >&2; exit 1; fi
  sleep 0.1
done
line="$(grep '^listening slave tftp ' "$work/stdout")"
echo "$line"
port="${line##*:}"

echo "\$ tftp 127.0.0.1 $port -c get diag/3000/x"
(cd "$work" && tftp 127.0.0.1 "$port" -c get diag/3000/x)
echo "--- received $(wc -c < "$work/x") bytes; first and last lines:"
head -n 3 "$work/x"
echo "..."
tail -n 2 "$work/x"; echo
echo "--- sha256: $(sha256sum < "$work/x" | cut -d' ' -f1)"
