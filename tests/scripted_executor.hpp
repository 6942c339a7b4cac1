#pragma once
// A StepExecutor for unit tests of a deployment run: it answers from a script, records what ran,
// and has a fake clock, so a run that waits minutes takes none.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "deploy/deployment.hpp"

namespace deployhook::testing {

inline ProcessResult Exit(int code, std::string output = {}) {
  ProcessResult result;
  result.exit_code = code;
  result.output = std::move(output);
  result.seconds = 0.25;
  return result;
}

inline ProcessResult TimedOut() {
  ProcessResult result = Exit(128 + 9);
  result.timed_out = true;
  return result;
}

// A step whose process group was stopped because the worker stops.
inline ProcessResult Interrupted() {
  ProcessResult result = Exit(128 + 15);
  result.interrupted = true;
  return result;
}

// Answers each argv from its script (answers used in turn, the last one repeating; exit 0 for
// argv nobody scripted) and records what ran. Its clock is fake: a pause moves it on at once.
class ScriptedExecutor final : public StepExecutor {
 public:
  void Answer(const Argv& argv, std::vector<ProcessResult> results) {
    script_[argv] = std::deque<ProcessResult>(results.begin(), results.end());
  }

  ProcessResult Run(const ProcessSpec& spec) override {
    ran.push_back(spec);
    auto found = script_.find(spec.argv);
    if (found == script_.end()) return Exit(0);
    ProcessResult result = found->second.front();
    if (found->second.size() > 1) found->second.pop_front();
    return result;
  }

  bool Pause(std::chrono::milliseconds duration) override {
    ++pauses;
    paused += duration;
    now += duration;
    return on_pause ? on_pause() : true;
  }

  std::chrono::steady_clock::time_point Now() override { return now; }

  // Answers from the statuses scripted for `url` (used in turn, the last repeating); 200 when
  // none was.
  HttpResult Get(const std::string& url) override {
    gets.push_back(url);
    auto found = statuses_.find(url);
    HttpResult result;
    result.status = 200;
    if (found == statuses_.end()) return result;
    result.status = found->second.front();
    if (found->second.size() > 1) found->second.pop_front();
    if (result.status == 0) result.error = "connection refused";
    return result;
  }

  void AnswerGet(const std::string& url, std::vector<long> statuses) {
    statuses_[url] = std::deque<long>(statuses.begin(), statuses.end());
  }

  // Returns how often `argv` ran.
  std::size_t Count(const Argv& argv) const {
    return static_cast<std::size_t>(std::count_if(ran.begin(), ran.end(),
                                                  [&](const ProcessSpec& s) { return s.argv == argv; }));
  }

  // Returns the position of the first run of `argv`; fails the test when it never ran.
  std::size_t First(const Argv& argv) const {
    auto found = std::find_if(ran.begin(), ran.end(), [&](const ProcessSpec& s) { return s.argv == argv; });
    BOOST_TEST((found != ran.end()), "never ran: " << argv.front() << " ... " << argv.back());
    return static_cast<std::size_t>(found - ran.begin());
  }

  std::vector<ProcessSpec> ran;
  int pauses = 0;
  std::chrono::milliseconds paused{0};
  std::chrono::steady_clock::time_point now{};
  std::function<bool()> on_pause;
  std::vector<std::string> gets;

 private:
  std::map<Argv, std::deque<ProcessResult>> script_;
  std::map<std::string, std::deque<long>> statuses_;
};

using Names = std::vector<std::string>;

// Returns the names of a run's recorded steps, in order.
inline Names StepNames(const DeploymentOutcome& outcome) {
  Names names;
  for (const StepRecord& step : outcome.steps) names.push_back(step.name);
  return names;
}

}  // namespace deployhook::testing
