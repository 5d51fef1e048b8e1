// Erlang External Term Format codec for the TTB subset (docs/formats/ttb_subset.md).
//
// DecodeTerm accepts every tag a Riak TS client sends (97, 98, 110, 111, 70, 99, 100, 115, 118,
// 119, 104, 105, 106, 107, 108, 109), with bounded nesting depth; any other input (unknown tag,
// truncation, trailing bytes, integers outside int64, improper lists) gives a kGeneric Status.
// It never reads past its input and never asserts on input.
//
// EncodeTerm writes what every client can read: ATOM_EXT atoms (latin-1; an atom with code
// points above 255 can only come from a decoded UTF-8 atom and is written back as
// ATOM_UTF8_EXT), BINARY_EXT binaries,
// SMALL_INTEGER_EXT / INTEGER_EXT / minimal SMALL_BIG_EXT integers, NEW_FLOAT_EXT floats,
// SMALL/LARGE_TUPLE_EXT, NIL_EXT and LIST_EXT.
//
// Thread safety: stateless.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "wire/ttb/term.h"

namespace quanta::wire::ttb {

inline constexpr uint8_t kVersionByte = 131;
inline constexpr int kMaxDepth = 64;
// Upper bound on the number of terms in one decoded message (bounds memory: a Term is ~80 bytes).
inline constexpr size_t kMaxTerms = 8'000'000;

// Decodes `bytes` = 0x83 followed by exactly one term.
Result<Term> DecodeTerm(std::string_view bytes);

// Checks `bytes` exactly as DecodeTerm does (same errors) without building anything.
// `estimate` (may be null) gets about the bytes DecodeTerm would allocate for it (terms times
// sizeof(Term) plus their text), so callers can charge a memory reservation first.
Status ValidateTerm(std::string_view bytes, size_t* estimate = nullptr);

// Walks a term that ValidateTerm accepted, one piece at a time, building only what is read.
// Methods return errors only for input that was not validated.
class TermReader {
 public:
  // `body`: a term without the version byte.
  explicit TermReader(std::string_view body) : in_(body) {}

  // A tuple or list at the cursor, after Enter(): `count` elements follow (for a STRING_EXT
  // list the elements are the bytes of `string_bytes`, already consumed).
  struct Container {
    bool tuple = false;
    bool string = false;   // STRING_EXT: small integers packed as bytes
    bool needs_tail = false;
    size_t count = 0;
    std::string_view string_bytes;
  };
  // The tag byte at the cursor (0 at the end).
  uint8_t tag() const { return in_.empty() ? 0 : static_cast<uint8_t>(in_[0]); }
  bool AtTuple() const;
  bool AtList() const;  // NIL, LIST_EXT or STRING_EXT
  // Enters the tuple or list at the cursor. False (cursor unchanged) for other terms.
  bool Enter(Container* c);
  // After the `count` elements of an entered list: consumes its [] tail.
  Status Leave(const Container& c);
  // Decodes the term at the cursor / skips it.
  Status Read(Term* out);
  Status Skip();

 private:
  std::string_view in_;
};

// The atom naming a request ({tsputreq, ...} -> "tsputreq"), or "" when `payload` (0x83 + term)
// does not start like a tuple whose first element is an atom. Looks at a few bytes only.
std::string PeekRequestName(std::string_view payload);

// 0x83 followed by the term. REQUIRES: atoms shorter than 65536 bytes, binaries and lists
// shorter than 2^32 elements.
std::string EncodeTerm(const Term& term);
// Appends the term without the version byte.
void AppendTermBody(const Term& term, std::string* out);

}  // namespace quanta::wire::ttb
