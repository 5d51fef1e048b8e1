#include "wire/pb/pb_messages.h"

#include <cstring>

#include "common/coding.h"
#include "wire/pb/proto_wire.h"

namespace quanta::wire::pb {

bool TsCell::operator==(const TsCell& o) const {
  if (field != o.field) return false;
  switch (field) {
    case Field::kNull: return true;
    case Field::kVarchar: return varchar_value == o.varchar_value;
    case Field::kSint64:
    case Field::kTimestamp: return int_value == o.int_value;
    case Field::kBoolean: return boolean_value == o.boolean_value;
    case Field::kDouble:
      // Bitwise, so NaN payloads and signed zeros round-trip in tests.
      return std::memcmp(&double_value, &o.double_value, sizeof(double)) == 0;
  }
  return false;
}

namespace {

#define RETURN_IF_ERROR QUANTA_RETURN_IF_ERROR

Status Missing(std::string_view msg, std::string_view field) {
  return MalformedProto(std::string(msg) + "." + std::string(field) + " missing");
}

Status ReadString(const ProtoField& f, std::string* out) {
  std::string_view v;
  RETURN_IF_ERROR(f.AsBytes(&v));
  out->assign(v.data(), v.size());
  return Status::OK();
}

Status ReadOptString(const ProtoField& f, std::optional<std::string>* out) {
  std::string s;
  RETURN_IF_ERROR(ReadString(f, &s));
  *out = std::move(s);
  return Status::OK();
}

Status ReadOptUint32(const ProtoField& f, std::optional<uint32_t>* out) {
  uint32_t v;
  RETURN_IF_ERROR(f.AsUint32(&v));
  *out = v;
  return Status::OK();
}

Status ReadOptBool(const ProtoField& f, std::optional<bool>* out) {
  bool v;
  RETURN_IF_ERROR(f.AsBool(&v));
  *out = v;
  return Status::OK();
}

// Walks every field of `in`, calling fn(field) -> Status.
template <typename Fn>
Status ForEachField(std::string_view in, Fn&& fn) {
  ProtoReader r(in);
  while (r.HasNext()) {
    ProtoField f;
    RETURN_IF_ERROR(r.Next(&f));
    RETURN_IF_ERROR(fn(f));
  }
  return Status::OK();
}

// ---- TsCell / TsRow / TsColumnDescription ----

std::string EncodeCell(const TsCell& c) {
  std::string out;
  ProtoWriter w(&out);
  switch (c.field) {
    case TsCell::Field::kNull: break;
    case TsCell::Field::kVarchar: w.WriteBytesField(1, c.varchar_value); break;
    case TsCell::Field::kSint64: w.WriteSint64Field(2, c.int_value); break;
    case TsCell::Field::kTimestamp: w.WriteSint64Field(3, c.int_value); break;
    case TsCell::Field::kBoolean: w.WriteBoolField(4, c.boolean_value); break;
    case TsCell::Field::kDouble: w.WriteDoubleField(5, c.double_value); break;
  }
  return out;
}

}  // namespace

namespace {

// The cells official clients send: one field with a one-byte key that ends the body. Whatever
// this does not recognise is left to DecodeCellViewGeneric, which it agrees with on every input
// (pb_frame_fuzz checks both on the same bytes).
bool DecodeCellViewFast(std::string_view in, TsCellView* c) {
  *c = TsCellView();
  if (in.empty()) return true;  // NULL
  const auto key = static_cast<uint8_t>(in[0]);
  std::string_view rest = in.substr(1);
  switch (key) {
    case 0x29:  // 5: double, fixed64
      if (rest.size() != 8) return false;
      c->field = TsCell::Field::kDouble;
      c->double_value = coding::BitsToDouble(coding::DecodeFixed64LE(rest.data()));
      return true;
    case 0x0a: {  // 1: varchar, length-delimited
      std::string_view bytes;
      if (!coding::GetLengthPrefixed(&rest, &bytes) || !rest.empty()) return false;
      c->field = TsCell::Field::kVarchar;
      c->varchar_value = bytes;
      return true;
    }
    case 0x10:    // 2: sint64
    case 0x18:    // 3: timestamp
    case 0x20: {  // 4: boolean
      uint64_t v;
      if (!coding::GetVarint64(&rest, &v) || !rest.empty()) return false;
      if (key == 0x20) {
        c->field = TsCell::Field::kBoolean;
        c->boolean_value = v != 0;
      } else {
        c->field = key == 0x10 ? TsCell::Field::kSint64 : TsCell::Field::kTimestamp;
        c->int_value = coding::ZigZagDecode(v);
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

Status DecodeCellView(std::string_view in, TsCellView* c) {
  if (DecodeCellViewFast(in, c)) return Status::OK();
  return DecodeCellViewGeneric(in, c);
}

Status DecodeCellViewGeneric(std::string_view in, TsCellView* c) {
  *c = TsCellView();
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    TsCell::Field which;
    switch (f.number) {
      case 1: which = TsCell::Field::kVarchar; break;
      case 2: which = TsCell::Field::kSint64; break;
      case 3: which = TsCell::Field::kTimestamp; break;
      case 4: which = TsCell::Field::kBoolean; break;
      case 5: which = TsCell::Field::kDouble; break;
      default: return Status::OK();
    }
    // Riak crashes (function_clause) on a cell with two different value fields.
    if (c->field != TsCell::Field::kNull && c->field != which) {
      return MalformedProto("TsCell has more than one value set");
    }
    c->field = which;
    switch (which) {
      case TsCell::Field::kVarchar: return f.AsBytes(&c->varchar_value);
      case TsCell::Field::kSint64:
      case TsCell::Field::kTimestamp: return f.AsSint64(&c->int_value);
      case TsCell::Field::kBoolean: return f.AsBool(&c->boolean_value);
      case TsCell::Field::kDouble: return f.AsDouble(&c->double_value);
      case TsCell::Field::kNull: break;
    }
    return Status::OK();
  });
}

namespace {

Status DecodeCell(std::string_view in, TsCell* c) {
  TsCellView v;
  RETURN_IF_ERROR(DecodeCellView(in, &v));
  *c = TsCell();
  c->field = v.field;
  c->varchar_value.assign(v.varchar_value.data(), v.varchar_value.size());
  c->int_value = v.int_value;
  c->boolean_value = v.boolean_value;
  c->double_value = v.double_value;
  return Status::OK();
}

std::string EncodeRow(const TsRow& row) {
  std::string out;
  ProtoWriter w(&out);
  for (const TsCell& c : row) w.WriteMessageField(1, EncodeCell(c));
  return out;
}

Status DecodeRow(std::string_view in, TsRow* row) {
  row->clear();  // keeps the capacity the caller reserved
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    if (f.number != 1) return Status::OK();
    std::string_view body;
    RETURN_IF_ERROR(f.AsBytes(&body));
    TsCell c;
    RETURN_IF_ERROR(DecodeCell(body, &c));
    row->push_back(std::move(c));
    return Status::OK();
  });
}

Status DecodeCellField(const ProtoField& f, TsRow* cells) {
  std::string_view body;
  RETURN_IF_ERROR(f.AsBytes(&body));
  TsCell c;
  RETURN_IF_ERROR(DecodeCell(body, &c));
  cells->push_back(std::move(c));
  return Status::OK();
}

Status DecodeRowField(const ProtoField& f, std::vector<TsRow>* rows) {
  std::string_view body;
  RETURN_IF_ERROR(f.AsBytes(&body));
  TsRow row;
  // Rows of one message have the same width: size the next one like the previous.
  if (!rows->empty()) row.reserve(rows->back().size());
  RETURN_IF_ERROR(DecodeRow(body, &row));
  rows->push_back(std::move(row));
  return Status::OK();
}

std::string EncodeColumn(const TsColumnDescription& c) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, c.name);
  w.WriteVarintField(2, static_cast<uint64_t>(c.type));  // required: written even for 0
  return out;
}

// `cols` null: checked, not kept.
Status DecodeColumnField(const ProtoField& outer, std::vector<TsColumnDescription>* cols) {
  std::string_view body;
  RETURN_IF_ERROR(outer.AsBytes(&body));
  TsColumnDescription c;
  RETURN_IF_ERROR(ForEachField(body, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: return ReadString(f, &c.name);
      case 2: {
        uint64_t t;
        RETURN_IF_ERROR(f.AsUint64(&t));
        if (t > static_cast<uint64_t>(ColumnType::kBlob)) {
          return MalformedProto("unknown TsColumnType " + std::to_string(t));
        }
        c.type = static_cast<ColumnType>(t);
        return Status::OK();
      }
      default: return Status::OK();
    }
  }));
  if (cols != nullptr) cols->push_back(std::move(c));
  return Status::OK();
}

