#pragma once
// GET <hook>/ (Accept: text/html): the status page a person reads at a glance.

#include <string>
#include <string_view>
#include <vector>

#include "read/read_model.hpp"

namespace deployhook {

// The Content-Security-Policy sent with the page: no scripts, nothing from elsewhere.
constexpr std::string_view PAGE_CSP =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

// Returns the page: per target a card (last result in colour, state, deployed commit and
// revision, when and how long, a chart of the recent runs), then a table of the recent runs with
// links to their logs (`runs/<id>/log`, relative to the page). Every value is HTML-escaped.
std::string RenderPage(const std::vector<TargetView>& targets, std::string_view version);

}  // namespace deployhook
