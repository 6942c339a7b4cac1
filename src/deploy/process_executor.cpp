#include "deploy/process_executor.hpp"

namespace deployhook {

ProcessResult ProcessExecutor::Run(const ProcessSpec& spec) {
  ProcessSpec bounded = spec;
  bounded.abort = setup_.abort;
  bounded.inherit_fd = setup_.lock_fd;
  return RunProcess(bounded);
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
