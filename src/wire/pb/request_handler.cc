#include "wire/pb/request_handler.h"

#include <atomic>
#include <exception>

#include "common/coding.h"
#include "schema/table_def.h"
#include "service/request_context.h"
#include "service/ts_service.h"
#include "wire/error_map.h"
#include "wire/pb/pb_convert.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"
#include "wire/ttb/ttb_codec.h"
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
    case code::kAuthReq:  // PBKDF2 is slow on purpose: not on an I/O thread
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

bool RequestHandler::IsQuery(uint8_t c, std::string_view payload) {
  if (c == code::kTsQueryReq) return true;
  return c == code::kTsTtbMsg && ttb::PeekTtbRequestName(payload) == "tsqueryreq";
}

After RequestHandler::Handle(uint8_t c, std::string_view payload, Session& session,
                             FrameSink& sink, service::QuerySlot* slot) {
  service::ScopedRequest context(
      c == code::kTsTtbMsg ? service::Transport::kTtb : service::Transport::kPb, session.peer);
  // The single top-level catch: a stray exception becomes Riak's crash reply, then close.
  try {
    return HandleUnsafe(c, payload, session, sink, slot);
  } catch (const std::exception& e) {
    sink.Send(ErrorReplyFrame(ProcessingError(e.what()), RequestEncoding::kPb));
  } catch (...) {
    sink.Send(ErrorReplyFrame(ProcessingError("unknown exception"), RequestEncoding::kPb));
  }
  return After::kClose;
}