// ---- TsInterpolation / RpbPair ----

std::string EncodeInterpolation(const TsInterpolation& q) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, q.base);
  for (const RpbPair& p : q.interpolations) {
    std::string pair;
    ProtoWriter pw(&pair);
    pw.WriteBytesField(1, p.key);
    if (p.value) pw.WriteBytesField(2, *p.value);
    w.WriteMessageField(2, pair);
  }
  return out;
}

// `keep_pairs` false: the pairs are checked but not kept (the server ignores them).
Status DecodeInterpolation(const ProtoField& outer, std::optional<TsInterpolation>* out,
                           bool keep_pairs = true) {
  std::string_view body;
  RETURN_IF_ERROR(outer.AsBytes(&body));
  TsInterpolation q;
  bool has_base = false;
  RETURN_IF_ERROR(ForEachField(body, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: has_base = true; return ReadString(f, &q.base);
      case 2: {
        std::string_view pb;
        RETURN_IF_ERROR(f.AsBytes(&pb));
        RpbPair p;
        RETURN_IF_ERROR(ForEachField(pb, [&](const ProtoField& pf) -> Status {
          if (pf.number == 1) return ReadString(pf, &p.key);
          if (pf.number == 2) return ReadOptString(pf, &p.value);
          return Status::OK();
        }));
        if (keep_pairs) q.interpolations.push_back(std::move(p));
        return Status::OK();
      }
      default: return Status::OK();
    }
  }));
  if (!has_base) return Missing("TsInterpolation", "base");
  *out = std::move(q);
  return Status::OK();
}

}  // namespace

