// deployhook deploy TARGET: queues a run by hand, as a push to the deploy branch would.

#include <algorithm>
#include <cstdio>

#include "util/clock.hpp"
#include "app/commands.hpp"
#include "state/durable_file.hpp"
#include "state/worker_presence.hpp"
#include "state/job_queue.hpp"

namespace deployhook {

int RunDeploy(const CommandLine& line) {
  Config config = LoadConfigFor(line);
  const Target* target = &FindTarget(config, line.target);
  SystemTime now = std::chrono::system_clock::now();
  Job job{.id = NewId(now), .target = target->name, .delivery = "manual",
          .repository = target->repository, .ref = "refs/heads/" + target->branch, .after = "",
          .body_sha256 = "", .queued_at = FormatRfc3339(now)};
  JobQueue(config.state_dir).Enqueue({job});
  std::printf("queued %s for target %s\n", job.id.c_str(), job.target.c_str());
  if (WorkerIsRunning(config.state_dir)) {
    std::printf("a running worker picks it up within a few seconds; see `deployhook status`\n");
  } else {
    std::printf("no worker is running on %s: it runs when `deployhook serve` starts\n",
                config.state_dir.c_str());
  }
  return 0;
}

}  // namespace deployhook
