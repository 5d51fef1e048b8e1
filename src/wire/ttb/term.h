// Term: an Erlang term as carried in TTB (code 104) frames, restricted to what the Riak TS
// protocol uses: integers (int64), floats, atoms, binaries, tuples and proper lists
// (docs/formats/ttb_subset.md). NIL ([]) is the empty list.
//
// Atoms are stored as UTF-8 text whatever tag carried them. Terms are plain values; copies are
// deep. Thread safety: const methods may be called concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quanta::wire::ttb {

class Term {
 public:
  enum class Kind : uint8_t { kInt, kFloat, kAtom, kBinary, kTuple, kList };

  Term() : kind_(Kind::kList) {}  // []
  static Term Int(int64_t v);
  static Term Float(double v);
  static Term Atom(std::string name);
  static Term Binary(std::string bytes);
  static Term Tuple(std::vector<Term> elements);
  static Term List(std::vector<Term> elements);
  static Term Nil() { return Term(); }
  static Term Bool(bool b) { return Atom(b ? "true" : "false"); }

  Kind kind() const { return kind_; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_atom() const { return kind_ == Kind::kAtom; }
  bool is_atom(std::string_view name) const { return kind_ == Kind::kAtom && text_ == name; }
  bool is_binary() const { return kind_ == Kind::kBinary; }
  bool is_tuple() const { return kind_ == Kind::kTuple; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_nil() const { return kind_ == Kind::kList && elements_.empty(); }

  // REQUIRES: the matching kind.
  int64_t int_value() const { return int_; }
  double float_value() const { return float_; }
  const std::string& atom() const { return text_; }
  const std::string& binary() const { return text_; }
  // Tuple or list elements.
  const std::vector<Term>& elements() const { return elements_; }
  std::vector<Term>& mutable_elements() { return elements_; }
  size_t arity() const { return elements_.size(); }
  const Term& operator[](size_t i) const { return elements_[i]; }

  // Erlang-like canonical text: {tsputresp}, [<<"a">>,1,1.5,true], <<1,2>>, 'Quoted'.
  std::string ToString() const;

  bool operator==(const Term& o) const;
  bool operator!=(const Term& o) const { return !(*this == o); }

 private:
  Kind kind_;
  int64_t int_ = 0;
  double float_ = 0;
  std::string text_;            // atom name or binary bytes
  std::vector<Term> elements_;  // tuple or list
};

}  // namespace quanta::wire::ttb
