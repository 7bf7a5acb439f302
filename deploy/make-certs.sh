#!/usr/bin/env bash
# make-certs.sh: a private CA and the certificates provisor's gRPC channels
# (and the HTTPS dashboard) use for mutual TLS, one per role (see README
# "Security"). The master reads a caller's name from the certificate's
# CommonName and its roles from the subject's Organization (O) entries.
#
#   deploy/make-certs.sh DIR [--hosts "10.0.0.5,master.example.net"] [--slaves "s1,s2"]
#                            [--days N] [--force]
#
# Makes in DIR:
#   ca.pem, ca.key                 the CA (EC P-256), kept if it already exists
#   NAME.pem/.key                  EC P-256 leaves signed by the CA, each with
#                                  extendedKeyUsage serverAuth+clientAuth and a
#                                  subjectAltName of 127.0.0.1, ::1, localhost
#                                  and every --hosts entry (IP or DNS name):
#     master        CN=master,   O=slave     a master's server certificate; a
#                                            relay also follows its upstream with it
#     slave-ID      CN=ID,       O=slave     one per --slaves id (default s1): a
#                                            slave may sync and heartbeat only as ID
#     dhcp          CN=kea,      O=dhcp      the Kea hook (NextServer, bindings)
#     reader        CN=reader,   O=reader    NOC views, entities without secrets
#     operator      CN=operator, O=operator  entity writes, drain, weights, renders
#     admin         CN=admin,    O=admin     everything, templates and keys too
# Idempotent: an existing CA is never replaced without --force; a leaf is kept
# when it verifies against the CA, has the requested names and is valid for at
# least 30 more days, and is re-issued otherwise. Keys are mode 0600.
# Only the openssl command line is used.
set -euo pipefail

usage() {
  echo "usage: $0 DIR [--hosts \"HOST,IP,...\"] [--slaves \"ID,...\"] [--days N] [--force]" >&2
  exit 2
}

dir=""
extra_hosts=""
slaves="s1"
days=825
force=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --hosts) [[ $# -ge 2 ]] || usage; extra_hosts="$2"; shift 2 ;;
    --hosts=*) extra_hosts="${1#--hosts=}"; shift ;;
    --slaves) [[ $# -ge 2 ]] || usage; slaves="$2"; shift 2 ;;
    --slaves=*) slaves="${1#--slaves=}"; shift ;;
    --days) [[ $# -ge 2 ]] || usage; days="$2"; shift 2 ;;
    --days=*) days="${1#--days=}"; shift ;;
    --force) force=1; shift ;;
    -h|--help) usage ;;
    -*) echo "$0: unknown option $1" >&2; usage ;;
    *) [[ -z "$dir" ]] || usage; dir="$1"; shift ;;
  esac
done
[[ -n "$dir" ]] || usage
[[ "$days" =~ ^[1-9][0-9]*$ ]] || { echo "$0: --days must be a positive number" >&2; exit 2; }
command -v openssl >/dev/null || { echo "$0: openssl is not installed" >&2; exit 1; }

