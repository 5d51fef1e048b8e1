// An address block written as in Riak's sources: `127.0.0.1/32`, `10.0.0.0/8`, `::1/128`.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace quanta::security {

struct Cidr {
  bool v6 = false;
  std::array<uint8_t, 16> addr{};  // network address (v4 in the first 4 bytes)
  int prefix = 0;

  // `10.0.0.0/8`; an address without `/n` is a single host. Host bits are cleared, as Riak
  // prints them (`10.1.2.3/8` -> `10.0.0.0/8`).
  static Result<Cidr> Parse(std::string_view text);
  // True when `ip` (dotted or colon notation; an IPv4-mapped IPv6 address counts as IPv4)
  // lies in the block.
  bool Contains(std::string_view ip) const;
  std::string ToString() const;
  bool operator==(const Cidr& o) const { return v6 == o.v6 && addr == o.addr && prefix == o.prefix; }
};

}  // namespace quanta::security
