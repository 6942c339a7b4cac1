#include "deploy/field_lines.hpp"

namespace deployhook {

std::vector<std::vector<std::string>> SplitFieldLines(std::string_view output, std::size_t fields) {
  std::vector<std::vector<std::string>> rows;
  while (!output.empty()) {
    std::size_t newline = output.find('\n');
    std::string_view line = output.substr(0, newline);
    output = newline == std::string_view::npos ? std::string_view{} : output.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string> row;
    while (true) {
      std::size_t bar = line.find('|');
      row.emplace_back(line.substr(0, bar));
      if (bar == std::string_view::npos) break;
      line.remove_prefix(bar + 1);
    }
    if (row.size() == fields && !row.front().empty()) rows.push_back(std::move(row));
  }
  return rows;
}


}  // namespace deployhook