# subjectAltName: the loopback names plus --hosts, without duplicates.
san=""
declare -A seen=()
IFS=',' read -r -a hosts <<< "127.0.0.1,::1,localhost,${extra_hosts}"
for host in "${hosts[@]}"; do
  host="${host#"${host%%[![:space:]]*}"}"   # trim
  host="${host%"${host##*[![:space:]]}"}"
  [[ -n "$host" && -z "${seen[$host]:-}" ]] || continue
  seen[$host]=1
  if [[ "$host" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || "$host" == *:* ]]; then
    entry="IP:${host}"
  elif [[ "$host" =~ ^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
    entry="DNS:${host}"
  else
    echo "$0: --hosts: '$host' is neither an IP address nor a DNS name" >&2
    exit 2
  fi
  san="${san:+$san,}${entry}"
done

mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat > "$work/ext.cnf" <<EOF
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = ${san}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[csr]
subjectAltName = ${san}
EOF

new_key() {  # PATH: a fresh EC P-256 private key, mode 0600
  (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
     -out "$1.tmp" 2>/dev/null)
  chmod 600 "$1.tmp"
  mv -f "$1.tmp" "$1"
}

serial() { echo "0x$(openssl rand -hex 16)"; }

# The subjectAltName line of a certificate, as openssl prints it.
san_of() { openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | sed -n 2p | tr -d ' '; }

# --- CA ---------------------------------------------------------------------
ca_made=0
if [[ -e "$dir/ca.pem" || -e "$dir/ca.key" ]] && [[ $force -eq 0 ]]; then
  if [[ ! -f "$dir/ca.pem" || ! -f "$dir/ca.key" ]]; then
    echo "$0: $dir has only one of ca.pem and ca.key; pass --force to make a new CA" >&2
    exit 1
  fi
  echo "kept CA          $dir/ca.pem ($(openssl x509 -in "$dir/ca.pem" -noout -subject))"
else
  new_key "$dir/ca.key"
  openssl req -x509 -new -key "$dir/ca.key" -subj "/CN=provisor CA" -sha256 \
    -days 3650 -set_serial "$(serial)" -config "$work/ext.cnf" -extensions ca \
    -out "$dir/ca.pem.tmp"
  mv -f "$dir/ca.pem.tmp" "$dir/ca.pem"
  chmod 644 "$dir/ca.pem"
  ca_made=1
  echo "made CA          $dir/ca.pem, $dir/ca.key"
fi
chmod 600 "$dir/ca.key"

# --- leaves -----------------------------------------------------------------
# name -> subject
declare -A subjects=(
  [master]="/O=slave/CN=master"
  [dhcp]="/O=dhcp/CN=kea"
  [reader]="/O=reader/CN=reader"
  [operator]="/O=operator/CN=operator"
  [admin]="/O=admin/CN=admin"
)
names=(master dhcp reader operator admin)
IFS=',' read -r -a slave_ids <<< "$slaves"
for id in "${slave_ids[@]}"; do
  id="${id#"${id%%[![:space:]]*}"}"   # trim
  id="${id%"${id##*[![:space:]]}"}"
  [[ -n "$id" ]] || continue
  if [[ ! "$id" =~ ^[A-Za-z0-9._-]{1,64}$ ]]; then
    echo "$0: --slaves: '$id' is not a slave id (1..64 of A-Z a-z 0-9 . _ -)" >&2
    exit 2
  fi
  subjects[slave-$id]="/O=slave/CN=$id"
  names+=("slave-$id")
done

# The subject of a certificate as openssl prints it, without spaces.
subject_of() { openssl x509 -in "$1" -noout -subject -nameopt compat 2>/dev/null | tr -d ' '; }

for name in "${names[@]}"; do
  subject="${subjects[$name]}"
  cert="$dir/$name.pem"
  key="$dir/$name.key"
  key_note="kept key $key"
  if [[ $force -eq 1 || $ca_made -eq 1 || ! -f "$key" ]]; then
    new_key "$key"
    key_note="new key $key"
  fi
  chmod 600 "$key"
  openssl req -new -key "$key" -subj "$subject" -config "$work/ext.cnf" \
    -reqexts csr -out "$work/$name.csr"
  if [[ $force -eq 0 && $ca_made -eq 0 && -f "$cert" ]] &&
     openssl verify -CAfile "$dir/ca.pem" "$cert" >/dev/null 2>&1 &&
     openssl x509 -in "$cert" -noout -checkend $((30 * 24 * 3600)) >/dev/null 2>&1 &&
     [[ "$(openssl x509 -in "$cert" -noout -pubkey)" == "$(openssl pkey -in "$key" -pubout)" ]] &&
     [[ "$(subject_of "$cert")" == "subject=${subject}" ]] &&
     [[ "$(san_of "$cert")" == "$(openssl req -in "$work/$name.csr" -noout -text |
                                   grep -A1 'Subject Alternative Name' | sed -n 2p | tr -d ' ')" ]]; then
    echo "kept $(printf '%-14s' "$name") $cert"
    continue
  fi
  openssl x509 -req -in "$work/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -set_serial "$(serial)" -sha256 -days "$days" -extfile "$work/ext.cnf" -extensions leaf \
    -out "$cert.tmp" 2>/dev/null
  mv -f "$cert.tmp" "$cert"
  chmod 644 "$cert"
  echo "made $(printf '%-14s' "$name") $cert ($subject; $key_note; SAN ${san})"
done
