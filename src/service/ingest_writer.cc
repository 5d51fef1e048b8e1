#include "service/ingest_writer.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/value.h"
#include "ingest/remote_write.h"
#include "schema/table_def.h"
#include "service/ts_service.h"

namespace quanta::service {
namespace {

using ingest::Field;
using ingest::FieldType;
using ingest::Point;

int64_t NowMs(const TsService& service) {
  if (service.options().clock_ms) return service.options().clock_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A failure that concerns the server, not the data: it fails the request (and may be retried)
// instead of dropping lines.
bool IsRequestFailure(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kMemoryLimit:
    case ErrorCode::kNoSpace:
    case ErrorCode::kTimeout:
    case ErrorCode::kIoError:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal:
      return true;
    case ErrorCode::kSubmit:
      return st.message() == "overload";
    case ErrorCode::kPut:
      // Part of a batch written, the rest refused by storage (the cause in detail); a row
      // over the size limit has no cause and is the data's fault.
      return !st.detail().empty();
    default:
      return false;
  }
}

std::string Quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string_view ColumnTypeFor(FieldType type) {
  switch (type) {
    case FieldType::kFloat: return "DOUBLE";
    case FieldType::kInteger:
    case FieldType::kUnsigned: return "SINT64";
    case FieldType::kString: return "VARCHAR";
    case FieldType::kBoolean: return "BOOLEAN";
  }
  return "VARCHAR";
}

std::string QuantumSql(const TsService& service, std::string_view column) {
  const ServiceOptions& o = service.options();
  return "QUANTUM(" + Quoted(column) + ", " + std::to_string(o.ingest_quantum_size) + ", '" +
         std::string(1, o.ingest_quantum_unit) + "')";
}

// Riak's object size check (TsService::Put refuses the whole batch for one such row).
size_t ApproxRowBytes(const Row& row) {
  size_t n = 0;
  for (const auto& v : row) n += v.is_bytes() ? v.as_bytes().size() + 4 : 9;
  return n;
}

int64_t RowMemoryBytes(const Row& row) {
  int64_t n = static_cast<int64_t>(sizeof(Row) + row.capacity() * sizeof(Value));
  for (const auto& v : row) {
    if (v.is_bytes()) n += static_cast<int64_t>(v.as_bytes().capacity());
  }
  return n;
}

// Finds `name`, or creates it with `create_sql`. A creation the catalog refuses for the data's
// sake (a name SQL does not accept, ...) is returned as kParse-like status with the message
// prefixed; request failures are returned as they are.
Result<schema::TableDefPtr> FindOrCreate(TsService& service, const std::string& name,
                                         const std::string& create_sql,
                                         const IngestAuthorizer& authorize) {
  auto found = service.FindTable(name);
  if (found.ok()) return found;
  if (found.error().code() != ErrorCode::kTableInactive) return found.error();
  if (authorize) QUANTA_RETURN_IF_ERROR(authorize("riak_ts.create_table", name));
  QueryOutcome outcome;
  Status created = service.Query(create_sql, QueryOptions{}, &outcome);
  // Another request may have created it in between: then its table is used.
  auto again = service.FindTable(name);
  if (again.ok()) return again;
  if (!created.ok()) {
    if (IsRequestFailure(created)) return created;
    return Status(ErrorCode::kCreate,
                  "cannot create table " + Quoted(name) + ": " + created.message());
  }
  return again.error();
}

// ---- line protocol -------------------------------------------------------------------------

class LineWriter {
 public:
  LineWriter(TsService& service, ingest::Precision precision, MemoryReservation* memory,
             IngestReport* report, const IngestAuthorizer& authorize)
      : service_(service), precision_(precision), memory_(memory), report_(report),
        authorize_(authorize), now_ms_(NowMs(service)) {}

  ~LineWriter() { memory_->Shrink(charged_); }

  Status Add(Point&& point, size_t line) {
    int64_t bytes = point.MemoryBytes();
    QUANTA_RETURN_IF_ERROR(memory_->Grow(bytes, "the decoded lines"));
    charged_ += bytes;
    points_.push_back(std::move(point));
    lines_.push_back(line);
    if (points_.size() >= kIngestBatchRows) return Flush();
    return Status::OK();
  }

