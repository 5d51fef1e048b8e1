// quanta-admin export: a table (or a query's result) as CSV (csv.h), over the PB API.
//
// A table is walked partition by partition (table_copy.h), so memory holds one partition's rows
// and the list of partitions, never the table. A --query is one SELECT: its result is bounded by
// the server's query limits.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "csv.h"
#include "progress.h"
#include "table_copy.h"

namespace quanta::admin {

namespace {

struct ExportArgs {
  std::string table, where, query, out;
  bool iso = false;
  bool progress = false;
};

void Header(const std::vector<std::string>& names, std::string* out) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out->push_back(',');
    AppendCsvField(names[i], false, out);
  }
  out->append("\r\n");
}

void Rows(const std::vector<Row>& rows, const std::vector<ColumnType>& types, bool iso,
          std::string* out) {
  for (const Row& r : rows) {
    for (size_t i = 0; i < r.size() && i < types.size(); ++i) {
      if (i) out->push_back(',');
      auto cell = FormatCell(r[i], types[i], iso);
      // Empty strings are quoted so that they read back apart from NULL.
      if (cell) AppendCsvField(*cell, cell->empty(), out);
    }
    out->append("\r\n");
  }
}

int Fail(const std::string& what) {
  std::cerr << "quanta-admin: export: " << what << "\n";
  return 1;
}

}  // namespace

Result<std::unique_ptr<wire::pb::PbClient>> ConnectPb(const std::string& host, uint16_t port,
                                                      const PbLogin& login) {
  wire::pb::PbClientOptions o;
  o.io_timeout_ms = 600000;  // a list_keys of a big table streams for long
  auto client = wire::pb::PbClient::Connect(host, port, o);
  if (!client.ok() || !login.enabled()) return client;
  QUANTA_RETURN_IF_ERROR((*client)->StartTls(login.tls));
  Status st = (*client)->Auth(login.user, login.password);
  if (!st.ok()) return Status(st.code(), "login as " + login.user + ": " + st.message());
  return client;
}

int RunExport(const AdminContext& ctx, const std::vector<std::string>& args) {
  ExportArgs a;
  const char* usage =
      "usage: quanta-admin export (--table T [--where COND] | --query SELECT) [--out FILE] "
      "[--iso] [--progress]\n";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& f = args[i];
    std::string* dst = f == "--table" ? &a.table
                       : f == "--where" ? &a.where
                       : f == "--query" ? &a.query
                       : f == "--out"   ? &a.out
                                        : nullptr;
    if (dst != nullptr && i + 1 < args.size()) {
      *dst = args[++i];
    } else if (f == "--iso") {
      a.iso = true;
    } else if (f == "--progress") {
      a.progress = true;
    } else {
      std::cerr << usage;
      return 2;
    }
  }
  if (a.table.empty() == a.query.empty() || (!a.where.empty() && a.table.empty())) {
    std::cerr << usage;
    return 2;
  }
  auto client = ConnectPb(ctx.pb_host, ctx.pb_port, ctx.pb_login);
  if (!client.ok()) return Fail(client.error().message());
  std::ofstream file;
  if (!a.out.empty()) {
    file.open(a.out, std::ios::binary | std::ios::trunc);
    if (!file) return Fail("cannot create " + a.out);
  }
  std::ostream& out = a.out.empty() ? std::cout : file;
  Progress progress(a.progress);
  uint64_t rows = 0;
  std::string buf;
  auto flush = [&]() -> Status {
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.clear();
    if (!out) return Status(ErrorCode::kIoError, "cannot write the output");
    return Status::OK();
  };

  if (!a.query.empty()) {
    auto rs = (*client)->Query(a.query);
    if (!rs.ok()) return Fail(rs.error().message());
    std::vector<std::string> names;
    std::vector<ColumnType> types;
    for (const auto& c : rs->columns) {
      names.push_back(c.name);
      types.push_back(c.type);
    }
    Header(names, &buf);
    Rows(rs->rows, types, a.iso, &buf);
    rows = rs->rows.size();
    if (Status st = flush(); !st.ok()) return Fail(st.message());
  } else {
    auto table = DescribeTable(**client, a.table);
    if (!table.ok()) return Fail(table.error().message());
    std::vector<std::string> names;
    std::vector<ColumnType> types;
    for (const auto& c : table->columns) {
      names.push_back(c.name);
      types.push_back(c.type);
    }
    Header(names, &buf);
    auto partitions = ListPartitions(**client, *table, [&](uint64_t keys) {
      progress.Update(0, "listing keys: " + std::to_string(keys));
    });
    if (!partitions.ok()) return Fail(partitions.error().message());
    size_t done = 0;
    WalkOptions wo;
    wo.where = a.where;
    Status st = ReadPartitions(
        **client, *table, *partitions, wo,
        [&](std::vector<Row>&& batch) -> Status {
          Rows(batch, types, a.iso, &buf);
          rows += batch.size();
          return flush();
        },
        [&](const Row&) -> Status {
          ++done;
          progress.Update(rows, "rows " + std::to_string(rows) + " (partitions " +
                                    std::to_string(done) + "/" +
                                    std::to_string(partitions->size()) + ")");
          return Status::OK();
        });
    if (st.ok()) st = flush();
    if (!st.ok()) {
      progress.Finish();
      return Fail(st.message());
    }
  }
  out.flush();
  if (!out) return Fail("cannot write the output");
  progress.Update(rows, "rows " + std::to_string(rows) + " exported", true);
  progress.Finish();
  return 0;
}

}  // namespace quanta::admin
