#include "fcgi_server.hpp"

#include <fcgiapp.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

namespace deployhook {
namespace {

constexpr std::size_t READ_CHUNK = 64 * 1024;
constexpr int WAKE_SIGNAL = SIGUSR2;
// A kept connection (nginx `fastcgi_keep_conn on`) idle this long is closed. nginx's own
// upstream keepalive_timeout (shipped: 10 s) is shorter, so nginx closes first and never sends
// on a connection the worker is closing.
constexpr std::chrono::seconds KEEP_IDLE{60};
// Accept threads may grow to this many times `threads` while kept connections hold the others.
constexpr int EXTRA_THREAD_FACTOR = 4;
// While a new connection waits and another thread is free to take it, a thread holding an idle
// kept connection looks at that connection alone for this long before it looks again.
constexpr int HANDOVER_MS = 2;
// How long an extra accept thread waits for a new connection before it may leave.
constexpr std::chrono::milliseconds LINGER{2000};
// At the thread cap, how long a thread holding an idle kept connection waits on it alone
// before it looks at the listening socket again.
constexpr int AT_CAP_WAIT_MS = 50;
// Unread request body a kept connection may skip to reach the next request.
constexpr std::size_t DRAIN_LIMIT = 1 << 20;

std::optional<std::string_view> Param(const char* name, FCGX_ParamArray envp) {
  const char* value = FCGX_GetParam(name, envp);
  if (value == nullptr) return std::nullopt;
  return std::string_view(value);
}

// Returns a parameter's value, every value joined with ", " when it is repeated (kept in
// `joined`). nginx before 1.23 passes a header sent twice as two parameters, of which
// FCGX_GetParam would see only the first; nginx 1.23+ and Caddy join them. Joining here too
// makes a doubled signature header malformed (401) behind any proxy, rather than letting its
// first copy win. A header sent once is viewed in place, without a copy.
std::optional<std::string_view> JoinedParam(const char* name, FCGX_ParamArray envp,
                                            std::string& joined) {
  std::optional<std::string_view> first;
  std::size_t name_length = std::strlen(name);
  for (char** entry = envp; *entry != nullptr; ++entry) {
    if (std::strncmp(*entry, name, name_length) != 0 || (*entry)[name_length] != '=') continue;
    std::string_view value(*entry + name_length + 1);
    if (!first) {
      first = value;
      continue;
    }
    if (joined.empty()) joined.assign(*first);
    joined.append(", ").append(value);
  }
  if (!joined.empty()) return std::string_view(joined);
  return first;
}

// Reads up to `length` bytes; fewer when the client went away. Grows with what arrives rather
// than trusting the announced length.
std::string ReadBody(FCGX_Stream* in, std::uint64_t length) {
  std::string body;
  body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(length, READ_CHUNK)));
  while (body.size() < length) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length - body.size(), READ_CHUNK));
    std::size_t at = body.size();
    body.resize(at + want);
    int got = FCGX_GetStr(body.data() + at, static_cast<int>(want), in);
    body.resize(at + static_cast<std::size_t>(std::max(got, 0)));
    if (got <= 0) break;
  }
  return body;
}

// Returns the read side's answer when the request is one for it.
// Every delivery passes here: only its path is looked at unless it lies below the hook path.
std::optional<Response> AnswerRead(FCGX_Request& request, const Handler& handler, ReadSide& read_side) {
  ReadRequest read;
  std::optional<std::string_view> uri = Param("REQUEST_URI", request.envp);
  read.path = uri ? *uri : Param("DOCUMENT_URI", request.envp).value_or("");
  if (!PathBelow(read.path, handler.Configuration().hook_path)) return std::nullopt;
  read.method = Param("REQUEST_METHOD", request.envp).value_or("");
  read.accept = Param("HTTP_ACCEPT", request.envp).value_or("");
  read.authorization = Param("HTTP_AUTHORIZATION", request.envp);
  return read_side.Answer(handler.Configuration(), read);
}

