#include "service/catalog.h"

#include <algorithm>
#include <mutex>

namespace quanta::service {

namespace {
constexpr char kTablePrefix[] = "table/";
}

Status Catalog::Load() {
  QUANTA_ASSIGN_OR_RETURN(auto records, store_.ListMeta(kTablePrefix));
  std::unique_lock lock(mu_);
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
  QUANTA_RETURN_IF_ERROR(store_.PutMeta(kTablePrefix + def.name, schema::SerializeTableDef(def)));
  ++next_id_;
  store_.AttachTable(def);
  auto ptr = std::make_shared<const schema::TableDef>(std::move(def));
  tables_[ptr->name] = ptr;
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
