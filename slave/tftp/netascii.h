// RFC 1350 netascii: LF becomes CR LF and a bare CR becomes CR NUL.
// (A CR LF already in the source is two characters, CR then LF, and so
// becomes CR NUL CR LF: netascii maps characters, it does not guess.)
//
// Thread-safety: stateless.
#ifndef PROVISOR_SLAVE_TFTP_NETASCII_H_
#define PROVISOR_SLAVE_TFTP_NETASCII_H_

#include <string>
#include <string_view>

namespace provisor::tftp {

std::string ToNetascii(std::string_view in);

}  // namespace provisor::tftp

#endif  // PROVISOR_SLAVE_TFTP_NETASCII_H_
