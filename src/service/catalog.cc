#include "service/catalog.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <optional>

#include "schema/expiry.h"
#include "schema/time_slices.h"

namespace quanta::service {

namespace {
constexpr char kTablePrefix[] = "table/";
constexpr char kDroppedPrefix[] = "dropped/";
constexpr char kNextIdKey[] = "catalog/next_id";
// Guarded changes tried before giving up: each retry means another coordinator changed the
// catalog in between, so more than a few only happen under a storm of DDL.
constexpr int kApplyAttempts = 16;

std::string DroppedKey(uint32_t id) { return kDroppedPrefix + std::to_string(id); }
}  // namespace


Status Catalog::Load() {
  std::unique_lock lock(mu_);
  return RefreshLocked();
}

Result<Catalog::Stored> Catalog::ReadStored() const {
  Stored s;
  QUANTA_ASSIGN_OR_RETURN(s.records, store_.ListMeta(kTablePrefix));
  QUANTA_ASSIGN_OR_RETURN(s.dropped, PendingDrops());
  QUANTA_ASSIGN_OR_RETURN(s.next_id, store_.GetMeta(kNextIdKey));
  return s;
}

Status Catalog::RefreshLocked() {
  QUANTA_ASSIGN_OR_RETURN(Stored stored, ReadStored());
  return InstallLocked(std::move(stored));
}

Status Catalog::InstallLocked(Stored stored) {
  ++generation_;
  next_id_record_ = stored.next_id;
  const auto& next = stored.next_id;
  if (next) next_id_ = std::max<uint32_t>(next_id_, static_cast<uint32_t>(std::atoll(next->c_str())));
  for (const auto& def : stored.dropped) next_id_ = std::max(next_id_, def.id + 1);
  std::map<std::string, Entry, std::less<>> tables;
  for (auto& [key, value] : stored.records) {
    auto old = tables_.find(std::string_view(key).substr(sizeof(kTablePrefix) - 1));
    if (old != tables_.end() && old->second.record == value) {
      next_id_ = std::max(next_id_, old->second.def->id + 1);
      tables.emplace(old->first, std::move(old->second));
      continue;
    }
    QUANTA_ASSIGN_OR_RETURN(schema::TableDef def, schema::DeserializeTableDef(value));
    next_id_ = std::max(next_id_, def.id + 1);
    store_.AttachTable(def);
    std::string name = def.name;
    tables.emplace(std::move(name),
                   Entry{std::make_shared<const schema::TableDef>(std::move(def)), std::move(value)});
  }
  tables_ = std::move(tables);
  return Status::OK();
}

// The records are read without mu_ held, so that requests keep using the cached tables while
// a read waits on the store.
RefreshGate::Outcome Catalog::RefreshOnce() {
  uint64_t generation;
  {
    std::shared_lock lock(mu_);
    generation = generation_;
  }
  auto stored = ReadStored();
  if (!stored.ok()) return RefreshGate::Outcome::kFailed;
  std::unique_lock lock(mu_);
  // A change made here meanwhile (DDL) read the records itself, maybe after this read.
  if (generation != generation_ || !InstallLocked(std::move(*stored)).ok()) {
    return RefreshGate::Outcome::kSuperseded;
  }
  return RefreshGate::Outcome::kInstalled;
}

void Catalog::RefreshIfChanged() const { refresh_.BeforeUse(); }

Status Catalog::Apply(const std::function<Status(Changes* changes, Changes* expects)>& make) {
  for (int attempt = 1;; ++attempt) {
    Changes changes, expects;
    QUANTA_RETURN_IF_ERROR(make(&changes, &expects));
    Status st = store_.UpdateMetaIf(changes, expects);
    if (st.ok()) {
      ++generation_;
      store_.NotifyMeta();
      return st;
    }
    if (st.code() != ErrorCode::kConflict) return st;
    if (attempt == kApplyAttempts) {
      return Status(ErrorCode::kTimeout, "the catalog kept changing under this change; try again");
    }
    // Another coordinator changed the catalog: read it again and rebuild the change.
    QUANTA_RETURN_IF_ERROR(RefreshLocked());
  }
}

Result<schema::TableDefPtr> Catalog::Create(schema::TableDef def) {
  std::unique_lock lock(mu_);
  // The records as stored now, not as cached: another coordinator may have created it.
  QUANTA_RETURN_IF_ERROR(RefreshLocked());
  std::string record;
  QUANTA_RETURN_IF_ERROR(Apply([&](Changes* changes, Changes* expects) -> Status {
    if (tables_.count(def.name)) {
      return Status(ErrorCode::kCreate, "Failed to create table " + def.name + ": already_active",
                    def.name);
    }
    def.id = next_id_;
    record = schema::SerializeTableDef(def);
    *changes = {{kTablePrefix + def.name, record}, {kNextIdKey, std::to_string(next_id_ + 1)}};
    *expects = {{kTablePrefix + def.name, std::nullopt}, {kNextIdKey, next_id_record_}};
    return Status::OK();
  }));
  ++next_id_;
  next_id_record_ = std::to_string(next_id_);
  store_.AttachTable(def);
  auto ptr = std::make_shared<const schema::TableDef>(std::move(def));
  tables_[ptr->name] = Entry{ptr, std::move(record)};
  return ptr;
}

Result<schema::TableDefPtr> Catalog::Drop(std::string_view name) {
  std::unique_lock lock(mu_);
  schema::TableDefPtr def;
  QUANTA_RETURN_IF_ERROR(Apply([&](Changes* changes, Changes* expects) -> Status {
    auto it = tables_.find(name);
    if (it == tables_.end()) return TableNotActive(name);
    def = it->second.def;
    *changes = {{kTablePrefix + def->name, std::nullopt},
                {DroppedKey(def->id), schema::SerializeTableDef(*def)},
                {kNextIdKey, std::to_string(next_id_)}};
    *expects = {{kTablePrefix + def->name, it->second.record}};
    return Status::OK();
  }));
  tables_.erase(def->name);
  return def;
}

Result<std::vector<schema::TableDef>> Catalog::PendingDrops() const {
  QUANTA_ASSIGN_OR_RETURN(auto records, store_.ListMeta(kDroppedPrefix));
  std::vector<schema::TableDef> out;
  for (const auto& [key, value] : records) {
    QUANTA_ASSIGN_OR_RETURN(schema::TableDef def, schema::DeserializeTableDef(value));
    out.push_back(std::move(def));
  }
  return out;
}

Status Catalog::ForgetDropped(uint32_t id) { return store_.UpdateMeta({{DroppedKey(id), std::nullopt}}); }

Result<schema::TableDefPtr> Catalog::Alter(
    std::string_view name, const std::vector<std::pair<std::string, schema::PropValue>>& props) {
  std::unique_lock lock(mu_);
  schema::TableDefPtr ptr;
  std::string record;
  QUANTA_RETURN_IF_ERROR(Apply([&](Changes* changes, Changes* expects) -> Status {
    auto it = tables_.find(name);
    if (it == tables_.end()) return TableNotActive(name);
    schema::TableDef def = *it->second.def;
    QUANTA_RETURN_IF_ERROR(schema::CheckTimeSlicesUnchanged(def, props));
    for (const auto& prop : props) {
      std::erase_if(def.properties, [&](const auto& p) { return p.first == prop.first; });
      def.properties.push_back(prop);
    }
    QUANTA_RETURN_IF_ERROR(
        schema::ValidateExpiryProperties(def.properties, def.name, def.quantum() != nullptr));
    record = schema::SerializeTableDef(def);
    *changes = {{kTablePrefix + def.name, record}};
    *expects = {{kTablePrefix + def.name, it->second.record}};
    ptr = std::make_shared<const schema::TableDef>(std::move(def));
    return Status::OK();
  }));
  tables_[ptr->name] = Entry{ptr, std::move(record)};
  return ptr;
}

schema::TableDefPtr Catalog::Find(std::string_view name) const {
  RefreshIfChanged();
  {
    std::shared_lock lock(mu_);
    auto it = tables_.find(name);
    if (it != tables_.end() || !shared_) return it == tables_.end() ? nullptr : it->second.def;
  }
  // Maybe created by another coordinator whose announcement has not arrived yet.
  auto record = store_.GetMeta(kTablePrefix + std::string(name));
  if (!record.ok() || !record->has_value()) return nullptr;
  refresh_.MarkChanged();
  RefreshIfChanged();
  std::shared_lock lock(mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second.def;
}

std::vector<schema::TableDefPtr> Catalog::List() const {
  RefreshIfChanged();
  std::shared_lock lock(mu_);
  std::vector<schema::TableDefPtr> out;
  for (const auto& [name, entry] : tables_) out.push_back(entry.def);
  return out;
}

}  // namespace quanta::service
