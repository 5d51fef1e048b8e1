// The web console's built files (console/src, built by console/build.mjs at build time and
// compiled into quantad), for HttpServerOptions::console.
#pragma once

#include "http/static_assets.h"

namespace quanta::console {

const http::StaticAssetSet& Assets();

}  // namespace quanta::console