// ---- RpbErrorResp ----

std::string Encode(const RpbErrorResp& m) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, m.errmsg);
  w.WriteVarintField(2, m.errcode);  // required: written even when 0
  return out;
}

Status Decode(std::string_view in, RpbErrorResp* m) {
  *m = {};
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    if (f.number == 1) return ReadString(f, &m->errmsg);
    if (f.number == 2) return f.AsUint32(&m->errcode);
    return Status::OK();
  });
}

// ---- RpbGetServerInfoResp ----

std::string Encode(const RpbGetServerInfoResp& m) {
  std::string out;
  ProtoWriter w(&out);
  if (m.node) w.WriteBytesField(1, *m.node);
  if (m.server_version) w.WriteBytesField(2, *m.server_version);
  return out;
}

Status Decode(std::string_view in, RpbGetServerInfoResp* m) {
  *m = {};
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    if (f.number == 1) return ReadOptString(f, &m->node);
    if (f.number == 2) return ReadOptString(f, &m->server_version);
    return Status::OK();
  });
}

// ---- RpbClientId ----

std::string Encode(const RpbClientId& m) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, m.client_id);
  return out;
}

Status Decode(std::string_view in, RpbClientId* m) {
  *m = {};
  bool has = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    if (f.number == 1) {
      has = true;
      return ReadString(f, &m->client_id);
    }
    return Status::OK();
  }));
  if (!has) return Missing("RpbClientId", "client_id");
  return Status::OK();
}

// ---- RpbGetReq ----

std::string Encode(const RpbGetReq& m) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, m.bucket);
  w.WriteBytesField(2, m.key);
  if (m.type) w.WriteBytesField(13, *m.type);
  return out;
}

Status Decode(std::string_view in, RpbGetReq* m) {
  *m = {};
  bool has_bucket = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: has_bucket = true; return ReadString(f, &m->bucket);
      case 2: return ReadString(f, &m->key);
      case 13: return ReadOptString(f, &m->type);
      default: return Status::OK();
    }
  }));
  if (!has_bucket) return Missing("RpbGetReq", "bucket");
  return Status::OK();
}

// ---- RpbGetBucketReq / RpbGetBucketTypeReq ----

