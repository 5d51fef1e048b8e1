#include "schema/expiry.h"

#include <limits>

namespace quanta::schema {

namespace {

// The text of a property value as the user wrote it (bare word, quoted string, or number).
std::string ValueText(const PropValue& v) {
  switch (v.kind) {
    case PropValue::Kind::kString:
    case PropValue::Kind::kAtom: return v.s;
    default: return v.Render();
  }
}

const PropValue* FindProp(const std::vector<std::pair<std::string, PropValue>>& props,
                          std::string_view name) {
  const PropValue* found = nullptr;
  for (const auto& [k, v] : props) {
    if (k == name) found = &v;  // the last one given wins, as SHOW CREATE TABLE shows it
  }
  return found;
}

Status BadValue(std::string_view prop, const PropValue& v, std::string_view expected) {
  return ParseError("Invalid value for table property " + std::string(prop) + ": '" +
                    ValueText(v) + "' (expected " + std::string(expected) + ")");
}

}  // namespace

bool IsExpiryProperty(std::string_view name) {
  return name == kExpirationProp || name == kTimeToLiveProp || name == kExpirationModeProp;
}

Result<std::optional<int64_t>> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return Status(ErrorCode::kInvalidArgument, "invalid duration '" + std::string(text) + "'");
  };
  if (text == "unlimited") return std::optional<int64_t>();
  if (text.empty()) return bad();
  __int128 total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') return bad();
    __int128 n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i++] - '0');
      if (n > std::numeric_limits<int64_t>::max()) return bad();
    }
    int64_t unit = 0;
    if (text.substr(i, 2) == "ms") {
      unit = 1;
      i += 2;
    } else if (i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1000; break;
        case 'm': unit = 60 * 1000; break;
        case 'h': unit = 3600 * 1000; break;
        case 'd': unit = 86400LL * 1000; break;
        case 'w': unit = 7 * 86400LL * 1000; break;
        case 'f': unit = 14 * 86400LL * 1000; break;
        default: return bad();
      }
      ++i;
    } else {
      return bad();  // a number needs its unit
    }
    total += n * unit;
    if (total > std::numeric_limits<int64_t>::max()) return bad();
  }
  if (total == 0) return bad();
  return std::optional<int64_t>(static_cast<int64_t>(total));
}

Status ValidateExpiryProperties(const std::vector<std::pair<std::string, PropValue>>& props,
                                const std::string& table, bool has_quantum) {
  const PropValue* enabled = FindProp(props, kExpirationProp);
  if (enabled) {
    std::string v = ValueText(*enabled);
    if (enabled->kind == PropValue::Kind::kBool) v = enabled->b ? "enabled" : "disabled";
    if (v != "enabled" && v != "disabled") {
      return BadValue(kExpirationProp, *enabled, "enabled or disabled");
    }
    if (v == "enabled" && !has_quantum) {
      return ParseError("Table " + table +
                        " has no quantum: its rows have no time to expire by");
    }
  }
  if (const PropValue* ttl = FindProp(props, kTimeToLiveProp)) {
    const bool text = ttl->kind == PropValue::Kind::kString || ttl->kind == PropValue::Kind::kAtom;
    if (!text || !ParseDuration(ttl->s).ok()) {
      return BadValue(kTimeToLiveProp, *ttl, "unlimited or a duration such as 30d, 8d9h or 90m");
    }
  }
  if (const PropValue* mode = FindProp(props, kExpirationModeProp)) {
    std::string v = ValueText(*mode);
    if (v != "use_global_config" && v != "per_item" && v != "whole_file") {
      return BadValue(kExpirationModeProp, *mode, "use_global_config, per_item or whole_file");
    }
  }
  return Status::OK();
}

std::optional<int64_t> TableRetention(const TableDef& table, const ExpiryConfig& global) {
  if (!table.quantum()) return std::nullopt;
  bool enabled = global.enabled;
  if (const PropValue* p = FindProp(table.properties, kExpirationProp)) {
    enabled = p->kind == PropValue::Kind::kBool ? p->b : ValueText(*p) == "enabled";
  }
  if (!enabled) return std::nullopt;
  std::optional<int64_t> retention = global.retention_ms;
  if (const PropValue* p = FindProp(table.properties, kTimeToLiveProp)) {
    auto parsed = ParseDuration(ValueText(*p));
    if (parsed.ok()) retention = *parsed;
  }
  return retention;
}

std::optional<int64_t> ExpiryCutoff(const TableDef& table, const ExpiryConfig& global,
                                    int64_t now_ms) {
  std::optional<int64_t> retention = TableRetention(table, global);
  if (!retention) return std::nullopt;
  // now - retention, saturating: a retention longer than the clock's past expires nothing.
  if (now_ms < std::numeric_limits<int64_t>::min() + *retention) {
    return std::numeric_limits<int64_t>::min();
  }
  return now_ms - *retention;
}

}  // namespace quanta::schema
