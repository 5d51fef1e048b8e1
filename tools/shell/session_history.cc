// Numbered session history; see session_history.h.
#include "session_history.h"

#include <algorithm>

namespace quanta::shell {

void SessionHistory::Add(int number, std::string command) {
  entries_.emplace_back(number, std::move(command));
}

const std::string* SessionHistory::Find(int number) const {
  // The newest entry wins if a number repeats (after clear_history resets the counter).
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->first == number) return &it->second;
  }
  return nullptr;
}

std::string SessionHistory::Render() const {
  std::string out = "The history contains:\n";
  size_t width = 0;
  for (const auto& [n, cmd] : entries_) width = std::max(width, std::to_string(n).size());
  for (const auto& [n, cmd] : entries_) {
    std::string num = std::to_string(n);
    out += "- " + std::string(width - num.size(), ' ') + num + ": " + cmd + "\n";
  }
  return out;
}

}  // namespace quanta::shell
