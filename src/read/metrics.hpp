#pragma once
// GET <hook>/metrics: Prometheus text format 0.0.4.

#include <string>
#include <string_view>
#include <vector>

#include "read/read_model.hpp"
#include "read/request_counters.hpp"

namespace deployhook {

// Returns the exposition: requests of this process by decision; per target its runs by result
// and a duration histogram (from the history and the tallies of the runs compaction removed
// from it, so they survive restarts, agree across workers and never fall), the last success
// time, the queued jobs; and build info.
std::string RenderMetrics(const RequestCounters& requests, const std::vector<TargetView>& targets,
                          std::string_view version);

}  // namespace deployhook
