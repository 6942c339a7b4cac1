// deployhook serve: the FastCGI worker and its deployment runner.

#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "commands.hpp"
#include "delivery_memory.hpp"
#include "durable_file.hpp"
#include "fcgi_server.hpp"
#include "handler.hpp"
#include "job_queue.hpp"
#include "listen_address.hpp"
#include "listen_socket.hpp"
#include "runner.hpp"
#include "worker_presence.hpp"

namespace deployhook {
namespace {

constexpr std::chrono::seconds REQUEST_GRACE{10};
// Allocations from this size up (a large delivery's body, simdjson's copy of it) are mmapped
// and go back to the system when freed. Left dynamic, glibc raises the threshold after the
// first such free and keeps later ones in the thread's arena: a few 20 MB pushes left an idle
// worker at 90 MB.
constexpr int MMAP_THRESHOLD_BYTES = 1 << 20;

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

// Blocks the stop signals in every thread started after this, so only sigwait sees them.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a client gone mid-answer is an error code, not a death
  return signals;
}

}  // namespace

int RunServe(const CommandLine& line, const Logger& log) {
  ::mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
  Config config = LoadConfigFor(line);
  if (line.threads) config.threads = *line.threads;
  EnsureDirectory(config.state_dir);
  FileLock presence = AnnounceWorker(config.state_dir);
  sigset_t stop_signals = BlockStopSignals();
  Listener listener = Listen(config, line);

  JobQueue queue(config.state_dir);
  DeliveryMemory memory(config.state_dir);
  Runner runner(config, queue, memory, log);
  queue.OnEnqueue([&runner] { runner.Wake(); });
  runner.Start();
  Handler handler(config, queue, memory, log);
  log.Log(LogLevel::Info, "serve",
          {{"listen", line.listen.value_or(config.listen.value_or("fd:0"))},
           {"threads", std::to_string(config.threads)}, {"state_dir", config.state_dir.string()}});

  int signal_number = 0;
  {
    FcgiServer server(listener.fd, config.threads, handler);
    sigwait(&stop_signals, &signal_number);
    log.Log(LogLevel::Info, "stopping", {{"signal", strsignal(signal_number)}});
    if (!server.Stop(REQUEST_GRACE)) {
      // A thread still inside a request uses the handler: leave without destroying anything.
      log.Log(LogLevel::Warning, "stopping", {{"reason", "requests still open at the deadline"}});
      runner.Stop();
      if (!listener.unix_path.empty()) ::unlink(listener.unix_path.c_str());
      std::_Exit(0);
    }
  }
  if (!listener.unix_path.empty()) ::unlink(listener.unix_path.c_str());
  runner.Stop();
  log.Log(LogLevel::Info, "stopped");
  return 0;
}

}  // namespace deployhook
