#include "service/catalog.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <optional>

#include "schema/expiry.h"

namespace quanta::service {

namespace {
constexpr char kTablePrefix[] = "table/";
constexpr char kDroppedPrefix[] = "dropped/";
constexpr char kNextIdKey[] = "catalog/next_id";

std::string DroppedKey(uint32_t id) { return kDroppedPrefix + std::to_string(id); }
}

Status Catalog::Load() {
  QUANTA_ASSIGN_OR_RETURN(auto records, store_.ListMeta(kTablePrefix));
  QUANTA_ASSIGN_OR_RETURN(auto dropped, PendingDrops());
  QUANTA_ASSIGN_OR_RETURN(auto next, store_.GetMeta(kNextIdKey));
  std::unique_lock lock(mu_);
  if (next) next_id_ = std::max<uint32_t>(next_id_, static_cast<uint32_t>(std::atoll(next->c_str())));
  for (const auto& def : dropped) next_id_ = std::max(next_id_, def.id + 1);
  for (const auto& [key, value] : records) {
    QUANTA_ASSIGN_OR_RETURN(schema::TableDef def, schema::DeserializeTableDef(value));
    next_id_ = std::max(next_id_, def.id + 1);
    std::string name = def.name;
    store_.AttachTable(def);
    tables_[name] = std::make_shared<const schema::TableDef>(std::move(def));
  }
  return Status::OK();
}

Result<schema::TableDefPtr> Catalog::Create(schema::TableDef def) {
  std::unique_lock lock(mu_);
  if (tables_.count(def.name)) {
    return Status(ErrorCode::kCreate, "Failed to create table " + def.name + ": already_active",
                  def.name);
  }
  def.id = next_id_;
  QUANTA_RETURN_IF_ERROR(
      store_.UpdateMeta({{kTablePrefix + def.name, schema::SerializeTableDef(def)},
                         {kNextIdKey, std::to_string(next_id_ + 1)}}));
  ++next_id_;
  store_.AttachTable(def);
  auto ptr = std::make_shared<const schema::TableDef>(std::move(def));
  tables_[ptr->name] = ptr;
  return ptr;
}

Result<schema::TableDefPtr> Catalog::Drop(std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return TableNotActive(name);
  schema::TableDefPtr def = it->second;
  QUANTA_RETURN_IF_ERROR(
      store_.UpdateMeta({{kTablePrefix + def->name, std::nullopt},
                         {DroppedKey(def->id), schema::SerializeTableDef(*def)},
                         {kNextIdKey, std::to_string(next_id_)}}));
  tables_.erase(it);
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
  auto it = tables_.find(name);
  if (it == tables_.end()) return TableNotActive(name);
  schema::TableDef def = *it->second;
  for (const auto& prop : props) {
    std::erase_if(def.properties, [&](const auto& p) { return p.first == prop.first; });
    def.properties.push_back(prop);
  }
  QUANTA_RETURN_IF_ERROR(
      schema::ValidateExpiryProperties(def.properties, def.name, def.quantum() != nullptr));
  QUANTA_RETURN_IF_ERROR(store_.PutMeta(kTablePrefix + def.name, schema::SerializeTableDef(def)));
  auto ptr = std::make_shared<const schema::TableDef>(std::move(def));
  it->second = ptr;
  return ptr;
}

schema::TableDefPtr Catalog::Find(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

std::vector<schema::TableDefPtr> Catalog::List() const {
  std::shared_lock lock(mu_);
  std::vector<schema::TableDefPtr> out;
  for (const auto& [name, def] : tables_) out.push_back(def);
  return out;
}

}  // namespace quanta::service
