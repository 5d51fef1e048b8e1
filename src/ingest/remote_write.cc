#include "ingest/remote_write.h"

#include <algorithm>
#include <cstring>

namespace quanta::ingest {
namespace {

Status Malformed(std::string_view what) {
  return Status(ErrorCode::kGeneric, "invalid remote write request: " + std::string(what));
}

// A protobuf reader over one message's bytes.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool done() const { return p_ >= in_.size(); }

  bool Varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= in_.size()) return false;
      uint8_t b = static_cast<uint8_t>(in_[p_++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return false;
  }
  bool Fixed64(uint64_t* out) {
    if (in_.size() - p_ < 8) return false;
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in_[p_ + i]);
    p_ += 8;
    *out = v;
    return true;
  }
  bool Bytes(std::string_view* out) {
    uint64_t n = 0;
    if (!Varint(&n) || n > in_.size() - p_) return false;
    *out = in_.substr(p_, n);
    p_ += n;
    return true;
  }
  // Skips a field of wire type `type` (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
  bool Skip(uint32_t type) {
    uint64_t ignored = 0;
    std::string_view bytes;
    switch (type) {
      case 0: return Varint(&ignored);
      case 1: return Fixed64(&ignored);
      case 2: return Bytes(&bytes);
      case 5:
        if (in_.size() - p_ < 4) return false;
        p_ += 4;
        return true;
      default: return false;  // groups (3, 4) are not used by these messages
    }
  }
  bool Tag(uint32_t* field, uint32_t* type) {
    uint64_t key = 0;
    if (!Varint(&key) || (key >> 3) == 0 || (key >> 3) > 0x1FFFFFFF) return false;
    *field = static_cast<uint32_t>(key >> 3);
    *type = static_cast<uint32_t>(key & 7);
    return true;
  }

 private:
  std::string_view in_;
  size_t p_ = 0;
};

Status DecodeLabel(std::string_view bytes, std::pair<std::string, std::string>* label) {
  Reader r(bytes);
  while (!r.done()) {
    uint32_t field = 0, type = 0;
    if (!r.Tag(&field, &type)) return Malformed("bad label");
    std::string_view s;
    if ((field == 1 || field == 2) && type == 2) {
      if (!r.Bytes(&s)) return Malformed("bad label");
      (field == 1 ? label->first : label->second).assign(s);
    } else if (!r.Skip(type)) {
      return Malformed("bad label");
    }
  }
  return Status::OK();
}

Status DecodeSample(std::string_view bytes, Sample* sample) {
  Reader r(bytes);
  while (!r.done()) {
    uint32_t field = 0, type = 0;
    if (!r.Tag(&field, &type)) return Malformed("bad sample");
    if (field == 1 && type == 1) {
      uint64_t bits = 0;
      if (!r.Fixed64(&bits)) return Malformed("bad sample");
      std::memcpy(&sample->value, &bits, sizeof bits);
    } else if (field == 2 && type == 0) {
      uint64_t v = 0;
      if (!r.Varint(&v)) return Malformed("bad sample");
      sample->timestamp_ms = static_cast<int64_t>(v);
    } else if (!r.Skip(type)) {
      return Malformed("bad sample");
    }
  }
  return Status::OK();
}

Status DecodeSeries(std::string_view bytes, Series* series) {
  series->labels.clear();
  series->samples.clear();
  Reader r(bytes);
  while (!r.done()) {
    uint32_t field = 0, type = 0;
    if (!r.Tag(&field, &type)) return Malformed("bad time series");
    std::string_view sub;
    if ((field == 1 || field == 2) && type == 2) {
      if (!r.Bytes(&sub)) return Malformed("bad time series");
      if (field == 1) {
        series->labels.emplace_back();
        QUANTA_RETURN_IF_ERROR(DecodeLabel(sub, &series->labels.back()));
      } else {
        series->samples.emplace_back();
        QUANTA_RETURN_IF_ERROR(DecodeSample(sub, &series->samples.back()));
      }
    } else if (!r.Skip(type)) {
      return Malformed("bad time series");
    }
  }
  return Status::OK();
}

void AppendEscaped(std::string_view value, std::string* out) {
  for (char c : value) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

}  // namespace

bool IsStaleMarker(double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits == kStaleNaNBits;
}

Status DecodeWriteRequest(std::string_view message,
                          const std::function<Status(Series&)>& sink) {
  Reader r(message);
  Series series;
  while (!r.done()) {
    uint32_t field = 0, type = 0;
    if (!r.Tag(&field, &type)) return Malformed("bad field tag");
    if (field == 1 && type == 2) {
      std::string_view sub;
      if (!r.Bytes(&sub)) return Malformed("truncated time series");
      QUANTA_RETURN_IF_ERROR(DecodeSeries(sub, &series));
      QUANTA_RETURN_IF_ERROR(sink(series));
    } else if (!r.Skip(type)) {
      return Malformed("bad field");
    }
  }
  return Status::OK();
}

void CanonicalLabels(std::vector<std::pair<std::string, std::string>>* labels,
                     std::string* metric, std::string* out) {
  metric->clear();
  out->clear();
  std::sort(labels->begin(), labels->end());
  bool first = true;
  for (const auto& [name, value] : *labels) {
    if (name == "__name__") {
      *metric = value;
      continue;
    }
    if (!first) out->push_back(',');
    first = false;
    out->append(name);
    out->append("=\"");
    AppendEscaped(value, out);
    out->push_back('"');
  }
}

}  // namespace quanta::ingest
