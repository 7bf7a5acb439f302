#include "slave/tftp/options.h"

#include <catch2/catch.hpp>

namespace provisor::tftp {
namespace {

Negotiated Negotiate(std::initializer_list<Option> options, uint64_t size = 1000,
                     OptionLimits limits = {}) {
  Request r;
  r.filename = "f";
  for (const Option& o : options) r.options[r.option_count++] = o;
  return NegotiateOptions(r, limits, size);
}

using Accepted = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("no options: no OACK, RFC 1350 defaults") {
  Negotiated n = Negotiate({});
  CHECK_FALSE(n.needs_oack());
  CHECK(n.blksize == 512);
  CHECK(n.windowsize == 1);
  CHECK(n.timeout_s == 0);
}

TEST_CASE("blksize edges: 7, 8, 65464, 65465, abc") {
  OptionLimits wide;
  wide.max_blksize = 65464;
  CHECK(Negotiate({{"blksize", "7"}}, 1000, wide).accepted.empty());
  CHECK(Negotiate({{"blksize", "7"}}, 1000, wide).blksize == 512);
  CHECK(Negotiate({{"blksize", "8"}}, 1000, wide).accepted == Accepted{{"blksize", "8"}});
  CHECK(Negotiate({{"blksize", "65464"}}, 1000, wide).accepted ==
        Accepted{{"blksize", "65464"}});
  CHECK(Negotiate({{"blksize", "65465"}}, 1000, wide).accepted ==
        Accepted{{"blksize", "65464"}});
  CHECK(Negotiate({{"blksize", "99999999999999999999999"}}, 1000, wide).blksize == 65464);
  CHECK(Negotiate({{"blksize", "abc"}}, 1000, wide).accepted.empty());
  CHECK(Negotiate({{"blksize", ""}}, 1000, wide).accepted.empty());
  CHECK(Negotiate({{"blksize", "-8"}}, 1000, wide).accepted.empty());
  CHECK(Negotiate({{"blksize", " 512"}}, 1000, wide).accepted.empty());
}

TEST_CASE("blksize is capped by max_blksize") {
  Negotiated n = Negotiate({{"blksize", "8192"}});
  CHECK(n.blksize == 1468);
  CHECK(n.accepted == Accepted{{"blksize", "1468"}});
}

TEST_CASE("timeout edges: 0, 1, 10, 11, 255, 256 with the default cap of 10 s") {
  CHECK(Negotiate({{"timeout", "0"}}).accepted.empty());
  CHECK(Negotiate({{"timeout", "1"}}).timeout_s == 1);
  CHECK(Negotiate({{"timeout", "10"}}).accepted == Accepted{{"timeout", "10"}});
  CHECK(Negotiate({{"timeout", "11"}}).accepted.empty());
  CHECK(Negotiate({{"timeout", "256"}}).accepted.empty());
  CHECK(Negotiate({{"timeout", "x"}}).accepted.empty());
  // Over the cap the option is refused, never lowered (RFC 2349: the OACK's
  // value must match the client's): no timeout in the OACK, the server's
  // own timeout applies, the other options stand.
  Negotiated n = Negotiate({{"timeout", "255"}, {"blksize", "1024"}});
  CHECK(n.timeout_s == 0);
  CHECK(n.accepted == Accepted{{"blksize", "1024"}});
  CHECK(n.requested[static_cast<int>(OptionKind::kTimeout)]);
  CHECK_FALSE(n.accepted_kind[static_cast<int>(OptionKind::kTimeout)]);
  CHECK(Negotiate({{"timeout", "255"}}).accepted.empty());  // nothing accepted: no OACK
  CHECK_FALSE(Negotiate({{"timeout", "255"}}).needs_oack());
}

TEST_CASE("max_timeout: 255 allows every RFC 2349 value, 1 allows only 1") {
  OptionLimits wide;
  wide.max_timeout_s = 255;
  CHECK(Negotiate({{"timeout", "255"}}, 1000, wide).accepted == Accepted{{"timeout", "255"}});
  CHECK(Negotiate({{"timeout", "256"}}, 1000, wide).accepted.empty());
  OptionLimits tight;
  tight.max_timeout_s = 1;
  CHECK(Negotiate({{"timeout", "1"}}, 1000, tight).timeout_s == 1);
  CHECK(Negotiate({{"timeout", "2"}}, 1000, tight).accepted.empty());
}

TEST_CASE("windowsize edges: 0, 1, 64, 65 with the default cap") {
  CHECK(Negotiate({{"windowsize", "0"}}).accepted.empty());
  CHECK(Negotiate({{"windowsize", "1"}}).windowsize == 1);
  CHECK(Negotiate({{"windowsize", "64"}}).windowsize == 64);
  Negotiated over = Negotiate({{"windowsize", "65"}});
  CHECK(over.windowsize == 64);
  CHECK(over.accepted == Accepted{{"windowsize", "64"}});
}

TEST_CASE("tsize answers the real size") {
  CHECK(Negotiate({{"tsize", "0"}}, 123456).accepted == Accepted{{"tsize", "123456"}});
  CHECK(Negotiate({{"tsize", "zero"}}, 5).accepted.empty());
}

TEST_CASE("names are case-insensitive, unknown ignored, repeats count once, order kept") {
  Negotiated n = Negotiate({{"WindowSize", "8"},
                            {"multicast", ""},
                            {"BLKSIZE", "1024"},
                            {"blksize", "8"},
                            {"TSize", "0"}},
                           4096);
  CHECK(n.accepted ==
        Accepted{{"windowsize", "8"}, {"blksize", "1024"}, {"tsize", "4096"}});
  CHECK(n.blksize == 1024);
  CHECK(n.requested[static_cast<int>(OptionKind::kBlksize)]);
  CHECK_FALSE(n.requested[static_cast<int>(OptionKind::kTimeout)]);
  CHECK(n.accepted_kind[static_cast<int>(OptionKind::kWindowsize)]);
}

}  // namespace
}  // namespace provisor::tftp