void Answer(FCGX_Request& request, Handler& handler, ReadSide& read_side) {
  if (std::optional<Response> read = AnswerRead(request, handler, read_side)) {
    std::string text = FormatCgiResponse(*read);
    FCGX_PutStr(text.data(), static_cast<int>(text.size()), request.out);
    return;
  }
  RequestHead head;
  head.method = Param("REQUEST_METHOD", request.envp).value_or("");
  head.content_length = Param("CONTENT_LENGTH", request.envp);
  head.content_type = Param("CONTENT_TYPE", request.envp).value_or("");
  std::array<std::string, HEADER_COUNT> joined;  // only a repeated header is copied
  for (std::size_t i = 0; i < HEADER_COUNT; ++i) {
    head.headers.values[i] = JoinedParam(FORGE_HEADERS[i], request.envp, joined[i]);
  }

  Response response;
  try {
    HeadCheck check = handler.CheckHead(head);
    response = check.rejection ? MakeResponse(*check.rejection)
                               : handler.HandleBody(head, check, ReadBody(request.in, check.length));
  } catch (const std::exception& e) {
    response = handler.Fail(head, e.what());  // reading the body failed (out of memory, say)
  }
  if (response.outcome) read_side.Count(*response.outcome);
  std::string text = FormatCgiResponse(response);
  FCGX_PutStr(text.data(), static_cast<int>(text.size()), request.out);
}

// On a kept connection the next request follows this one's stdin: reads it to its end (the
// empty record that closes it, and any body a rejection left unread), or, past DRAIN_LIMIT,
// gives up keeping the connection. Left unread, the next FCGX_Accept_r would take those records
// for a protocol error and close the connection on the request nginx just sent (a 502).
void DrainInput(FCGX_Request& request) {
  if (!request.keepConnection) return;
  char buffer[16384];
  std::size_t drained = 0;
  while (drained <= DRAIN_LIMIT) {
    int got = FCGX_GetStr(buffer, sizeof buffer, request.in);
    if (got <= 0) {
      if (FCGX_GetError(request.in) != 0) request.keepConnection = 0;
      return;
    }
    drained += static_cast<std::size_t>(got);
  }
  request.keepConnection = 0;
}

// Interrupts a thread blocked in accept(); the handler only has to exist.
void OnWake(int) {}

enum class Kept { Serve, Release, NeedsThread };

// Waits on an idle kept connection for its next request. libfcgi would block in read() on it,
// so that kept connections pinned every accept thread and new connections waited behind them
// until one closed. Returns Serve when the next request arrives; Release when the peer closed
// it, it stayed idle until `deadline`, or the server stops; NeedsThread when a new connection waits and no thread is free to accept it
// (this thread then holds the claim on `accepting` for the thread the caller starts).
Kept AwaitKept(int kept_fd, int listen_fd, std::atomic<int>& accepting, const std::atomic<bool>& stopping,
               std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (stopping.load()) return Kept::Release;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Kept::Release;
    pollfd fds[2] = {{kept_fd, POLLIN, 0}, {listen_fd, POLLIN, 0}};
    int ready = ::poll(fds, 2, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) return Kept::Release;
    if (ready <= 0) continue;
    if (fds[0].revents != 0) {
      // The peer's close also wakes poll: then this thread counts as free, not as serving.
      char next = 0;
      bool closed = (fds[0].revents & (POLLHUP | POLLERR)) != 0 ||
                    ::recv(kept_fd, &next, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
      return closed ? Kept::Release : Kept::Serve;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      int none = 0;
      if (accepting.compare_exchange_strong(none, 1)) return Kept::NeedsThread;
      pollfd kept{kept_fd, POLLIN, 0};  // a free thread is taking the new one
      if (::poll(&kept, 1, HANDOVER_MS) > 0) return Kept::Serve;
    }
  }
}

}  // namespace

FcgiServer::FcgiServer(int listen_fd, int threads, HandlerSlot& handlers, ReadSide& read_side)
    : listen_fd_(listen_fd),
      handlers_(handlers),
      read_side_(read_side),
      max_threads_(threads * EXTRA_THREAD_FACTOR) {
  // FCGX_Init installs handlers for SIGUSR1 (shut down after the current request) and SIGPIPE
  // where none was set; put back what was there before.
  struct sigaction usr1 {}, pipe {};
  ::sigaction(SIGUSR1, nullptr, &usr1);
  ::sigaction(SIGPIPE, nullptr, &pipe);
  FCGX_Init();
  ::sigaction(SIGUSR1, &usr1, nullptr);
  ::sigaction(SIGPIPE, &pipe, nullptr);
  struct sigaction action {};
  action.sa_handler = OnWake;  // no SA_RESTART: accept() and poll() return EINTR
  sigemptyset(&action.sa_mask);
  ::sigaction(WAKE_SIGNAL, &action, nullptr);
  for (int i = 0; i < threads; ++i) Spawn(false, false);
}

