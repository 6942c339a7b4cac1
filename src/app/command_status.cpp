// deployhook status: the latest runs, newest first.

#include <cstdio>

#include "commands.hpp"
#include "history.hpp"
#include "log.hpp"

namespace deployhook {
namespace {

std::string Short(const std::string& sha) { return sha.substr(0, 12); }

// Every value read back from history may come from a payload: printed escaped, never as bytes
// a terminal would act on.
std::string Shown(const std::string& value) { return EscapeBytes(value); }

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
  std::printf("%-24s  %-16s  %-11s  %-12s  %10s  %8s  %s\n", "FINISHED", "TARGET", "RESULT",
              "AFTER", "DELIVERIES", "SECONDS", "ID");
  for (const RunRecord& run : runs) {
    std::printf("%-24s  %-16s  %-11s  %-12s  %10zu  %8.1f  %s\n", Shown(run.finished_at).c_str(),
                Shown(run.target).c_str(), Shown(run.result).c_str(),
                Shown(Short(run.after)).c_str(), run.deliveries.size(), TotalSeconds(run),
                Shown(run.id).c_str());
  }
  return 0;
}

}  // namespace deployhook