std::string EncodeGetBucketReq(const RpbGetBucketReq& m) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, m.bucket);
  if (m.type) w.WriteBytesField(2, *m.type);
  return out;
}

Status DecodeGetBucketReq(std::string_view in, RpbGetBucketReq* m) {
  *m = {};
  bool has_bucket = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    if (f.number == 1) {
      has_bucket = true;
      return ReadString(f, &m->bucket);
    }
    if (f.number == 2) return ReadOptString(f, &m->type);
    return Status::OK();
  }));
  if (!has_bucket) return Missing("RpbGetBucketReq", "bucket");
  return Status::OK();
}

std::string EncodeGetBucketTypeReq(const RpbGetBucketReq& m) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, m.type.value_or(""));
  return out;
}

Status DecodeGetBucketTypeReq(std::string_view in, RpbGetBucketReq* m) {
  *m = {};
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    if (f.number == 1) return ReadOptString(f, &m->type);
    return Status::OK();
  }));
  if (!m->type) return Missing("RpbGetBucketTypeReq", "type");
  return Status::OK();
}

// ---- RpbGetBucketResp ----

std::string Encode(const RpbGetBucketResp& m) {
  const RpbBucketProps& p = m.props;
  std::string props;
  ProtoWriter w(&props);
  auto u32 = [&](uint32_t field, const std::optional<uint32_t>& v) {
    if (v) w.WriteVarintField(field, *v);
  };
  auto b = [&](uint32_t field, const std::optional<bool>& v) {
    if (v) w.WriteBoolField(field, *v);
  };
  u32(1, p.n_val);
  b(2, p.allow_mult);
  b(3, p.last_write_wins);
  b(5, p.has_precommit);
  b(7, p.has_postcommit);
  u32(10, p.old_vclock);
  u32(11, p.young_vclock);
  u32(12, p.big_vclock);
  u32(13, p.small_vclock);
  u32(14, p.pr);
  u32(15, p.r);
  u32(16, p.w);
  u32(17, p.pw);
  u32(18, p.dw);
  u32(19, p.rw);
  b(20, p.basic_quorum);
  b(21, p.notfound_ok);
  if (p.backend) w.WriteBytesField(22, *p.backend);
  b(27, p.consistent);
  b(28, p.write_once);
  std::string out;
  ProtoWriter ow(&out);
  ow.WriteMessageField(1, props);
  return out;
}

Status Decode(std::string_view in, RpbGetBucketResp* m) {
  *m = {};
  return ForEachField(in, [&](const ProtoField& outer) -> Status {
    if (outer.number != 1) return Status::OK();
    std::string_view body;
    RETURN_IF_ERROR(outer.AsBytes(&body));
    RpbBucketProps& p = m->props;
    return ForEachField(body, [&](const ProtoField& f) -> Status {
      switch (f.number) {
        case 1: return ReadOptUint32(f, &p.n_val);
        case 2: return ReadOptBool(f, &p.allow_mult);
        case 3: return ReadOptBool(f, &p.last_write_wins);
        case 5: return ReadOptBool(f, &p.has_precommit);
        case 7: return ReadOptBool(f, &p.has_postcommit);
        case 10: return ReadOptUint32(f, &p.old_vclock);
        case 11: return ReadOptUint32(f, &p.young_vclock);
        case 12: return ReadOptUint32(f, &p.big_vclock);
        case 13: return ReadOptUint32(f, &p.small_vclock);
        case 14: return ReadOptUint32(f, &p.pr);
        case 15: return ReadOptUint32(f, &p.r);
        case 16: return ReadOptUint32(f, &p.w);
        case 17: return ReadOptUint32(f, &p.pw);
        case 18: return ReadOptUint32(f, &p.dw);
        case 19: return ReadOptUint32(f, &p.rw);
        case 20: return ReadOptBool(f, &p.basic_quorum);
        case 21: return ReadOptBool(f, &p.notfound_ok);
        case 22: return ReadOptString(f, &p.backend);
        case 27: return ReadOptBool(f, &p.consistent);
        case 28: return ReadOptBool(f, &p.write_once);
        default: return Status::OK();
      }
    });
  });
}

// ---- TsQueryReq / TsQueryResp ----

