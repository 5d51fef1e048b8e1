// Catalog: the set of tables, persisted as metadata records in the store
// (docs/formats/catalog.md) and cached in memory.
//
// Thread safety: all methods are safe to call concurrently.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "schema/table_def.h"
#include "storage/store.h"

namespace quanta::service {

class Catalog {
 public:
  explicit Catalog(storage::Store& store) : store_(store) {}

  // Loads every table definition from the store.
  Status Load();

  // Assigns an id, persists, and publishes `def`. kCreate "Failed to create table T:
  // already_active" if a table of that name exists.
  Result<schema::TableDefPtr> Create(schema::TableDef def);

  // nullptr if absent.
  schema::TableDefPtr Find(std::string_view name) const;

  // All tables, sorted by name.
  std::vector<schema::TableDefPtr> List() const;

 private:
  storage::Store& store_;
  mutable std::shared_mutex mu_;
  std::map<std::string, schema::TableDefPtr, std::less<>> tables_;  // GUARDED_BY(mu_)
  uint32_t next_id_ = 1;                                            // GUARDED_BY(mu_)
};

}  // namespace quanta::service
