// deployhook serve: the FastCGI worker and its deployment runner.

#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "app/commands.hpp"
#include "state/history.hpp"
#include "version.hpp"
#include "state/delivery_memory.hpp"
#include "state/durable_file.hpp"
#include "app/fcgi_server.hpp"
#include "http/handler_slot.hpp"
#include "state/job_queue.hpp"
#include "config/listen_address.hpp"
#include "app/listen_socket.hpp"
#include "state/log_retention.hpp"
#include "notify/outbox_sender.hpp"
#include "notify/run_notifier.hpp"
#include "state/ownership_repair.hpp"
#include "deploy/runner.hpp"
#include "deploy/source_poll.hpp"
#include "state/stale_temporaries.hpp"
#include "state/state_layout.hpp"
#include "state/worker_presence.hpp"

namespace deployhook {
namespace {

constexpr std::chrono::seconds REQUEST_GRACE{10};
// Allocations from this size up (a large delivery's body, simdjson's copy of it) are mmapped
// and go back to the system when freed. Left dynamic, glibc raises the threshold after the
// first such free and keeps later ones in the thread's arena: a few 20 MB pushes left an idle
// worker at 90 MB.
constexpr int MMAP_THRESHOLD_BYTES = 1 << 20;
constexpr int MALLOC_ARENAS = 2;

struct Listener {
  UniqueFd owned;
  int fd = -1;
  std::string unix_path;  // removed on exit when this worker created it
};

Listener Listen(const Config& config, const CommandLine& line) {
  Listener listener;
  std::optional<std::string> text = line.listen ? line.listen : config.listen;
  if (!text) {
    if (!IsListeningSocket(STDIN_FILENO)) {
      throw ConfigError("no listen address (--listen or listen in " + config.source.string() +
                        ") and no listening socket inherited on fd 0");
    }
    listener.fd = STDIN_FILENO;
    return listener;
  }
  std::optional<ListenAddress> address = ParseListenAddress(*text);
  if (!address) {
    throw ConfigError("--listen " + *text + ": expected unix:/path, HOST:PORT or [IPV6]:PORT");
  }
  listener.owned = OpenListenSocket(*address, {config.socket_mode.value_or(0660), config.socket_group});
  listener.fd = listener.owned.get();
  if (address->is_unix) listener.unix_path = address->path;
  return listener;
}

// At most this many foreign entries are named one by one; the rest are counted.
constexpr std::size_t MAX_FOREIGN_REPORTED = 10;

// Blocks the signals the main thread waits for in every thread started after this, so only
// sigwait sees them: TERM and INT stop, HUP reloads, USR1 (which libfcgi would turn into a
// slow shutdown) is only noted.
sigset_t BlockServeSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&signals, signal_number);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a client gone mid-answer is an error code, not a death
  return signals;
}

// Takes back what it can of state_dir and names what the worker cannot use; removes what
// writers killed mid-write left and the logs beyond keep_runs.
void TidyStateDir(const Config& config, const Logger& log) {
  OwnershipRepair repair = RepairOwnership(config.state_dir);
  if (repair.repaired > 0) {
    log.Log(LogLevel::Notice, "state", {{"repaired", std::to_string(repair.repaired)},
                                        {"reason", "entries not owned by the worker taken back"}});
  }
  const std::string uid = std::to_string(::geteuid());
  for (std::size_t i = 0; i < repair.unusable.size() && i < MAX_FOREIGN_REPORTED; ++i) {
    const ForeignEntry& entry = repair.unusable[i];
    log.Log(LogLevel::Error, "state",
            {{"path", entry.path.string()}, {"owner", std::to_string(entry.owner)},
             {"reason", "not owned by the worker (uid " + uid + ") and cannot be taken back; "
                        "chown -R " + uid + " " + config.state_dir.string()}});
  }
  if (repair.unusable.size() > MAX_FOREIGN_REPORTED) {
    log.Log(LogLevel::Error, "state",
            {{"unusable", std::to_string(repair.unusable.size())},
             {"reason", "more entries not owned by the worker"}});
  }
  // Named once here: at run time each one fails only what uses it (one target's runs, say).
  std::vector<std::string> targets;
  for (const Target& target : config.targets) targets.push_back(target.name);
  for (const MisplacedEntry& entry : FindMisplacedEntries(config.state_dir, targets)) {
    log.Log(LogLevel::Error, "state", {{"path", entry.path.string()}, {"reason", DescribeMisplaced(entry)}});
  }
  if (std::size_t removed = RemoveStaleTemporaries(config.state_dir)) {
    log.Log(LogLevel::Info, "state", {{"removed", std::to_string(removed)},
                                      {"reason", "temporary files of writers that died"}});
  }
  PruneRunLogs(config.state_dir, static_cast<std::size_t>(config.keep_runs));
  CompactHistoryLogged(config.state_dir, static_cast<std::size_t>(config.keep_runs), log);
}