std::string Encode(const TsQueryReq& m) {
  std::string out;
  ProtoWriter w(&out);
  if (m.query) w.WriteMessageField(1, EncodeInterpolation(*m.query));
  if (m.stream) w.WriteBoolField(2, *m.stream);
  if (m.cover_context) w.WriteBytesField(3, *m.cover_context);
  return out;
}

Status Decode(std::string_view in, TsQueryReq* m) {
  *m = {};
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: return DecodeInterpolation(f, &m->query);
      case 2: return ReadOptBool(f, &m->stream);
      case 3: return ReadOptString(f, &m->cover_context);
      default: return Status::OK();
    }
  });
}

std::string Encode(const TsQueryResp& m) {
  std::string out;
  ProtoWriter w(&out);
  for (const auto& c : m.columns) w.WriteMessageField(1, EncodeColumn(c));
  for (const auto& r : m.rows) w.WriteMessageField(2, EncodeRow(r));
  if (m.done) w.WriteBoolField(3, *m.done);
  return out;
}

Status Decode(std::string_view in, TsQueryResp* m) {
  *m = {};
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: return DecodeColumnField(f, &m->columns);
      case 2: return DecodeRowField(f, &m->rows);
      case 3: return ReadOptBool(f, &m->done);
      default: return Status::OK();
    }
  });
}

// ---- TsGetReq / TsGetResp ----

std::string Encode(const TsGetReq& m) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, m.table);
  for (const TsCell& c : m.key) w.WriteMessageField(2, EncodeCell(c));
  if (m.timeout) w.WriteVarintField(3, *m.timeout);
  return out;
}

Status Decode(std::string_view in, TsGetReq* m) {
  *m = {};
  bool has_table = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: has_table = true; return ReadString(f, &m->table);
      case 2: return DecodeCellField(f, &m->key);
      case 3: return ReadOptUint32(f, &m->timeout);
      default: return Status::OK();
    }
  }));
  if (!has_table) return Missing("TsGetReq", "table");
  return Status::OK();
}

std::string Encode(const TsGetResp& m) {
  std::string out;
  ProtoWriter w(&out);
  for (const auto& c : m.columns) w.WriteMessageField(1, EncodeColumn(c));
  for (const auto& r : m.rows) w.WriteMessageField(2, EncodeRow(r));
  return out;
}

Status Decode(std::string_view in, TsGetResp* m) {
  *m = {};
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: return DecodeColumnField(f, &m->columns);
      case 2: return DecodeRowField(f, &m->rows);
      default: return Status::OK();
    }
  });
}

// ---- TsPutReq ----

std::string Encode(const TsPutReq& m) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, m.table);
  for (const auto& c : m.columns) w.WriteMessageField(2, EncodeColumn(c));
  for (const auto& r : m.rows) w.WriteMessageField(3, EncodeRow(r));
  return out;
}

Status Decode(std::string_view in, TsPutReq* m) {
  *m = {};
  bool has_table = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: has_table = true; return ReadString(f, &m->table);
      case 2: return DecodeColumnField(f, &m->columns);
      case 3: return DecodeRowField(f, &m->rows);
      default: return Status::OK();
    }
  }));
  if (!has_table) return Missing("TsPutReq", "table");
  return Status::OK();
}

// ---- TsDelReq ----

std::string Encode(const TsDelReq& m) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, m.table);
  for (const TsCell& c : m.key) w.WriteMessageField(2, EncodeCell(c));
  if (m.vclock) w.WriteBytesField(3, *m.vclock);
  if (m.timeout) w.WriteVarintField(4, *m.timeout);
  return out;
}

Status Decode(std::string_view in, TsDelReq* m) {
  *m = {};
  bool has_table = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: has_table = true; return ReadString(f, &m->table);
      case 2: return DecodeCellField(f, &m->key);
      case 3: return ReadOptString(f, &m->vclock);
      case 4: return ReadOptUint32(f, &m->timeout);
      default: return Status::OK();
    }
  }));
  if (!has_table) return Missing("TsDelReq", "table");
  return Status::OK();
}

// ---- TsListKeysReq / TsListKeysResp ----

std::string Encode(const TsListKeysReq& m) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteBytesField(1, m.table);
  if (m.timeout) w.WriteVarintField(2, *m.timeout);
  return out;
}