FcgiServer::~FcgiServer() { Stop(std::chrono::seconds(10)); }

bool FcgiServer::Spawn(bool extra, bool counted) {
  std::lock_guard lock(threads_mutex_);
  threads_.remove_if([](Slot& slot) {
    if (!slot.done.load()) return false;
    slot.thread.join();
    return true;
  });
  if (stopping_.load() || (extra && running_.load() >= max_threads_)) return false;
  Slot& slot = threads_.emplace_back();
  running_.fetch_add(1);
  slot.thread = std::thread([this, &slot, extra, counted] {
    AcceptLoop(extra, counted);
    running_.fetch_sub(1);
    slot.done = true;
  });
  return true;
}

bool FcgiServer::AcceptNext(FCGX_Request& request, bool extra, bool& counted) {
  if (request.ipcFd >= 0) {  // the previous request kept its connection open
    auto deadline = std::chrono::steady_clock::now() + KEEP_IDLE;
    for (;;) {
      Kept kept = AwaitKept(request.ipcFd, listen_fd_, accepting_, stopping_, deadline);
      if (kept == Kept::Serve) break;
      if (kept == Kept::Release) {
        FCGX_Free(&request, 1);  // closes it
        break;
      }
      // A new connection finds no free thread: start one. Never close this connection for it:
      // nginx may be sending a request on it at this very moment (a 502). At the cap the new
      // connection waits until nginx closes one of the others.
      if (Spawn(true, true)) continue;
      accepting_.fetch_sub(1);
      pollfd own{request.ipcFd, POLLIN, 0};
      ::poll(&own, 1, AT_CAP_WAIT_MS);
    }
  }
  for (;;) {
    if (stopping_.load()) return false;
    if (request.ipcFd < 0 && !counted) {
      accepting_.fetch_add(1);
      counted = true;
    }
    if (extra && request.ipcFd < 0) {
      // An extra thread stays while connections keep coming, and leaves after LINGER without
      // one when another thread waits for new connections too.
      pollfd listen{listen_fd_, POLLIN, 0};
      int ready = ::poll(&listen, 1, static_cast<int>(LINGER.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0 && accepting_.load() > 1) {
        accepting_.fetch_sub(1);
        counted = false;
        return false;
      }
    }
    int result = FCGX_Accept_r(&request);
    if (counted) accepting_.fetch_sub(1);
    counted = false;
    if (result == 0) {
      // libfcgi's accept() gives no SOCK_CLOEXEC: a deployment step must not inherit a client.
      ::fcntl(request.ipcFd, F_SETFD, FD_CLOEXEC);
      return true;
    }
    if (result != -EINTR || stopping_.load()) return false;
  }
}

void FcgiServer::AcceptLoop(bool extra, bool counted) {
  FCGX_Request request;
  FCGX_InitRequest(&request, listen_fd_, FCGI_FAIL_ACCEPT_ON_INTR);
  while (AcceptNext(request, extra, counted)) {
    try {
      std::shared_ptr<Handler> handler = handlers_.Current();
      Answer(request, *handler, read_side_);
    } catch (...) {
      std::string text = FormatCgiResponse(MakeResponse(Outcome::Error));
      FCGX_PutStr(text.data(), static_cast<int>(text.size()), request.out);
    }
    DrainInput(request);
    FCGX_Finish_r(&request);
  }
  if (counted) accepting_.fetch_sub(1);
  FCGX_Free(&request, 1);
}

bool FcgiServer::Stop(std::chrono::milliseconds grace) noexcept {
  {
    std::lock_guard lock(threads_mutex_);
    if (threads_.empty()) return true;
    stopping_ = true;
  }
  FCGX_ShutdownPending();
  auto deadline = std::chrono::steady_clock::now() + grace;
  // A thread may be between two accept() calls when signalled, so keep waking until all left.
  while (running_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(threads_mutex_);
      for (Slot& slot : threads_) {
        if (!slot.done.load()) ::pthread_kill(slot.thread.native_handle(), WAKE_SIGNAL);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  bool all_done = running_.load() == 0;
  std::lock_guard lock(threads_mutex_);
  for (Slot& slot : threads_) {
    if (all_done) {
      slot.thread.join();
    } else {
      slot.thread.detach();
    }
  }
  threads_.clear();
  return all_done;
}

}  // namespace deployhook
