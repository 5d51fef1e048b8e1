// TEMPORARY placeholder codec: each column as its Value encoding. Not committed.
#include "storage/engine/chunk.h"
#include <cmath>
#include <cstring>
#include "common/coding.h"
namespace quanta::storage {
using namespace coding;
void EncodeChunk(std::span<const ColumnVector* const> columns, size_t n, std::string* out, const ChunkEncodeOptions&) {
  PutVarint64(out, n);
  PutVarint64(out, columns.size());
  for (const ColumnVector* c : columns) {
    std::string col;
    for (size_t i = 0; i < n; ++i) {
      col.push_back(c->nulls[i] ? 1 : 0);
      switch (c->type) {
        case ColumnType::kSint64: case ColumnType::kTimestamp: PutVarint64(&col, static_cast<uint64_t>(c->ints[i])); break;
        case ColumnType::kDouble: { uint64_t b; std::memcpy(&b, &c->doubles[i], 8); PutVarint64(&col, b); break; }
        case ColumnType::kVarchar: case ColumnType::kBlob: PutVarint64(&col, c->strings[i].size()); col += c->strings[i]; break;
        case ColumnType::kBoolean: col.push_back(c->bools[i]); break;
      }
    }
    PutVarint64(out, col.size());
    out->append(col);
  }
}
Result<ChunkReader> ChunkReader::Open(std::string_view in, std::span<const ColumnType> types) {
  ChunkReader r;
  uint64_t n, nc;
  auto bad = [] { return Status(ErrorCode::kCorruption, "bad chunk"); };
  if (!GetVarint64(&in, &n) || !GetVarint64(&in, &nc) || nc != types.size()) return bad();
  r.rows_ = n;
  for (size_t c = 0; c < nc; ++c) {
    uint64_t len;
    if (!GetVarint64(&in, &len) || len > in.size()) return bad();
    r.cols_.push_back(in.substr(0, len));
    in.remove_prefix(len);
    r.types_.push_back(types[c]);
    ColumnVector v; v.type = types[c];
    QUANTA_RETURN_IF_ERROR(r.DecodeColumn(c, &v));
    ChunkColumnStats st;
    bool first = true;
    for (size_t i = 0; i < n; ++i) {
      if (v.nulls[i]) { st.null_count++; continue; }
      st.value_count++;
      if (types[c] == ColumnType::kDouble) {
        double d = v.doubles[i]; st.dsum.Add(d);
        if (first || (std::isnan(st.dmin) ? !std::isnan(d) : d < st.dmin)) st.dmin = d;
        if (first || (std::isnan(d) ? !std::isnan(st.dmax) : d > st.dmax)) st.dmax = d;
      } else if (types[c] == ColumnType::kSint64 || types[c] == ColumnType::kTimestamp) {
        int64_t x = v.ints[i]; st.isum += x;
        if (first || x < st.imin) st.imin = x;
        if (first || x > st.imax) st.imax = x;
      }
      first = false;
    }
    r.stats_.push_back(st);
  }
  return r;
}
Status ChunkReader::DecodeColumn(size_t c, ColumnVector* out) const {
  std::string_view in = cols_[c];
  auto bad = [] { return Status(ErrorCode::kCorruption, "bad chunk"); };
  for (size_t i = 0; i < rows_; ++i) {
    if (in.empty()) return bad();
    uint8_t nl = in[0]; in.remove_prefix(1);
    out->nulls.push_back(nl);
    uint64_t x;
    switch (types_[c]) {
      case ColumnType::kSint64: case ColumnType::kTimestamp: if (!GetVarint64(&in, &x)) return bad(); out->ints.push_back(static_cast<int64_t>(x)); break;
      case ColumnType::kDouble: { if (!GetVarint64(&in, &x)) return bad(); double d; std::memcpy(&d, &x, 8); out->doubles.push_back(d); break; }
      case ColumnType::kVarchar: case ColumnType::kBlob: if (!GetVarint64(&in, &x) || x > in.size()) return bad(); out->strings.emplace_back(in.substr(0, x)); in.remove_prefix(x); break;
      case ColumnType::kBoolean: if (in.empty()) return bad(); out->bools.push_back(in[0]); in.remove_prefix(1); break;
    }
  }
  return Status::OK();
}
}  // namespace quanta::storage