After RequestHandler::HandleUnsafe(uint8_t c, std::string_view payload, Session& session,
                                   FrameSink& sink, service::QuerySlot* slot) {
  if (c == code::kStartTls || (session.secure && !session.authenticated)) {
    return Security(c, payload, session, sink);
  }
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
    case code::kTsQueryReq: return TsQuery(session, payload, sink, slot);
    case code::kTsPutReq: return TsPut(session, payload, sink);
    case code::kTsDelReq: return TsDel(session, payload, sink);
    case code::kTsGetReq: return TsGet(session, payload, sink);
    case code::kTsListKeysReq: return TsListKeys(session, payload, sink);
    case code::kTsCoverageReq: return TsCoverage(session, payload, sink);
    case code::kTsTtbMsg: return Ttb(session, payload, sink, slot);
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

After RequestHandler::TsQuery(const Session& session, std::string_view payload, FrameSink& sink,
                             service::QuerySlot* slot) {
  TsQueryReq req;
  Status st = DecodeForServer(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  // The request's memory: parsing, execution and the result set, then the encoded reply,
  // which keeps its charge until the connection has written it.
  MemoryReservation memory = service_.NewReservation();
  service::QueryOptions qopts;
  qopts.cover_context = req.cover_context;
  qopts.slot = slot;
  qopts.memory = &memory;
  qopts.authorize = [&](service::StatementKind kind, const std::string& table) {
    return Allowed(session, service::PermissionFor(kind), table);
  };
  service::QueryOutcome outcome;
  // `stream` and `interpolations` are ignored, as in Riak TS 1.5.2: one response per request.
  st = service_.Query(req.query ? req.query->base : std::string(), qopts, &outcome);
  if (!st.ok()) return SendError(sink, st, RequestEncoding::kPb);
  std::string frame;
  st = EncodeQueryRespFrame(&outcome.result, &memory, &frame);
  if (!st.ok()) return SendError(sink, st, RequestEncoding::kPb);
  sink.SendCharged(std::move(frame), std::move(memory));
  return After::kKeepOpen;
}

namespace {

// Rows of a put, decoded and validated as they stream out of the frame: while every row so far
// is valid they are kept (each charged to the request's reservation before it is kept); from the
// first invalid row on nothing more is kept and the rest are only checked, so that the 1003
// reply lists the same rows as a full validation would.
class PutRowCollector {
 public:
  PutRowCollector(const schema::TableDef& table, size_t expected_rows, MemoryReservation* memory)
      : table_(table), expected_(expected_rows), memory_(memory) {
    scratch_.reserve(table.columns.size());
  }

  // Starts the next row.
  void BeginRow() {
    ++index_;
    scratch_.clear();
    too_wide_ = false;
  }
  // Adds one cell of the current row (a cell beyond the table's width only marks it invalid).
  void Cell(Value v) {
    if (scratch_.size() >= table_.columns.size()) {
      too_wide_ = true;
      return;
    }
    scratch_.push_back(std::move(v));
  }
  // Ends the current row: validates it and keeps it if all rows so far are valid.
  Status EndRow() {
    if (too_wide_ || !schema::RowIsValid(table_, scratch_)) {
      if (++invalid_ <= service::kMaxListedRowIndexes) listed_.push_back(index_);
      if (invalid_ == 1) {
        std::vector<Row>().swap(rows_);  // nothing of this put will be written
        uncharged_ = 0;
        memory_->ReleaseAll();
      }
      return Status::OK();
    }
    if (invalid_ > 0) return Status::OK();
    if (rows_.size() == rows_.capacity()) {
      size_t cap = std::min(std::max<size_t>(16, 2 * rows_.capacity()), expected_);
      cap = std::max(cap, rows_.size() + 1);
      QUANTA_RETURN_IF_ERROR(Charge((cap - rows_.capacity()) * sizeof(Row)));
      rows_.reserve(cap);
    }
    QUANTA_RETURN_IF_ERROR(Charge(ApproxRowMemory(scratch_) - sizeof(Row)));
    rows_.push_back(std::move(scratch_));
    scratch_ = Row();
    scratch_.reserve(table_.columns.size());
    return Status::OK();
  }

  // After the last row: the 1003 status when a row was invalid, else the rows' final charge.
  Status Finish() {
    if (invalid_ > 0) return service::InvalidRowsError(listed_, invalid_);
    return Flush();
  }
  std::vector<Row> TakeRows() { return std::move(rows_); }

 private:
  // Charges go to the shared account in chunks (one atomic update per ~64 KiB, not per row).
  static constexpr size_t kChargeChunk = 64 << 10;
  Status Charge(size_t bytes) {
    uncharged_ += bytes;
    return uncharged_ < kChargeChunk ? Status::OK() : Flush();
  }
  Status Flush() {
    int64_t bytes = static_cast<int64_t>(uncharged_);
    uncharged_ = 0;
    return memory_->Grow(bytes, "decoding the rows");
  }

  const schema::TableDef& table_;
  const size_t expected_;
  MemoryReservation* memory_;
  std::vector<Row> rows_;
  Row scratch_;
  bool too_wide_ = false;
  size_t index_ = 0;
  size_t invalid_ = 0;
  std::vector<size_t> listed_;
  size_t uncharged_ = 0;  // estimated bytes kept but not yet charged (< kChargeChunk)
};

Value ValueFromCellView(const TsCellView& c) {
  switch (c.field) {
    case TsCell::Field::kNull: return Value::Null();
    case TsCell::Field::kVarchar: return Value::Bytes(std::string(c.varchar_value));
    case TsCell::Field::kSint64:
    case TsCell::Field::kTimestamp: return Value::Int(c.int_value);
    case TsCell::Field::kBoolean: return Value::Bool(c.boolean_value);
    case TsCell::Field::kDouble: return Value::Double(c.double_value);
  }
  return Value::Null();
}

// Charges decoding a key request (TsGetReq/TsDelReq: cells as messages, then as Values) before
// it happens, so that a key of millions of empty cells is refused instead of built.
Status ChargeKeyDecode(std::string_view payload, MemoryReservation* memory) {
  size_t cells = CountFields(payload, 2);
  size_t bytes = payload.size() + cells * (sizeof(TsCell) + sizeof(Value));
  return memory->Grow(static_cast<int64_t>(bytes), "decoding the key");
}

}  // namespace

After RequestHandler::TsPut(const Session& session, std::string_view payload, FrameSink& sink) {
  // A malformed frame is reported as such whatever else is wrong with the put, but the cells
  // are decoded and checked only once, as they become Values: the top level is checked first,
  // and a whole check (ScanTsPutReq) runs only when something fails, to tell which error
  // comes first. Rows go from the frame to Values one at a time, never as messages.
  std::string table_name;
  size_t row_count = 0;
  Status st = ScanTsPutReqShallow(payload, &table_name, &row_count);
  Result<schema::TableDefPtr> table = Status(ErrorCode::kInternal, "not looked up");
  Status allowed;
  if (st.ok()) table = KvTable(service_, table_name);
  if (table.ok()) allowed = Allowed(session, "riak_ts.put", table_name);
  if (!st.ok() || !table.ok() || !allowed.ok()) {
    if (Status whole = ScanTsPutReq(payload, &table_name, &row_count); !whole.ok()) {
      return SendMalformed(sink, whole);
    }
    if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
    return SendError(sink, allowed, RequestEncoding::kPb);
  }
  MemoryReservation memory = service_.NewReservation();
  PutRowCollector rows(**table, row_count, &memory);
  st = ForEachTsPutRow(payload, [&](std::string_view row) -> Status {
    rows.BeginRow();
    TsCellRowReader cells(row);
    TsCellView c;
    bool got;
    while (true) {
      QUANTA_RETURN_IF_ERROR(cells.Next(&c, &got));
      if (!got) break;
      rows.Cell(ValueFromCellView(c));
    }
    return rows.EndRow();
  });
  if (!st.ok()) {
    // Either a malformed cell (reported as the whole check would) or the collector's error.
    if (Status whole = ScanTsPutReq(payload, &table_name, &row_count); !whole.ok()) {
      return SendMalformed(sink, whole);
    }
  }
  if (st.ok()) st = rows.Finish();
  if (st.ok()) st = service_.Put(table_name, rows.TakeRows());
  if (!st.ok()) return SendError(sink, KvError(st, table_name), RequestEncoding::kPb);
  sink.Send(EncodeFrame(code::kTsPutResp, ""));
  return After::kKeepOpen;
}

After RequestHandler::TsGet(const Session& session, std::string_view payload, FrameSink& sink) {
  MemoryReservation memory = service_.NewReservation();
  Status st = ChargeKeyDecode(payload, &memory);
  if (!st.ok()) return SendError(sink, st, RequestEncoding::kPb);
  TsGetReq req;
  st = Decode(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, req.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
  if (Status a = Allowed(session, "riak_ts.get", req.table); !a.ok()) return SendError(sink, a, RequestEncoding::kPb);
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

After RequestHandler::TsDel(const Session& session, std::string_view payload, FrameSink& sink) {
  MemoryReservation memory = service_.NewReservation();
  Status st = ChargeKeyDecode(payload, &memory);
  if (!st.ok()) return SendError(sink, st, RequestEncoding::kPb);
  TsDelReq req;
  st = Decode(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, req.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
  if (Status a = Allowed(session, "riak_ts.delete", req.table); !a.ok()) return SendError(sink, a, RequestEncoding::kPb);
  st = service_.Delete(req.table, RowFromCells(req.key));
  if (!st.ok()) return SendError(sink, KvError(st, req.table), RequestEncoding::kPb);
  sink.Send(EncodeFrame(code::kTsDelResp, ""));
  return After::kKeepOpen;
}

After RequestHandler::TsListKeys(const Session& session, std::string_view payload, FrameSink& sink) {
  TsListKeysReq req;
  Status st = Decode(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, req.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
  if (Status a = Allowed(session, "riak_ts.list_keys", req.table); !a.ok()) return SendError(sink, a, RequestEncoding::kPb);
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

After RequestHandler::TsCoverage(const Session& session, std::string_view payload, FrameSink& sink) {
  TsCoverageReq req;
  Status st = DecodeForServer(payload, &req);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, req.table);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kPb);
  if (Status a = Allowed(session, "riak_ts.coverage", req.table); !a.ok()) return SendError(sink, a, RequestEncoding::kPb);
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

After RequestHandler::Ttb(const Session& session, std::string_view payload, FrameSink& sink, service::QuerySlot* slot) {
  if (ttb::PeekTtbRequestName(payload) == "tsputreq") return TtbPut(session, payload, sink);
  // Queries and gets are small terms; building them is charged first (a term costs far more
  // than its bytes on the wire), so a frame of millions of empty terms is refused, not built.
  size_t estimate = 0;
  Status checked = ttb::ValidateTerm(payload, &estimate);
  if (!checked.ok()) return SendMalformed(sink, checked);
  MemoryReservation decode_memory = service_.NewReservation();
  Status st = decode_memory.Grow(static_cast<int64_t>(estimate), "decoding the request");
  if (!st.ok()) return SendError(sink, st, RequestEncoding::kTtb);
  auto decoded = ttb::DecodeTtbRequest(payload);
  if (!decoded.ok()) return SendMalformed(sink, decoded.error());
  auto send = [&](std::string body) { sink.Send(EncodeFrame(code::kTsTtbMsg, body)); };

  if (auto* q = std::get_if<ttb::TtbQueryReq>(&*decoded)) {
    MemoryReservation memory = service_.NewReservation();
    service::QueryOptions qopts;
    qopts.cover_context = q->cover_context;
    qopts.slot = slot;
    qopts.memory = &memory;
  qopts.authorize = [&](service::StatementKind kind, const std::string& table) {
    return Allowed(session, service::PermissionFor(kind), table);
  };
    service::QueryOutcome outcome;
    st = service_.Query(q->sql, qopts, &outcome);
    if (!st.ok()) return SendError(sink, st, RequestEncoding::kTtb);
    decoded = ttb::TtbRequest();  // the request is no longer needed
    decode_memory.ReleaseAll();
    if (outcome.kind == service::StatementKind::kCreateTable) {
      send(ttb::EncodeTtbCreateTableResp());
      return After::kKeepOpen;
    }
    // Straight into the frame: the header is patched once the body is there.
    std::string frame(kFrameHeaderBytes, '\0');
    frame.push_back(static_cast<char>(code::kTsTtbMsg));
    st = ttb::AppendTtbQueryResp(&outcome.result, &memory, &frame);
    if (!st.ok()) return SendError(sink, st, RequestEncoding::kTtb);
    std::string length;
    coding::PutFixed32BE(&length, static_cast<uint32_t>(frame.size() - kFrameHeaderBytes));
    frame.replace(0, kFrameHeaderBytes, length);
    memory.Resize(static_cast<int64_t>(frame.size()), "the reply").IgnoreError();
    sink.SendCharged(std::move(frame), std::move(memory));
    return After::kKeepOpen;
  }

  if (auto* g = std::get_if<ttb::TtbGetReq>(&*decoded)) {
    auto table = KvTable(service_, g->table);
    if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kTtb);
    if (Status a = Allowed(session, "riak_ts.get", g->table); !a.ok()) return SendError(sink, a, RequestEncoding::kPb);
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
  // DecodeTtbRequest only returns a put for "tsputreq", which TtbPut handles.
  return SendMalformed(sink, Status(ErrorCode::kGeneric, "unsupported TTB request"));
}

After RequestHandler::TtbPut(const Session& session, std::string_view payload, FrameSink& sink) {
  // As for PB puts: the whole term is checked first, then rows go from the frame to Values one
  // at a time without a term tree (which costs ~80 bytes per term).
  Status st = ttb::ValidateTerm(payload);
  if (!st.ok()) return SendMalformed(sink, st);
  std::string table_name;
  size_t row_count = 0;
  st = ttb::ScanTtbPutReq(payload, &table_name, &row_count);
  if (!st.ok()) return SendMalformed(sink, st);
  auto table = KvTable(service_, table_name);
  if (!table.ok()) return SendError(sink, table.error(), RequestEncoding::kTtb);
  if (Status a = Allowed(session, "riak_ts.put", table_name); !a.ok()) return SendError(sink, a, RequestEncoding::kPb);
  const schema::TableDef& def = **table;
  MemoryReservation memory = service_.NewReservation();
  PutRowCollector rows(def, row_count, &memory);
  size_t cell_index = 0;
  st = ttb::ForEachTtbPutCell(
      payload,
      [&] {
        rows.BeginRow();
        cell_index = 0;
      },
      [&](std::optional<Value> v) {
        // A cell that is not a valid value (e.g. `undefined`) must fail put validation as in
        // Riak: it stands in as a value of the wrong kind for its column.
        rows.Cell(v ? std::move(*v) : InvalidValueFor(def, cell_index));
        ++cell_index;
      },
      [&] { return rows.EndRow(); });
  if (st.ok()) st = rows.Finish();
  if (st.ok()) st = service_.Put(table_name, rows.TakeRows());
  if (!st.ok()) return SendError(sink, KvError(st, table_name), RequestEncoding::kTtb);
  sink.Send(EncodeFrame(code::kTsTtbMsg, ttb::EncodeTtbPutResp()));
  return After::kKeepOpen;
}

}  // namespace quanta::wire::pb