  void Drop(size_t line, std::string_view problem) {
    if (report_->dropped++ == 0) {
      report_->first_problem = "line " + std::to_string(line) + ": " + std::string(problem);
    }
  }

  Status Flush() {
    // Group by measurement, in order of first appearance.
    std::vector<std::string_view> order;
    std::unordered_map<std::string_view, std::vector<size_t>> groups;
    for (size_t i = 0; i < points_.size(); ++i) {
      auto [it, inserted] = groups.try_emplace(points_[i].measurement);
      if (inserted) order.push_back(points_[i].measurement);
      it->second.push_back(i);
    }
    if (authorize_) {
      // Every table of the batch before any row of it is written.
      for (std::string_view measurement : order) {
        const std::string name(measurement);
        auto found = service_.FindTable(name);
        if (!found.ok() && found.error().code() == ErrorCode::kTableInactive) {
          QUANTA_RETURN_IF_ERROR(authorize_("riak_ts.create_table", name));
        }
        QUANTA_RETURN_IF_ERROR(authorize_("riak_ts.put", name));
      }
    }
    for (std::string_view measurement : order) {
      QUANTA_RETURN_IF_ERROR(WriteGroup(std::string(measurement), groups[measurement]));
    }
    points_.clear();
    lines_.clear();
    memory_->Shrink(charged_);
    charged_ = 0;
    return Status::OK();
  }

 private:
  // CREATE TABLE from the tags and fields of the group's points (docs/ingest.md).
  std::string CreateSql(const std::string& name, const std::vector<size_t>& group) const {
    std::map<std::string, bool> tags;  // sorted
    std::map<std::string, FieldType> fields;
    for (size_t i : group) {
      for (const auto& [key, value] : points_[i].tags) tags.emplace(key, true);
    }
    for (size_t i : group) {
      for (const Field& f : points_[i].fields) {
        if (!tags.count(f.key)) fields.emplace(f.key, f.type);
      }
    }
    std::string sql = "CREATE TABLE " + Quoted(name) + " (";
    std::string key_tags;
    for (const auto& [tag, unused] : tags) {
      sql += Quoted(tag) + " VARCHAR NOT NULL, ";
      key_tags += Quoted(tag) + ", ";
    }
    sql += "\"time\" TIMESTAMP NOT NULL, ";
    for (const auto& [field, type] : fields) {
      sql += Quoted(field) + " " + std::string(ColumnTypeFor(type)) + ", ";
    }
    sql += "PRIMARY KEY ((" + key_tags + QuantumSql(service_, "time") + "), " + key_tags +
           "\"time\"))";
    return sql;
  }

  Status WriteGroup(const std::string& name, const std::vector<size_t>& group) {
    auto table = FindOrCreate(service_, name, CreateSql(name, group), authorize_);
    if (!table.ok()) {
      if (IsRequestFailure(table.error())) return table.error();
      for (size_t i : group) Drop(lines_[i], table.error().message());
      return Status::OK();
    }
    const schema::TableDef& def = **table;
    std::vector<Row> rows;
    rows.reserve(group.size());
    int64_t row_bytes = 0;
    for (size_t i : group) {
      Row row;
      if (auto problem = MapPoint(def, points_[i], &row)) {
        Drop(lines_[i], *problem);
        continue;
      }
      int64_t bytes = RowMemoryBytes(row);
      Status grown = memory_->Grow(bytes, "the decoded rows");
      if (!grown.ok()) {
        memory_->Shrink(row_bytes);
        return grown;
      }
      row_bytes += bytes;
      rows.push_back(std::move(row));
    }
    size_t n = rows.size();
    Status put = service_.Put(name, std::move(rows));
    memory_->Shrink(row_bytes);
    if (!put.ok()) {
      if (IsRequestFailure(put)) return put;
      for (size_t i : group) Drop(lines_[i], put.message());
      return Status::OK();
    }
    report_->written += n;
    return Status::OK();
  }

