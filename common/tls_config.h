// TLS settings shared by the master, the slave and provisorctl: the optional
// `[tls]` table of a config file (cert, key, ca: all three or none) and the
// PEM material read from those files at start-up. With TLS on, every gRPC
// channel is mutual TLS: each side presents a certificate signed by `ca` and
// accepts only peers whose certificate is signed by it (deploy/make-certs.sh
// makes such a set). The gRPC credentials themselves are built in
// proto/rpc_channel.h, so this header stays free of gRPC types.
//
// Thread-safety: value types and free functions; no shared state.
#ifndef PROVISOR_COMMON_TLS_CONFIG_H_
#define PROVISOR_COMMON_TLS_CONFIG_H_

#include <memory>
#include <string>

#include "common/config_reader.h"
#include "common/status.h"

namespace provisor {

// Paths of this node's certificate chain, its private key and the CA bundle
// peers must be signed by. All empty: TLS off.
struct TlsFiles {
  std::string cert;
  std::string key;
  std::string ca;

  bool enabled() const { return !cert.empty() && !key.empty() && !ca.empty(); }
};

// Reads the optional `[tls]` table of `parent` (keys cert, key, ca) into
// *out and reports its unknown keys. An absent table leaves *out empty (TLS
// off); a table that sets some but not all three keys (an empty string counts
// as unset) is INVALID_ARGUMENT naming the missing key.
Status LoadTlsTable(ConfigReader& parent, TlsFiles* out);

// The PEM contents of a TlsFiles, ready for the gRPC credentials.
struct TlsMaterial {
  std::string cert_pem;  // certificate chain, leaf first
  std::string key_pem;   // unencrypted private key
  std::string ca_pem;    // one or more CA certificates
};

// REQUIRES: files.enabled(). Reads the three files and checks that cert and
// ca hold PEM certificates, that key holds an unencrypted PEM private key and
// that it belongs to the certificate. Errors name the file: NOT_FOUND when it
// cannot be read, INVALID_ARGUMENT when its contents are wrong.
StatusOr<TlsMaterial> ReadTlsMaterial(const TlsFiles& files);

// ReadTlsMaterial for a daemon's channels: null when TLS is off.
StatusOr<std::shared_ptr<const TlsMaterial>> LoadTls(const TlsFiles& files);

}  // namespace provisor

#endif  // PROVISOR_COMMON_TLS_CONFIG_H_
