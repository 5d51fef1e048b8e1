#include "exec/planner.h"

#include <algorithm>

#include "common/coding.h"
#include "exec/analyzer.h"

namespace quanta::exec {

Status CheckQuantaSpan(const BoundSelect& select, const PlannerOptions& options) {
  const schema::Quantum* q = select.table->quantum();
  if (!q || !select.time) return Status::OK();
  const TimeRange& r = *select.time;
  // Lo and Hi_excl as Riak counts them; overflow-safe for the extremes of int64.
  __int128 lo = static_cast<__int128>(r.lo) + (r.lo_inclusive ? 0 : 1);
  __int128 hi_excl = static_cast<__int128>(r.hi) + (r.hi_inclusive ? 1 : 0);
  __int128 nquanta = (hi_excl - lo) / q->Millis();
  if (nquanta >= options.max_quanta_span) {
    int64_t shown = nquanta > INT64_MAX ? INT64_MAX : static_cast<int64_t>(nquanta);
    return Status(ErrorCode::kQuantaLimit, "Query spans too many quanta (" +
                                               std::to_string(shown) + ", max " +
                                               std::to_string(options.max_quanta_span) + ")");
  }
  return Status::OK();
}

namespace {

// The sub-queries of one partition (its non-quantum key values), appended to `plan`.
Status PlanPartition(const BoundSelect& select, const Row& partition,
                     const PlannerOptions& options, std::vector<SubQuery>* out) {
  const schema::TableDef& table = *select.table;
  std::vector<SubQuery> plan;
  const schema::Quantum* q = table.quantum();
  if (!q || !select.time) {
    SubQuery sq;
    sq.partition = partition;
    out->push_back(std::move(sq));
    return Status::OK();
  }
  const TimeRange& r = *select.time;
  const int64_t qms = q->Millis();
  // Lo and Hi_excl as Riak counts them; overflow-safe for the extremes of int64.
  __int128 lo = static_cast<__int128>(r.lo) + (r.lo_inclusive ? 0 : 1);
  __int128 hi_excl = static_cast<__int128>(r.hi) + (r.hi_inclusive ? 1 : 0);
  QUANTA_RETURN_IF_ERROR(CheckQuantaSpan(select, options));
  const int64_t lo64 = static_cast<int64_t>(lo);
  // Quantum starts truncate toward zero, as Riak computes them (riak_ts.md 4.2, 7.4).
  const int64_t b0 = q->StartOf(lo64);
  for (__int128 start = b0; start < hi_excl; start += qms) {
    SubQuery sq;
    sq.partition = partition;
    sq.partition.push_back(Value::Int(static_cast<int64_t>(start)));
    // The first sub-query starts at the query's lower bound (for negative times the truncated
    // quantum start can lie above it).
    __int128 s = plan.empty() ? lo : start;
    __int128 e = start + qms;
    sq.start = static_cast<int64_t>(s);
    sq.start_inclusive = true;
    if (e >= hi_excl) {
      sq.end = r.hi;
      sq.end_inclusive = r.hi_inclusive;
    } else {
      sq.end = static_cast<int64_t>(e);
      sq.end_inclusive = false;
    }
    plan.push_back(std::move(sq));
  }
  // A DESC quantum column means newest-first results: run the quanta in descending order.
  int lk_pos = table.LkPosition(table.quantum_column());
  if (lk_pos >= 0 && table.local_key[lk_pos].desc()) {
    std::reverse(plan.begin(), plan.end());
  }
  // Several partitions (IN on the partition key, Riak TS 1.6): the limit counts every
  // sub-query of the statement.
  if (!out->empty() && static_cast<int64_t>(out->size() + plan.size()) > options.max_quanta_span) {
    return Status(ErrorCode::kQuantaLimit,
                  "Query spans too many quanta (" + std::to_string(plan.size()) + " in each of " +
                      std::to_string(select.partitions.size()) + " partitions, max " +
                      std::to_string(options.max_quanta_span) + " in all)");
  }
  for (auto& sq : plan) out->push_back(std::move(sq));
  return Status::OK();
}

// Every listed partition of the time range (all_partitions, a Quanta extension): one
// sub-query each, its quantum cut to the range; a series' quanta newest first when the
// quantum column is DESC.
Result<std::vector<SubQuery>> PlanListed(const BoundSelect& select,
                                         const PlannerOptions& options) {
  const schema::TableDef& table = *select.table;
  const schema::Quantum* q = table.quantum();
  if (!q || !select.time) return InternalError("listed partitions need a time range");
  QUANTA_RETURN_IF_ERROR(CheckQuantaSpan(select, options));
  if (static_cast<int64_t>(select.partitions.size()) > options.max_quanta_span) {
    return Status(ErrorCode::kQuantaLimit,
                  "Query spans too many partitions (more than " +
                      std::to_string(options.max_quanta_span) +
                      " in the time range; name the partition key to narrow it)");
  }
  const TimeRange& r = *select.time;
  const __int128 lo = static_cast<__int128>(r.lo) + (r.lo_inclusive ? 0 : 1);
  const __int128 hi_excl = static_cast<__int128>(r.hi) + (r.hi_inclusive ? 1 : 0);
  const int lk_pos = table.LkPosition(table.quantum_column());
  const bool desc = lk_pos >= 0 && table.local_key[lk_pos].desc();
  std::vector<SubQuery> plan;
  size_t series_start = 0;
  for (const Row& partition : select.partitions) {
    if (partition.empty() || !partition.back().is_int()) {
      return InternalError("a listed partition without its quantum");
    }
    const __int128 start = partition.back().as_int();
    const __int128 end = start + q->Millis();
    if (end <= lo || start >= hi_excl) continue;
    if (!plan.empty() && !std::equal(partition.begin(), partition.end() - 1,
                                     plan.back().partition.begin())) {
      if (desc) std::reverse(plan.begin() + static_cast<std::ptrdiff_t>(series_start), plan.end());
      series_start = plan.size();
    }
    SubQuery sq;
    sq.partition = partition;
    sq.start = static_cast<int64_t>(std::max(lo, start));
    sq.start_inclusive = true;
    if (end >= hi_excl) {
      sq.end = r.hi;
      sq.end_inclusive = r.hi_inclusive;
    } else {
      sq.end = static_cast<int64_t>(end);
      sq.end_inclusive = false;
    }
    plan.push_back(std::move(sq));
  }
  if (desc) std::reverse(plan.begin() + static_cast<std::ptrdiff_t>(series_start), plan.end());
  return plan;
}

}  // namespace

Result<std::vector<SubQuery>> PlanSubQueries(const BoundSelect& select,
                                             const PlannerOptions& options) {
  if (select.all_partitions) return PlanListed(select, options);
  std::vector<SubQuery> plan;
  for (const Row& partition : select.partitions) {
    QUANTA_RETURN_IF_ERROR(PlanPartition(select, partition, options, &plan));
  }
  return plan;
}

namespace {
std::string KeyText(const BoundSelect& select, const SubQuery& sq, bool start) {
  const schema::TableDef& t = *select.table;
  std::string out;
  size_t vi = 0;
  for (const auto& pk : t.partition_key) {
    if (!out.empty()) out += ", ";
    const auto& col = t.columns[pk.column];
    out += col.name + " = ";
    if (pk.quantum) {
      out += std::to_string(start ? *sq.start : *sq.end);
    } else {
      out += vi < sq.partition.size() ? RenderKeyValue(sq.partition[vi], col.type) : "?";
      ++vi;
    }
  }
  return out;
}
}  // namespace

ResultSet ExplainRows(const BoundSelect& select, const std::vector<SubQuery>& plan,
                      const PlannerOptions& options) {
  ResultSet rs;
  rs.columns = {{"Subquery", ColumnType::kSint64},
                {"Coverage Plan", ColumnType::kVarchar},
                {"Range Scan Start Key", ColumnType::kVarchar},
                {"Is Start Inclusive?", ColumnType::kBoolean},
                {"Range Scan End Key", ColumnType::kVarchar},
                {"Is End Inclusive?", ColumnType::kBoolean},
                {"Filter", ColumnType::kVarchar}};
  // Rows are listed in the order the sub-queries run, as in Riak: newest first when the
  // quantum column is DESC. Each row shows its range from low to high.
  std::vector<const SubQuery*> ordered;
  for (const auto& sq : plan) ordered.push_back(&sq);
  const bool has_time = select.time.has_value();
  int64_t n = 0;
  for (const SubQuery* sq : ordered) {
    Row row;
    row.push_back(Value::Int(++n));
    row.push_back(Value::Bytes(options.node_name));
    if (has_time) {
      // Start keys already include the `>` adjustment (L+1), so every start is inclusive;
      // inner ends are exclusive and the last end is inclusive only for `<=`.
      const SubQuery& shown = *sq;
      row.push_back(Value::Bytes(KeyText(select, shown, true)));
      row.push_back(Value::Bool(true));
      row.push_back(Value::Bytes(KeyText(select, shown, false)));
      row.push_back(Value::Bool(sq->end_inclusive));
    } else {
      std::string key = KeyText(select, *sq, true);
      row.push_back(Value::Bytes(key));
      row.push_back(Value::Bool(true));
      row.push_back(Value::Bytes(key));
      row.push_back(Value::Bool(true));
    }
    row.push_back(Value::Bytes(select.filter_text));
    rs.rows.push_back(std::move(row));
  }
  return rs;
}

// Context layout: "QC1" | len-prefixed table | partition count | per value: kind byte + payload
// | start | start_incl | end | end_incl | fixed32 checksum (FNV-1a over everything before it).
namespace {
uint32_t Fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}
}  // namespace

