// Files served from memory: the web console's built assets, which quantad embeds (console/,
// docs/console.md), and the rules for serving them (validators, caching, gzip).
//
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quanta::http {

struct StaticAsset {
  std::string_view path;          // below /console/: "" for the page itself, "assets/app-….js"
  std::string_view content_type;
  std::string_view body;
  std::string_view gzip;          // the body gzip-compressed; empty when that is not smaller
  std::string_view etag;          // validator of the content, sent as ETag: W/"<etag>"
  bool immutable = false;         // the name carries a content hash: cacheable for a year
};

struct StaticAssetSet {
  const StaticAsset* items = nullptr;
  size_t count = 0;
};

// What the request asks for that matters to a static file.
struct StaticRequest {
  std::string_view accept_encoding;  // the Accept-Encoding header, possibly empty
  std::string_view if_none_match;    // the If-None-Match header, possibly empty
};

struct StaticReply {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The reply for `path` below /console/ (null `assets`: no console in this binary -> 404).
// 200 with the body (gzip when accepted and smaller), or 304 when If-None-Match names the
// current validator, or 404.
StaticReply ServeStatic(const StaticAssetSet* assets, std::string_view path,
                        const StaticRequest& request);

// True when an Accept-Encoding value accepts gzip (a "gzip" or "*" coding without q=0).
bool AcceptsGzip(std::string_view accept_encoding);

// True when an If-None-Match value names `etag` (weak comparison) or is "*".
bool MatchesEtag(std::string_view if_none_match, std::string_view etag);

}  // namespace quanta::http
