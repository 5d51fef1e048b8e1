#include "wire/ttb/ttb_messages.h"

#include <algorithm>
#include <cstdint>

#include "common/coding.h"
#include "wire/ttb/ttb_codec.h"

namespace quanta::wire::ttb {

namespace {

Status BadRequest(std::string what) {
  return Status(ErrorCode::kGeneric, std::move(what));
}

// A binary, or a list of byte-sized integers (an Erlang string / flat iolist).
bool TermToBytes(const Term& t, std::string* out) {
  if (t.is_binary()) {
    *out = t.binary();
    return true;
  }
  if (!t.is_list()) return false;
  out->clear();
  for (const Term& e : t.elements()) {
    if (!e.is_int() || e.int_value() < 0 || e.int_value() > 255) return false;
    out->push_back(static_cast<char>(e.int_value()));
  }
  return true;
}

Result<TtbRequest> DecodeQuery(const Term& t) {
  // {tsqueryreq, {tsinterpolation, Base, Interps}, Stream, CoverContext}
  if (t.arity() < 4) return BadRequest("tsqueryreq: bad arity");
  const Term& q = t[1];
  if (!q.is_tuple() || q.arity() < 2 || !q[0].is_atom("tsinterpolation")) {
    return BadRequest("tsqueryreq: query is not a tsinterpolation record");
  }
  TtbQueryReq req;
  if (!TermToBytes(q[1], &req.sql)) return BadRequest("tsqueryreq: query base is not a binary");
  const Term& cover = t[3];
  if (cover.is_binary()) {
    req.cover_context = cover.binary();
  } else if (!cover.is_atom("undefined") && !cover.is_nil()) {
    return BadRequest("tsqueryreq: bad cover_context");
  }
  return TtbRequest(std::move(req));
}

Result<TtbRequest> DecodeGet(const Term& t) {
  // {tsgetreq, Table, Key, Timeout}
  if (t.arity() < 4) return BadRequest("tsgetreq: bad arity");
  TtbGetReq req;
  if (!TermToBytes(t[1], &req.table)) return BadRequest("tsgetreq: table is not a binary");
  if (!t[2].is_list()) return BadRequest("tsgetreq: key is not a list");
  req.key = t[2].elements();
  const Term& timeout = t[3];
  if (timeout.is_int()) {
    if (timeout.int_value() < 0 || timeout.int_value() > 0xffffffffLL) {
      return BadRequest("tsgetreq: bad timeout");
    }
    req.timeout = static_cast<uint32_t>(timeout.int_value());
  } else if (!timeout.is_atom("undefined")) {
    return BadRequest("tsgetreq: bad timeout");
  }
  return TtbRequest(std::move(req));
}

Result<TtbRequest> DecodePut(const Term& t) {
  // {tsputreq, Table, Columns, Rows}
  if (t.arity() < 4) return BadRequest("tsputreq: bad arity");
  TtbPutReq req;
  if (!TermToBytes(t[1], &req.table)) return BadRequest("tsputreq: table is not a binary");
  if (!t[3].is_list()) return BadRequest("tsputreq: rows is not a list");
  req.rows.reserve(t[3].arity());
  for (const Term& row : t[3].elements()) {
    if (!row.is_tuple() && !row.is_list()) return BadRequest("tsputreq: row is not a tuple");
    req.rows.push_back(row.elements());
  }
  return TtbRequest(std::move(req));
}

Term ColumnNames(const std::vector<ColumnDesc>& cols) {
  std::vector<Term> names;
  names.reserve(cols.size());
  for (const ColumnDesc& c : cols) names.push_back(Term::Binary(c.name));
  return Term::List(std::move(names));
}

Term ColumnTypes(const std::vector<ColumnDesc>& cols) {
  std::vector<Term> types;
  types.reserve(cols.size());
  for (const ColumnDesc& c : cols) types.push_back(Term::Atom(std::string(ColumnTypeName(c.type))));
  return Term::List(std::move(types));
}

Term RowTuple(const Row& row) {
  std::vector<Term> cells;
  cells.reserve(row.size());
  for (const Value& v : row) cells.push_back(ValueToTerm(v));
  return Term::Tuple(std::move(cells));
}

Term EmptyTable() { return Term::Tuple({Term::Nil(), Term::Nil(), Term::Nil()}); }

Term TableTerm(const std::vector<ColumnDesc>& cols, const std::vector<Row>& rows) {
  std::vector<Term> row_terms;
  row_terms.reserve(rows.size());
  for (const Row& r : rows) row_terms.push_back(RowTuple(r));
  return Term::Tuple({ColumnNames(cols), ColumnTypes(cols), Term::List(std::move(row_terms))});
}

Term ValueListTerm(const Row& values) {
  std::vector<Term> out;
  out.reserve(values.size());
  for (const Value& v : values) out.push_back(ValueToTerm(v));
  return Term::List(std::move(out));
}

std::optional<ColumnType> ColumnTypeFromAtom(const Term& t) {
  if (!t.is_atom()) return std::nullopt;
  for (ColumnType ct : {ColumnType::kVarchar, ColumnType::kSint64, ColumnType::kDouble,
                        ColumnType::kTimestamp, ColumnType::kBoolean, ColumnType::kBlob}) {
    if (t.atom() == ColumnTypeName(ct)) return ct;
  }
  return std::nullopt;
}

Status BadResponse(std::string what) {
  return Status(ErrorCode::kGeneric, "unexpected TTB response: " + std::move(what));
}

Status DecodeTable(const Term& t, ResultSet* out) {
  if (!t.is_tuple() || t.arity() != 3 || !t[0].is_list() || !t[1].is_list() || !t[2].is_list()) {
    return BadResponse("table is not {Names, Types, Rows}");
  }
  const auto& names = t[0].elements();
  const auto& types = t[1].elements();
  if (names.size() != types.size()) return BadResponse("names and types differ in length");
  for (size_t i = 0; i < names.size(); ++i) {
    auto ct = ColumnTypeFromAtom(types[i]);
    if (!names[i].is_binary() || !ct) return BadResponse("bad column description");
    out->columns.push_back(ColumnDesc{names[i].binary(), *ct});
  }
  for (const Term& r : t[2].elements()) {
    if (!r.is_tuple() && !r.is_list()) return BadResponse("row is not a tuple");
    Row row;
    row.reserve(r.arity());
    for (const Term& c : r.elements()) {
      auto v = TermToValue(c);
      if (!v) return BadResponse("bad cell " + c.ToString());
      row.push_back(std::move(*v));
    }
    out->rows.push_back(std::move(row));
  }
  return Status::OK();
}

// ---- streaming put ----

// A table name given as a binary or a list of bytes (TermToBytes without the term tree).
bool ReadBytesLike(TermReader& r, std::string* out) {
  out->clear();
  if (r.tag() == 109 /* BINARY_EXT */) {
    Term t;
    if (!r.Read(&t).ok()) return false;
    *out = t.binary();
    return true;
  }
  TermReader::Container c;
  if (!r.AtList() || !r.Enter(&c)) return false;
  if (c.string) {
    out->assign(c.string_bytes.data(), c.string_bytes.size());
    return true;
  }
  for (size_t i = 0; i < c.count; ++i) {
    uint8_t tag = r.tag();
    if (tag != 97 && tag != 98 && tag != 110 && tag != 111) return false;  // integers
    Term t;
    if (!r.Read(&t).ok() || t.int_value() < 0 || t.int_value() > 255) return false;
    out->push_back(static_cast<char>(t.int_value()));
  }
  return r.Leave(c).ok();
}

// Positions `r` at the rows list of a tsputreq, checking the shape as DecodePut does.
Status EnterPutRows(std::string_view payload, TermReader* r, std::string* table,
                    TermReader::Container* rows) {
  TermReader::Container top;
  if (payload.empty() || !r->AtTuple() || !r->Enter(&top) || top.count == 0) {
    return BadRequest("unsupported TTB request");
  }
  if (top.count < 4) return BadRequest("tsputreq: bad arity");
  QUANTA_RETURN_IF_ERROR(r->Skip());  // the atom
  if (!ReadBytesLike(*r, table)) return BadRequest("tsputreq: table is not a binary");
  QUANTA_RETURN_IF_ERROR(r->Skip());  // columns: ignored
  if (!r->AtList() || !r->Enter(rows)) return BadRequest("tsputreq: rows is not a list");
  return Status::OK();
}

// One cell as TermToValue would see it, skipping what it rejects without building it.
std::optional<Value> ReadCell(TermReader& r) {
  if (r.AtTuple()) {
    r.Skip().IgnoreError();
    return std::nullopt;
  }
  if (r.AtList()) {
    TermReader::Container c;
    if (!r.Enter(&c)) return std::nullopt;
    bool empty = c.count == 0;
    if (!c.string) {
      for (size_t i = 0; i < c.count; ++i) r.Skip().IgnoreError();
    }
    r.Leave(c).IgnoreError();
    if (empty) return Value::Null();
    return std::nullopt;
  }
  Term t;
  if (!r.Read(&t).ok()) return std::nullopt;
  return TermToValue(t);
}

}  // namespace

Status ScanTtbPutReq(std::string_view payload, std::string* table, size_t* rows) {
  *rows = 0;
  TermReader r(payload.substr(payload.empty() ? 0 : 1));
  TermReader::Container c;
  QUANTA_RETURN_IF_ERROR(EnterPutRows(payload, &r, table, &c));
  if (c.string) {
    if (c.count > 0) return BadRequest("tsputreq: row is not a tuple");
    return Status::OK();
  }
  for (size_t i = 0; i < c.count; ++i) {
    if (!r.AtTuple() && !r.AtList()) return BadRequest("tsputreq: row is not a tuple");
    QUANTA_RETURN_IF_ERROR(r.Skip());
  }
  *rows = c.count;
  return Status::OK();
}

Status ForEachTtbPutCell(std::string_view payload, const std::function<void()>& begin_row,
                         const std::function<void(std::optional<Value>)>& cell,
                         const std::function<Status()>& end_row) {
  TermReader r(payload.substr(payload.empty() ? 0 : 1));
  TermReader::Container rows;
  std::string table;
  QUANTA_RETURN_IF_ERROR(EnterPutRows(payload, &r, &table, &rows));
  if (rows.string) return Status::OK();  // only an empty one passes ScanTtbPutReq
  for (size_t i = 0; i < rows.count; ++i) {
    TermReader::Container row;
    if (!r.Enter(&row)) return BadRequest("tsputreq: row is not a tuple");
    begin_row();
    if (row.string) {
      for (unsigned char b : row.string_bytes) cell(Value::Int(b));
    } else {
      for (size_t j = 0; j < row.count; ++j) cell(ReadCell(r));
    }
    QUANTA_RETURN_IF_ERROR(r.Leave(row));
    QUANTA_RETURN_IF_ERROR(end_row());
  }
  return Status::OK();
}

std::string PeekTtbRequestName(std::string_view payload) { return PeekRequestName(payload); }

namespace {

// ---- direct query response encoding (sizes as AppendTermBody writes them) ----

size_t IntTermSize(int64_t v) {
  if (v >= 0 && v <= 255) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  size_t n = 0;
  while (mag != 0) {
    ++n;
    mag >>= 8;
  }
  return 3 + n;
}

size_t ValueTermSize(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return 1;
    case Value::Kind::kInt: return IntTermSize(v.as_int());
    case Value::Kind::kDouble: return 9;
    case Value::Kind::kBytes: return 5 + v.as_bytes().size();
    case Value::Kind::kBool: return v.as_bool() ? 7 : 8;
  }
  return 1;
}

size_t ListSize(size_t count, size_t elements_bytes) {
  return count == 0 ? 1 : 5 + elements_bytes + 1;
}

size_t TupleHeaderSize(size_t arity) { return arity <= 255 ? 2 : 5; }

size_t RowTermSize(const Row& row) {
  size_t n = TupleHeaderSize(row.size());
  for (const Value& v : row) n += ValueTermSize(v);
  return n;
}

void AppendTupleHeader(size_t arity, std::string* out) {
  if (arity <= 255) {
    out->push_back(static_cast<char>(104));
    out->push_back(static_cast<char>(arity));
  } else {
    out->push_back(static_cast<char>(105));
    coding::PutFixed32BE(out, static_cast<uint32_t>(arity));
  }
}

void AppendListHeader(size_t count, std::string* out) {
  out->push_back(static_cast<char>(108));
  coding::PutFixed32BE(out, static_cast<uint32_t>(count));
}

void AppendValue(const Value& v, std::string* out) {
  switch (v.kind()) {
    case Value::Kind::kBytes:
      out->push_back(static_cast<char>(109));
      coding::PutFixed32BE(out, static_cast<uint32_t>(v.as_bytes().size()));
      out->append(v.as_bytes());
      return;
    default:
      AppendTermBody(ValueToTerm(v), out);  // scalars: no heap
      return;
  }
}

size_t ApproxRowHeap(const Row& row) {
  size_t n = sizeof(Row) + row.capacity() * sizeof(Value);
  for (const Value& v : row) {
    if (v.is_bytes() && v.as_bytes().capacity() > 15) n += v.as_bytes().capacity() + 1;
  }
  return n;
}

}  // namespace

