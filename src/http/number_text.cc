#include "http/number_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace quanta::http {
namespace {

// Strips an allowed leading '+'; nullopt when the sign is not allowed or is doubled.
std::optional<std::string_view> StripPlus(std::string_view text, bool allow_plus) {
  if (!text.empty() && text.front() == '+') {
    if (!allow_plus) return std::nullopt;
    text.remove_prefix(1);
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace

bool IsIntegerText(std::string_view text) {
  return text.find_first_of(".eE") == std::string_view::npos;
}

std::optional<int64_t> ParseInt64Text(std::string_view text, bool allow_plus) {
  auto body = StripPlus(text, allow_plus);
  if (!body) return std::nullopt;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(body->data(), body->data() + body->size(), value);
  if (ec != std::errc() || ptr != body->data() + body->size()) return std::nullopt;
  return value;
}

std::optional<double> ParseDoubleText(std::string_view text, bool allow_plus) {
  auto body = StripPlus(text, allow_plus);
  if (!body) return std::nullopt;
  for (char c : *body) {
    bool ok = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;
  }
  const char* end = body->data() + body->size();
  double value = 0;
  auto [ptr, ec] = std::from_chars(body->data(), end, value);
  if (ptr != end) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // from_chars reports underflow and overflow alike and leaves the value unset; strtod returns
    // the subnormal/zero or infinity that tells them apart. (strtod follows LC_NUMERIC; the
    // server runs in the C locale.)
    std::string copy(*body);
    char* strtod_end = nullptr;
    value = std::strtod(copy.c_str(), &strtod_end);
    if (strtod_end != copy.c_str() + copy.size()) return std::nullopt;
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace quanta::http