Status Decode(std::string_view in, TsListKeysReq* m) {
  *m = {};
  bool has_table = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: has_table = true; return ReadString(f, &m->table);
      case 2: return ReadOptUint32(f, &m->timeout);
      default: return Status::OK();
    }
  }));
  if (!has_table) return Missing("TsListKeysReq", "table");
  return Status::OK();
}

std::string Encode(const TsListKeysResp& m) {
  std::string out;
  ProtoWriter w(&out);
  for (const auto& r : m.keys) w.WriteMessageField(1, EncodeRow(r));
  w.WriteBoolField(2, m.done);  // always explicit: clients treat an absent done as "more"
  return out;
}

Status Decode(std::string_view in, TsListKeysResp* m) {
  *m = {};
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: return DecodeRowField(f, &m->keys);
      case 2: return f.AsBool(&m->done);
      default: return Status::OK();
    }
  });
}

// ---- TsCoverageReq / TsCoverageResp ----

std::string Encode(const TsCoverageReq& m) {
  std::string out;
  ProtoWriter w(&out);
  if (m.query) w.WriteMessageField(1, EncodeInterpolation(*m.query));
  w.WriteBytesField(2, m.table);
  if (m.replace_cover) w.WriteBytesField(3, *m.replace_cover);
  for (const auto& u : m.unavailable_cover) w.WriteBytesField(4, u);
  return out;
}

Status Decode(std::string_view in, TsCoverageReq* m) {
  *m = {};
  bool has_table = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: return DecodeInterpolation(f, &m->query);
      case 2: has_table = true; return ReadString(f, &m->table);
      case 3: return ReadOptString(f, &m->replace_cover);
      case 4: {
        std::string s;
        RETURN_IF_ERROR(ReadString(f, &s));
        m->unavailable_cover.push_back(std::move(s));
        return Status::OK();
      }
      default: return Status::OK();
    }
  }));
  if (!has_table) return Missing("TsCoverageReq", "table");
  return Status::OK();
}

std::string Encode(const TsCoverageResp& m) {
  std::string out;
  ProtoWriter w(&out);
  for (const TsCoverageEntry& e : m.entries) {
    std::string entry;
    ProtoWriter ew(&entry);
    ew.WriteBytesField(1, e.ip);
    ew.WriteVarintField(2, e.port);
    ew.WriteBytesField(3, e.cover_context);
    if (e.range) {
      const TsRange& r = *e.range;
      std::string range;
      ProtoWriter rw(&range);
      rw.WriteBytesField(1, r.field_name);
      rw.WriteSint64Field(2, r.lower_bound);
      rw.WriteBoolField(3, r.lower_bound_inclusive);
      rw.WriteSint64Field(4, r.upper_bound);
      rw.WriteBoolField(5, r.upper_bound_inclusive);
      rw.WriteBytesField(6, r.desc);
      ew.WriteMessageField(4, range);
    }
    w.WriteMessageField(1, entry);
  }
  return out;
}

Status Decode(std::string_view in, TsCoverageResp* m) {
  *m = {};
  return ForEachField(in, [&](const ProtoField& outer) -> Status {
    if (outer.number != 1) return Status::OK();
    std::string_view body;
    RETURN_IF_ERROR(outer.AsBytes(&body));
    TsCoverageEntry e;
    RETURN_IF_ERROR(ForEachField(body, [&](const ProtoField& f) -> Status {
      switch (f.number) {
        case 1: return ReadString(f, &e.ip);
        case 2: return f.AsUint32(&e.port);
        case 3: return ReadString(f, &e.cover_context);
        case 4: {
          std::string_view rb;
          RETURN_IF_ERROR(f.AsBytes(&rb));
          TsRange r;
          RETURN_IF_ERROR(ForEachField(rb, [&](const ProtoField& rf) -> Status {
            switch (rf.number) {
              case 1: return ReadString(rf, &r.field_name);
              case 2: return rf.AsSint64(&r.lower_bound);
              case 3: return rf.AsBool(&r.lower_bound_inclusive);
              case 4: return rf.AsSint64(&r.upper_bound);
              case 5: return rf.AsBool(&r.upper_bound_inclusive);
              case 6: return ReadString(rf, &r.desc);
              default: return Status::OK();
            }
          }));
          e.range = std::move(r);
          return Status::OK();
        }
        default: return Status::OK();
      }
    }));
    m->entries.push_back(std::move(e));
    return Status::OK();
  });
}

