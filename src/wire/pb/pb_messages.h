// Hand-written proto2 codecs for every Riak message the PB port reads or writes
// (riak.proto, riak_kv.proto, riak_ts.proto subsets; docs/formats/pb_framing.md).
//
// The structs model the wire faithfully (a TsCell remembers which value field it used), so
// decode(encode(m)) == m and encode(decode(bytes)) == bytes for canonically written input.
// Converting cells to quanta::Value happens in pb_convert.h.
//
// Encode(m) returns the message body (no frame header). Decode(bytes, &m) overwrites *m; it
// accepts fields in any order, skips unknown fields, and returns a kGeneric Status for malformed
// input (truncation, wrong wire types, a TsCell with two value fields, a missing required field
// the server needs). ToString(m) gives the canonical text used by golden tests.
//
// Thread safety: stateless functions over values.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"

namespace quanta::wire::pb {

// ---- riak.proto / riak_kv.proto ----

struct RpbErrorResp {
  std::string errmsg;
  uint32_t errcode = 0;
  bool operator==(const RpbErrorResp&) const = default;
};

struct RpbGetServerInfoResp {
  std::optional<std::string> node;
  std::optional<std::string> server_version;
  bool operator==(const RpbGetServerInfoResp&) const = default;
};

// RpbGetClientIdResp and RpbSetClientIdReq share this shape: {required bytes client_id = 1}.
struct RpbClientId {
  std::string client_id;
  bool operator==(const RpbClientId&) const = default;
};

struct RpbPair {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const RpbPair&) const = default;
};

// RpbGetReq (code 9): only the fields the server looks at are kept.
struct RpbGetReq {
  std::string bucket;
  std::string key;
  std::optional<std::string> type;
  bool operator==(const RpbGetReq&) const = default;
};

// RpbGetBucketReq (19) {bucket=1, type=2} and RpbGetBucketTypeReq (31) {type=1} both decode here.
struct RpbGetBucketReq {
  std::string bucket;               // empty for RpbGetBucketTypeReq
  std::optional<std::string> type;
  bool operator==(const RpbGetBucketReq&) const = default;
};

// The RpbBucketProps subset the server reports for a TS table (riak.proto field numbers).
struct RpbBucketProps {
  std::optional<uint32_t> n_val;            // 1
  std::optional<bool> allow_mult;           // 2
  std::optional<bool> last_write_wins;      // 3
  std::optional<bool> has_precommit;        // 5
  std::optional<bool> has_postcommit;       // 7
  std::optional<uint32_t> old_vclock;       // 10
  std::optional<uint32_t> young_vclock;     // 11
  std::optional<uint32_t> big_vclock;       // 12
  std::optional<uint32_t> small_vclock;     // 13
  std::optional<uint32_t> pr;               // 14
  std::optional<uint32_t> r;                // 15
  std::optional<uint32_t> w;                // 16
  std::optional<uint32_t> pw;               // 17
  std::optional<uint32_t> dw;               // 18
  std::optional<uint32_t> rw;               // 19
  std::optional<bool> basic_quorum;         // 20
  std::optional<bool> notfound_ok;          // 21
  std::optional<std::string> backend;       // 22
  std::optional<bool> consistent;           // 27
  std::optional<bool> write_once;           // 28
  bool operator==(const RpbBucketProps&) const = default;
};

struct RpbGetBucketResp {
  RpbBucketProps props;
  bool operator==(const RpbGetBucketResp&) const = default;
};

// Riak's symbolic quorum values as carried in RpbBucketProps uint32 fields.
inline constexpr uint32_t kQuorumOne = 4294967294u;       // 'one'
inline constexpr uint32_t kQuorumQuorum = 4294967293u;    // 'quorum'
inline constexpr uint32_t kQuorumAll = 4294967292u;       // 'all'
inline constexpr uint32_t kQuorumDefault = 4294967291u;   // 'default'

// ---- riak_ts.proto ----

struct TsCell {
  enum class Field : uint8_t { kNull, kVarchar, kSint64, kTimestamp, kBoolean, kDouble };
  Field field = Field::kNull;
  std::string varchar_value;
  int64_t int_value = 0;     // sint64_value or timestamp_value
  bool boolean_value = false;
  double double_value = 0;

