#include "http/url_codec.h"
#include "common/value.h"

namespace quanta::http {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

TargetParts SplitTarget(std::string_view target) {
  // Absolute form: drop "scheme://authority" so only the path remains.
  if (size_t scheme_end = target.find("://");
      scheme_end != std::string_view::npos && target.substr(0, 1) != "/") {
    size_t path_start = target.find('/', scheme_end + 3);
    size_t query_start = target.find('?', scheme_end + 3);
    if (path_start == std::string_view::npos || path_start > query_start) {
      // "http://host?x" has an empty path; treat it as "/".
      target = query_start == std::string_view::npos ? std::string_view("/")
                                                     : target.substr(query_start);
    } else {
      target = target.substr(path_start);
    }
  }
  TargetParts parts;
  size_t q = target.find('?');
  if (q == std::string_view::npos) {
    parts.path = target;
  } else {
    parts.path = target.substr(0, q);
    parts.query = target.substr(q + 1);
  }
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

std::optional<std::string> PercentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexDigitValue(in[i + 1]);
      int lo = HexDigitValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string PercentEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return segments;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      segments.push_back(path.substr(start));
      break;
    }
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

std::optional<QueryParams> ParseQueryString(std::string_view query) {
  QueryParams params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view piece =
        query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!piece.empty()) {
      size_t eq = piece.find('=');
      auto name = PercentDecode(piece.substr(0, eq));
      auto value = PercentDecode(eq == std::string_view::npos ? std::string_view()
                                                              : piece.substr(eq + 1));
      if (!name || !value) return std::nullopt;
      params.emplace_back(std::move(*name), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return params;
}

}  // namespace quanta::http
