// SessionHistory: the numbered commands of one quanta-shell session, as riak-shell kept them for
// `show_history`, `history N` and `h N`. A command's number is the prompt counter it was entered
// at. (The persistent, cross-session history for line editing lives in line_reader.h.)
//
// Thread safety: none.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace quanta::shell {

class SessionHistory {
 public:
  void Add(int number, std::string command);
  // The command entered at prompt `number`, or nullptr. The pointer is valid until the next
  // Add() or Clear().
  const std::string* Find(int number) const;
  void Clear() { entries_.clear(); }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

  // "The history contains:\n- 1: reconnect;\n- 2: show_nodes;\n" with the numbers right-aligned
  // to the widest one (riak-shell's layout).
  std::string Render() const;

 private:
  std::vector<std::pair<int, std::string>> entries_;
};

}  // namespace quanta::shell
