#pragma once
// Reading the flat JSON objects deployhook itself wrote (jobs, history lines).

#include <simdjson.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace deployhook {

// Copies each named string member into its destination; returns false when one is missing or
// not a string.
bool ReadStringFields(simdjson::dom::object object,
                      std::initializer_list<std::pair<const char*, std::string*>> fields);

// Appends the strings of a JSON array to `out`; returns false unless it is an array of strings.
bool ReadStringArray(simdjson::dom::element element, std::vector<std::string>& out);

}  // namespace deployhook
