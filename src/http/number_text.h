// Decimal number text -> int64 / double, shared by the URL key parser and the JSON body decoder
// so both accept exactly the same numbers.
//
// Pure functions; thread-safe; locale-independent.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace quanta::http {

// Optional sign ('+' only when allow_plus), then decimal digits. nullopt for anything else or a
// value outside int64 (never truncated).
std::optional<int64_t> ParseInt64Text(std::string_view text, bool allow_plus);

// Decimal or exponent notation ("23.5", "-7", "1e-3"; '+' sign only when allow_plus).
// Correctly rounded. nullopt for other syntax (inf, nan, hex, spaces) and for magnitudes beyond
// the double range; values that underflow become the nearest subnormal or zero.
std::optional<double> ParseDoubleText(std::string_view text, bool allow_plus);

// True when `text` has no fraction and no exponent ("-12", not "1.0" or "1e2").
bool IsIntegerText(std::string_view text);

}  // namespace quanta::http
