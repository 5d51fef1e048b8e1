// libFuzzer target for the TTB (Erlang External Term Format) decoder and the TS message mapping.
// Invariants: nothing crashes; errors carry a message and Riak errcode 0; a decoded term
// re-encodes to bytes that decode to an equal term, and re-encoding is a fixed point.
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
  auto req = ttb::DecodeTtbRequest(input);
  if (!req.ok() && req.error().message().empty()) Fail("request error without a message");
  if (req.ok()) {
    if (auto* p = std::get_if<ttb::TtbPutReq>(&*req)) {
      for (const auto& row : p->rows) {
        for (const auto& cell : row) (void)ttb::TermToValue(cell);
      }
    }
  }
  auto resp = ttb::DecodeTtbResponse(input);
  if (resp.ok() && resp->kind != ttb::TtbResponse::Kind::kError) {
    // A decoded result re-encodes as a query response.
    (void)ttb::EncodeTtbQueryResp(resp->result);
  }
  return 0;
}
