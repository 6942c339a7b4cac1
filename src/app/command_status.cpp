// deployhook status: the latest runs, newest first.

#include <cstdio>

#include "commands.hpp"
#include "history.hpp"

namespace deployhook {
namespace {

std::string Short(const std::string& sha) { return sha.substr(0, 12); }

// The commit the run aimed at (older records name only the pushed `after`).
std::string Commit(const RunRecord& run) { return Short(run.commit.empty() ? run.after : run.commit); }

// The revision label of the images the run left in place: "-" when none carries one.
std::string Revision(const RunRecord& run) {
  for (const ImageRecord& image : run.images) {
    if (image.revision) return Short(*image.revision);
  }
  return "-";
}

double TotalSeconds(const RunRecord& run) {
  double total = 0;
  for (const StepRecord& step : run.steps) total += step.seconds;
  return total;
}

}  // namespace

int RunStatus(const CommandLine& line) {
  Config config = LoadConfigFor(line);
  std::vector<RunRecord> runs = ReadHistory(config.state_dir, static_cast<std::size_t>(line.limit));
  if (line.json) {
    for (const RunRecord& run : runs) std::printf("%s\n", SerializeRun(run).c_str());
    return 0;
  }
  if (runs.empty()) {
    std::printf("no deployments recorded in %s\n", HistoryPath(config.state_dir).c_str());
    return 0;
  }
  std::printf("%-24s  %-16s  %-11s  %-12s  %-12s  %10s  %8s  %s\n", "FINISHED", "TARGET",
              "RESULT", "COMMIT", "REVISION", "DELIVERIES", "SECONDS", "ID");
  for (const RunRecord& run : runs) {
    std::printf("%-24s  %-16s  %-11s  %-12s  %-12s  %10zu  %8.1f  %s\n", run.finished_at.c_str(),
                run.target.c_str(), run.result.c_str(), Commit(run).c_str(), Revision(run).c_str(),
                run.deliveries.size(), TotalSeconds(run), run.id.c_str());
  }
  return 0;
}

}  // namespace deployhook