Status AppendTtbQueryResp(ResultSet* result, MemoryReservation* memory, std::string* out) {
  if (result->rows.empty()) {
    out->append(EncodeTtbQueryResp(*result));
    if (memory != nullptr) return memory->Grow(static_cast<int64_t>(out->size()), "the reply");
    return Status::OK();
  }
  const auto& cols = result->columns;
  Term names = ColumnNames(cols);
  Term types = ColumnTypes(cols);
  std::string head;
  head.push_back(static_cast<char>(kVersionByte));
  AppendTupleHeader(2, &head);
  AppendTermBody(Term::Atom("tsqueryresp"), &head);
  AppendTupleHeader(3, &head);
  AppendTermBody(names, &head);
  AppendTermBody(types, &head);
  size_t rows_bytes = 0;
  for (const Row& r : result->rows) rows_bytes += RowTermSize(r);
  size_t total = head.size() + ListSize(result->rows.size(), rows_bytes);
  // One PB frame carries the reply: its length (plus the message code) must fit 32 bits.
  if (out->size() + total > 0xfffffffeULL) {
    return Status(ErrorCode::kMemoryLimit, "the reply is too large for one frame");
  }
  int64_t charged = 0;
  auto grow = [&](size_t bytes) -> Status {
    if (memory == nullptr) return Status::OK();
    QUANTA_RETURN_IF_ERROR(memory->Grow(static_cast<int64_t>(bytes), "the reply"));
    charged += static_cast<int64_t>(bytes);
    return Status::OK();
  };
  QUANTA_RETURN_IF_ERROR(grow(head.size() + 6));
  out->reserve(out->size() + total);
  out->append(head);
  AppendListHeader(result->rows.size(), out);
  for (Row& r : result->rows) {
    QUANTA_RETURN_IF_ERROR(grow(RowTermSize(r)));
    AppendTupleHeader(r.size(), out);
    for (const Value& v : r) AppendValue(v, out);
    if (memory != nullptr) {
      int64_t freed = static_cast<int64_t>(ApproxRowHeap(r));
      memory->Shrink(std::min(freed, memory->held() - charged));
    }
    Row().swap(r);
  }
  out->push_back(static_cast<char>(106));  // the rows list's [] tail
  result->rows.clear();
  result->rows.shrink_to_fit();
  if (memory != nullptr) memory->Shrink(memory->held() - charged);
  return Status::OK();
}

