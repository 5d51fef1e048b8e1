// Bounded decompression of request bodies: gzip (Content-Encoding: gzip, line protocol) and
// snappy block format (Prometheus remote write). The output never passes `max_bytes` and is
// reserved on `memory` before it is allocated, so a small compressed body cannot make the
// server hold more than the limits allow (docs/ingest.md).
//
// Errors: kResultTooBig when the output would pass max_bytes; kMemoryLimit when the memory
// account refuses it; kGeneric for data that is not valid gzip / snappy. The reservation
// holds out->capacity() bytes on success (the caller releases it with the string).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/memory.h"
#include "common/status.h"

namespace quanta::ingest {

Status Gunzip(std::string_view in, size_t max_bytes, MemoryReservation* memory,
              std::string* out);

Status SnappyUncompress(std::string_view in, size_t max_bytes, MemoryReservation* memory,
                        std::string* out);

}  // namespace quanta::ingest
