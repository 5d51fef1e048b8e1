#include "alternating.h"

#include <cctype>
#include <optional>
#include <string>
#include <thread>
#include <variant>

#include "sql/parser.h"

namespace quanta::sqltest {

namespace {

constexpr std::chrono::milliseconds kPollInterval{10};

// The table a catalog-changing statement names, or nullopt for any other statement. Only
// statements starting with CREATE, ALTER or DROP are parsed.
std::optional<std::string> ChangedTable(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) && word.size() < 8) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++]))));
  }
  if (word != "CREATE" && word != "ALTER" && word != "DROP") return std::nullopt;
  auto parsed = sql::Parse(sql);
  if (!parsed.ok()) return std::nullopt;
  if (auto* s = std::get_if<sql::CreateTableStmt>(&*parsed)) return s->def.name;
  if (auto* s = std::get_if<sql::AlterTableStmt>(&*parsed)) return s->table;
  if (auto* s = std::get_if<sql::DropTableStmt>(&*parsed)) return s->table;
  return std::nullopt;
}

bool SameAnswer(const Response& a, const Response& b) {
  return a.ok == b.ok && a.code == b.code && a.message == b.message &&
         a.result.columns == b.result.columns && a.result.rows == b.result.rows;
}

// Double quotes a table name for SHOW CREATE TABLE (names may hold hyphens and the like).
std::string QuotedName(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

class AlternatingTransport final : public Transport {
 public:
  AlternatingTransport(std::vector<Transport*> members, std::shared_ptr<size_t> turn)
      : members_(std::move(members)), turn_(std::move(turn)) {}

  std::string_view name() const override { return members_.front()->name(); }
  bool columns_when_empty() const override { return members_.front()->columns_when_empty(); }

  Response Execute(std::string_view sql, const std::vector<ColumnType>* declared) override {
    const size_t from = (*turn_)++ % members_.size();
    Response r = members_[from]->Execute(sql, declared);
    if (!r.ok || members_.size() == 1) return r;
    if (auto table = ChangedTable(sql)) {
      if (auto late = WaitForCatalog(from, *table)) {
        Response failed;
        failed.ok = false;
        failed.code_known = r.code_known;
        failed.message = "[cluster] " + *late;
        return failed;
      }
    }
    return r;
  }

 private:
  // Waits until every coordinator answers SHOW CREATE TABLE `table` as coordinator `from`
  // does; the problem when one has not within kCatalogSettleTimeout.
  std::optional<std::string> WaitForCatalog(size_t from, const std::string& table) {
    const std::string show = "SHOW CREATE TABLE " + QuotedName(table);
    const Response want = members_[from]->Execute(show);
    const auto deadline = std::chrono::steady_clock::now() + kCatalogSettleTimeout;
    for (size_t k = 0; k < members_.size(); ++k) {
      if (k == from) continue;
      while (!SameAnswer(members_[k]->Execute(show), want)) {
        if (std::chrono::steady_clock::now() >= deadline) {
          return "coordinator " + std::to_string(k + 1) + " did not see the change of table " +
                 table + " made on coordinator " + std::to_string(from + 1) + " within " +
                 std::to_string(kCatalogSettleTimeout.count()) + " ms";
        }
        std::this_thread::sleep_for(kPollInterval);
      }
    }
    return std::nullopt;
  }

  std::vector<Transport*> members_;
  std::shared_ptr<size_t> turn_;
};

}  // namespace

std::unique_ptr<Transport> NewAlternatingTransport(std::vector<Transport*> members,
                                                   std::shared_ptr<size_t> turn) {
  return std::make_unique<AlternatingTransport>(std::move(members), std::move(turn));
}

}  // namespace quanta::sqltest
