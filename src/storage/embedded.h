// The embedded store: the engine over the RocksDB backend in one data directory (what quantad
// runs by default, and what tests and benchmarks open).
#pragma once

#include <memory>

#include "storage/backend/rocksdb_backend.h"
#include "storage/store.h"

namespace quanta::storage {

struct EmbeddedOptions {
  RocksDbOptions backend;
  StoreOptions engine;
};

inline Result<std::unique_ptr<Store>> OpenEmbeddedStore(const EmbeddedOptions& options) {
  QUANTA_ASSIGN_OR_RETURN(auto backend, OpenRocksDbBackend(options.backend));
  return OpenStore(std::move(backend), options.engine);
}

}  // namespace quanta::storage
