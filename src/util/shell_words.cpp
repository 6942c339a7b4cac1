#include "util/shell_words.hpp"

#include <algorithm>

namespace deployhook {
namespace {

bool IsBare(std::string_view word) {
  constexpr std::string_view SAFE = "@%+=:,./_-";
  return !word.empty() && std::all_of(word.begin(), word.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           SAFE.find(c) != std::string_view::npos;
  });
}

std::string Quote(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string ShellWords(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& word : argv) {
    if (!out.empty()) out += ' ';
    out += IsBare(word) ? word : Quote(word);
  }
  return out;
}

}  // namespace deployhook
