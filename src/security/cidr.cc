#include "security/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace quanta::security {

namespace {

// Parses an address; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes IPv4.
bool ParseAddress(std::string_view text, bool* v6, std::array<uint8_t, 16>* out) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  out->fill(0);
  in_addr a4;
  if (inet_pton(AF_INET, buf, &a4) == 1) {
    *v6 = false;
    std::memcpy(out->data(), &a4, 4);
    return true;
  }
  in6_addr a6;
  if (inet_pton(AF_INET6, buf, &a6) != 1) return false;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(&a6, kMapped, 12) == 0) {
    *v6 = false;
    std::memcpy(out->data(), reinterpret_cast<const uint8_t*>(&a6) + 12, 4);
    return true;
  }
  *v6 = true;
  std::memcpy(out->data(), &a6, 16);
  return true;
}

void ClearHostBits(std::array<uint8_t, 16>* a, int prefix, int bits) {
  for (int i = prefix; i < bits; ++i) (*a)[i / 8] &= static_cast<uint8_t>(~(0x80 >> (i % 8)));
}

}  // namespace

Result<Cidr> Cidr::Parse(std::string_view text) {
  auto bad = [&] { return Status(ErrorCode::kInvalidArgument, "Invalid CIDR " + std::string(text)); };
  Cidr c;
  size_t slash = text.find('/');
  if (!ParseAddress(text.substr(0, slash), &c.v6, &c.addr)) return bad();
  const int bits = c.v6 ? 128 : 32;
  c.prefix = bits;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), c.prefix);
    if (ec != std::errc() || end != p.data() + p.size() || p.empty() || c.prefix < 0 ||
        c.prefix > bits) {
      return bad();
    }
  }
  ClearHostBits(&c.addr, c.prefix, bits);
  return c;
}

bool Cidr::Contains(std::string_view ip) const {
  bool is_v6 = false;
  std::array<uint8_t, 16> a;
  if (!ParseAddress(ip, &is_v6, &a) || is_v6 != v6) return false;
  ClearHostBits(&a, prefix, v6 ? 128 : 32);
  return a == addr;
}

std::string Cidr::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, addr.data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(prefix);
}

}  // namespace quanta::security