std::string EncodeCoverContext(const std::string& table, const SubQuery& sq) {
  std::string out = "QC1";
  coding::PutLengthPrefixed(&out, table);
  coding::PutVarint64(&out, sq.partition.size());
  for (const auto& v : sq.partition) {
    out.push_back(static_cast<char>(v.kind()));
    switch (v.kind()) {
      case Value::Kind::kNull: break;
      case Value::Kind::kInt: coding::PutVarint64(&out, coding::ZigZagEncode(v.as_int())); break;
      case Value::Kind::kDouble: coding::PutFixed64BE(&out, coding::DoubleBits(v.as_double())); break;
      case Value::Kind::kBytes: coding::PutLengthPrefixed(&out, v.as_bytes()); break;
      case Value::Kind::kBool: out.push_back(v.as_bool() ? 1 : 0); break;
    }
  }
  coding::PutVarint64(&out, coding::ZigZagEncode(sq.start.value_or(0)));
  out.push_back(sq.start_inclusive ? 1 : 0);
  coding::PutVarint64(&out, coding::ZigZagEncode(sq.end.value_or(0)));
  out.push_back(sq.end_inclusive ? 1 : 0);
  out.push_back(sq.start.has_value() ? 1 : 0);
  coding::PutFixed32BE(&out, Fnv1a(out));
  return out;
}

