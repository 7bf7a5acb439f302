// Vendor profile encryption: the encrypted configuration-file formats that
// Cisco/Linksys SPA, Yealink and (provisor's own format for) Gigaset devices
// are served, plus the stock `openssl enc -d` command line an operator runs
// to decrypt such a file for inspection.
//
//   cisco-aes256-cbc  What the Cisco/Linksys SPA provisioning guides specify:
//                     the output of `openssl enc -e -aes-256-cbc -k <key>` as
//                     produced by OpenSSL 0.9.7/1.0 (the version the firmware
//                     was tested against): "Salted__", an 8-byte random salt,
//                     then AES-256-CBC with PKCS#7 padding, key and IV from
//                     EVP_BytesToKey(MD5, 1 iteration, passphrase, salt).
//                     OpenSSL >= 1.1 defaults to SHA-256 for -k, so on Debian
//                     12 the decrypt command must say `-md md5`:
//                       openssl enc -d -aes-256-cbc -md md5 -k KEY -in IN -out OUT
//                     (OpenSSL 3 warns "deprecated key derivation used" on
//                     stderr and still exits 0.) The device learns the key from
//                     its Profile_Rule: [--key "KEY"] http://server/profile.cfg
//   yealink-aes       Yealink's "compatibility mode" (the mode of its
//                     Config_Encrypt_Tool / yealinkencrypt before RSA mode):
//                     AES-128-ECB, PKCS#7 padding, the 16-character AES key
//                     used directly as the 16 key bytes, no salt and no IV, so
//                     equal plaintexts give equal files. The phone decrypts with
//                     the plaintext AES key configured on it
//                     (static.auto_provision.aes_key_in_file = 0); provisor does
//                     not write <name>_Security.enc files.
//                       openssl enc -d -aes-128-ecb -K <32 hex digits> -in IN -out OUT
//   gigaset-aes128    No Gigaset AES file encryption is documented (Gigaset
//                     provisioning relies on HTTPS and HTTP digest), so this is
//                     provisor's OWN format, which no Gigaset firmware is known
//                     to read: a 16-byte random IV followed by AES-128-CBC with
//                     PKCS#7 padding under the device's 16-byte key.
//                       tail -c +17 IN | openssl enc -d -aes-128-cbc -K <hex>
//                         -iv "$(head -c 16 IN | od -An -tx1 -v | tr -d ' \n')" -out OUT
//
// Thread-safety: pure functions (OpenSSL 3 is thread-safe); safe from any
// thread. Randomness comes from RAND_bytes. Error messages never contain keys.
#ifndef PROVISOR_COMMON_VENDOR_CRYPTO_H_
#define PROVISOR_COMMON_VENDOR_CRYPTO_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace provisor {

enum class VendorCipher {
  kNone,               // served as is
  kCiscoAes256Cbc,     // "cisco-aes256-cbc"
  kYealinkAes128Ecb,   // "yealink-aes"
  kGigasetAes128Cbc,   // "gigaset-aes128"
};

// "" or "none" -> kNone; "cisco-aes256-cbc", "yealink-aes", "gigaset-aes128".
// Anything else is INVALID_ARGUMENT: "unknown vendor cipher '<name>' (use
// cisco-aes256-cbc, yealink-aes, gigaset-aes128 or none)".
StatusOr<VendorCipher> ParseVendorCipher(std::string_view name);

// The name ParseVendorCipher() accepts for `cipher` ("none" for kNone).
std::string_view VendorCipherName(VendorCipher cipher);

// OK when `key` is usable with `cipher`, else INVALID_ARGUMENT saying why:
//   cisco-aes256-cbc  a passphrase of 1 to 256 printable ASCII characters
//                     without space, '"' or '$' (the key sits in the quoted
//                     --key "..." of a Profile_Rule, which is macro-expanded):
//                     "cisco-aes256-cbc key must not be empty",
//                     "cisco-aes256-cbc key must be at most 256 characters (got N)",
//                     "cisco-aes256-cbc key may contain only printable ASCII other
//                      than space, '\"' and '$'"
//   yealink-aes       exactly 16 characters from Yealink's documented set
//                     0-9 A-Z a-z # $ % * + , - . : = ? @ [ ] ^ _ { } ~:
//                     "yealink-aes key must be exactly 16 characters (got N)",
//                     "yealink-aes key may contain only 0-9, A-Z, a-z and
//                      # $ % * + , - . : = ? @ [ ] ^ _ { } ~"
//   gigaset-aes128    exactly 16 bytes (any values):
//                     "gigaset-aes128 key must be exactly 16 bytes (got N)"
//   none              any key (it is ignored).
Status ValidateVendorKey(VendorCipher cipher, std::string_view key);

// Encrypts `plain` for the device whose secret is `key`, in the format of
// `cipher` (see above); kNone returns `plain` unchanged. Errors:
// INVALID_ARGUMENT from ValidateVendorKey(), INTERNAL if OpenSSL fails.
StatusOr<std::string> VendorEncrypt(VendorCipher cipher, std::string_view key,
                                    std::string_view plain);

// The exact shell command (POSIX sh) that decrypts the file at `in_path`
// (produced by VendorEncrypt with `key`) into `out_path` with the stock
// `openssl` CLI of OpenSSL 3 (and coreutils for gigaset-aes128). Arguments
// that need it are single-quoted. Returns "" for kNone.
// REQUIRES: ValidateVendorKey(cipher, key).ok().
std::string OpenSslDecryptCommand(VendorCipher cipher, std::string_view key,
                                  std::string_view in_path, std::string_view out_path);

}  // namespace provisor

#endif  // PROVISOR_COMMON_VENDOR_CRYPTO_H_
