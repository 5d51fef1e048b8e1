#include "wire/ttb/term.h"

#include <cstring>

#include "common/value.h"

namespace quanta::wire::ttb {

Term Term::Int(int64_t v) {
  Term t;
  t.kind_ = Kind::kInt;
  t.int_ = v;
  return t;
}

Term Term::Float(double v) {
  Term t;
  t.kind_ = Kind::kFloat;
  t.float_ = v;
  return t;
}

Term Term::Atom(std::string name) {
  Term t;
  t.kind_ = Kind::kAtom;
  t.text_ = std::move(name);
  return t;
}

Term Term::Binary(std::string bytes) {
  Term t;
  t.kind_ = Kind::kBinary;
  t.text_ = std::move(bytes);
  return t;
}

Term Term::Tuple(std::vector<Term> elements) {
  Term t;
  t.kind_ = Kind::kTuple;
  t.elements_ = std::move(elements);
  return t;
}

Term Term::List(std::vector<Term> elements) {
  Term t;
  t.kind_ = Kind::kList;
  t.elements_ = std::move(elements);
  return t;
}

bool Term::operator==(const Term& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kInt: return int_ == o.int_;
    case Kind::kFloat: return std::memcmp(&float_, &o.float_, sizeof(double)) == 0;
    case Kind::kAtom:
    case Kind::kBinary: return text_ == o.text_;
    case Kind::kTuple:
    case Kind::kList: return elements_ == o.elements_;
  }
  return false;
}

namespace {

bool IsPlainAtom(std::string_view s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '@';
    if (!ok) return false;
  }
  return true;
}

void AppendEscaped(std::string* out, std::string_view s, char quote) {
  for (unsigned char c : s) {
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out->push_back(static_cast<char>(c));
    } else {
      out->append("\\x");
      static const char* kHex = "0123456789abcdef";
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

void Print(const Term& t, std::string* out) {
  switch (t.kind()) {
    case Term::Kind::kInt: *out += std::to_string(t.int_value()); return;
    case Term::Kind::kFloat: *out += FormatDouble(t.float_value()); return;
    case Term::Kind::kAtom:
      if (IsPlainAtom(t.atom())) {
        *out += t.atom();
      } else {
        out->push_back('\'');
        AppendEscaped(out, t.atom(), '\'');
        out->push_back('\'');
      }
      return;
    case Term::Kind::kBinary: {
      const std::string& b = t.binary();
      bool printable = true;
      for (unsigned char c : b) printable = printable && c >= 0x20 && c < 0x7f;
      *out += "<<";
      if (printable) {
        out->push_back('"');
        AppendEscaped(out, b, '"');
        out->push_back('"');
      } else {
        for (size_t i = 0; i < b.size(); ++i) {
          if (i) out->push_back(',');
          *out += std::to_string(static_cast<unsigned char>(b[i]));
        }
      }
      *out += ">>";
      return;
    }
    case Term::Kind::kTuple:
    case Term::Kind::kList: {
      bool tuple = t.is_tuple();
      out->push_back(tuple ? '{' : '[');
      for (size_t i = 0; i < t.arity(); ++i) {
        if (i) out->push_back(',');
        Print(t[i], out);
      }
      out->push_back(tuple ? '}' : ']');
      return;
    }
  }
}

}  // namespace

std::string Term::ToString() const {
  std::string out;
  Print(*this, &out);
  return out;
}

}  // namespace quanta::wire::ttb
