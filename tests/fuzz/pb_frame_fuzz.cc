// libFuzzer target for the PB port's input side: the input is a byte stream as a client would
// send it. It is cut into frames by FrameReassembler and every frame is decoded the way the
// server decodes it (all PB request/response messages by code, TTB requests for code 104).
// Invariants: nothing crashes; decode errors carry a message and Riak errcode 0; whatever
// decodes re-encodes to bytes that decode to the same message.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"
#include "wire/ttb/ttb_messages.h"

namespace {

using namespace quanta::wire;

void Fail(const char* what) {
  std::fprintf(stderr, "pb_frame_fuzz: %s\n", what);
  std::abort();
}

void CheckError(const quanta::Status& st) {
  if (st.ok()) return;
  if (st.message().empty()) Fail("error without a message");
  if (st.riak_code() != 0) Fail("decode error with a non-zero Riak code");
}

template <typename T>
void RoundTrip(std::string_view payload) {
  T m;
  quanta::Status st = pb::Decode(payload, &m);
  CheckError(st);
  if (!st.ok()) return;
  std::string again = pb::Encode(m);
  T m2;
  if (!pb::Decode(again, &m2).ok()) Fail("re-encoded message does not decode");
  if (!(m == m2)) Fail("round trip changed the message");
  (void)pb::ToString(m);
}

bool SameCell(const pb::TsCellView& a, const pb::TsCellView& b) {
  return a.field == b.field && a.varchar_value == b.varchar_value && a.int_value == b.int_value &&
         a.boolean_value == b.boolean_value &&
         std::memcmp(&a.double_value, &b.double_value, sizeof(double)) == 0;
}

// DecodeCellView's fast path and the field-by-field decoder agree on any bytes.
void CheckCellDecoders(std::string_view body) {
  pb::TsCellView fast, generic;
  quanta::Status f = pb::DecodeCellView(body, &fast);
  quanta::Status g = pb::DecodeCellViewGeneric(body, &generic);
  if (f.ok() != g.ok() || f.message() != g.message()) Fail("cell decoders disagree on errors");
  if (f.ok() && !SameCell(fast, generic)) Fail("cell decoders disagree on the cell");
}

// The server's bounded-memory decoders accept and reject what Decode() does.
void CheckServerDecoders(uint8_t code, std::string_view payload) {
  CheckCellDecoders(payload);
  if (code == pb::code::kTsPutReq) {
    std::string shallow_table;
    size_t shallow_rows = 0;
    quanta::Status shallow = pb::ScanTsPutReqShallow(payload, &shallow_table, &shallow_rows);
    pb::TsPutReq full;
    quanta::Status d = pb::Decode(payload, &full);
    std::string table;
    size_t rows = 0;
    quanta::Status s = pb::ScanTsPutReq(payload, &table, &rows);
    if (s.ok() != d.ok() || (!s.ok() && s.message() != d.message())) {
      Fail("ScanTsPutReq and Decode(TsPutReq) disagree");
    }
    // The top-level check rejects nothing the whole check accepts.
    if (!shallow.ok() && s.ok()) Fail("ScanTsPutReqShallow rejects what ScanTsPutReq accepts");
    if (!s.ok()) return;
    if (table != full.table || rows != full.rows.size()) Fail("ScanTsPutReq: table or rows");
    if (shallow_table != table || shallow_rows != rows) Fail("ScanTsPutReqShallow: table or rows");
    size_t r = 0;
    quanta::Status walk = pb::ForEachTsPutRow(payload, [&](std::string_view row) {
      size_t c = 0;
      quanta::Status cells = pb::ForEachTsCell(row, [&](const pb::TsCellView& v) {
        if (r >= full.rows.size() || c >= full.rows[r].size() ||
            v.field != full.rows[r][c].field) {
          Fail("ForEachTsCell differs from the decoded rows");
        }
        ++c;
        return quanta::Status::OK();
      });
      ++r;
      return cells;
    });
    if (!walk.ok() || r != rows) Fail("ForEachTsPutRow differs from the decoded rows");
  } else if (code == pb::code::kTsQueryReq) {
    pb::TsQueryReq full, server;
    if (pb::Decode(payload, &full).ok() != pb::DecodeForServer(payload, &server).ok()) {
      Fail("DecodeForServer(TsQueryReq) and Decode disagree");
    }
  } else if (code == pb::code::kTsCoverageReq) {
    pb::TsCoverageReq full, server;
    if (pb::Decode(payload, &full).ok() != pb::DecodeForServer(payload, &server).ok()) {
      Fail("DecodeForServer(TsCoverageReq) and Decode disagree");
    }
  }
}

void DecodeFrame(uint8_t code, std::string_view payload) {
  CheckServerDecoders(code, payload);
  auto described = pb::DescribePbMessage(code, payload);
  if (!described.ok() && code != 42) CheckError(described.error());
  switch (code) {
    case pb::code::kErrorResp: RoundTrip<pb::RpbErrorResp>(payload); break;
    case pb::code::kGetServerInfoResp: RoundTrip<pb::RpbGetServerInfoResp>(payload); break;
    case pb::code::kSetClientIdReq: RoundTrip<pb::RpbClientId>(payload); break;
    case pb::code::kGetReq: RoundTrip<pb::RpbGetReq>(payload); break;
    case pb::code::kGetBucketResp: RoundTrip<pb::RpbGetBucketResp>(payload); break;
    case pb::code::kTsQueryReq: RoundTrip<pb::TsQueryReq>(payload); break;
    case pb::code::kTsQueryResp: RoundTrip<pb::TsQueryResp>(payload); break;
    case pb::code::kTsPutReq: RoundTrip<pb::TsPutReq>(payload); break;
    case pb::code::kTsDelReq: RoundTrip<pb::TsDelReq>(payload); break;
    case pb::code::kTsGetReq: RoundTrip<pb::TsGetReq>(payload); break;
    case pb::code::kTsGetResp: RoundTrip<pb::TsGetResp>(payload); break;
    case pb::code::kTsListKeysReq: RoundTrip<pb::TsListKeysReq>(payload); break;
    case pb::code::kTsListKeysResp: RoundTrip<pb::TsListKeysResp>(payload); break;
    case pb::code::kTsCoverageReq: RoundTrip<pb::TsCoverageReq>(payload); break;
    case pb::code::kTsCoverageResp: RoundTrip<pb::TsCoverageResp>(payload); break;
    case pb::code::kTsTtbMsg: {
      auto req = ttb::DecodeTtbRequest(payload);
      if (!req.ok()) CheckError(req.error());
      auto resp = ttb::DecodeTtbResponse(payload);
      if (!resp.ok() && resp.error().message().empty()) Fail("error without a message");
      break;
    }
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Feed the stream in two parts (split at a data-derived point) to exercise reassembly.
  size_t split = size == 0 ? 0 : data[0] % (size + 1);
  pb::FrameReassembler frames(1 << 20);
  for (std::string_view part : {input.substr(0, split), input.substr(split)}) {
    frames.Append(part);
    pb::FrameView f;
    for (;;) {
      auto r = frames.Next(&f);
      if (r != pb::FrameReassembler::Result::kFrame) break;
      DecodeFrame(f.code, f.payload);
    }
  }
  return 0;
}
