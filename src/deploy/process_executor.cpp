#include "deploy/process_executor.hpp"

#include <future>

namespace deployhook {

ProcessResult ProcessExecutor::Run(const ProcessSpec& spec) {
  ProcessSpec bounded = spec;
  bounded.abort = setup_.abort;
  bounded.inherit_fd = setup_.lock_fd;
  return RunProcess(bounded);
}

std::vector<ProcessResult> ProcessExecutor::RunAll(const std::vector<ProcessSpec>& specs) {
  std::vector<std::future<ProcessResult>> others;
  for (std::size_t i = 1; i < specs.size(); ++i) {
    others.push_back(std::async(std::launch::async, [this, &specs, i] { return Run(specs[i]); }));
  }
  std::vector<ProcessResult> results;
  if (!specs.empty()) results.push_back(Run(specs.front()));
  for (std::future<ProcessResult>& other : others) results.push_back(other.get());
  return results;
}

bool ProcessExecutor::Pause(std::chrono::milliseconds duration) {
  return setup_.pause ? setup_.pause(duration) : true;
}

HttpResult ProcessExecutor::Get(const std::string& url) {
  constexpr HttpTimeouts PROBE{.connect = std::chrono::seconds(2), .total = std::chrono::seconds(5)};
  return HttpGet(url, PROBE, setup_.abort);
}

ExecutorFactory ProcessExecutors() {
  return [](ExecutorSetup setup) -> std::unique_ptr<StepExecutor> {
    return std::make_unique<ProcessExecutor>(std::move(setup));
  };
}

}  // namespace deployhook