Result<TtbRequest> DecodeTtbRequest(std::string_view payload) {
  auto term = DecodeTerm(payload);
  if (!term.ok()) return term.error();
  const Term& t = *term;
  if (!t.is_tuple() || t.arity() == 0 || !t[0].is_atom()) {
    return BadRequest("unsupported TTB request " + t.ToString().substr(0, 200));
  }
  const std::string& name = t[0].atom();
  if (name == "tsqueryreq") return DecodeQuery(t);
  if (name == "tsgetreq") return DecodeGet(t);
  if (name == "tsputreq") return DecodePut(t);
  return BadRequest("unsupported TTB request " + name);
}

std::optional<Value> TermToValue(const Term& t) {
  switch (t.kind()) {
    case Term::Kind::kInt: return Value::Int(t.int_value());
    case Term::Kind::kFloat: return Value::Double(t.float_value());
    case Term::Kind::kBinary: return Value::Bytes(t.binary());
    case Term::Kind::kAtom:
      if (t.atom() == "true") return Value::Bool(true);
      if (t.atom() == "false") return Value::Bool(false);
      return std::nullopt;
    case Term::Kind::kList:
      if (t.is_nil()) return Value::Null();
      return std::nullopt;
    case Term::Kind::kTuple: return std::nullopt;
  }
  return std::nullopt;
}

