#include "slave/tftp/netascii.h"

namespace provisor::tftp {

std::string ToNetascii(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 16 + 8);
  for (char c : in) {
    if (c == '\n') {
      out += "\r\n";
    } else if (c == '\r') {
      out.push_back('\r');
      out.push_back('\0');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace provisor::tftp