  std::optional<std::string> MapPoint(const schema::TableDef& def, const Point& point,
                                      Row* row) const {
    const int time_col = def.quantum_column();
    if (time_col < 0) {
      return "table " + Quoted(def.name) + " has no QUANTUM column for the timestamp";
    }
    row->assign(def.columns.size(), Value::Null());
    std::optional<int64_t> ts = now_ms_;
    if (point.timestamp) ts = ingest::ToMillis(*point.timestamp, precision_);
    if (!ts) return std::string("timestamp out of range");
    if (*ts <= 0) {
      return "timestamp " + std::to_string(*point.timestamp) +
             " is not after 1970-01-01T00:00:00Z (Riak TS timestamps are positive)";
    }
    (*row)[time_col] = Value::Int(*ts);
    for (const auto& [key, value] : point.tags) {
      int c = def.ColumnIndex(key);
      if (c < 0) {
        return "unknown tag " + Quoted(key) + " for table " + Quoted(def.name) +
               " (its columns are fixed when it is created; declare it with CREATE TABLE "
               "before the first write)";
      }
      ColumnType type = def.columns[c].type;
      if (c == time_col || !IsStringType(type)) {
        return "tag type conflict: tag " + Quoted(key) + " on measurement " +
               Quoted(point.measurement) + " is a string, column is " +
               std::string(ColumnTypeName(type));
      }
      (*row)[c] = Value::Bytes(value);
    }
    for (const Field& f : point.fields) {
      int c = def.ColumnIndex(f.key);
      if (c < 0) {
        return "unknown field " + Quoted(f.key) + " for table " + Quoted(def.name) +
               " (its columns are fixed when it is created; declare it with CREATE TABLE "
               "before the first write)";
      }
      ColumnType type = def.columns[c].type;
      bool ok = c != time_col;
      if (ok) {
        switch (f.type) {
          case FieldType::kFloat:
            ok = type == ColumnType::kDouble;
            if (ok) (*row)[c] = Value::Double(f.f);
            break;
          case FieldType::kInteger:
            ok = type == ColumnType::kSint64;
            if (ok) (*row)[c] = Value::Int(f.i);
            break;
          case FieldType::kUnsigned:
            ok = type == ColumnType::kSint64;
            if (ok && f.u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
              return "unsigned field value for field key " + Quoted(f.key) +
                     " out of range for SINT64";
            }
            if (ok) (*row)[c] = Value::Int(static_cast<int64_t>(f.u));
            break;
          case FieldType::kString:
            ok = IsStringType(type);
            if (ok) (*row)[c] = Value::Bytes(f.s);
            break;
          case FieldType::kBoolean:
            ok = type == ColumnType::kBoolean;
            if (ok) (*row)[c] = Value::Bool(f.b);
            break;
        }
      }
      if (!ok) {
        return "field type conflict: input field " + Quoted(f.key) + " on measurement " +
               Quoted(point.measurement) + " is type " +
               std::string(ingest::FieldTypeName(f.type)) + ", already exists as type " +
               std::string(ColumnTypeName(type));
      }
    }
    // Key columns the line does not name: the empty string for VARCHAR (a missing tag).
    for (size_t c = 0; c < def.columns.size(); ++c) {
      if (!(*row)[c].is_null() || def.columns[c].nullable) continue;
      if (def.IsKeyColumn(static_cast<int>(c)) && def.columns[c].type == ColumnType::kVarchar) {
        (*row)[c] = Value::Bytes("");
      } else {
        return "missing value for column " + Quoted(def.columns[c].name) + " (NOT NULL)";
      }
    }
    if (!schema::RowIsValid(def, *row)) return std::string("row not valid for the table");
    if (static_cast<int64_t>(ApproxRowBytes(*row)) > service_.options().max_object_size) {
      return std::string("row larger than object.size.maximum");
    }
    return std::nullopt;
  }

