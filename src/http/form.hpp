#pragma once
// application/x-www-form-urlencoded bodies, as GitHub sends them: the JSON in the `payload` field.

#include <optional>
#include <string>
#include <string_view>

namespace deployhook {

// Returns `text` URL-decoded ('+' is a space, %XX a byte), or nothing for a broken %-escape.
std::optional<std::string> UrlDecode(std::string_view text);

// Returns `bytes` URL-encoded: unreserved characters (RFC 3986) bare, every other byte %XX; so
// "group/app" becomes one path segment, "group%2Fapp".
std::string UrlEncode(std::string_view bytes);

// Returns `text` as one URL path segment: URL-encoded as above, and "." or ".." (which a client
// would resolve as a step up the path) written as %2E's.
std::string PathSegment(std::string_view text);

// Returns the decoded value of the first `name` field of a form body, or nothing when the field
// is absent or badly encoded.
std::optional<std::string> FormField(std::string_view body, std::string_view name);

}  // namespace deployhook
