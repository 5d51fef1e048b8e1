// libFuzzer target for the TTB (Erlang External Term Format) decoder and the TS message mapping.
// Invariants: nothing crashes; errors carry a message and Riak errcode 0; a decoded term
// re-encodes to bytes that decode to an equal term, and re-encoding is a fixed point. The
// bounded-memory paths agree with the whole-term ones: ValidateTerm gives DecodeTerm's verdict
// and message, the streaming put walk DecodeTtbRequest's verdict, message and cells, and the
// direct query-reply encoder EncodeTtbQueryResp's bytes.
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wire/ttb/ttb_codec.h"
#include "wire/ttb/ttb_messages.h"

namespace {

using namespace quanta::wire;

void Fail(const char* what) {
  std::fprintf(stderr, "ttb_decode_fuzz: %s\n", what);
  std::abort();
}

// Two decoded cells are the same cell: doubles compare by their bits (a NaN from a
// NEW_FLOAT_EXT term equals itself; NaN == NaN is false).
bool SameCell(const std::optional<quanta::Value>& a, const std::optional<quanta::Value>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a.has_value()) return true;
  if (a->is_double() && b->is_double()) {
    return std::bit_cast<uint64_t>(a->as_double()) == std::bit_cast<uint64_t>(b->as_double());
  }
  return *a == *b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto term = ttb::DecodeTerm(input);
  if (!term.ok()) {
    if (term.error().message().empty()) Fail("error without a message");
    if (term.error().riak_code() != 0) Fail("decode error with a non-zero Riak code");
  } else {
    (void)term->ToString();
    std::string once = ttb::EncodeTerm(*term);
    auto again = ttb::DecodeTerm(once);
    if (!again.ok()) Fail("re-encoded term does not decode");
    if (!(*again == *term)) Fail("round trip changed the term");
    if (ttb::EncodeTerm(*again) != once) Fail("encoding is not a fixed point");
  }
  quanta::Status valid = ttb::ValidateTerm(input);
  if (valid.ok() != term.ok()) Fail("ValidateTerm and DecodeTerm disagree");
  if (!valid.ok() && valid.message() != term.error().message()) {
    Fail("ValidateTerm and DecodeTerm report different errors");
  }
  auto req = ttb::DecodeTtbRequest(input);
  if (!req.ok() && req.error().message().empty()) Fail("request error without a message");
  if (req.ok()) {
    if (auto* p = std::get_if<ttb::TtbPutReq>(&*req)) {
      for (const auto& row : p->rows) {
        for (const auto& cell : row) (void)ttb::TermToValue(cell);
      }
    }
  }
  if (valid.ok() && ttb::PeekTtbRequestName(input) == "tsputreq") {
    std::string table;
    size_t rows = 0;
    quanta::Status scan = ttb::ScanTtbPutReq(input, &table, &rows);
    auto* p = req.ok() ? std::get_if<ttb::TtbPutReq>(&*req) : nullptr;
    if (scan.ok() != (p != nullptr)) Fail("ScanTtbPutReq and DecodeTtbRequest disagree");
    if (!scan.ok() && scan.message() != req.error().message()) {
      Fail("ScanTtbPutReq and DecodeTtbRequest report different errors");
    }
    if (p != nullptr) {
      if (table != p->table || rows != p->rows.size()) Fail("ScanTtbPutReq: table or row count");
      size_t r = 0, c = 0;
      bool same = true;
      quanta::Status walk = ttb::ForEachTtbPutCell(
          input, [&] { c = 0; },
          [&](std::optional<quanta::Value> v) {
            same = same && r < p->rows.size() && c < p->rows[r].size() &&
                   SameCell(v, ttb::TermToValue(p->rows[r][c]));
            ++c;
          },
          [&] {
            same = same && c == p->rows[r].size();
            ++r;
            return quanta::Status::OK();
          });
      if (!walk.ok() || !same || r != rows) Fail("ForEachTtbPutCell differs from the decoded rows");
    }
  }
  auto resp = ttb::DecodeTtbResponse(input);
  if (resp.ok() && resp->kind != ttb::TtbResponse::Kind::kError) {
    // A decoded result re-encodes as a query response, directly or through terms alike.
    std::string want = ttb::EncodeTtbQueryResp(resp->result);
    std::string direct;
    quanta::ResultSet copy = resp->result;
    if (!ttb::AppendTtbQueryResp(&copy, nullptr, &direct).ok() || direct != want) {
      Fail("AppendTtbQueryResp differs from EncodeTtbQueryResp");
    }
  }
  return 0;
}