// ---- server-side decoding with bounded memory ----

Status DecodeForServer(std::string_view in, TsQueryReq* m) {
  *m = {};
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: return DecodeInterpolation(f, &m->query, /*keep_pairs=*/false);
      case 2: return ReadOptBool(f, &m->stream);
      case 3: return ReadOptString(f, &m->cover_context);
      default: return Status::OK();
    }
  });
}

Status DecodeForServer(std::string_view in, TsCoverageReq* m) {
  *m = {};
  bool has_table = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: return DecodeInterpolation(f, &m->query, /*keep_pairs=*/false);
      case 2: has_table = true; return ReadString(f, &m->table);
      case 3: return ReadOptString(f, &m->replace_cover);
      case 4: {
        std::string_view v;
        return f.AsBytes(&v);  // checked, not kept: the server ignores unavailable_cover
      }
      default: return Status::OK();
    }
  }));
  if (!has_table) return Missing("TsCoverageReq", "table");
  return Status::OK();
}

size_t CountFields(std::string_view in, uint32_t number) {
  size_t n = 0;
  ProtoReader r(in);
  while (r.HasNext()) {
    ProtoField f;
    if (!r.Next(&f).ok()) break;
    if (f.number == number) ++n;
  }
  return n;
}

namespace {

// The top level of a TsPutReq (table, columns, rows as length-delimited fields) and, with
// `cells`, every cell of every row.
Status ScanPut(std::string_view in, bool cells, std::string* table, size_t* rows) {
  table->clear();
  *rows = 0;
  bool has_table = false;
  RETURN_IF_ERROR(ForEachField(in, [&](const ProtoField& f) -> Status {
    switch (f.number) {
      case 1: has_table = true; return ReadString(f, table);
      case 2: return DecodeColumnField(f, nullptr);
      case 3: {
        std::string_view body;
        RETURN_IF_ERROR(f.AsBytes(&body));
        ++*rows;
        if (!cells) return Status::OK();
        return ForEachTsCell(body, [](const TsCellView&) { return Status::OK(); });
      }
      default: return Status::OK();
    }
  }));
  if (!has_table) return Missing("TsPutReq", "table");
  return Status::OK();
}

}  // namespace

Status ScanTsPutReqShallow(std::string_view in, std::string* table, size_t* rows) {
  return ScanPut(in, /*cells=*/false, table, rows);
}

Status ScanTsPutReq(std::string_view in, std::string* table, size_t* rows) {
  return ScanPut(in, /*cells=*/true, table, rows);
}

Status ForEachTsPutRow(std::string_view in,
                       const std::function<Status(std::string_view row)>& fn) {
  return ForEachField(in, [&](const ProtoField& f) -> Status {
    if (f.number != 3) return Status::OK();
    std::string_view body;
    RETURN_IF_ERROR(f.AsBytes(&body));
    return fn(body);
  });
}

Status ForEachTsCell(std::string_view row, const std::function<Status(const TsCellView&)>& fn) {
  TsCellRowReader r(row);
  TsCellView c;
  bool got;
  while (true) {
    RETURN_IF_ERROR(r.Next(&c, &got));
    if (!got) return Status::OK();
    RETURN_IF_ERROR(fn(c));
  }
}

Status TsCellRowReader::NextSlow(TsCellView* c, bool* got) {
  // Any field of the row that is not a short cell: read as ProtoReader does, fields other
  // than 1 skipped.
  while (!rest_.empty()) {
    ProtoReader r(rest_);
    ProtoField f;
    RETURN_IF_ERROR(r.Next(&f));
    rest_ = r.rest();
    if (f.number != 1) continue;
    std::string_view body;
    RETURN_IF_ERROR(f.AsBytes(&body));
    RETURN_IF_ERROR(DecodeCellView(body, c));
    *got = true;
    return Status::OK();
  }
  *got = false;
  return Status::OK();
}

}  // namespace quanta::wire::pb
