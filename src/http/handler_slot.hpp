#pragma once
// The request side's current Handler and the configuration it was built from, replaced as a
// whole when the config is reloaded (SIGHUP). Each request takes the handler current when it
// starts and keeps it to its end, so no request sees part of one config and part of another.

#include <memory>
#include <mutex>

#include "config/config.hpp"
#include "state/delivery_memory.hpp"
#include "http/handler.hpp"
#include "state/job_queue.hpp"
#include "util/log.hpp"

namespace deployhook {

class HandlerSlot {
 public:
  HandlerSlot(std::shared_ptr<const Config> config, JobSink& sink, DeliveryMemory& memory,
              const Logger& log);

  // Returns the current handler; it and its config stay valid while the caller holds it.
  std::shared_ptr<Handler> Current() const;

  // Returns the configuration the current handler was built from.
  std::shared_ptr<const Config> CurrentConfig() const;

  // Makes `config` current for every request that starts from now on.
  void Replace(std::shared_ptr<const Config> config);

 private:
  // A handler together with the config it refers to, so neither outlives the other.
  struct Built {
    Built(std::shared_ptr<const Config> config, JobSink& sink, DeliveryMemory& memory,
          const Logger& log)
        : config(std::move(config)), handler(*this->config, sink, memory, log) {}
    std::shared_ptr<const Config> config;
    Handler handler;
  };

  JobSink& sink_;
  DeliveryMemory& memory_;
  const Logger& log_;
  mutable std::mutex mutex_;
  std::shared_ptr<Built> current_;
};

}  // namespace deployhook
