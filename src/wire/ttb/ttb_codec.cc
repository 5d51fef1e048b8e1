#include "wire/ttb/ttb_codec.h"

#include <charconv>
#include <cstring>
#include <limits>

#include "common/coding.h"

namespace quanta::wire::ttb {

namespace {

enum Tag : uint8_t {
  kNewFloat = 70,
  kSmallInteger = 97,
  kInteger = 98,
  kFloat = 99,
  kAtom = 100,
  kSmallTuple = 104,
  kLargeTuple = 105,
  kNil = 106,
  kString = 107,
  kList = 108,
  kBinary = 109,
  kSmallBig = 110,
  kLargeBig = 111,
  kSmallAtom = 115,
  kAtomUtf8 = 118,
  kSmallAtomUtf8 = 119,
};

Status Bad(std::string_view what) {
  return Status(ErrorCode::kGeneric, "bad external term: " + std::string(what));
}

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// UTF-8 text as latin-1 bytes, if every code point is below 256.
bool Utf8ToLatin1(std::string_view s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
      out->push_back(static_cast<char>(((c & 0x1F) << 6) | (s[i + 1] & 0x3F)));
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  // `out` null: the term is checked (same errors) but not built.
  Status Term(int depth, ttb::Term* out);
  bool done() const { return in_.empty(); }
  std::string_view rest() const { return in_; }
  size_t terms() const { return terms_; }
  size_t payload_bytes() const { return payload_bytes_; }

 private:
  bool Take(size_t n, std::string_view* out) {
    if (in_.size() < n) return false;
    *out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool U8(uint8_t* v) {
    if (in_.empty()) return false;
    *v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool U16(uint16_t* v) {
    if (in_.size() < 2) return false;
    *v = static_cast<uint16_t>((static_cast<uint8_t>(in_[0]) << 8) | static_cast<uint8_t>(in_[1]));
    in_.remove_prefix(2);
    return true;
  }
  bool U32(uint32_t* v) {
    if (in_.size() < 4) return false;
    *v = coding::DecodeFixed32BE(in_.data());
    in_.remove_prefix(4);
    return true;
  }
  Status Big(size_t n, ttb::Term* out);
  Status Elements(size_t count, int depth, std::vector<ttb::Term>* out);

  std::string_view in_;
  size_t terms_ = 0;
  size_t payload_bytes_ = 0;  // atom, binary and string bytes (ValidateTerm's estimate)
};

// True when the (valid) term at the start of `t` is [] in any of its encodings.
bool IsEmptyList(std::string_view t) {
  if (t.empty()) return false;
  switch (static_cast<uint8_t>(t[0])) {
    case kNil: return true;
    case kString: return t.size() >= 3 && t[1] == 0 && t[2] == 0;
    case kList: return t.size() >= 5 && coding::DecodeFixed32BE(t.data() + 1) == 0;
    default: return false;
  }
}

Status Decoder::Big(size_t n, ttb::Term* out) {
  uint8_t sign;
  std::string_view digits;
  if (!U8(&sign) || !Take(n, &digits)) return Bad("truncated bignum");
  if (sign > 1) return Bad("bad bignum sign");
  // Little-endian magnitude; high zero bytes are allowed (Java writes n >= 4).
  uint64_t mag = 0;
  for (size_t i = n; i-- > 0;) {
    uint8_t b = static_cast<uint8_t>(digits[i]);
    if (i >= 8) {
      if (b != 0) return Bad("integer does not fit in 64 bits");
      continue;
    }
    mag |= static_cast<uint64_t>(b) << (8 * i);
  }
  constexpr uint64_t kMaxPos = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (sign == 0) {
    if (mag > kMaxPos) return Bad("integer does not fit in 64 bits");
    if (out) *out = ttb::Term::Int(static_cast<int64_t>(mag));
  } else {
    if (mag > kMaxPos + 1) return Bad("integer does not fit in 64 bits");
    if (out) *out = ttb::Term::Int(static_cast<int64_t>(0 - mag));
  }
  return Status::OK();
}

Status Decoder::Elements(size_t count, int depth, std::vector<ttb::Term>* out) {
  // Every element takes at least one byte: a count beyond the input is malformed, and this bound
  // keeps a hostile count from reserving memory.
  if (count > in_.size()) return Bad("element count exceeds input");
  if (out == nullptr) {
    for (size_t i = 0; i < count; ++i) QUANTA_RETURN_IF_ERROR(Term(depth + 1, nullptr));
    return Status::OK();
  }
  out->reserve(count);
  for (size_t i = 0; i < count; ++i) {
    ttb::Term t;
    QUANTA_RETURN_IF_ERROR(Term(depth + 1, &t));
    out->push_back(std::move(t));
  }
  return Status::OK();
}

Status Decoder::Term(int depth, ttb::Term* out) {
  if (depth > kMaxDepth) return Bad("nesting too deep");
  if (++terms_ > kMaxTerms) return Bad("too many terms");
  uint8_t tag;
  if (!U8(&tag)) return Bad("truncated term");
  switch (tag) {
    case kSmallInteger: {
      uint8_t v;
      if (!U8(&v)) return Bad("truncated integer");
      if (out) *out = ttb::Term::Int(v);
      return Status::OK();
    }
    case kInteger: {
      uint32_t v;
      if (!U32(&v)) return Bad("truncated integer");
      if (out) *out = ttb::Term::Int(static_cast<int32_t>(v));
      return Status::OK();
    }
    case kSmallBig: {
      uint8_t n;
      if (!U8(&n)) return Bad("truncated bignum");
      return Big(n, out);
    }
    case kLargeBig: {
      uint32_t n;
      if (!U32(&n)) return Bad("truncated bignum");
      return Big(n, out);
    }
    case kNewFloat: {
      std::string_view b;
      if (!Take(8, &b)) return Bad("truncated float");
      if (out) *out = ttb::Term::Float(coding::BitsToDouble(coding::DecodeFixed64BE(b.data())));
      return Status::OK();
    }
    case kFloat: {
      // 31 bytes of "%.20e" text, NUL padded (Python basho_erlastic, Erlang before OTP 17).
      std::string_view b;
      if (!Take(31, &b)) return Bad("truncated float");
      size_t start = 0;
      while (start < b.size() && b[start] == ' ') ++start;
      if (start < b.size() && b[start] == '+') ++start;
      double d = 0;
      auto [ptr, ec] = std::from_chars(b.data() + start, b.data() + b.size(), d);
      if (ec != std::errc() || ptr == b.data() + start) return Bad("bad float text");
      for (const char* p = ptr; p < b.data() + b.size(); ++p) {
        if (*p != '\0' && *p != ' ') return Bad("bad float text");
      }
      if (out) *out = ttb::Term::Float(d);
      return Status::OK();
    }
    case kAtom:
    case kAtomUtf8: {
      uint16_t n;
      std::string_view s;
      if (!U16(&n) || !Take(n, &s)) return Bad("truncated atom");
      payload_bytes_ += n;
      if (out) *out = ttb::Term::Atom(tag == kAtom ? Latin1ToUtf8(s) : std::string(s));
      return Status::OK();
    }
    case kSmallAtom:
    case kSmallAtomUtf8: {
      uint8_t n;
      std::string_view s;
      if (!U8(&n) || !Take(n, &s)) return Bad("truncated atom");
      payload_bytes_ += n;
      if (out) *out = ttb::Term::Atom(tag == kSmallAtom ? Latin1ToUtf8(s) : std::string(s));
      return Status::OK();
    }
    case kBinary: {
      uint32_t n;
      std::string_view s;
      if (!U32(&n) || !Take(n, &s)) return Bad("truncated binary");
      payload_bytes_ += n;
      if (out) *out = ttb::Term::Binary(std::string(s));
      return Status::OK();
    }
    case kSmallTuple:
    case kLargeTuple: {
      uint32_t n;
      if (tag == kSmallTuple) {
        uint8_t n8;
        if (!U8(&n8)) return Bad("truncated tuple");
        n = n8;
      } else if (!U32(&n)) {
        return Bad("truncated tuple");
      }
      if (out == nullptr) return Elements(n, depth, nullptr);
      std::vector<ttb::Term> elems;
      QUANTA_RETURN_IF_ERROR(Elements(n, depth, &elems));
      *out = ttb::Term::Tuple(std::move(elems));
      return Status::OK();
    }
    case kNil:
      if (out) *out = ttb::Term::Nil();
      return Status::OK();
    case kString: {
      // A list of small integers written compactly (Erlang term_to_binary of [1,2,3]).
      uint16_t n;
      std::string_view s;
      if (!U16(&n) || !Take(n, &s)) return Bad("truncated string");
      payload_bytes_ += static_cast<size_t>(n) * sizeof(ttb::Term);  // one term per byte
      if (out == nullptr) return Status::OK();
      std::vector<ttb::Term> elems;
      elems.reserve(n);
      for (unsigned char c : s) elems.push_back(ttb::Term::Int(c));
      *out = ttb::Term::List(std::move(elems));
      return Status::OK();
    }
    case kList: {
      uint32_t n;
      if (!U32(&n)) return Bad("truncated list");
      if (out == nullptr) {
        QUANTA_RETURN_IF_ERROR(Elements(n, depth, nullptr));
        // The tail must be [] (checked as a term first, for the same error on bad input).
        std::string_view tail = in_;
        QUANTA_RETURN_IF_ERROR(Term(depth + 1, nullptr));
        if (!IsEmptyList(tail)) return Bad("improper list");
        return Status::OK();
      }
      std::vector<ttb::Term> elems;
      QUANTA_RETURN_IF_ERROR(Elements(n, depth, &elems));
      ttb::Term tail;
      QUANTA_RETURN_IF_ERROR(Term(depth + 1, &tail));
      if (!tail.is_nil()) return Bad("improper list");
      *out = ttb::Term::List(std::move(elems));
      return Status::OK();
    }
    default:
      return Bad("unsupported tag " + std::to_string(tag));
  }
}

void AppendU16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

void AppendInt(int64_t v, std::string* out) {
  if (v >= 0 && v <= 255) {
    out->push_back(static_cast<char>(kSmallInteger));
    out->push_back(static_cast<char>(v));
  } else if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
    out->push_back(static_cast<char>(kInteger));
    coding::PutFixed32BE(out, static_cast<uint32_t>(static_cast<int32_t>(v)));
  } else {
    uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    char digits[8];
    uint8_t n = 0;
    while (mag != 0) {
      digits[n++] = static_cast<char>(mag & 0xff);
      mag >>= 8;
    }
    out->push_back(static_cast<char>(kSmallBig));
    out->push_back(static_cast<char>(n));
    out->push_back(static_cast<char>(v < 0 ? 1 : 0));
    out->append(digits, n);
  }
}

}  // namespace

Result<Term> DecodeTerm(std::string_view bytes) {
  if (bytes.empty()) return Bad("empty input");
  if (static_cast<uint8_t>(bytes[0]) != kVersionByte) return Bad("missing version byte 131");
  Decoder d(bytes.substr(1));
  Term t;
  QUANTA_RETURN_IF_ERROR(d.Term(0, &t));
  if (!d.done()) return Bad("trailing bytes after term");
  return t;
}

Status ValidateTerm(std::string_view bytes, size_t* estimate) {
  if (bytes.empty()) return Bad("empty input");
  if (static_cast<uint8_t>(bytes[0]) != kVersionByte) return Bad("missing version byte 131");
  Decoder d(bytes.substr(1));
  QUANTA_RETURN_IF_ERROR(d.Term(0, nullptr));
  if (!d.done()) return Bad("trailing bytes after term");
  if (estimate) *estimate = d.terms() * sizeof(Term) + d.payload_bytes();
  return Status::OK();
}

bool TermReader::AtTuple() const { return tag() == kSmallTuple || tag() == kLargeTuple; }

bool TermReader::AtList() const { return tag() == kNil || tag() == kList || tag() == kString; }

bool TermReader::Enter(Container* c) {
  *c = Container();
  std::string_view in = in_;
  auto u32 = [&](size_t* v) {
    if (in.size() < 5) return false;
    *v = coding::DecodeFixed32BE(in.data() + 1);
    in.remove_prefix(5);
    return true;
  };
  switch (tag()) {
    case kSmallTuple:
      if (in.size() < 2) return false;
      c->tuple = true;
      c->count = static_cast<uint8_t>(in[1]);
      in.remove_prefix(2);
      break;
    case kLargeTuple:
      c->tuple = true;
      if (!u32(&c->count)) return false;
      break;
    case kNil:
      in.remove_prefix(1);
      break;
    case kList:
      if (!u32(&c->count)) return false;
      c->needs_tail = true;
      break;
    case kString: {
      if (in.size() < 3) return false;
      size_t n = (static_cast<uint8_t>(in[1]) << 8) | static_cast<uint8_t>(in[2]);
      if (in.size() < 3 + n) return false;
      c->string = true;
      c->count = n;
      c->string_bytes = in.substr(3, n);
      in.remove_prefix(3 + n);
      break;
    }
    default:
      return false;
  }
  in_ = in;
  return true;
}

Status TermReader::Leave(const Container& c) {
  if (!c.needs_tail) return Status::OK();
  return Skip();
}

Status TermReader::Read(Term* out) {
  Decoder d(in_);
  QUANTA_RETURN_IF_ERROR(d.Term(0, out));
  in_ = d.rest();
  return Status::OK();
}

Status TermReader::Skip() { return Read(nullptr); }

std::string PeekRequestName(std::string_view payload) {
  if (payload.size() < 2 || static_cast<uint8_t>(payload[0]) != kVersionByte) return "";
  TermReader r(payload.substr(1));
  TermReader::Container c;
  if (!r.AtTuple() || !r.Enter(&c) || c.count == 0) return "";
  switch (r.tag()) {
    case kAtom:
    case kAtomUtf8:
    case kSmallAtom:
    case kSmallAtomUtf8: {
      Term t;
      if (!r.Read(&t).ok()) return "";
      return t.atom();
    }
    default:
      return "";
  }
}

void AppendTermBody(const Term& t, std::string* out) {
  switch (t.kind()) {
    case Term::Kind::kInt: AppendInt(t.int_value(), out); return;
    case Term::Kind::kFloat:
      out->push_back(static_cast<char>(kNewFloat));
      coding::PutFixed64BE(out, coding::DoubleBits(t.float_value()));
      return;
    case Term::Kind::kAtom: {
      std::string latin1;
      if (Utf8ToLatin1(t.atom(), &latin1)) {
        out->push_back(static_cast<char>(kAtom));
        AppendU16(out, static_cast<uint16_t>(latin1.size()));
        out->append(latin1);
      } else {
        // Only reachable when re-encoding a decoded UTF-8 atom; the server's own atoms are
        // ASCII and always go out as ATOM_EXT.
        out->push_back(static_cast<char>(kAtomUtf8));
        AppendU16(out, static_cast<uint16_t>(t.atom().size()));
        out->append(t.atom());
      }
      return;
    }
    case Term::Kind::kBinary:
      out->push_back(static_cast<char>(kBinary));
      coding::PutFixed32BE(out, static_cast<uint32_t>(t.binary().size()));
      out->append(t.binary());
      return;
    case Term::Kind::kTuple:
      if (t.arity() <= 255) {
        out->push_back(static_cast<char>(kSmallTuple));
        out->push_back(static_cast<char>(t.arity()));
      } else {
        out->push_back(static_cast<char>(kLargeTuple));
        coding::PutFixed32BE(out, static_cast<uint32_t>(t.arity()));
      }
      for (const Term& e : t.elements()) AppendTermBody(e, out);
      return;
    case Term::Kind::kList:
      if (!t.elements().empty()) {
        out->push_back(static_cast<char>(kList));
        coding::PutFixed32BE(out, static_cast<uint32_t>(t.arity()));
        for (const Term& e : t.elements()) AppendTermBody(e, out);
      }
      out->push_back(static_cast<char>(kNil));
      return;
  }
}

std::string EncodeTerm(const Term& t) {
  std::string out;
  out.push_back(static_cast<char>(kVersionByte));
  AppendTermBody(t, &out);
  return out;
}

}  // namespace quanta::wire::ttb
