// Canonical text rendering of PB messages (golden tests, debugging).
#include <cstdio>

#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"

namespace quanta::wire::pb {

std::string QuoteBytes(std::string_view bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  out.push_back('"');
  return out;
}

namespace {

std::string Bool(bool b) { return b ? "true" : "false"; }

template <typename T, typename Fn>
std::string List(const std::vector<T>& items, Fn&& fn) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += fn(items[i]);
  }
  return out + "]";
}

std::string Column(const TsColumnDescription& c) {
  return QuoteBytes(c.name) + ":" + std::string(ColumnTypeName(c.type));
}

std::string Interpolation(const TsInterpolation& q) {
  return "TsInterpolation{base=" + QuoteBytes(q.base) + ", interpolations=" +
         List(q.interpolations, [](const RpbPair& p) {
           return "{" + QuoteBytes(p.key) + ", " + (p.value ? QuoteBytes(*p.value) : "undefined") +
                  "}";
         }) +
         "}";
}

std::string Rows(const std::vector<TsRow>& rows) {
  return List(rows, [](const TsRow& r) { return ToString(r); });
}

// Appends ", name=value" for a present optional.
template <typename T, typename Fn>
void Opt(std::string* out, const char* name, const std::optional<T>& v, Fn&& fn) {
  if (v) *out += std::string(", ") + name + "=" + fn(*v);
}

std::string U32(uint32_t v) { return std::to_string(v); }

}  // namespace

std::string ToString(const TsCell& c) {
  switch (c.field) {
    case TsCell::Field::kNull: return "null";
    case TsCell::Field::kVarchar: return QuoteBytes(c.varchar_value);
    case TsCell::Field::kSint64: return "sint64:" + std::to_string(c.int_value);
    case TsCell::Field::kTimestamp: return "timestamp:" + std::to_string(c.int_value);
    case TsCell::Field::kBoolean: return Bool(c.boolean_value);
    case TsCell::Field::kDouble: return "double:" + FormatDouble(c.double_value);
  }
  return "?";
}

std::string ToString(const TsRow& r) {
  return List(r, [](const TsCell& c) { return ToString(c); });
}

std::string ToString(const RpbErrorResp& m) {
  return "RpbErrorResp{errmsg=" + QuoteBytes(m.errmsg) + ", errcode=" + U32(m.errcode) + "}";
}

std::string ToString(const RpbGetServerInfoResp& m) {
  std::string out = "RpbGetServerInfoResp{";
  std::string fields;
  Opt(&fields, "node", m.node, QuoteBytes);
  Opt(&fields, "server_version", m.server_version, QuoteBytes);
  if (!fields.empty()) out += fields.substr(2);
  return out + "}";
}

std::string ToString(const RpbClientId& m) {
  return "RpbClientId{client_id=" + QuoteBytes(m.client_id) + "}";
}

std::string ToString(const RpbGetReq& m) {
  std::string out = "RpbGetReq{bucket=" + QuoteBytes(m.bucket) + ", key=" + QuoteBytes(m.key);
  Opt(&out, "type", m.type, QuoteBytes);
  return out + "}";
}

std::string ToString(const RpbGetBucketReq& m) {
  std::string out = "RpbGetBucketReq{bucket=" + QuoteBytes(m.bucket);
  Opt(&out, "type", m.type, QuoteBytes);
  return out + "}";
}

std::string ToString(const RpbGetBucketResp& m) {
  const RpbBucketProps& p = m.props;
  std::string f;
  Opt(&f, "n_val", p.n_val, U32);
  Opt(&f, "allow_mult", p.allow_mult, Bool);
  Opt(&f, "last_write_wins", p.last_write_wins, Bool);
  Opt(&f, "has_precommit", p.has_precommit, Bool);
  Opt(&f, "has_postcommit", p.has_postcommit, Bool);
  Opt(&f, "old_vclock", p.old_vclock, U32);
  Opt(&f, "young_vclock", p.young_vclock, U32);
  Opt(&f, "big_vclock", p.big_vclock, U32);
  Opt(&f, "small_vclock", p.small_vclock, U32);
  Opt(&f, "pr", p.pr, U32);
  Opt(&f, "r", p.r, U32);
  Opt(&f, "w", p.w, U32);
  Opt(&f, "pw", p.pw, U32);
  Opt(&f, "dw", p.dw, U32);
  Opt(&f, "rw", p.rw, U32);
  Opt(&f, "basic_quorum", p.basic_quorum, Bool);
  Opt(&f, "notfound_ok", p.notfound_ok, Bool);
  Opt(&f, "backend", p.backend, QuoteBytes);
  Opt(&f, "consistent", p.consistent, Bool);
  Opt(&f, "write_once", p.write_once, Bool);
  return "RpbGetBucketResp{props={" + (f.empty() ? f : f.substr(2)) + "}}";
}

std::string ToString(const TsQueryReq& m) {
  std::string f;
  Opt(&f, "query", m.query, Interpolation);
  Opt(&f, "stream", m.stream, Bool);
  Opt(&f, "cover_context", m.cover_context, QuoteBytes);
  return "TsQueryReq{" + (f.empty() ? f : f.substr(2)) + "}";
}

std::string ToString(const TsQueryResp& m) {
  std::string out = "TsQueryResp{columns=" + List(m.columns, Column) + ", rows=" + Rows(m.rows);
  Opt(&out, "done", m.done, Bool);
  return out + "}";
}

