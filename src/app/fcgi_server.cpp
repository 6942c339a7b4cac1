#include "fcgi_server.hpp"

#include <fcgiapp.h>
#include <fcntl.h>
#include <poll.h>
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
// A kept connection (nginx `fastcgi_keep_conn on`) idle this long is closed; nginx opens another.
constexpr std::chrono::seconds KEEP_IDLE{10};
// While a new connection waits and another thread is free to take it, a thread holding an idle
// kept connection looks at that connection alone for this long before it looks again.
constexpr int HANDOVER_MS = 2;

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
std::optional<Response> AnswerRead(FCGX_Request& request, const Handler& handler, ReadSide& read_side) {
  ReadRequest read;
  read.method = Param("REQUEST_METHOD", request.envp).value_or("");
  read.path = Param("REQUEST_URI", request.envp).value_or(Param("DOCUMENT_URI", request.envp).value_or(""));
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

// Interrupts a thread blocked in accept(); the handler only has to exist.
void OnWake(int) {}

enum class Kept { Serve, Release, ReleaseClaimed };

// Waits on an idle kept connection for its next request. libfcgi would block in read() on it,
// so that kept connections pin every accept thread and new connections wait behind them (p99
// of half a second measured with 4 threads behind `keepalive 16`). Returns Serve when the next
// request (or the peer's close) arrives; Release when the connection stayed idle for KEEP_IDLE
// or the server stops; ReleaseClaimed when a new connection waits to be accepted and no thread
// is free to take it: this thread then accepts it, already counted in `accepting`.
Kept AwaitKept(int kept_fd, int listen_fd, std::atomic<int>& accepting, const std::atomic<bool>& stopping) {
  auto deadline = std::chrono::steady_clock::now() + KEEP_IDLE;
  for (;;) {
    if (stopping.load()) return Kept::Release;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Kept::Release;
    pollfd fds[2] = {{kept_fd, POLLIN, 0}, {listen_fd, POLLIN, 0}};
    int ready = ::poll(fds, 2, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) return Kept::Release;
    if (ready <= 0) continue;
    if (fds[0].revents != 0) return Kept::Serve;
    if ((fds[1].revents & POLLIN) != 0) {
      int none = 0;
      if (accepting.compare_exchange_strong(none, 1)) return Kept::ReleaseClaimed;
      pollfd kept{kept_fd, POLLIN, 0};  // a free thread takes the new one
      if (::poll(&kept, 1, HANDOVER_MS) > 0) return Kept::Serve;
    }
  }
}

// Returns true when a request was accepted; false when the server stops. An accept cut short by
// a signal that is not the server's own wake-up (an operator's stray SIGUSR2, say) is retried.
// `accepting` counts the threads waiting for a new connection.
bool AcceptNext(FCGX_Request& request, int listen_fd, std::atomic<int>& accepting,
                const std::atomic<bool>& stopping) {
  bool counted = false;
  if (request.ipcFd >= 0) {  // the previous request kept its connection open
    Kept kept = AwaitKept(request.ipcFd, listen_fd, accepting, stopping);
    if (kept != Kept::Serve) FCGX_Free(&request, 1);  // closes it
    counted = kept == Kept::ReleaseClaimed;
  }
  for (;;) {
    if (stopping.load()) {
      if (counted) accepting.fetch_sub(1);
      return false;
    }
    if (request.ipcFd < 0 && !counted) {
      accepting.fetch_add(1);
      counted = true;
    }
    int result = FCGX_Accept_r(&request);
    if (counted) accepting.fetch_sub(1);
    counted = false;
    if (result == 0) {
      // libfcgi's accept() gives no SOCK_CLOEXEC: a deployment step must not inherit a client.
      ::fcntl(request.ipcFd, F_SETFD, FD_CLOEXEC);
      return true;
    }
    if (result != -EINTR || stopping.load()) return false;
  }
}

void AcceptLoop(int listen_fd, HandlerSlot& handlers, ReadSide& read_side, std::atomic<int>& running,
                std::atomic<int>& accepting, const std::atomic<bool>& stopping) {
  FCGX_Request request;
  FCGX_InitRequest(&request, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
  while (AcceptNext(request, listen_fd, accepting, stopping)) {
    try {
      std::shared_ptr<Handler> handler = handlers.Current();
      Answer(request, *handler, read_side);
    } catch (...) {
      std::string text = FormatCgiResponse(MakeResponse(Outcome::Error));
      FCGX_PutStr(text.data(), static_cast<int>(text.size()), request.out);
    }
    FCGX_Finish_r(&request);
  }
  FCGX_Free(&request, 1);
  running.fetch_sub(1);
}

}  // namespace

FcgiServer::FcgiServer(int listen_fd, int threads, HandlerSlot& handlers, ReadSide& read_side) {
  // FCGX_Init installs handlers for SIGUSR1 (shut down after the current request) and SIGPIPE
  // where none was set; put back what was there before.
  struct sigaction usr1 {}, pipe {};
  ::sigaction(SIGUSR1, nullptr, &usr1);
  ::sigaction(SIGPIPE, nullptr, &pipe);
  FCGX_Init();
  ::sigaction(SIGUSR1, &usr1, nullptr);
  ::sigaction(SIGPIPE, &pipe, nullptr);
  struct sigaction action {};
  action.sa_handler = OnWake;  // no SA_RESTART: accept() returns EINTR
  sigemptyset(&action.sa_mask);
  ::sigaction(WAKE_SIGNAL, &action, nullptr);
  running_ = threads;
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back(AcceptLoop, listen_fd, std::ref(handlers), std::ref(read_side), std::ref(running_),
                          std::ref(accepting_), std::cref(stopping_));
  }
}

FcgiServer::~FcgiServer() { Stop(std::chrono::seconds(10)); }

bool FcgiServer::Stop(std::chrono::milliseconds grace) noexcept {
  if (threads_.empty()) return true;
  stopping_ = true;
  FCGX_ShutdownPending();
  auto deadline = std::chrono::steady_clock::now() + grace;
  // A thread may be between two accept() calls when signalled, so keep waking until all left.
  while (running_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    for (std::thread& thread : threads_) ::pthread_kill(thread.native_handle(), WAKE_SIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  bool all_done = running_.load() == 0;
  for (std::thread& thread : threads_) {
    if (all_done) {
      thread.join();
    } else {
      thread.detach();
    }
  }
  threads_.clear();
  return all_done;
}

}  // namespace deployhook
