// An embedded store in a fresh temporary directory that seals only when asked (Compact), for
// the engine tests; the directory is removed with the object.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "storage/embedded.h"

namespace quanta::storage::testing {

class TempStore {
 public:
  // `chunk_rows` as StoreOptions::chunk_rows; opening failures fail the test (store() is then
  // null).
  explicit TempStore(const std::string& name, size_t chunk_rows = StoreOptions{}.chunk_rows)
      : dir_(std::filesystem::temp_directory_path() /
             ("quanta_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    EmbeddedOptions o;
    o.backend.data_dir = dir_.string();
    o.backend.min_free_space_bytes = 0;
    o.engine.chunk_rows = chunk_rows;
    o.engine.seal_idle_ms = 0;  // seal only when asked (Compact)
    auto opened = OpenEmbeddedStore(o);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) store_ = std::move(opened).value();
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  Store* store() { return store_.get(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace quanta::storage::testing