Term ValueToTerm(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return Term::Nil();
    case Value::Kind::kInt: return Term::Int(v.as_int());
    case Value::Kind::kDouble: return Term::Float(v.as_double());
    case Value::Kind::kBytes: return Term::Binary(v.as_bytes());
    case Value::Kind::kBool: return Term::Bool(v.as_bool());
  }
  return Term::Nil();
}

std::string EncodeTtbQueryReq(std::string_view sql,
                              const std::optional<std::string>& cover_context) {
  Term interp = Term::Tuple(
      {Term::Atom("tsinterpolation"), Term::Binary(std::string(sql)), Term::Nil()});
  return EncodeTerm(Term::Tuple(
      {Term::Atom("tsqueryreq"), std::move(interp), Term::Atom("false"),
       cover_context ? Term::Binary(*cover_context) : Term::Atom("undefined")}));
}

std::string EncodeTtbGetReq(std::string_view table, const Row& key) {
  return EncodeTerm(Term::Tuple({Term::Atom("tsgetreq"), Term::Binary(std::string(table)),
                                 ValueListTerm(key), Term::Atom("undefined")}));
}

std::string EncodeTtbPutReq(std::string_view table, const std::vector<Row>& rows) {
  std::vector<Term> row_terms;
  row_terms.reserve(rows.size());
  for (const Row& r : rows) row_terms.push_back(RowTuple(r));
  return EncodeTerm(Term::Tuple({Term::Atom("tsputreq"), Term::Binary(std::string(table)),
                                 Term::Nil(), Term::List(std::move(row_terms))}));
}