Result<SubQuery> DecodeCoverContext(std::string_view ctx, std::string* table) {
  const Status bad = SubmitError("Bad coverage context");
  if (ctx.size() < 8 || ctx.substr(0, 3) != "QC1") return bad;
  uint32_t sum = coding::DecodeFixed32BE(ctx.data() + ctx.size() - 4);
  std::string_view body = ctx.substr(0, ctx.size() - 4);
  std::string_view in = body.substr(3);
  SubQuery sq;
  std::string_view s;
  uint64_t n, v;
  if (!coding::GetLengthPrefixed(&in, &s)) return bad;
  *table = std::string(s);
  if (!coding::GetVarint64(&in, &n) || n > 64) return bad;
  for (uint64_t i = 0; i < n; ++i) {
    if (in.empty()) return bad;
    auto kind = static_cast<Value::Kind>(in[0]);
    in.remove_prefix(1);
    switch (kind) {
      case Value::Kind::kNull: sq.partition.push_back(Value()); break;
      case Value::Kind::kInt:
        if (!coding::GetVarint64(&in, &v)) return bad;
        sq.partition.push_back(Value::Int(coding::ZigZagDecode(v)));
        break;
      case Value::Kind::kDouble:
        if (in.size() < 8) return bad;
        sq.partition.push_back(Value::Double(coding::BitsToDouble(coding::DecodeFixed64BE(in.data()))));
        in.remove_prefix(8);
        break;
      case Value::Kind::kBytes:
        if (!coding::GetLengthPrefixed(&in, &s)) return bad;
        sq.partition.push_back(Value::Bytes(std::string(s)));
        break;
      case Value::Kind::kBool:
        if (in.empty()) return bad;
        sq.partition.push_back(Value::Bool(in[0] != 0));
        in.remove_prefix(1);
        break;
      default: return bad;
    }
  }
  uint64_t start, end;
  if (!coding::GetVarint64(&in, &start) || in.empty()) return bad;
  sq.start_inclusive = in[0] != 0;
  in.remove_prefix(1);
  if (!coding::GetVarint64(&in, &end) || in.size() != 2) return bad;
  sq.end_inclusive = in[0] != 0;
  bool has_time = in[1] != 0;
  if (Fnv1a(body) != sum) return SubmitError("Query coverage context fails checksum");
  if (has_time) {
    sq.start = coding::ZigZagDecode(start);
    sq.end = coding::ZigZagDecode(end);
  }
  return sq;
}

storage::ScanRange ScanRangeOf(const SubQuery& sq) {
  storage::ScanRange range;
  range.partition = sq.partition;
  range.time_lo = sq.start;
  range.time_lo_inclusive = sq.start_inclusive;
  range.time_hi = sq.end;
  range.time_hi_inclusive = sq.end_inclusive;
  return range;
}

}  // namespace quanta::exec
