#include "app/fcgi_server.hpp"

#include <fcgiapp.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

#include "util/environment.hpp"
#include "http/hook_route.hpp"
#include "http/request_arrival.hpp"
#include "http/request_head.hpp"

namespace deployhook {
namespace {

constexpr std::size_t READ_CHUNK = 64 * 1024;

// What becomes of a connection once its request is answered.
enum class Ending {
  Drain,  // read the request's input to its end; keep the connection when the proxy does
  Close,  // close it now: its input is refused (a body too large, say) or timed out
};
// A kept connection idle this long is closed. nginx's own upstream keepalive_timeout (shipped:
// 10 s) is shorter, so nginx closes first and never sends on a connection the worker is closing.
constexpr std::chrono::milliseconds KEEP_IDLE{60'000};
// How often idle kept connections are looked for, at most.
constexpr std::chrono::milliseconds SWEEP_EVERY{1000};
// The most input looked at to decide that a request is whole: far below what a socket holds,
// so a larger request is handed to a thread while its sender is still free to send the rest.
constexpr std::size_t PEEK_WINDOW = 32 * 1024;
// Unread request body a kept connection may skip to reach the next request.
constexpr std::size_t DRAIN_LIMIT = 1 << 20;
// libfcgi closes a connection with select(), which cannot watch a descriptor at or above
// FD_SETSIZE: a connection that would get one is refused.
constexpr int FD_LIMIT = FD_SETSIZE - 8;
// After accept() fails for want of descriptors, how long before the listening socket is
// watched again (the connection waits in the backlog meanwhile).
constexpr std::chrono::milliseconds ACCEPT_BACKOFF{50};
// The most connections one wake-up accepts.
constexpr int ACCEPT_BATCH = 64;
// Readiness tokens of the two descriptors that are not connections.
constexpr std::uint64_t LISTEN_TOKEN = 1;
constexpr std::uint64_t WAKE_TOKEN = 2;
static_assert(WAKE_TOKEN < IdleConnections::FIRST_TOKEN);

std::chrono::steady_clock::duration BodyTimeout(const Config& config) { return config.body_timeout; }

std::int64_t Ticks(std::chrono::steady_clock::time_point at) { return at.time_since_epoch().count(); }

void Watch(int epoll, int op, int fd, std::uint32_t events, std::uint64_t token) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = token;
  if (::epoll_ctl(epoll, op, fd, &event) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
}

std::optional<std::string_view> Param(const char* name, FCGX_ParamArray envp) {
  const char* value = FCGX_GetParam(name, envp);
  if (value == nullptr) return std::nullopt;
  return std::string_view(value);
}

// Fills `headers` with the forge headers among the parameters, in one pass. A header sent
// twice is joined with ", " (kept in `joined`): nginx before 1.23 passes it as two parameters, of
// which FCGX_GetParam would see only the first; nginx 1.23+ and Caddy join them. Joining here
// too makes a doubled signature header malformed (401) behind any proxy, rather than letting its
// first copy win. A header sent once is viewed in place, without a copy.
void ReadForgeHeaders(FCGX_ParamArray envp, ForgeHeaders& headers,
                      std::array<std::string, HEADER_COUNT>& joined) {
  for (char** entry = envp; *entry != nullptr; ++entry) {
    const char* equals = std::strchr(*entry, '=');
    if (equals == nullptr) continue;
    std::string_view name(*entry, static_cast<std::size_t>(equals - *entry));
    auto found = std::find(FORGE_HEADERS.begin(), FORGE_HEADERS.end(), name);
    if (found == FORGE_HEADERS.end()) continue;
    auto i = static_cast<std::size_t>(found - FORGE_HEADERS.begin());
    std::string_view value(equals + 1);
    std::optional<std::string_view>& slot = headers.values[i];
    if (!slot) {
      slot = value;
      continue;
    }
    if (joined[i].empty()) joined[i].assign(*slot);
    joined[i].append(", ").append(value);
    slot = joined[i];
  }
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

void Put(FCGX_Request& request, const Response& response) {
  std::string text = FormatCgiResponse(response);
  FCGX_PutStr(text.data(), static_cast<int>(text.size()), request.out);
}

// Returns true when the request announces a body (a CONTENT_LENGTH above 0).
bool AnnouncesBody(const RequestHead& head) {
  return head.content_length && ParseContentLength(*head.content_length).value_or(0) > 0;
}

// Answers one request; returns what becomes of its connection. Every delivery passes here:
// only its path is looked at unless it lies below the hook path.
Ending Answer(FCGX_Request& request, Handler& handler, ReadSide& read_side,
              const ReadWatchdog::Watch& watch) {
  std::string_view method = Param("REQUEST_METHOD", request.envp).value_or("");
  std::optional<std::string_view> uri = Param("REQUEST_URI", request.envp);
  std::string_view path = uri ? *uri : Param("DOCUMENT_URI", request.envp).value_or("");
  HookRoute route = RouteRequest(method, path, handler.Configuration().hook_path);
  if (route.kind == HookRouteKind::Read) {
    ReadRequest read{.method = method, .path = path,
                     .accept = Param("HTTP_ACCEPT", request.envp).value_or(""),
                     .authorization = Param("HTTP_AUTHORIZATION", request.envp)};
    if (std::optional<Response> answer = read_side.Answer(handler.Configuration(), read)) {
      Put(request, *answer);
      return Ending::Drain;
    }
  }
  RequestHead head;
  head.method = method;
  head.content_length = Param("CONTENT_LENGTH", request.envp);
  head.content_type = Param("CONTENT_TYPE", request.envp).value_or("");
  if (route.kind == HookRouteKind::TargetDelivery) head.target = route.target;
  std::array<std::string, HEADER_COUNT> joined;  // only a repeated header is copied
  ReadForgeHeaders(request.envp, head.headers, joined);

  Response response;
  Ending ending = Ending::Drain;
  try {
    HeadCheck check = handler.CheckHead(head);
    if (check.rejection) {
      response = MakeResponse(*check.rejection);
      // Answered at once; a body announced is not waited for, unless the proxy keeps the
      // connection (nginx, which has sent the whole body already): the rest of this request is
      // then read past, so that the proxy's next request on it is not taken for this body.
      if (AnnouncesBody(head) && request.keepConnection == 0) ending = Ending::Close;
    } else {
      std::string body = ReadBody(request.in, check.length);
      if (body.size() < check.length && watch.Expired()) {
        response = handler.TimedOut(head, check, body.size());
        ending = Ending::Close;
      } else {
        response = handler.HandleBody(head, check, body);
      }
    }
  } catch (const std::exception& e) {
    response = handler.Fail(head, e.what());  // reading the body failed (out of memory, say)
  }
  if (response.outcome) read_side.Count(*response.outcome);
  Put(request, response);
  return ending;
}

// Ends the response on the connection (libfcgi writes the end-of-request record once both of
// its output streams are closed) and hands the connection back: libfcgi must not close it, as
// its close waits for the peer to stop sending.
int EndResponse(FCGX_Request& request) {
  FCGX_FClose(request.err);
  FCGX_FClose(request.out);
  int fd = request.ipcFd;
  request.ipcFd = -1;
  FCGX_Finish_r(&request);
  return fd;
}

// Reads the request's input to its end (the empty record that closes it, and any body a
// rejection left unread); returns false when that failed or passed DRAIN_LIMIT. On a kept
// connection the next request follows: left unread, the next FCGX_Accept_r would take those
// records for a protocol error and close the connection on the request nginx just sent (a 502).
// On any connection, nothing unread is left for a close to turn into a reset.
bool DrainInput(FCGX_Request& request) {
  if (request.in == nullptr) return false;
  char buffer[16384];
  std::size_t drained = 0;
  while (drained <= DRAIN_LIMIT) {
    int got = FCGX_GetStr(buffer, sizeof buffer, request.in);
    if (got <= 0) return FCGX_GetError(request.in) == 0;
    drained += static_cast<std::size_t>(got);
  }
  return false;
}

}  // namespace

FcgiServer::FcgiServer(int listen_fd, int threads, HandlerSlot& handlers, ReadSide& read_side,
                       const Logger& log)
    : listen_fd_(listen_fd),
      handlers_(handlers),
      read_side_(read_side),
      log_(log),
      keep_idle_(MillisecondsFromEnvironment("DEPLOYHOOK_TEST_KEEP_IDLE_MS", KEEP_IDLE)),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      arrivals_([this](int fd) { return ReadyNow(fd); },
                [this](int fd, bool known, std::chrono::steady_clock::time_point first_seen) {
                  HandOver(fd, known, first_seen);
                }) {
  if (!epoll_ || !wake_) throw std::system_error(errno, std::generic_category(), "epoll");
  // FCGX_Init installs handlers for SIGUSR1 (shut down after the current request) and SIGPIPE
  // where none was set; put back what was there before.
  struct sigaction usr1 {}, pipe {};
  ::sigaction(SIGUSR1, nullptr, &usr1);
  ::sigaction(SIGPIPE, nullptr, &pipe);
  FCGX_Init();
  ::sigaction(SIGUSR1, &usr1, nullptr);
  ::sigaction(SIGPIPE, &pipe, nullptr);
  // Non-blocking: a thread woken for a connection another one took gets EAGAIN, not a wait.
  ::fcntl(listen_fd_, F_SETFL, ::fcntl(listen_fd_, F_GETFL) | O_NONBLOCK);
  // One-shot: exactly one thread is woken per new connection or per request, and the watch is
  // armed again by whoever handled it. The wake descriptor stays readable and wakes them all.
  Watch(epoll_.get(), EPOLL_CTL_ADD, listen_fd_, EPOLLIN | EPOLLONESHOT, LISTEN_TOKEN);
  Watch(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), EPOLLIN, WAKE_TOKEN);
  next_sweep_ = Ticks(std::chrono::steady_clock::now() + SWEEP_EVERY);
  for (int i = 0; i < threads; ++i) {
    running_.fetch_add(1);
    threads_.emplace_back([this] {
      Serve();
      running_.fetch_sub(1);
    });
  }
}

FcgiServer::~FcgiServer() { Stop(std::chrono::seconds(10)); }

void FcgiServer::SayRefused(std::string_view reason) noexcept {
  // At the 1st, 2nd, 4th, 8th... time: a flood of refusals cannot flood the log.
  std::uint64_t count = ++refused_;
  if ((count & (count - 1)) != 0) return;
  log_.Log(LogLevel::Warning, "fastcgi", {{"reason", reason}, {"refused", std::to_string(count)}});
}

void FcgiServer::Serve() {
  FCGX_Request request;
  // No listening socket of libfcgi's own: when it gives up on a connection (the peer closed it,
  // or sent something that is not FastCGI), FCGX_Accept_r returns instead of accepting.
  FCGX_InitRequest(&request, -1, 0);
  while (!stopping_.load()) {
    auto now = std::chrono::steady_clock::now();
    std::int64_t due = next_sweep_.load();
    if (Ticks(now) >= due && next_sweep_.compare_exchange_strong(due, Ticks(now + SWEEP_EVERY))) {
      CloseIdle();
    }
    epoll_event event{};
    int ready = ::epoll_wait(epoll_.get(), &event, 1, static_cast<int>(SWEEP_EVERY.count()));
    if (ready <= 0) continue;  // a timeout, or EINTR
    if (event.data.u64 == WAKE_TOKEN) break;
    try {
      if (event.data.u64 == LISTEN_TOKEN) {
        AcceptPending(request);
      } else {
        std::optional<std::chrono::steady_clock::time_point> first_seen = TakeHandedOver(event.data.u64);
        if (int fd = idle_.Take(event.data.u64); fd >= 0) {
          Dispatch(request, fd, true, first_seen.value_or(std::chrono::steady_clock::now()));
        }
      }
    } catch (const std::exception& e) {
      // Out of memory for one connection's watch: it is closed, or left to the proxy's timeout.
      log_.Log(LogLevel::Warning, "fastcgi",
               {{"reason", std::string("cannot watch a connection: ") + e.what()}});
    }
  }
  FCGX_Free(&request, 1);
}

void FcgiServer::AcceptPending(FCGX_Request& request) {
  // Every connection waiting is taken at once and queued behind the requests already waiting:
  // taken one per wake-up, new connections would starve behind busy kept ones.
  std::vector<int> accepted;
  for (int i = 0; i < ACCEPT_BATCH; ++i) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        SayRefused("out of descriptors or memory: accepting pauses");
        std::this_thread::sleep_for(ACCEPT_BACKOFF);  // the listening socket would wake us at once
      }
      break;
    }
    if (fd >= FD_LIMIT) {
      ::close(fd);
      SayRefused("a descriptor above what libfcgi can watch: connection closed");
      continue;
    }
    accepted.push_back(fd);
  }
  // Never left unarmed: that would end accepting for good.
  while (!stopping_.load()) {
    try {
      Watch(epoll_.get(), EPOLL_CTL_MOD, listen_fd_, EPOLLIN | EPOLLONESHOT, LISTEN_TOKEN);
      break;
    } catch (const std::system_error&) {
      std::this_thread::sleep_for(ACCEPT_BACKOFF);  // out of memory for a moment
    }
  }
  if (accepted.empty()) return;
  int last = accepted.back();
  accepted.pop_back();
  for (int fd : accepted) {
    try {
      Park(fd, false);
    } catch (const std::system_error&) {
      // Park closed it; the others still wait for their requests.
    }
  }
  // The request usually follows its connection at once: then this thread serves the last one
  // now (a readiness event would wake another thread for it); else it waits like the others.
  char first = 0;
  if (::recv(last, &first, 1, MSG_PEEK | MSG_DONTWAIT) > 0) {
    Dispatch(request, last, false, std::chrono::steady_clock::now());
  } else {
    Park(last, false);
  }
}

