#include "wire/pb/proto_wire.h"

#include "common/coding.h"

namespace quanta::wire::pb {

Status MalformedProto(std::string_view what) {
  return Status(ErrorCode::kGeneric, "malformed protobuf: " + std::string(what));
}

void ProtoWriter::WriteKey(uint32_t field, WireType type) {
  coding::PutVarint64(out_, (static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(type));
}

void ProtoWriter::WriteVarintField(uint32_t field, uint64_t v) {
  WriteKey(field, WireType::kVarint);
  coding::PutVarint64(out_, v);
}

void ProtoWriter::WriteSint64Field(uint32_t field, int64_t v) {
  WriteVarintField(field, coding::ZigZagEncode(v));
}

void ProtoWriter::WriteBoolField(uint32_t field, bool v) { WriteVarintField(field, v ? 1 : 0); }

void ProtoWriter::WriteDoubleField(uint32_t field, double v) {
  WriteKey(field, WireType::kFixed64);
  coding::PutFixed64LE(out_, coding::DoubleBits(v));
}

void ProtoWriter::WriteBytesField(uint32_t field, std::string_view bytes) {
  WriteKey(field, WireType::kLengthDelimited);
  coding::PutLengthPrefixed(out_, bytes);
}

Status ProtoReader::Next(ProtoField* field) {
  uint64_t key;
  if (!coding::GetVarint64(&in_, &key)) return MalformedProto("bad field key");
  uint64_t number = key >> 3;
  if (number == 0 || number > 0x1fffffff) return MalformedProto("bad field number");
  field->number = static_cast<uint32_t>(number);
  field->type = static_cast<WireType>(key & 7);
  switch (field->type) {
    case WireType::kVarint:
      if (!coding::GetVarint64(&in_, &field->varint)) return MalformedProto("bad varint");
      return Status::OK();
    case WireType::kFixed64:
      if (in_.size() < 8) return MalformedProto("truncated fixed64");
      field->fixed = coding::DecodeFixed64LE(in_.data());
      in_.remove_prefix(8);
      return Status::OK();
    case WireType::kLengthDelimited:
      if (!coding::GetLengthPrefixed(&in_, &field->bytes)) {
        return MalformedProto("truncated length-delimited field");
      }
      return Status::OK();
    case WireType::kFixed32: {
      if (in_.size() < 4) return MalformedProto("truncated fixed32");
      uint64_t v = 0;
      for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in_[i]);
      field->fixed = v;
      in_.remove_prefix(4);
      return Status::OK();
    }
    default:
      return MalformedProto("unsupported wire type " + std::to_string(key & 7));
  }
}

static Status WrongType(const ProtoField& f) {
  return MalformedProto("field " + std::to_string(f.number) + " has wire type " +
                        std::to_string(static_cast<int>(f.type)));
}

Status ProtoField::AsUint64(uint64_t* v) const {
  if (type != WireType::kVarint) return WrongType(*this);
  *v = varint;
  return Status::OK();
}

Status ProtoField::AsUint32(uint32_t* v) const {
  if (type != WireType::kVarint) return WrongType(*this);
  *v = static_cast<uint32_t>(varint);
  return Status::OK();
}

Status ProtoField::AsSint64(int64_t* v) const {
  if (type != WireType::kVarint) return WrongType(*this);
  *v = coding::ZigZagDecode(varint);
  return Status::OK();
}

Status ProtoField::AsBool(bool* v) const {
  if (type != WireType::kVarint) return WrongType(*this);
  *v = varint != 0;
  return Status::OK();
}

Status ProtoField::AsDouble(double* v) const {
  if (type != WireType::kFixed64) return WrongType(*this);
  *v = coding::BitsToDouble(fixed);
  return Status::OK();
}

Status ProtoField::AsBytes(std::string_view* v) const {
  if (type != WireType::kLengthDelimited) return WrongType(*this);
  *v = bytes;
  return Status::OK();
}

}  // namespace quanta::wire::pb
