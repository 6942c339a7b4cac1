#pragma once
// The one escape every value inserted into the status page or a badge passes through.

#include <string>
#include <string_view>

namespace deployhook {

// Returns `text` safe inside HTML/XML text and quoted attribute values: & < > " ' and control
// bytes become character references.
std::string EscapeHtml(std::string_view text);

}  // namespace deployhook
