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

// 0x83 followed by the term. REQUIRES: atoms shorter than 65536 bytes, binaries and lists
// shorter than 2^32 elements.
std::string EncodeTerm(const Term& term);
// Appends the term without the version byte.
void AppendTermBody(const Term& term, std::string* out);

}  // namespace quanta::wire::ttb