  static TsCell Null() { return {}; }
  static TsCell Varchar(std::string v) { TsCell c; c.field = Field::kVarchar; c.varchar_value = std::move(v); return c; }
  static TsCell Sint64(int64_t v) { TsCell c; c.field = Field::kSint64; c.int_value = v; return c; }
  static TsCell Timestamp(int64_t v) { TsCell c; c.field = Field::kTimestamp; c.int_value = v; return c; }
  static TsCell Boolean(bool v) { TsCell c; c.field = Field::kBoolean; c.boolean_value = v; return c; }
  static TsCell Double(double v) { TsCell c; c.field = Field::kDouble; c.double_value = v; return c; }

  bool operator==(const TsCell& o) const;
};

using TsRow = std::vector<TsCell>;

struct TsColumnDescription {
  std::string name;
  ColumnType type = ColumnType::kVarchar;
  bool operator==(const TsColumnDescription&) const = default;
};

struct TsInterpolation {
  std::string base;
  std::vector<RpbPair> interpolations;
  bool operator==(const TsInterpolation&) const = default;
};

struct TsQueryReq {
  std::optional<TsInterpolation> query;
  std::optional<bool> stream;
  std::optional<std::string> cover_context;
  bool operator==(const TsQueryReq&) const = default;
};

struct TsQueryResp {
  std::vector<TsColumnDescription> columns;
  std::vector<TsRow> rows;
  std::optional<bool> done;  // omitted by the server (default true)
  bool operator==(const TsQueryResp&) const = default;
};

struct TsGetReq {
  std::string table;
  TsRow key;
  std::optional<uint32_t> timeout;
  bool operator==(const TsGetReq&) const = default;
};

struct TsGetResp {
  std::vector<TsColumnDescription> columns;
  std::vector<TsRow> rows;
  bool operator==(const TsGetResp&) const = default;
};

struct TsPutReq {
  std::string table;
  std::vector<TsColumnDescription> columns;  // ignored by the server
  std::vector<TsRow> rows;
  bool operator==(const TsPutReq&) const = default;
};

struct TsDelReq {
  std::string table;
  TsRow key;
  std::optional<std::string> vclock;
  std::optional<uint32_t> timeout;
  bool operator==(const TsDelReq&) const = default;
};

struct TsListKeysReq {
  std::string table;
  std::optional<uint32_t> timeout;
  bool operator==(const TsListKeysReq&) const = default;
};

struct TsListKeysResp {
  std::vector<TsRow> keys;
  bool done = false;  // always written (no default in the .proto)
  bool operator==(const TsListKeysResp&) const = default;
};

struct TsCoverageReq {
  std::optional<TsInterpolation> query;
  std::string table;
  std::optional<std::string> replace_cover;
  std::vector<std::string> unavailable_cover;
  bool operator==(const TsCoverageReq&) const = default;
};

struct TsRange {
  std::string field_name;
  int64_t lower_bound = 0;
  bool lower_bound_inclusive = false;
  int64_t upper_bound = 0;
  bool upper_bound_inclusive = false;
  std::string desc;
  bool operator==(const TsRange&) const = default;
};

struct TsCoverageEntry {
  std::string ip;
  uint32_t port = 0;
  std::string cover_context;
  std::optional<TsRange> range;
  bool operator==(const TsCoverageEntry&) const = default;
};

struct TsCoverageResp {
  std::vector<TsCoverageEntry> entries;
  bool operator==(const TsCoverageResp&) const = default;
};

// ---- codecs ----
#define QUANTA_PB_MESSAGE(T)                  \
  std::string Encode(const T& m);             \
  Status Decode(std::string_view in, T* m);   \
  std::string ToString(const T& m);

QUANTA_PB_MESSAGE(RpbErrorResp)
QUANTA_PB_MESSAGE(RpbGetServerInfoResp)
QUANTA_PB_MESSAGE(RpbClientId)
QUANTA_PB_MESSAGE(RpbGetReq)
QUANTA_PB_MESSAGE(RpbGetBucketResp)
QUANTA_PB_MESSAGE(TsQueryReq)
QUANTA_PB_MESSAGE(TsQueryResp)
QUANTA_PB_MESSAGE(TsGetReq)
QUANTA_PB_MESSAGE(TsGetResp)
QUANTA_PB_MESSAGE(TsPutReq)
QUANTA_PB_MESSAGE(TsDelReq)
QUANTA_PB_MESSAGE(TsListKeysReq)
QUANTA_PB_MESSAGE(TsListKeysResp)
QUANTA_PB_MESSAGE(TsCoverageReq)
QUANTA_PB_MESSAGE(TsCoverageResp)
#undef QUANTA_PB_MESSAGE