void FcgiServer::Dispatch(FCGX_Request& request, int fd, bool known,
                          std::chrono::steady_clock::time_point first_seen) {
  auto deadline = first_seen + BodyTimeout(handlers_.Current()->Configuration());
  if (std::chrono::steady_clock::now() < deadline && !ReadyNow(fd)) {
    try {
      arrivals_.Add(fd, known, first_seen, deadline);
      return;
    } catch (const std::system_error&) {
      // Out of memory for the watch: serve it now, as before there was a wait.
    }
  }
  ServeRequest(request, fd, known, deadline);
}

bool FcgiServer::ReadyNow(int fd) const {
  thread_local std::array<std::uint8_t, PEEK_WINDOW> window;
  ssize_t got = ::recv(fd, window.data(), window.size(), MSG_PEEK | MSG_DONTWAIT);
  if (got < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  if (got == 0 || static_cast<std::size_t>(got) == window.size()) return true;
  ArrivalScan scan = ScanRequest(std::span(window).first(static_cast<std::size_t>(got)));
  if (scan.arrival != Arrival::Partial) return true;
  if (!scan.params) return false;
  // The head is whole and the body is not: a head refused now is answered without the body.
  try {
    const CgiParams& params = *scan.params;
    std::shared_ptr<Handler> handler = handlers_.Current();
    std::string_view method = FindParam(params, "REQUEST_METHOD").value_or("");
    std::optional<std::string_view> uri = FindParam(params, "REQUEST_URI");
    std::string_view path = uri ? *uri : FindParam(params, "DOCUMENT_URI").value_or("");
    HookRoute route = RouteRequest(method, path, handler->Configuration().hook_path);
    if (route.kind == HookRouteKind::Read) return true;
    RequestHead head;
    head.method = method;
    head.content_length = FindParam(params, "CONTENT_LENGTH");
    head.content_type = FindParam(params, "CONTENT_TYPE").value_or("");
    if (route.kind == HookRouteKind::TargetDelivery) head.target = route.target;
    for (std::size_t i = 0; i < FORGE_HEADERS.size(); ++i) {
      head.headers.values[i] = FindParam(params, FORGE_HEADERS[i]);
    }
    return handler->RefusesHead(head);
  } catch (const std::exception&) {
    return true;  // out of memory: let a thread answer it
  }
}

void FcgiServer::HandOver(int fd, bool known, std::chrono::steady_clock::time_point first_seen) {
  std::uint64_t token = idle_.Park(fd, std::chrono::steady_clock::now() + keep_idle_);
  {
    std::lock_guard lock(handed_mutex_);
    handed_[token] = first_seen;
  }
  // Its input is there (or its peer gone): the watch fires at once and a free thread takes it.
  try {
    Watch(epoll_.get(), known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd,
          EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, token);
  } catch (const std::system_error&) {
    TakeHandedOver(token);
    if (idle_.Take(token) == fd) ::close(fd);
  }
}

std::optional<std::chrono::steady_clock::time_point> FcgiServer::TakeHandedOver(std::uint64_t token) {
  std::lock_guard lock(handed_mutex_);
  auto it = handed_.find(token);
  if (it == handed_.end()) return std::nullopt;
  auto first_seen = it->second;
  handed_.erase(it);
  return first_seen;
}

void FcgiServer::ServeRequest(FCGX_Request& request, int fd, bool known,
                              std::chrono::steady_clock::time_point deadline) {
  std::shared_ptr<Handler> handler = handlers_.Current();
  // From here until the connection is parked or closed, this thread reads it until `deadline`
  // at most: past that, the watchdog ends the reading and the request is answered 408.
  ReadWatchdog::Watch watch(watchdog_, fd, deadline);
  request.ipcFd = fd;
  request.keepConnection = 1;  // so that FCGX_Accept_r does not close what it has not read
  if (FCGX_Accept_r(&request) != 0) return;  // libfcgi closed it: the peer went, or not FastCGI
  Ending ending = Ending::Drain;
  try {
    ending = Answer(request, *handler, read_side_, watch);
  } catch (const std::exception& e) {
    log_.Log(LogLevel::Error, "fastcgi", {{"reason", std::string("answering failed: ") + e.what()}});
    Put(request, MakeResponse(Outcome::Error));
  } catch (...) {
    log_.Log(LogLevel::Error, "fastcgi", {{"reason", "answering failed"}});
    Put(request, MakeResponse(Outcome::Error));
  }
  if (ending == Ending::Close) {
    int own = EndResponse(request);
    watch.Finish();
    // The answer is complete: the peer may read it now. What it still sends is thrown away
    // without a thread until it stops (or the deadline), then the connection is closed.
    ::shutdown(own, SHUT_WR);
    arrivals_.Discard(own, deadline);
    return;
  }
  bool read_all = DrainInput(request);
  bool keep = request.keepConnection != 0 && read_all;
  // With everything read, the connection is closed here at once; libfcgi's own close (kept for
  // input left unread) waits for the proxy to hang up first, holding the thread meanwhile.
  request.keepConnection = read_all ? 1 : 0;
  FCGX_Finish_r(&request);  // writes the end of the response; closes only after an error
  watch.Finish();
  if (request.ipcFd < 0) return;
  request.ipcFd = -1;  // fd is still open: this thread decides what becomes of it
  if (keep) {
    Park(fd, known);
  } else {
    ::close(fd);
  }
}

void FcgiServer::Park(int fd, bool known) {
  std::uint64_t token = idle_.Park(fd, std::chrono::steady_clock::now() + keep_idle_);
  try {
    Watch(epoll_.get(), known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd,
          EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, token);
  } catch (...) {
    if (idle_.Take(token) == fd) ::close(fd);
    throw;
  }
}

void FcgiServer::CloseIdle() {
  // Closing drops a descriptor from the epoll set; a wake-up already under way for it carries a
  // token IdleConnections no longer knows.
  for (int fd : idle_.Expire(std::chrono::steady_clock::now())) ::close(fd);
}

bool FcgiServer::Stop(std::chrono::milliseconds grace) noexcept {
  if (threads_.empty()) return true;
  stopping_ = true;
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t written = ::write(wake_.get(), &one, sizeof one);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (running_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
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
  if (all_done) {
    for (int fd : arrivals_.Stop()) ::close(fd);
    for (int fd : idle_.TakeAll()) ::close(fd);
  }
  return all_done;
}

}  // namespace deployhook