std::string ToString(const TsGetReq& m) {
  std::string out = "TsGetReq{table=" + QuoteBytes(m.table) + ", key=" + ToString(m.key);
  Opt(&out, "timeout", m.timeout, U32);
  return out + "}";
}

std::string ToString(const TsGetResp& m) {
  return "TsGetResp{columns=" + List(m.columns, Column) + ", rows=" + Rows(m.rows) + "}";
}

std::string ToString(const TsPutReq& m) {
  return "TsPutReq{table=" + QuoteBytes(m.table) + ", columns=" + List(m.columns, Column) +
         ", rows=" + Rows(m.rows) + "}";
}

std::string ToString(const TsDelReq& m) {
  std::string out = "TsDelReq{table=" + QuoteBytes(m.table) + ", key=" + ToString(m.key);
  Opt(&out, "vclock", m.vclock, QuoteBytes);
  Opt(&out, "timeout", m.timeout, U32);
  return out + "}";
}

std::string ToString(const TsListKeysReq& m) {
  std::string out = "TsListKeysReq{table=" + QuoteBytes(m.table);
  Opt(&out, "timeout", m.timeout, U32);
  return out + "}";
}

std::string ToString(const TsListKeysResp& m) {
  return "TsListKeysResp{keys=" + Rows(m.keys) + ", done=" + Bool(m.done) + "}";
}

std::string ToString(const TsCoverageReq& m) {
  std::string out = "TsCoverageReq{";
  if (m.query) out += "query=" + Interpolation(*m.query) + ", ";
  out += "table=" + QuoteBytes(m.table);
  Opt(&out, "replace_cover", m.replace_cover, QuoteBytes);
  out += ", unavailable_cover=" + List(m.unavailable_cover, QuoteBytes);
  return out + "}";
}

std::string ToString(const TsCoverageResp& m) {
  return "TsCoverageResp{entries=" +
         List(m.entries,
              [](const TsCoverageEntry& e) {
                std::string out = "{ip=" + QuoteBytes(e.ip) + ", port=" + U32(e.port) +
                                  ", cover_context=" + QuoteBytes(e.cover_context);
                if (e.range) {
                  const TsRange& r = *e.range;
                  out += ", range={field_name=" + QuoteBytes(r.field_name) +
                         ", lower_bound=" + std::to_string(r.lower_bound) +
                         ", lower_bound_inclusive=" + Bool(r.lower_bound_inclusive) +
                         ", upper_bound=" + std::to_string(r.upper_bound) +
                         ", upper_bound_inclusive=" + Bool(r.upper_bound_inclusive) +
                         ", desc=" + QuoteBytes(r.desc) + "}";
                }
                return out + "}";
              }) +
         "}";
}

namespace {
template <typename T>
Result<std::string> DecodeAndPrint(std::string_view payload) {
  T m;
  Status st = Decode(payload, &m);
  if (!st.ok()) return st;
  return ToString(m);
}
}  // namespace

Result<std::string> DescribePbMessage(uint8_t c, std::string_view payload) {
  switch (c) {
    case code::kErrorResp: return DecodeAndPrint<RpbErrorResp>(payload);
    case code::kGetServerInfoResp: return DecodeAndPrint<RpbGetServerInfoResp>(payload);
    case code::kGetClientIdResp:
    case code::kSetClientIdReq: {
      auto r = DecodeAndPrint<RpbClientId>(payload);
      if (!r.ok()) return r;
      return std::string(MessageName(c)) + r->substr(std::string_view("RpbClientId").size());
    }
    case code::kGetReq: return DecodeAndPrint<RpbGetReq>(payload);
    case code::kGetBucketReq: {
      RpbGetBucketReq m;
      Status st = DecodeGetBucketReq(payload, &m);
      if (!st.ok()) return st;
      return ToString(m);
    }
    case code::kGetBucketTypeReq: {
      RpbGetBucketReq m;
      Status st = DecodeGetBucketTypeReq(payload, &m);
      if (!st.ok()) return st;
      return "RpbGetBucketTypeReq{type=" + QuoteBytes(*m.type) + "}";
    }
    case code::kGetBucketResp: return DecodeAndPrint<RpbGetBucketResp>(payload);
    case code::kTsQueryReq: return DecodeAndPrint<TsQueryReq>(payload);
    case code::kTsQueryResp: return DecodeAndPrint<TsQueryResp>(payload);
    case code::kTsPutReq: return DecodeAndPrint<TsPutReq>(payload);
    case code::kTsDelReq: return DecodeAndPrint<TsDelReq>(payload);
    case code::kTsGetReq: return DecodeAndPrint<TsGetReq>(payload);
    case code::kTsGetResp: return DecodeAndPrint<TsGetResp>(payload);
    case code::kTsListKeysReq: return DecodeAndPrint<TsListKeysReq>(payload);
    case code::kTsListKeysResp: return DecodeAndPrint<TsListKeysResp>(payload);
    case code::kTsCoverageReq: return DecodeAndPrint<TsCoverageReq>(payload);
    case code::kTsCoverageResp: return DecodeAndPrint<TsCoverageResp>(payload);
    case code::kPingReq:
    case code::kPingResp:
    case code::kGetClientIdReq:
    case code::kSetClientIdResp:
    case code::kGetServerInfoReq:
    case code::kGetResp:
    case code::kTsPutResp:
    case code::kTsDelResp:
    case code::kAuthResp:
    case code::kStartTls:
      return std::string(MessageName(c)) + "{}";
    default:
      return Status(ErrorCode::kGeneric, "Unknown message code: " + std::to_string(c));
  }
}

}  // namespace quanta::wire::pb
