#include "ingest/decompress.h"

#include <snappy.h>
#include <zlib.h>

#include <algorithm>

namespace quanta::ingest {
namespace {

Status TooBig(size_t max_bytes) {
  return Status(ErrorCode::kResultTooBig,
                "decompressed body larger than " + std::to_string(max_bytes) + " bytes");
}

}  // namespace

Status Gunzip(std::string_view in, size_t max_bytes, MemoryReservation* memory,
              std::string* out) {
  out->clear();
  z_stream z{};
  // 16 + MAX_WBITS: a gzip header and trailer (not raw deflate or zlib).
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
    return Status(ErrorCode::kInternal, "gzip: inflateInit2 failed");
  }
  struct End {
    z_stream* z;
    ~End() { inflateEnd(z); }
  } end{&z};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  size_t fed = z.avail_in;
  int64_t charged = 0;
  size_t used = 0;
  // Grow the output geometrically from about 4x the input, never past max_bytes (+1 so that
  // passing it is detected).
  size_t capacity = std::min(max_bytes + 1, std::max<size_t>(in.size() * 4, 64 << 10));
  while (true) {
    if (used == out->size()) {
      if (out->size() > max_bytes) return TooBig(max_bytes);
      size_t want = out->empty() ? capacity : std::min(max_bytes + 1, out->size() * 2);
      if (want <= out->size()) return TooBig(max_bytes);
      QUANTA_RETURN_IF_ERROR(
          memory->Grow(static_cast<int64_t>(want) - charged, "the decompressed body"));
      charged = static_cast<int64_t>(want);
      out->resize(want);
    }
    z.next_out = reinterpret_cast<Bytef*>(out->data() + used);
    z.avail_out = static_cast<uInt>(std::min<size_t>(out->size() - used, UINT32_MAX));
    size_t before = z.avail_out;
    int rc = inflate(&z, Z_NO_FLUSH);
    used += before - z.avail_out;
    if (z.avail_in == 0 && fed < in.size()) {
      size_t more = std::min<size_t>(in.size() - fed, UINT32_MAX);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + fed));
      z.avail_in = static_cast<uInt>(more);
      fed += more;
    }
    if (used > max_bytes) return TooBig(max_bytes);
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members are valid gzip (what `cat a.gz b.gz` gives).
      if (z.avail_in == 0) break;
      if (inflateReset(&z) != Z_OK) return Status(ErrorCode::kGeneric, "invalid gzip body");
      continue;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) {
      return Status(ErrorCode::kGeneric, "invalid gzip body: truncated");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Status(ErrorCode::kGeneric,
                    std::string("invalid gzip body: ") + (z.msg != nullptr ? z.msg : "corrupt"));
    }
  }
  out->resize(used);
  return Status::OK();
}

Status SnappyUncompress(std::string_view in, size_t max_bytes, MemoryReservation* memory,
                        std::string* out) {
  out->clear();
  size_t length = 0;
  if (!snappy::GetUncompressedLength(in.data(), in.size(), &length)) {
    return Status(ErrorCode::kGeneric, "invalid snappy body");
  }
  if (length > max_bytes) return TooBig(max_bytes);
  QUANTA_RETURN_IF_ERROR(memory->Grow(static_cast<int64_t>(length), "the decompressed body"));
  out->resize(length);
  if (!snappy::RawUncompress(in.data(), in.size(), out->data())) {
    return Status(ErrorCode::kGeneric, "invalid snappy body");
  }
  return Status::OK();
}

}  // namespace quanta::ingest
