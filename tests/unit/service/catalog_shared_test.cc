// Two catalogs over one store stand for two coordinators of one RADOS pool (no watch here, so
// no announcement ever arrives): a table created through one is found by the other at once,
// because a shared catalog looks an unknown name up in the store before answering "no such
// table".
#include <gtest/gtest.h>

#include <filesystem>
#include <variant>

#include "service/catalog.h"
#include "sql/parser.h"
#include "storage/backend/rocksdb_backend.h"

namespace quanta::service {
namespace {

schema::TableDef Def(const std::string& name) {
  auto st = sql::Parse("CREATE TABLE " + name + " (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
                       "PRIMARY KEY ((k, QUANTUM(ts, 1, 'd')), k, ts))");
  EXPECT_TRUE(st.ok());
  return std::get<sql::CreateTableStmt>(*st).def;
}

TEST(CatalogSharedTest, ATableCreatedElsewhereIsFoundBeforeItIsAnnounced) {
  auto dir = std::filesystem::temp_directory_path() /
             ("quanta_catalog_shared_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    storage::RocksDbOptions ro;
    ro.data_dir = dir.string();
    ro.min_free_space_bytes = 0;
    auto backend = storage::OpenRocksDbBackend(ro);
    ASSERT_TRUE(backend.ok());
    auto store = storage::OpenStore(std::move(backend).value(), storage::StoreOptions{});
    ASSERT_TRUE(store.ok());
    Catalog a(**store, /*shared=*/true), b(**store, /*shared=*/true), alone(**store);
    ASSERT_TRUE(a.Load().ok());
    ASSERT_TRUE(b.Load().ok());
    ASSERT_TRUE(alone.Load().ok());
    EXPECT_EQ(b.Find("t"), nullptr);
    ASSERT_TRUE(a.Create(Def("t")).ok());
    auto seen = b.Find("t");
    ASSERT_NE(seen, nullptr);
    EXPECT_EQ(seen->ShowCreateSql(), a.Find("t")->ShowCreateSql());
    EXPECT_EQ(b.List().size(), 1u);
    EXPECT_EQ(b.Find("nosuch"), nullptr);
    // A catalog whose store no one else writes trusts its cache (and is never out of date).
    EXPECT_EQ(alone.Find("t"), nullptr);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace quanta::service
