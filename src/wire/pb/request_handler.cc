#include "wire/pb/request_handler.h"

#include <atomic>
#include <exception>

#include "common/coding.h"
#include "service/ts_service.h"
#include "wire/error_map.h"
#include "wire/pb/pb_convert.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"
#include "wire/ttb/ttb_messages.h"

namespace quanta::wire::pb {

namespace {

using After = RequestHandler::After;

// Sends an error reply; a ProcessingError (undecodable request) closes the connection.
After SendError(FrameSink& sink, const Status& st, RequestEncoding enc) {
  sink.Send(ErrorReplyFrame(st, enc));
  return After::kKeepOpen;
}

After SendMalformed(FrameSink& sink, const Status& decode_error) {
  sink.Send(ErrorReplyFrame(ProcessingError(decode_error.message()), RequestEncoding::kPb));
  return After::kClose;
}

template <typename M>
void SendMessage(FrameSink& sink, uint8_t code, const M& m) {
  sink.Send(EncodeFrame(code, Encode(m)));
}

// Looks a table up for a key/value operation; a missing table is a decode-time error in Riak.
Result<schema::TableDefPtr> KvTable(service::TsService& service, std::string_view table) {
  auto t = service.FindTable(table);
  if (!t.ok()) {
    if (t.error().code() == ErrorCode::kTableInactive) return TableNotActiveAtDecode(table);
    return t.error();
  }
  return t;
}

// A service error on a key/value operation: a table that vanished is reported like a missing
// table at decode time.
Status KvError(const Status& st, std::string_view table) {
  if (st.code() == ErrorCode::kTableInactive) return TableNotActiveAtDecode(table);
  return st;
}

std::vector<ColumnDesc> TableColumns(const schema::TableDef& t) {
  std::vector<ColumnDesc> cols;
  cols.reserve(t.columns.size());
  for (const auto& c : t.columns) cols.push_back(ColumnDesc{c.name, c.type});
  return cols;
}

std::vector<ColumnType> LocalKeyTypes(const schema::TableDef& t) {
  std::vector<ColumnType> types;
  types.reserve(t.local_key.size());
  for (const auto& k : t.local_key) types.push_back(t.columns[k.column].type);
  return types;
}

// A TTB cell that is not a valid value (e.g. `undefined`) must fail put validation as in Riak:
// substitute a value of the wrong kind for its column.
Value InvalidValueFor(const schema::TableDef& t, size_t column) {
  if (column < t.columns.size() && IsStringType(t.columns[column].type)) return Value::Bool(false);
  return Value::Bytes("");
}

}  // namespace

RequestHandler::RequestHandler(service::TsService& service, RequestHandlerOptions options)
    : service_(service), options_(std::move(options)) {}

bool RequestHandler::IsCheap(uint8_t c) {
  switch (c) {
    case code::kTsQueryReq:
    case code::kTsPutReq:
    case code::kTsDelReq:
    case code::kTsGetReq:
    case code::kTsListKeysReq:
    case code::kTsCoverageReq:
    case code::kTsTtbMsg:
      return false;
    default:
      return true;
  }
}

std::string RequestHandler::NewClientId() {
  static std::atomic<uint32_t> next{1};
  std::string id;
  coding::PutFixed32BE(&id, next.fetch_add(1, std::memory_order_relaxed));
  return id;
}

After RequestHandler::Handle(uint8_t c, std::string_view payload, Session& session,
                             FrameSink& sink) {
  // The single top-level catch: a stray exception becomes Riak's crash reply, then close.
  try {
    return HandleUnsafe(c, payload, session, sink);
  } catch (const std::exception& e) {
    sink.Send(ErrorReplyFrame(ProcessingError(e.what()), RequestEncoding::kPb));
  } catch (...) {
    sink.Send(ErrorReplyFrame(ProcessingError("unknown exception"), RequestEncoding::kPb));
  }
  return After::kClose;
}

After RequestHandler::HandleUnsafe(uint8_t c, std::string_view payload, Session& session,
                                   FrameSink& sink) {
  switch (c) {
    case code::kPingReq:
      sink.Send(EncodeFrame(code::kPingResp, ""));
      return After::kKeepOpen;
    case code::kGetServerInfoReq:
      SendMessage(sink, code::kGetServerInfoResp,
                  RpbGetServerInfoResp{service_.options().node_name, options_.server_version});
      return After::kKeepOpen;
    case code::kGetClientIdReq:
      if (session.client_id.empty()) session.client_id = NewClientId();
      SendMessage(sink, code::kGetClientIdResp, RpbClientId{session.client_id});
      return After::kKeepOpen;
    case code::kSetClientIdReq: {
      RpbClientId m;
      Status st = Decode(payload, &m);
      if (!st.ok()) return SendMalformed(sink, st);
      session.client_id = std::move(m.client_id);
      sink.Send(EncodeFrame(code::kSetClientIdResp, ""));
      return After::kKeepOpen;
    }
    case code::kGetReq: {
      // Only probes from client test set-ups reach here: TS tables hold no KV objects.
      RpbGetReq m;
      Status st = Decode(payload, &m);
      if (!st.ok()) return SendMalformed(sink, st);
      sink.Send(EncodeFrame(code::kGetResp, ""));
      return After::kKeepOpen;
    }
    case code::kGetBucketReq:
    case code::kGetBucketTypeReq:
      return BucketProps(c, payload, sink);
    case code::kTsQueryReq: return TsQuery(payload, sink);
    case code::kTsPutReq: return TsPut(payload, sink);
    case code::kTsDelReq: return TsDel(payload, sink);
    case code::kTsGetReq: return TsGet(payload, sink);
    case code::kTsListKeysReq: return TsListKeys(payload, sink);
    case code::kTsCoverageReq: return TsCoverage(payload, sink);
    case code::kTsTtbMsg: return Ttb(payload, sink);
    case code::kStartTls:
      return SendError(sink, StartTlsRefused(), RequestEncoding::kPb);
    default:
      return SendError(sink, UnknownMessageCode(c), RequestEncoding::kPb);
  }
}

After RequestHandler::BucketProps(uint8_t c, std::string_view payload, FrameSink& sink) {
  RpbGetBucketReq m;
  Status st = c == code::kGetBucketTypeReq ? DecodeGetBucketTypeReq(payload, &m)
                                           : DecodeGetBucketReq(payload, &m);
  if (!st.ok()) return SendMalformed(sink, st);
  std::string type = m.type.value_or("default");
  bool is_table = false;
  if (type != "default") {
    if (!service_.FindTable(type).ok()) {
      return SendError(sink,
                       Status(ErrorCode::kGeneric, "Invalid bucket type: \"" + type + "\""),
                       RequestEncoding::kPb);
    }
    is_table = true;
  }
  RpbGetBucketResp resp;
  RpbBucketProps& p = resp.props;
  p.n_val = 3;
  p.allow_mult = false;
  p.last_write_wins = false;
  p.basic_quorum = false;
  p.notfound_ok = true;
  if (is_table) p.write_once = true;  // TS tables are write_once buckets
  SendMessage(sink, code::kGetBucketResp, resp);
  return After::kKeepOpen;
}

After RequestHandler::TsQuery(std::string_view payload, FrameSink& sink) {
  TsQueryReq req;
  Status st = Decode(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  service::QueryOptions qopts;
  qopts.cover_context = req.cover_context;
  service::QueryOutcome outcome;
  // `stream` and `interpolations` are ignored, as in Riak TS 1.5.2: one response per request.
  st = service_.Query(req.query ? req.query->base : std::string(), qopts, &outcome);
  if (!st.ok()) return SendError(sink, st, RequestEncoding::kPb);
  TsQueryResp resp;
  if (!outcome.result.rows.empty()) {
    resp.columns = ColumnDescriptions(outcome.result.columns);
    auto types = ColumnTypes(outcome.result.columns);
    resp.rows.reserve(outcome.result.rows.size());
    for (const Row& r : outcome.result.rows) resp.rows.push_back(CellsFromRow(r, types));
  }
  SendMessage(sink, code::kTsQueryResp, resp);
  return After::kKeepOpen;
}

After RequestHandler::TsPut(std::string_view payload, FrameSink& sink) {
  TsPutReq req;
  Status st = Decode(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, req.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
  std::vector<Row> rows;
  rows.reserve(req.rows.size());
  for (TsRow& r : req.rows) rows.push_back(RowFromCells(std::move(r)));
  st = service_.Put(req.table, std::move(rows));
  if (!st.ok()) return SendError(sink, KvError(st, req.table), RequestEncoding::kPb);
  sink.Send(EncodeFrame(code::kTsPutResp, ""));
  return After::kKeepOpen;
}

After RequestHandler::TsGet(std::string_view payload, FrameSink& sink) {
  TsGetReq req;
  Status st = Decode(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, req.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
  auto got = service_.Get(req.table, RowFromCells(req.key));
  if (!got.ok()) return SendError(sink, KvError(got.error(), req.table), RequestEncoding::kPb);
  TsGetResp resp;
  if (got->has_value()) {
    auto cols = TableColumns(**table);
    resp.columns = ColumnDescriptions(cols);
    resp.rows.push_back(CellsFromRow(**got, ColumnTypes(cols)));
  }
  SendMessage(sink, code::kTsGetResp, resp);
  return After::kKeepOpen;
}

After RequestHandler::TsDel(std::string_view payload, FrameSink& sink) {
  TsDelReq req;
  Status st = Decode(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, req.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
  st = service_.Delete(req.table, RowFromCells(req.key));
  if (!st.ok()) return SendError(sink, KvError(st, req.table), RequestEncoding::kPb);
  sink.Send(EncodeFrame(code::kTsDelResp, ""));
  return After::kKeepOpen;
}

After RequestHandler::TsListKeys(std::string_view payload, FrameSink& sink) {
  TsListKeysReq req;
  Status st = Decode(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, req.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
  const std::vector<ColumnType> types = LocalKeyTypes(**table);
  bool connection_gone = false;
  st = service_.ListKeys(req.table, [&](std::vector<Row>&& batch) -> Status {
    if (batch.empty()) return Status::OK();  // Riak skips empty batches
    TsListKeysResp resp;
    resp.done = false;
    resp.keys.reserve(batch.size());
    for (const Row& k : batch) resp.keys.push_back(CellsFromRow(k, types));
    if (!sink.Send(EncodeFrame(code::kTsListKeysResp, Encode(resp)))) {
      connection_gone = true;
      return Status(ErrorCode::kGeneric, "connection closed");
    }
    return Status::OK();
  });
  if (connection_gone) return After::kClose;
  if (!st.ok()) return SendError(sink, KvError(st, req.table), RequestEncoding::kPb);
  SendMessage(sink, code::kTsListKeysResp, TsListKeysResp{{}, true});
  return After::kKeepOpen;
}

After RequestHandler::TsCoverage(std::string_view payload, FrameSink& sink) {
  TsCoverageReq req;
  Status st = Decode(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, req.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
  auto entries = service_.Coverage(req.query ? req.query->base : std::string(), req.table);
  if (!entries.ok()) return SendError(sink, entries.error(), RequestEncoding::kPb);
  TsCoverageResp resp;
  for (const service::CoverageEntry& e : *entries) {
    resp.entries.push_back(TsCoverageEntry{
        e.ip, e.port, e.cover_context,
        TsRange{e.field_name, e.lower_bound, e.lower_bound_inclusive, e.upper_bound,
                e.upper_bound_inclusive, e.desc}});
  }
  SendMessage(sink, code::kTsCoverageResp, resp);
  return After::kKeepOpen;
}

After RequestHandler::Ttb(std::string_view payload, FrameSink& sink) {
  auto decoded = ttb::DecodeTtbRequest(payload);
  if (!decoded.ok()) return SendMalformed(sink, decoded.error());
  auto send = [&](std::string body) { sink.Send(EncodeFrame(code::kTsTtbMsg, body)); };

  if (auto* q = std::get_if<ttb::TtbQueryReq>(&*decoded)) {
    service::QueryOptions qopts;
    qopts.cover_context = q->cover_context;
    service::QueryOutcome outcome;
    Status st = service_.Query(q->sql, qopts, &outcome);
    if (!st.ok()) return SendError(sink, st, RequestEncoding::kTtb);
    if (outcome.kind == service::StatementKind::kCreateTable) {
      send(ttb::EncodeTtbCreateTableResp());
    } else {
      send(ttb::EncodeTtbQueryResp(outcome.result));
    }
    return After::kKeepOpen;
  }

  if (auto* g = std::get_if<ttb::TtbGetReq>(&*decoded)) {
    auto table = KvTable(service_, g->table);
    if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kTtb);
    Row key;
    key.reserve(g->key.size());
    for (const ttb::Term& t : g->key) key.push_back(ttb::TermToValue(t).value_or(Value::Null()));
    auto got = service_.Get(g->table, key);
    if (!got.ok()) return SendError(sink, KvError(got.error(), g->table), RequestEncoding::kTtb);
    if (got->has_value()) {
      send(ttb::EncodeTtbGetResp(TableColumns(**table), &**got));
    } else {
      send(ttb::EncodeTtbGetResp({}, nullptr));
    }
    return After::kKeepOpen;
  }

  auto& p = std::get<ttb::TtbPutReq>(*decoded);
  auto table = KvTable(service_, p.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kTtb);
  std::vector<Row> rows;
  rows.reserve(p.rows.size());
  for (const auto& cells : p.rows) {
    Row row;
    row.reserve(cells.size());
    for (size_t i = 0; i < cells.size(); ++i) {
      auto v = ttb::TermToValue(cells[i]);
      row.push_back(v ? std::move(*v) : InvalidValueFor(**table, i));
    }
    rows.push_back(std::move(row));
  }
  Status st = service_.Put(p.table, std::move(rows));
  if (!st.ok()) return SendError(sink, KvError(st, p.table), RequestEncoding::kTtb);
  send(ttb::EncodeTtbPutResp());
  return After::kKeepOpen;
}

}  // namespace quanta::wire::pb
