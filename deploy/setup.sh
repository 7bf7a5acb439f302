#!/usr/bin/env bash
# Installs every Debian 12 package provisor needs (build, tests, benchmark
# peers), then builds:
#   build/       the project (RelWithDebInfo, GCC)
#   build/fuzz/  the libFuzzer targets (clang, ASan+UBSan)
# Idempotent: run it again after a pull. Needs root or sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
  # libraries (see DESIGN.md)
  libuv1-dev libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  liblmdb-dev libssl-dev catch2 libtomlplusplus-dev libcli11-dev libspdlog-dev
  libkainjow-mustache-dev nlohmann-json3-dev libcpp-httplib-dev prometheus-cpp-dev
  libsystemd-dev
  # llhttp's C sources (/usr/share/llhttp), built into provisor_common
  node-llhttp
  # systemd-analyze verifies the units in deploy/systemd in the tests
  systemd
  # real TFTP clients for the tests, peers for the benchmark, tracing
  tftp-hpa atftp curl dnsmasq-base tftpd-hpa strace
  # xmllint checks every XML render; openssl decrypts vendor-encrypted ones
  libxml2-utils openssl
  # headless chromium and its WebDriver for the dashboard's browser test
  chromium chromium-driver
  # the Kea hook library (kea-dev needs boost's headers), and kea-dhcp4,
  # perfdhcp (kea-admin) and iproute2 for its end-to-end test and benchmark
  kea-dev libboost-dev kea-dhcp4-server kea-admin iproute2
  # promtool checks deploy/prometheus/ and the /metrics output in the tests
  prometheus
)

echo "setup: installing packages"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${PACKAGES[@]}" >/dev/null

# tftpd-hpa's package starts a system service on port 69; provisor's tests
# and benchmark run their own peers on free ports, so it is not needed.
# Likewise kea-dhcp4-server's service: the tests run their own kea-dhcp4.
# prometheus is installed only for promtool: its server (and the node
# exporter, should it have been pulled in) is stopped and disabled.
for service in tftpd-hpa kea-dhcp4-server; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    $SUDO systemctl stop "$service" || true
  fi
done
for service in prometheus prometheus-node-exporter; do
  if command -v systemctl >/dev/null 2>&1 && systemctl cat "$service" >/dev/null 2>&1; then
    $SUDO systemctl disable --now "$service" >/dev/null 2>&1 || true
  fi
done

JOBS="$(nproc)"
echo "setup: building build/ (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$JOBS"

echo "setup: building build/fuzz (clang libFuzzer targets)"
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DPROVISOR_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/fuzz -j "$JOBS"
echo "setup: done (binaries in build/bin)"
