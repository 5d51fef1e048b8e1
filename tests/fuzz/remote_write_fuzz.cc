// libFuzzer target for the Prometheus remote write decoder (src/ingest/remote_write.h) and the
// bounded snappy decompression in front of it. The input is tried both as a WriteRequest and as
// a snappy block. Invariants checked (abort on violation):
//  - decoding never crashes and fails only with kGeneric;
//  - the canonical labels of a decoded series are empty exactly when the series has no label
//    but __name__, and the labels end up sorted;
//  - snappy never produces more than the limit, and its failures are kGeneric/kResultTooBig.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/decompress.h"
#include "ingest/remote_write.h"

namespace {

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "remote_write_fuzz: %s (%zu bytes)\n", what, input.size());
  std::abort();
}

void Decode(std::string_view message, std::string_view input) {
  std::string metric, labels;
  quanta::Status st = quanta::ingest::DecodeWriteRequest(message, [&](quanta::ingest::Series& s) {
    quanta::ingest::CanonicalLabels(&s.labels, &metric, &labels);
    size_t named = 0;
    for (const auto& [name, value] : s.labels) named += name != "__name__";
    if ((named == 0) != labels.empty()) Fail("labels text does not match the labels", input);
    for (size_t i = 1; i < s.labels.size(); ++i) {
      if (s.labels[i] < s.labels[i - 1]) Fail("labels not sorted", input);
    }
    return quanta::Status::OK();
  });
  if (!st.ok() && st.code() != quanta::ErrorCode::kGeneric) Fail("unexpected error code", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Decode(input, input);
  quanta::MemoryAccount account(64 << 20);
  quanta::MemoryReservation memory(&account, 0);
  std::string out;
  constexpr size_t kLimit = 1 << 20;
  quanta::Status st = quanta::ingest::SnappyUncompress(input, kLimit, &memory, &out);
  if (st.ok()) {
    if (out.size() > kLimit) Fail("snappy output over the limit", input);
    Decode(out, input);
  } else if (st.code() != quanta::ErrorCode::kGeneric &&
             st.code() != quanta::ErrorCode::kResultTooBig) {
    Fail("unexpected snappy error code", input);
  }
  return 0;
}