  TsService& service_;
  const ingest::Precision precision_;
  MemoryReservation* memory_;
  IngestReport* report_;
  const IngestAuthorizer& authorize_;
  const int64_t now_ms_;
  std::vector<Point> points_;
  std::vector<size_t> lines_;
  int64_t charged_ = 0;
};

// ---- remote write --------------------------------------------------------------------------

struct PromColumns {
  int metric = -1, labels = -1, time = -1, value = -1;
};

Result<PromColumns> PromLayout(const schema::TableDef& def) {
  PromColumns c{def.ColumnIndex("metric"), def.ColumnIndex("labels"), def.quantum_column(),
                def.ColumnIndex("value")};
  auto is = [&](int col, ColumnType type) { return col >= 0 && def.columns[col].type == type; };
  if (!is(c.metric, ColumnType::kVarchar) || !is(c.labels, ColumnType::kVarchar) ||
      !is(c.time, ColumnType::kTimestamp) || !is(c.value, ColumnType::kDouble)) {
    return Status(ErrorCode::kInvalidArgument,
                  "table " + Quoted(def.name) +
                      " does not have the remote write layout (metric VARCHAR, labels VARCHAR, "
                      "a QUANTUM TIMESTAMP column, value DOUBLE); see ingest.prometheus_table");
  }
  return c;
}

}  // namespace

Status IngestLineProtocol(TsService& service, std::string_view body, ingest::Precision precision,
                          MemoryReservation* memory, IngestReport* report,
                          const IngestAuthorizer& authorize) {
  LineWriter writer(service, precision, memory, report, authorize);
  size_t pos = 0;
  size_t line = 0;
  Point point;
  std::optional<ingest::LineError> error;
  while (true) {
    bool got = ingest::NextPoint(body, &pos, &line, &point, &error);
    if (error) {
      writer.Drop(error->line, error->message);
      error.reset();
      continue;
    }
    if (!got) break;
    const size_t point_line = point.line;
    QUANTA_RETURN_IF_ERROR(writer.Add(std::move(point), point_line));
  }
  return writer.Flush();
}

Status IngestRemoteWrite(TsService& service, std::string_view message, MemoryReservation* memory,
                         IngestReport* report, const IngestAuthorizer& authorize) {
  const std::string& name = service.options().prometheus_table;
  std::string create = "CREATE TABLE " + Quoted(name) +
                       " (metric VARCHAR NOT NULL, labels VARCHAR NOT NULL, "
                       "\"time\" TIMESTAMP NOT NULL, value DOUBLE, PRIMARY KEY ((metric, labels, " +
                       QuantumSql(service, "time") + "), metric, labels, \"time\"))";
  std::optional<PromColumns> columns;
  size_t width = 0;
  std::vector<Row> rows;
  int64_t charged = 0;
  struct Release {
    MemoryReservation* m;
    int64_t& n;
    ~Release() { m->Shrink(n); }
  } release{memory, charged};

  auto flush = [&]() -> Status {
    size_t n = rows.size();
    if (n == 0) return Status::OK();
    Status put = service.Put(name, std::move(rows));
    rows = {};
    memory->Shrink(charged);
    charged = 0;
    QUANTA_RETURN_IF_ERROR(put);
    report->written += n;
    return Status::OK();
  };

  std::string metric, labels;
  Status decoded = ingest::DecodeWriteRequest(message, [&](ingest::Series& series) -> Status {
    if (series.samples.empty()) return Status::OK();
    if (!columns) {
      // The table is looked up (or created) once the request has a sample.
      QUANTA_ASSIGN_OR_RETURN(auto table, FindOrCreate(service, name, create, authorize));
      if (authorize) QUANTA_RETURN_IF_ERROR(authorize("riak_ts.put", name));
      QUANTA_ASSIGN_OR_RETURN(columns, PromLayout(*table));
      width = table->columns.size();
    }
    ingest::CanonicalLabels(&series.labels, &metric, &labels);
    for (const ingest::Sample& s : series.samples) {
      if (ingest::IsStaleMarker(s.value)) {
        ++report->stale_markers;
        continue;
      }
      if (s.timestamp_ms <= 0) {
        if (report->dropped++ == 0) report->first_problem = "sample timestamp not positive";
        continue;
      }
      Row row(width);
      row[columns->metric] = Value::Bytes(metric);
      row[columns->labels] = Value::Bytes(labels);
      row[columns->time] = Value::Int(s.timestamp_ms);
      // Riak TS doubles are finite: NaN and infinities are stored as NULL.
      if (std::isfinite(s.value)) row[columns->value] = Value::Double(s.value);
      int64_t bytes = RowMemoryBytes(row);
      QUANTA_RETURN_IF_ERROR(memory->Grow(bytes, "the decoded samples"));
      charged += bytes;
      rows.push_back(std::move(row));
      if (rows.size() >= kIngestBatchRows) QUANTA_RETURN_IF_ERROR(flush());
    }
    return Status::OK();
  });
  QUANTA_RETURN_IF_ERROR(decoded);
  return flush();
}

}  // namespace quanta::service
