// Table, CSV and JSON rendering of result sets; see result_printer.h.
#include "result_printer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "cell_format.h"

namespace quanta::shell {
namespace {

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(s.substr(start));
      return lines;
    }
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
}

// Centres `s` in `width` columns; an odd leftover space goes to the left (Erlang string:centre,
// which clique used).
void AppendCentred(std::string* out, const std::string& s, size_t width) {
  const size_t w = DisplayWidth(s);
  const size_t pad = width > w ? width - w : 0;
  const size_t right = pad / 2;
  out->append(pad - right, ' ');
  out->append(s);
  out->append(right, ' ');
}

void AppendBorder(std::string* out, const std::vector<size_t>& widths) {
  out->push_back('+');
  for (size_t w : widths) {
    out->append(w, '-');
    out->push_back('+');
  }
  out->push_back('\n');
}

// One logical row, expanded to as many physical lines as its tallest cell.
void AppendRow(std::string* out, const std::vector<std::string>& cells,
               const std::vector<size_t>& widths) {
  std::vector<std::vector<std::string>> split;
  size_t height = 1;
  for (const std::string& c : cells) {
    split.push_back(SplitLines(c));
    height = std::max(height, split.back().size());
  }
  for (size_t line = 0; line < height; ++line) {
    out->push_back('|');
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string empty;
      const std::string& text = line < split[i].size() ? split[i][line] : empty;
      AppendCentred(out, text, widths[i]);
      out->push_back('|');
    }
    out->push_back('\n');
  }
}

std::vector<std::vector<std::string>> FormatRows(const ResultSet& rs) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(rs.rows.size());
  for (const Row& row : rs.rows) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < rs.columns.size(); ++i) {
      cells.push_back(i < row.size() ? FormatCell(row[i], rs.columns[i].type) : std::string());
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

void AppendCsvField(std::string* out, const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(std::string* out, const Value& v, ColumnType type) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out->append("null");
      return;
    case Value::Kind::kInt:
      if (type == ColumnType::kTimestamp) {
        AppendJsonString(out, FormatTimestamp(v.as_int()));
      } else {
        out->append(std::to_string(v.as_int()));
      }
      return;
    case Value::Kind::kDouble:
      if (std::isfinite(v.as_double())) {
        out->append(FormatShellDouble(v.as_double()));
      } else {
        AppendJsonString(out, FormatShellDouble(v.as_double()));
      }
      return;
    case Value::Kind::kBytes:
      if (type == ColumnType::kBlob) {
        AppendJsonString(out, FormatBlob(v.as_bytes(), /*truncate=*/false));
      } else {
        AppendJsonString(out, v.as_bytes());
      }
      return;
    case Value::Kind::kBool:
      out->append(v.as_bool() ? "true" : "false");
      return;
  }
}

void StripTrailingNewline(std::string* s) {
  while (!s->empty() && s->back() == '\n') s->pop_back();
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // count every byte that does not continue a sequence
  }
  return n;
}

std::string_view OutputFormatName(OutputFormat f) {
  switch (f) {
    case OutputFormat::kTable:
      return "table";
    case OutputFormat::kCsv:
      return "csv";
    case OutputFormat::kJson:
      return "json";
  }
  return "table";
}

std::optional<OutputFormat> ParseOutputFormat(std::string_view name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (n == "table" || n == "human") return OutputFormat::kTable;
  if (n == "csv") return OutputFormat::kCsv;
  if (n == "json") return OutputFormat::kJson;
  return std::nullopt;
}

std::string RenderTable(const ResultSet& rs) {
  const auto rows = FormatRows(rs);
  std::vector<size_t> widths;
  for (const ColumnDesc& c : rs.columns) widths.push_back(DisplayWidth(c.name));
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      for (const std::string& line : SplitLines(row[i])) {
        widths[i] = std::max(widths[i], DisplayWidth(line));
      }
    }
  }
  std::string out;
  AppendBorder(&out, widths);
  std::vector<std::string> titles;
  for (const ColumnDesc& c : rs.columns) titles.push_back(c.name);
  AppendRow(&out, titles, widths);
  AppendBorder(&out, widths);
  if (!rows.empty()) {
    for (const auto& row : rows) AppendRow(&out, row, widths);
    AppendBorder(&out, widths);
  }
  StripTrailingNewline(&out);
  return out;
}

std::string RenderCsv(const ResultSet& rs) {
  std::string out;
  for (size_t i = 0; i < rs.columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCsvField(&out, rs.columns[i].name);
  }
  for (const auto& row : FormatRows(rs)) {
    out.push_back('\n');
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendCsvField(&out, row[i]);
    }
  }
  return out;
}

std::string RenderJson(const ResultSet& rs) {
  std::string out = "{\"columns\":[";
  for (size_t i = 0; i < rs.columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(&out, rs.columns[i].name);
  }
  out.append("],\"types\":[");
  for (size_t i = 0; i < rs.columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(&out, ColumnTypeName(rs.columns[i].type));
  }
  out.append("],\"rows\":[");
  for (size_t r = 0; r < rs.rows.size(); ++r) {
    out.append(r > 0 ? ",\n" : "\n");
    out.push_back('[');
    for (size_t i = 0; i < rs.columns.size(); ++i) {
      if (i > 0) out.push_back(',');
      const Row& row = rs.rows[r];
      AppendJsonValue(&out, i < row.size() ? row[i] : Value::Null(), rs.columns[i].type);
    }
    out.push_back(']');
  }
  out.append(rs.rows.empty() ? "]}" : "\n]}");
  return out;
}

std::string RenderSqlReply(const SqlInfo& info, const ResultSet& rs, OutputFormat format) {
  switch (info.kind) {
    case SqlKind::kCreateTable:
      return "Table " + info.table + " successfully created and activated.";
    case SqlKind::kInsert:
      return info.insert_rows == 1 ? std::string("Inserted 1 row.")
                                   : "Inserted " + std::to_string(info.insert_rows) + " rows.";
    case SqlKind::kDelete:
    case SqlKind::kAlterTable:
    case SqlKind::kDropTable:
      return "";
    case SqlKind::kShowCreateTable:
      if (!rs.rows.empty() && !rs.rows[0].empty() && rs.rows[0][0].is_bytes()) {
        return rs.rows[0][0].as_bytes();
      }
      break;
    default:
      break;
  }
  // JSON readers want a document even for an empty answer with known columns.
  if (format == OutputFormat::kJson && !rs.columns.empty()) return RenderJson(rs);
  if (rs.rows.empty()) return "No rows returned.";
  switch (format) {
    case OutputFormat::kTable:
      return RenderTable(rs);
    case OutputFormat::kCsv:
      return RenderCsv(rs);
    case OutputFormat::kJson:
      return RenderJson(rs);
  }
  return "";
}

std::string RenderServerError(int code, std::string_view message) {
  return "Error (" + std::to_string(code) + "): " + std::string(message);
}

}  // namespace quanta::shell
