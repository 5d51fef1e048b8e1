// URL pieces for the HTTP API: splitting a request target, percent-decoding path segments and
// query strings, and percent-encoding values for the URLs that list_keys prints
// (riak_ts.md sections 11 and 11.4).
//
// Pure functions over strings; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quanta::http {

// A request target ("/a/b?x=1") split at the first '?'. An absolute-form target
// ("http://host:port/a/b") is reduced to its path first.
struct TargetParts {
  std::string_view path;   // always starts with '/' unless the target was malformed
  std::string_view query;  // without the '?', empty when absent
};
TargetParts SplitTarget(std::string_view target);

// Percent-decodes `in`, also turning '+' into a space (Riak accepts '+' for space in paths).
// Returns nullopt for a malformed escape ('%' not followed by two hex digits).
std::optional<std::string> PercentDecode(std::string_view in);

// Percent-encodes every byte outside the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~) as %XX
// with upper-case hex: space -> %20, '+' -> %2B, '=' -> %3D, '/' -> %2F.
std::string PercentEncode(std::string_view in);

// Splits a path ("/ts/v1/tables/t") on '/' into raw (still encoded) segments, dropping the
// leading slash: {"ts", "v1", "tables", "t"}. Empty segments are kept, including a last one
// after a trailing slash ("/a/" -> {"a", ""}): in a key path an empty segment is an empty value.
// "/" and "" give no segments.
std::vector<std::string_view> SplitPath(std::string_view path);

// Parses "k1=v1&k2&k3=" into decoded (name, value) pairs in order; empty pieces are skipped.
// nullopt for a malformed escape.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
std::optional<QueryParams> ParseQueryString(std::string_view query);

}  // namespace quanta::http
