#include "service/security_glue.h"

#include <rapidjson/document.h>

#include <vector>

#include "security/security.h"
#include "storage/store.h"

namespace quanta::service {

namespace {
// Words in one `security` command at most (a grant to many roles is one comma list).
constexpr size_t kMaxArgs = 64;
}  // namespace

namespace {

constexpr char kSecurityRecord[] = "security/state";

class StoreStorage final : public security::StateStorage {
 public:
  explicit StoreStorage(storage::Store& store) : store_(store) {}
  Result<std::optional<std::string>> Read() override { return store_.GetMeta(kSecurityRecord); }
  Status Replace(const std::optional<std::string>& expected, const std::string& text) override {
    QUANTA_RETURN_IF_ERROR(store_.UpdateMetaIf({{kSecurityRecord, text}}, {{kSecurityRecord, expected}}));
    store_.NotifyMeta();
    return Status::OK();
  }

 private:
  storage::Store& store_;
};

}  // namespace

std::unique_ptr<security::StateStorage> StoreStateStorage(storage::Store& store) {
  return std::make_unique<StoreStorage>(store);
}

std::string_view PermissionFor(StatementKind kind) {
  switch (kind) {
    case StatementKind::kCreateTable: return "riak_ts.create_table";
    case StatementKind::kSelect: return "riak_ts.query_select";
    case StatementKind::kInsert: return "riak_ts.put";
    case StatementKind::kDelete: return "riak_ts.delete";
    case StatementKind::kDescribe: return "riak_ts.describe_table";
    case StatementKind::kShowTables: return "riak_ts.show_tables";
    case StatementKind::kShowCreateTable: return "riak_ts.describe_table";
    case StatementKind::kExplain: return "riak_ts.query_explain";
    case StatementKind::kDropTable: return "riak_ts.drop_table";
    case StatementKind::kAlterTable: return "riak_ts.alter_table";
    case StatementKind::kUnknown: break;
  }
  return "";
}

std::pair<StatementKind, std::string> Classify(const sql::Statement& stmt) {
  struct V {
    std::pair<StatementKind, std::string> operator()(const sql::SelectStmt& s) { return {StatementKind::kSelect, s.table}; }
    std::pair<StatementKind, std::string> operator()(const sql::InsertStmt& s) { return {StatementKind::kInsert, s.table}; }
    std::pair<StatementKind, std::string> operator()(const sql::DeleteStmt& s) { return {StatementKind::kDelete, s.table}; }
    std::pair<StatementKind, std::string> operator()(const sql::CreateTableStmt& s) { return {StatementKind::kCreateTable, s.def.name}; }
    std::pair<StatementKind, std::string> operator()(const sql::DescribeStmt& s) { return {StatementKind::kDescribe, s.table}; }
    std::pair<StatementKind, std::string> operator()(const sql::ShowTablesStmt&) { return {StatementKind::kShowTables, ""}; }
    std::pair<StatementKind, std::string> operator()(const sql::ShowCreateTableStmt& s) { return {StatementKind::kShowCreateTable, s.table}; }
    std::pair<StatementKind, std::string> operator()(const sql::ExplainStmt& s) { return {StatementKind::kExplain, s.select.table}; }
    std::pair<StatementKind, std::string> operator()(const sql::DropTableStmt& s) { return {StatementKind::kDropTable, s.table}; }
    std::pair<StatementKind, std::string> operator()(const sql::AlterTableStmt& s) { return {StatementKind::kAlterTable, s.table}; }
  };
  return std::visit(V{}, stmt);
}

void RegisterSecurityCommand(AdminCommands& admin, security::Security& sec) {
  admin.Register("security", [&sec](std::string_view body) -> Result<std::string> {
    rapidjson::Document d;
    d.Parse(body.data(), body.size());
    auto bad = [] {
      return Status(ErrorCode::kInvalidArgument,
                    "the security command wants {\"op\": \"...\", \"args\": [\"...\", ...]}");
    };
    if (d.HasParseError() || !d.IsObject()) return bad();
    auto op = d.FindMember("op");
    if (op == d.MemberEnd() || !op->value.IsString()) return bad();
    std::vector<std::string> args;
    auto a = d.FindMember("args");
    if (a != d.MemberEnd()) {
      if (!a->value.IsArray() || a->value.Size() > kMaxArgs) return bad();
      for (const auto& v : a->value.GetArray()) {
        if (!v.IsString()) return bad();
        args.emplace_back(v.GetString(), v.GetStringLength());
      }
    }
    QUANTA_ASSIGN_OR_RETURN(std::string text,
                            sec.Apply(std::string_view(op->value.GetString(), op->value.GetStringLength()), args));
    return "{\"text\":" + JsonQuote(text) + "}";
  });
}

}  // namespace quanta::service
