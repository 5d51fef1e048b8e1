// Protocol Buffers (proto2) wire primitives: a writer that appends fields to a std::string and a
// reader that walks the fields of one encoded message. Layout: docs/formats/pb_framing.md.
//
// The reader never reads past its input and reports malformed input (truncation, over-long
// varints, group wire types, lengths past the end) as a Status; it never asserts on input.
// Thread safety: both are plain values used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace quanta::wire::pb {

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,  // rejected
  kEndGroup = 4,    // rejected
  kFixed32 = 5,
};

// Appends fields to `out` (not owned; must outlive the writer).
class ProtoWriter {
 public:
  explicit ProtoWriter(std::string* out) : out_(out) {}

  void WriteVarintField(uint32_t field, uint64_t v);
  void WriteSint64Field(uint32_t field, int64_t v);   // zigzag
  void WriteBoolField(uint32_t field, bool v);
  void WriteDoubleField(uint32_t field, double v);    // fixed64 little-endian
  void WriteBytesField(uint32_t field, std::string_view bytes);
  // A sub-message already encoded into `body`.
  void WriteMessageField(uint32_t field, std::string_view body) { WriteBytesField(field, body); }

 private:
  void WriteKey(uint32_t field, WireType type);
  std::string* out_;
};

// One field as read from the input. For kLengthDelimited, `bytes` views the input buffer (valid
// while the buffer is); for kVarint/kFixed64/kFixed32, `varint`/`fixed` hold the raw value.
struct ProtoField {
  uint32_t number = 0;
  WireType type = WireType::kVarint;
  uint64_t varint = 0;
  uint64_t fixed = 0;
  std::string_view bytes;

  // Typed views; each returns an error when the wire type does not fit the declared type.
  Status AsUint64(uint64_t* v) const;
  Status AsUint32(uint32_t* v) const;   // varint, truncated to 32 bits as protobuf does
  Status AsSint64(int64_t* v) const;
  Status AsBool(bool* v) const;
  Status AsDouble(double* v) const;
  Status AsBytes(std::string_view* v) const;
};

class ProtoReader {
 public:
  explicit ProtoReader(std::string_view input) : in_(input) {}
  // True while fields remain.
  bool HasNext() const { return !in_.empty(); }
  // Reads the next field. REQUIRES: HasNext(). Errors on malformed input.
  Status Next(ProtoField* field);
  // The input not read yet.
  std::string_view rest() const { return in_; }

 private:
  std::string_view in_;
};

// The Status every decoder returns for malformed protobuf: code kGeneric (Riak errcode 0).
Status MalformedProto(std::string_view what);

}  // namespace quanta::wire::pb
