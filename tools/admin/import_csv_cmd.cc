// quanta-admin import-csv: rows from a CSV file (csv.h) put into a table over the PB API, in
// batches, as the file streams (memory holds one batch).
#include <fstream>
#include <iostream>
#include <set>

#include "commands.h"
#include "csv.h"
#include "progress.h"
#include "table_copy.h"

namespace quanta::admin {

namespace {

int Fail(const std::string& what) {
  std::cerr << "quanta-admin: import-csv: " << what << "\n";
  return 1;
}

}  // namespace

int RunImportCsv(const AdminContext& ctx, const std::vector<std::string>& args) {
  std::string table_name, path;
  size_t batch_rows = 500;
  bool progress_asked = false;
  const char* usage =
      "usage: quanta-admin import-csv --table T [--batch ROWS] [--progress] FILE|-\n";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& f = args[i];
    if (f == "--table" && i + 1 < args.size()) {
      table_name = args[++i];
    } else if (f == "--batch" && i + 1 < args.size()) {
      const std::string& v = args[++i];
      batch_rows = v.find_first_not_of("0123456789") == std::string::npos && !v.empty() &&
                           v.size() < 7
                       ? std::stoul(v)
                       : 0;
      if (batch_rows == 0) {
        std::cerr << "quanta-admin: import-csv: --batch wants 1..999999 rows\n";
        return 2;
      }
    } else if (f == "--progress") {
      progress_asked = true;
    } else if (path.empty() && (f == "-" || f[0] != '-')) {
      path = f;
    } else {
      std::cerr << usage;
      return 2;
    }
  }
  if (table_name.empty() || path.empty()) {
    std::cerr << usage;
    return 2;
  }
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return Fail("cannot open " + path);
  }
  std::istream& in = path == "-" ? std::cin : file;
  auto client = ConnectPb(ctx.pb_host, ctx.pb_port, ctx.pb_login);
  if (!client.ok()) return Fail(client.error().message());
  auto table = DescribeTable(**client, table_name);
  if (!table.ok()) return Fail(table.error().message());

  CsvReader reader(in);
  std::vector<CsvField> fields;
  auto header = reader.Next(&fields);
  if (!header.ok()) return Fail(header.error().message());
  if (!*header) return Fail(path + " is empty: the first line must name the columns");
  std::vector<int> target;  // field -> column
  std::set<int> named;
  for (const CsvField& f : fields) {
    const int c = table->Find(f.text);
    if (c < 0) return Fail("line 1: '" + f.text + "' is not a column of " + table_name);
    if (!named.insert(c).second) return Fail("line 1: column '" + f.text + "' appears twice");
    target.push_back(c);
  }
  for (size_t c = 0; c < table->columns.size(); ++c) {
    if (!table->columns[c].nullable && !named.count(static_cast<int>(c))) {
      return Fail("line 1: the NOT NULL column '" + table->columns[c].name + "' is missing");
    }
  }

  Progress progress(progress_asked);
  std::vector<Row> batch;
  uint64_t rows = 0, first_line = 0;
  auto put = [&]() -> Status {
    if (batch.empty()) return Status::OK();
    Status st = (*client)->Put(table_name, batch);
    if (!st.ok()) {
      return Status(st.code(), "the rows of lines " + std::to_string(first_line) + ".." +
                                   std::to_string(reader.record_line()) + ": " + st.message());
    }
    rows += batch.size();
    batch.clear();
    progress.Update(rows, "rows " + std::to_string(rows));
    return Status::OK();
  };
  while (true) {
    auto more = reader.Next(&fields);
    if (!more.ok()) return Fail(more.error().message());
    if (!*more) break;
    const uint64_t line = reader.record_line();
    // A blank last line is no record.
    if (fields.size() == 1 && fields[0].text.empty() && !fields[0].quoted && target.size() > 1) {
      continue;
    }
    if (fields.size() != target.size()) {
      return Fail("line " + std::to_string(line) + ": " + std::to_string(fields.size()) +
                  " fields, the header has " + std::to_string(target.size()));
    }
    Row row(table->columns.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      const ColumnInfo& col = table->columns[target[i]];
      auto v = ParseCell(fields[i], col.type);
      if (!v.ok()) {
        return Fail("line " + std::to_string(line) + ", column '" + col.name + "': " +
                    v.error().message());
      }
      if (v->is_null() && !col.nullable) {
        return Fail("line " + std::to_string(line) + ", column '" + col.name +
                    "': empty, and the column is NOT NULL");
      }
      row[target[i]] = std::move(*v);
    }
    if (batch.empty()) first_line = line;
    batch.push_back(std::move(row));
    if (batch.size() >= batch_rows) {
      if (Status st = put(); !st.ok()) return Fail(st.message());
    }
  }
  if (Status st = put(); !st.ok()) return Fail(st.message());
  progress.Update(rows, "rows " + std::to_string(rows) + " imported", true);
  progress.Finish();
  std::cout << "imported " << rows << " rows into " << table_name << "\n";
  return 0;
}

}  // namespace quanta::admin
