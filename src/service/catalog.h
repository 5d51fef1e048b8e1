// Catalog: the set of tables, persisted as metadata records in the store
// (docs/formats/catalog.md) and cached in memory. Table ids are never reused: the next id is
// recorded with every CREATE TABLE, so a table created again after DROP TABLE gets a new id and
// can never see rows of the old one, even before they are all deleted.
//
// Several coordinators may share one store (RADOS): every change is written guarded by the
// records it read (Store::UpdateMetaIf), so that two coordinators creating the same table at
// once give one table and one 1014, and re-read after a conflict; each coordinator re-reads the
// records when another one announces a change (NotifyMeta; the service's watch calls
// MarkChanged). The announcement lags the change by milliseconds, so a name this coordinator
// does not know is looked up in the store before it answers that there is no such table: a
// client that created a table through one coordinator can use it through any other at once.
//
// Thread safety: all methods are safe to call concurrently.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/refresh_gate.h"
#include "common/status.h"
#include "schema/table_def.h"
#include "storage/store.h"

namespace quanta::service {

class Catalog {
 public:
  // `shared`: other coordinators change the same records (a RADOS pool).
  explicit Catalog(storage::Store& store, bool shared = false)
      : store_(store), shared_(shared), refresh_([this] { return RefreshOnce(); }) {}
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // Loads every table definition from the store.
  Status Load();
  // Another coordinator changed the records (the store's watch): read them again before the
  // next use.
  void MarkChanged() { refresh_.MarkChanged(); }
  // Announcements may have been missed (the watch broke): read again in the background.
  void MarkMaybeChanged() { refresh_.MarkMaybeChanged(); }
  // No more reads of the store (before it is closed).
  void StopRefresh() { refresh_.Stop(); }

  // Assigns an id, persists, and publishes `def`. kCreate "Failed to create table T:
  // already_active" if a table of that name exists.
  Result<schema::TableDefPtr> Create(schema::TableDef def);

  // Removes table `name` (DROP TABLE) and records it as dropped, in one atomic metadata
  // write; returns its definition. TableNotActive when absent. The caller deletes its rows and
  // then calls ForgetDropped.
  Result<schema::TableDefPtr> Drop(std::string_view name);
  // Tables dropped whose rows may not be deleted yet (a restart, a failed deletion).
  Result<std::vector<schema::TableDef>> PendingDrops() const;
  // Forgets the dropped table `id` once its rows are deleted.
  Status ForgetDropped(uint32_t id);

  // Sets properties of table `name` (ALTER TABLE): a property given replaces the one of the
  // same name, a new one is added. Persists and publishes the new definition (same id).
  // TableNotActive when absent.
  Result<schema::TableDefPtr> Alter(
      std::string_view name, const std::vector<std::pair<std::string, schema::PropValue>>& props);

  // nullptr if absent. When shared, a name not cached costs one read of its record.
  schema::TableDefPtr Find(std::string_view name) const;

  // All tables, sorted by name.
  std::vector<schema::TableDefPtr> List() const;

 private:
  struct Entry {
    schema::TableDefPtr def;
    std::string record;  // as stored: what a guarded change expects
  };
  using Changes = std::vector<std::pair<std::string, std::optional<std::string>>>;

  // The records as stored: tables, dropped tables, the next id.
  struct Stored {
    std::vector<std::pair<std::string, std::string>> records;
    std::vector<schema::TableDef> dropped;
    std::optional<std::string> next_id;
  };
  Result<Stored> ReadStored() const;
  // Reads every table record again (REQUIRES: mu_ held exclusively). Definitions that did not
  // change keep their pointers.
  Status RefreshLocked();
  // Makes `stored` the cached state (REQUIRES: mu_ held exclusively).
  Status InstallLocked(Stored stored);
  // Re-reads the records if another coordinator announced a change (refresh_ decides).
  void RefreshIfChanged() const;
  // One read of the records, installed unless a change made here is newer.
  RefreshGate::Outcome RefreshOnce();
  // `make` builds the changes and expectations from the current records (REQUIRES: mu_
  // held exclusively); applied guarded, re-reading and rebuilding after a conflict.
  Status Apply(const std::function<Status(Changes* changes, Changes* expects)>& make);

  storage::Store& store_;
  const bool shared_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry, std::less<>> tables_;  // GUARDED_BY(mu_)
  uint32_t next_id_ = 1;                              // GUARDED_BY(mu_)
  std::optional<std::string> next_id_record_;         // GUARDED_BY(mu_): as stored
  // Counts the changes of the cached state, so that a read made without mu_ is not installed
  // over a newer one.
  uint64_t generation_ = 0;  // GUARDED_BY(mu_)
  // Who reads the records again after the store's watch announced a change, and when. Last:
  // destroyed first, stopping its thread before what RefreshOnce uses goes.
  mutable RefreshGate refresh_;
};

}  // namespace quanta::service
