// ScanOnlyStore: a storage::Store whose every method but Scan does nothing (writes succeed and
// keep nothing, reads find nothing, metadata is empty). For executor tests and benchmarks that
// feed the executor prepared batches: a subclass overrides Scan (and Put, if it keeps rows).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace quanta::testing_support {

class ScanOnlyStore : public storage::Store {
 public:
  Status Put(const schema::TableDef&, std::span<const Row>) override { return Status::OK(); }
  Result<std::optional<Row>> Get(const schema::TableDef&, const Row&) override {
    return std::optional<Row>();
  }
  Result<bool> Delete(const schema::TableDef&, const Row&) override { return false; }
  Status ListKeys(const schema::TableDef&,
                  const std::function<Status(std::vector<Row>&&)>&) override {
    return Status::OK();
  }
  void AttachTable(const schema::TableDef&) override {}
  Status DropTableData(const schema::TableDef&) override { return Status::OK(); }
  Status DeleteRange(const schema::TableDef&, const storage::ScanRange&) override {
    return Status::OK();
  }
  Result<uint64_t> DropExpired(const schema::TableDef&, const ExpiryCutoffFn&, size_t) override {
    return uint64_t{0};
  }
  Status ReclaimSpace() override { return Status::OK(); }
  Status PutMeta(const std::string&, const std::string&) override { return Status::OK(); }
  Status UpdateMeta(
      const std::vector<std::pair<std::string, std::optional<std::string>>>&) override {
    return Status::OK();
  }
  Result<std::optional<std::string>> GetMeta(const std::string&) override {
    return std::optional<std::string>();
  }
  Result<std::vector<std::pair<std::string, std::string>>> ListMeta(const std::string&) override {
    return std::vector<std::pair<std::string, std::string>>();
  }
  Status Flush() override { return Status::OK(); }
  Status Compact() override { return Status::OK(); }
  uint64_t ApproximateDiskBytes() override { return 0; }
  storage::StoreStats Stats() override { return {}; }
};

}  // namespace quanta::testing_support
