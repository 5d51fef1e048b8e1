// The Riak TS messages carried as TTB terms in code-104 frames (spec wire_protocol.md 3.3-3.4,
// docs/formats/ttb_subset.md): request decoding for the server, response encoding for the
// server, and the mirror image for the client.
//
// All payloads here include the leading version byte 0x83. Thread safety: stateless.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/memory.h"
#include "common/result_set.h"
#include "common/status.h"
#include "common/value.h"
#include "wire/ttb/term.h"

namespace quanta::wire::ttb {

// ---- requests (client -> server) ----

struct TtbQueryReq {
  std::string sql;
  std::optional<std::string> cover_context;
};

struct TtbGetReq {
  std::string table;
  std::vector<Term> key;           // cells as sent; see TermToValue
  std::optional<uint32_t> timeout;
};

struct TtbPutReq {
  std::string table;
  std::vector<std::vector<Term>> rows;  // each row's cells (tuple or list on the wire)
};

using TtbRequest = std::variant<TtbQueryReq, TtbGetReq, TtbPutReq>;

// Decodes a 104 payload into one of the three supported requests. Any other term (tsdelreq,
// wrong arity, wrong field kinds) is an error (kGeneric) whose message describes the problem.
Result<TtbRequest> DecodeTtbRequest(std::string_view payload);

// The request atom of a 104 payload ("tsqueryreq", "tsputreq", ...) or "" (see
// PeekRequestName in ttb_codec.h).
std::string PeekTtbRequestName(std::string_view payload);

// Streaming put decoding (bounded memory): ScanTtbPutReq checks a tsputreq payload exactly as
// DecodeTtbRequest does (same errors, same order) without building its rows, and returns the
// table and the row count. ForEachTtbPutCell then walks the rows: begin_row(), cell(value) for
// each cell (nullopt for a cell TermToValue rejects), end_row(); it stops at the first error
// end_row returns. REQUIRES for ForEachTtbPutCell: ScanTtbPutReq accepted the payload.
Status ScanTtbPutReq(std::string_view payload, std::string* table, size_t* rows);
Status ForEachTtbPutCell(std::string_view payload, const std::function<void()>& begin_row,
                         const std::function<void(std::optional<Value>)>& cell,
                         const std::function<Status()>& end_row);

// A request cell as a Value: binary -> bytes, integer -> int, float -> double, true/false ->
// bool, [] -> NULL. nullopt for anything else (e.g. `undefined`, which Riak's put validation
// rejects, or a nested tuple).
std::optional<Value> TermToValue(const Term& t);

// Request encoders for the client (shapes as Python/Java send them; floats as NEW_FLOAT_EXT).
std::string EncodeTtbQueryReq(std::string_view sql,
                              const std::optional<std::string>& cover_context = std::nullopt);
std::string EncodeTtbGetReq(std::string_view table, const Row& key);
std::string EncodeTtbPutReq(std::string_view table, const std::vector<Row>& rows);

// ---- responses (server -> client) ----

// {tsqueryresp, {Names, Types, Rows}}; zero rows -> {tsqueryresp, {[], [], []}}.
std::string EncodeTtbQueryResp(const ResultSet& result);
// The same bytes, appended to `out` straight from the rows (no term tree): the exact size is
// computed first and `out` grows once; the appended bytes are charged to `memory` (may be null)
// as they are written and each row is freed (its estimated size given back) once encoded. On a
// refusal (kMemoryLimit) rows may already be freed: the result is then only fit for an error.
Status AppendTtbQueryResp(ResultSet* result, MemoryReservation* memory, std::string* out);
// The bare atom tsqueryresp (CREATE TABLE success).
std::string EncodeTtbCreateTableResp();
// {tsgetresp, {Names, Types, [Row]}} or, when `row` is null, {tsgetresp, {[], [], []}}.
std::string EncodeTtbGetResp(const std::vector<ColumnDesc>& columns, const Row* row);
// {tsputresp}
std::string EncodeTtbPutResp();
// {rpberrorresp, <<Msg>>, Code}
std::string EncodeTtbErrorResp(std::string_view message, int code);

// The value of a result cell as a term (NULL -> [], bool -> atom, ...).
Term ValueToTerm(const Value& v);

// Client-side decoding of any TTB response. `kind` tells which response atom was found.
struct TtbResponse {
  enum class Kind { kQueryResp, kGetResp, kPutResp, kError };
  Kind kind = Kind::kQueryResp;
  bool bare_atom = false;      // tsqueryresp sent as a bare atom (CREATE TABLE)
  ResultSet result;            // kQueryResp / kGetResp
  std::string errmsg;          // kError
  int errcode = 0;             // kError
};
Result<TtbResponse> DecodeTtbResponse(std::string_view payload);

}  // namespace quanta::wire::ttb