// RpbGetBucketReq (code 19) and RpbGetBucketTypeReq (code 31) have different layouts.
std::string EncodeGetBucketReq(const RpbGetBucketReq& m);
Status DecodeGetBucketReq(std::string_view in, RpbGetBucketReq* m);
std::string EncodeGetBucketTypeReq(const RpbGetBucketReq& m);
Status DecodeGetBucketTypeReq(std::string_view in, RpbGetBucketReq* m);
std::string ToString(const RpbGetBucketReq& m);

std::string ToString(const TsCell& c);
std::string ToString(const TsRow& r);

// Canonical text of a whole frame body by message code ("TsPutResp{}", "RpbPingReq{}"...), or
// the decode error. Used by golden tests and debugging tools. Code 104 is not handled here
// (see ttb_messages.h).
Result<std::string> DescribePbMessage(uint8_t code, std::string_view payload);

// ---- server-side decoding with bounded memory ----
// The server never materialises what it ignores or what a hostile frame could multiply: these
// accept and reject exactly what Decode() does (same errors), but keep less.

// As Decode(), without keeping the interpolation pairs (and, for coverage, unavailable_cover):
// the server ignores them, and a frame of empty pairs would otherwise cost ~36x its size.
Status DecodeForServer(std::string_view in, TsQueryReq* m);
Status DecodeForServer(std::string_view in, TsCoverageReq* m);

// Number of top-level fields numbered `number` (stops quietly at malformed input).
size_t CountFields(std::string_view in, uint32_t number);

// A TsCell as views into the message (no copies).
struct TsCellView {
  TsCell::Field field = TsCell::Field::kNull;
  std::string_view varchar_value;
  int64_t int_value = 0;
  bool boolean_value = false;
  double double_value = 0;
};
Status DecodeCellView(std::string_view in, TsCellView* c);
// The same by walking the cell's fields one by one: the reference DecodeCellView's fast path
// for the cells clients send (one field) must agree with, on any input (tests, fuzz).
Status DecodeCellViewGeneric(std::string_view in, TsCellView* c);

// The cells of one row body in order (field 1 of TsRow; other fields are skipped), as
// ForEachTsCell reads them, without a callback per cell.
class TsCellRowReader {
 public:
  explicit TsCellRowReader(std::string_view row) : rest_(row) {}
  // The next cell into *c and *got = true, or *got = false at the end of the row.
  Status Next(TsCellView* c, bool* got) {
    // A cell of up to 127 bytes whose key is one byte: length-delimited field 1.
    if (rest_.size() >= 2 && rest_[0] == 0x0a && static_cast<uint8_t>(rest_[1]) < 0x80 &&
        static_cast<size_t>(rest_[1]) + 2 <= rest_.size()) {
      const auto n = static_cast<size_t>(rest_[1]);
      std::string_view body = rest_.substr(2, n);
      rest_.remove_prefix(2 + n);
      *got = true;
      return DecodeCellView(body, c);
    }
    return NextSlow(c, got);
  }

 private:
  Status NextSlow(TsCellView* c, bool* got);
  std::string_view rest_;
};

// Checks a whole TsPutReq as Decode() does, without building it: the table name and the number
// of rows come back. After it succeeded, ForEachTsPutRow/ForEachTsCell walk the same message
// and cannot fail on their own (errors are then only those the callbacks return).
Status ScanTsPutReq(std::string_view in, std::string* table, size_t* rows);
// Checks the top level of a TsPutReq only (table, columns, each row a length-delimited field):
// a put decodes and checks the cells once, as it converts them, and calls ScanTsPutReq only
// when that fails, for the error a whole check reports first.
Status ScanTsPutReqShallow(std::string_view in, std::string* table, size_t* rows);
// Calls fn(row body) for each row in order; stops at the first error fn returns.
Status ForEachTsPutRow(std::string_view in, const std::function<Status(std::string_view row)>& fn);
// Calls fn(cell) for each cell of one row body in order.
Status ForEachTsCell(std::string_view row, const std::function<Status(const TsCellView&)>& fn);

// Quoted, escaped rendering of bytes used by the ToString functions: "a\x00b".
std::string QuoteBytes(std::string_view bytes);

}  // namespace quanta::wire::pb
