#!/usr/bin/env bash
# The delivery core and the shared code know no front door: no file under
# slave/generation/ or common/ includes a header from slave/tftp/ (doors
# depend on slave/delivery/, never the reverse; see DESIGN.md, "One delivery
# core, several front doors").
set -euo pipefail
cd "$(dirname "$0")/../.."
if hits=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]slave/tftp/' \
    slave/generation common); then
  echo "$hits"
  echo "slave/generation/ and common/ must not include slave/tftp/ (use slave/delivery/)"
  exit 1
fi
echo "no slave/tftp/ include under slave/generation/ or common/"