std::string EncodeTtbQueryResp(const ResultSet& result) {
  Term table = result.rows.empty() ? EmptyTable() : TableTerm(result.columns, result.rows);
  return EncodeTerm(Term::Tuple({Term::Atom("tsqueryresp"), std::move(table)}));
}

std::string EncodeTtbCreateTableResp() { return EncodeTerm(Term::Atom("tsqueryresp")); }

std::string EncodeTtbGetResp(const std::vector<ColumnDesc>& columns, const Row* row) {
  Term table = row == nullptr ? EmptyTable() : TableTerm(columns, {*row});
  return EncodeTerm(Term::Tuple({Term::Atom("tsgetresp"), std::move(table)}));
}

std::string EncodeTtbPutResp() { return EncodeTerm(Term::Tuple({Term::Atom("tsputresp")})); }

std::string EncodeTtbErrorResp(std::string_view message, int code) {
  return EncodeTerm(Term::Tuple(
      {Term::Atom("rpberrorresp"), Term::Binary(std::string(message)), Term::Int(code)}));
}

Result<TtbResponse> DecodeTtbResponse(std::string_view payload) {
  auto term = DecodeTerm(payload);
  if (!term.ok()) return term.error();
  const Term& t = *term;
  TtbResponse resp;
  if (t.is_atom()) {
    if (t.atom() == "tsqueryresp") {
      resp.kind = TtbResponse::Kind::kQueryResp;
      resp.bare_atom = true;
      return resp;
    }
    if (t.atom() == "tsputresp") {
      resp.kind = TtbResponse::Kind::kPutResp;
      return resp;
    }
    if (t.atom() == "tsgetresp") {
      resp.kind = TtbResponse::Kind::kGetResp;
      resp.bare_atom = true;
      return resp;
    }
    return BadResponse(t.atom());
  }
  if (!t.is_tuple() || t.arity() == 0 || !t[0].is_atom()) return BadResponse(t.ToString());
  const std::string& name = t[0].atom();
  if (name == "tsputresp") {
    resp.kind = TtbResponse::Kind::kPutResp;
    return resp;
  }
  if (name == "rpberrorresp" && t.arity() == 3 && t[1].is_binary() && t[2].is_int()) {
    resp.kind = TtbResponse::Kind::kError;
    resp.errmsg = t[1].binary();
    resp.errcode = static_cast<int>(t[2].int_value());
    return resp;
  }
  if ((name == "tsqueryresp" || name == "tsgetresp") && t.arity() == 2) {
    resp.kind = name == "tsqueryresp" ? TtbResponse::Kind::kQueryResp : TtbResponse::Kind::kGetResp;
    QUANTA_RETURN_IF_ERROR(DecodeTable(t[1], &resp.result));
    return resp;
  }
  return BadResponse(t.ToString().substr(0, 200));
}

}  // namespace quanta::wire::ttb
