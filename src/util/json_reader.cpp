#include "util/json_reader.hpp"

namespace deployhook {

bool ReadStringFields(simdjson::dom::object object,
                      std::initializer_list<std::pair<const char*, std::string*>> fields) {
  for (auto [key, destination] : fields) {
    std::string_view value;
    if (object[key].get_string().get(value)) return false;
    destination->assign(value);
  }
  return true;
}

bool ReadStringArray(simdjson::dom::element element, std::vector<std::string>& out) {
  simdjson::dom::array array;
  if (element.get_array().get(array)) return false;
  for (simdjson::dom::element item : array) {
    std::string_view text;
    if (item.get_string().get(text)) return false;
    out.emplace_back(text);
  }
  return true;
}

}  // namespace deployhook
