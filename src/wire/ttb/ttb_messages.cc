#include "wire/ttb/ttb_messages.h"

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

}  // namespace

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