// Loads the config again and makes it the one deliveries and deployments use; a file that does
// not load, or that moves state_dir, leaves the current one in place. One log line either way.
void Reload(const CommandLine& line, HandlerSlot& handlers, Runner& runner, const Logger& log) {
  std::shared_ptr<const Config> current = handlers.CurrentConfig();
  try {
    Config fresh = LoadConfigFor(line);
    LogConfigWarnings(fresh, log);
    if (line.threads) fresh.threads = *line.threads;
    if (fresh.state_dir != current->state_dir) {
      throw ConfigError(fresh.source.string() + ": state_dir: changed; a restart applies it");
    }
    auto reloaded = std::make_shared<const Config>(std::move(fresh));
    handlers.Replace(reloaded);
    runner.Reconfigure(reloaded);
    log.Log(LogLevel::Notice, "reload",
            {{"config", current->source.string()},
             {"targets", std::to_string(reloaded->targets.size())},
             {"note", "listen and threads change at the next start"}});
  } catch (const std::exception& e) {
    log.Log(LogLevel::Error, "reload",
            {{"config", current->source.string()}, {"result", "kept the running config"},
             {"reason", e.what()}});
  }
}

// Returns the lock that tells the command line a worker runs; nothing (logged) when it cannot
// be taken, since only `deployhook deploy`'s message depends on it.
std::optional<FileLock> Announce(const Config& config, const Logger& log) {
  try {
    return AnnounceWorker(config.state_dir);
  } catch (const StorageError& e) {
    log.Log(LogLevel::Error, "state", {{"reason", e.what()},
                                       {"note", "serving; `deployhook deploy` will not see this worker"}});
    return std::nullopt;
  }
}

// Waits for signals: SIGHUP reloads, SIGUSR1 is logged; returns the first one that stops.
int ServeSignals(const sigset_t& signals, const CommandLine& line, HandlerSlot& handlers,
                 Runner& runner, const Logger& log) {
  for (;;) {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number == SIGHUP) {
      Reload(line, handlers, runner, log);
    } else if (signal_number == SIGUSR1) {
      log.Log(LogLevel::Notice, "signal", {{"signal", strsignal(signal_number)},
                                           {"reason", "ignored; the worker keeps serving"}});
    } else {
      return signal_number;
    }
  }
}

}  // namespace

int RunServe(const CommandLine& line, const Logger& log) {
  ::mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
  // Accept threads come and go with kept connections; one malloc arena each would keep their
  // memory resident after they leave.
  ::mallopt(M_ARENA_MAX, MALLOC_ARENAS);
  // First, before any thread exists: a HUP while starting is a reload once serving, not a death.
  sigset_t serve_signals = BlockServeSignals();
  auto loaded = std::make_shared<Config>(LoadConfigFor(line));
  LogConfigWarnings(*loaded, log);
  if (line.threads) loaded->threads = *line.threads;
  std::shared_ptr<const Config> initial = loaded;
  const Config& config = *initial;
  EnsureDirectory(config.state_dir);
  TidyStateDir(config, log);
  std::optional<FileLock> presence = Announce(config, log);
  Listener listener = Listen(config, line);

  JobQueue queue(config.state_dir);
  DeliveryMemory memory(config.state_dir);
  HandlerSlot handlers(initial, queue, memory, log);
  // Notifications leave through the outbox on their own thread: a slow receiver never holds up
  // a run or a request.
  ConfigSource current_config = [&handlers] { return handlers.CurrentConfig(); };
  Outbox outbox(config.state_dir);
  OutboxSender sender(current_config, outbox, config.state_dir, log, SenderTimingFromEnvironment());
  RunNotifier notifier(current_config, outbox, log, [&sender] { sender.Wake(); });
  sender.Start();
  Runner runner(config, queue, memory, log, RunnerTimingFromEnvironment(), &notifier);
  queue.OnEnqueue([&runner] { runner.Wake(); });
  runner.Start();
  // Jobs it queues wake the runner like a delivery's.
  SourcePoller poller(current_config, queue, log);
  poller.Start();
  log.Log(LogLevel::Info, "serve",
          {{"listen", line.listen.value_or(config.listen.value_or("fd:0"))},
           {"threads", std::to_string(config.threads)}, {"state_dir", config.state_dir.string()}});

  int signal_number = 0;
  {
    ReadSide read_side(config.state_dir, runner.Activities(), DEPLOYHOOK_VERSION, log);
    FcgiServer server(listener.fd, config.threads, handlers, read_side, log);
    signal_number = ServeSignals(serve_signals, line, handlers, runner, log);
    log.Log(LogLevel::Info, "stopping", {{"signal", strsignal(signal_number)}});
    if (!server.Stop(REQUEST_GRACE)) {
      // A thread still inside a request uses the handler: leave without destroying anything.
      log.Log(LogLevel::Warning, "stopping", {{"reason", "requests still open at the deadline"}});
      poller.Stop();
      runner.Stop();
      sender.Stop();
      if (!listener.unix_path.empty()) ::unlink(listener.unix_path.c_str());
      std::_Exit(0);
    }
  }
  if (!listener.unix_path.empty()) ::unlink(listener.unix_path.c_str());
  poller.Stop();
  runner.Stop();
  sender.Stop();
  log.Log(LogLevel::Info, "stopped");
  return 0;
}

}  // namespace deployhook
