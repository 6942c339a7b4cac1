#include "app/listen_socket.hpp"

#include <grp.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace deployhook {
namespace {

constexpr int BACKLOG = 128;

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

sockaddr_un UnixAddress(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

// Removes a socket file left by a worker that is gone; refuses when one still answers on it.
void RemoveStaleSocket(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return;
  if (!S_ISSOCK(info.st_mode)) {
    throw std::runtime_error(path + " exists and is not a socket");
  }
  UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address = UnixAddress(path);
  if (probe && ::connect(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    throw std::runtime_error(path + " is in use by another process");
  }
  ::unlink(path.c_str());
}

UniqueFd OpenUnix(const std::string& path, const SocketOptions& options) {
  RemoveStaleSocket(path);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) Fail("cannot create a unix socket");
  sockaddr_un address = UnixAddress(path);
  mode_t previous = ::umask(0177);  // nobody may connect before the mode below is set
  int bound = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::umask(previous);
  if (bound != 0) Fail("cannot bind " + path);
  if (options.group) {
    errno = 0;
    const group* entry = ::getgrnam(options.group->c_str());
    if (entry == nullptr) {
      ::unlink(path.c_str());
      throw std::runtime_error("socket_group " + *options.group + " does not exist");
    }
    if (::chown(path.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0) {
      Fail("cannot give " + path + " to group " + *options.group);
    }
  }
  if (::chmod(path.c_str(), options.mode) != 0) Fail("cannot chmod " + path);
  if (::listen(fd.get(), BACKLOG) != 0) Fail("cannot listen on " + path);
  return fd;
}

UniqueFd OpenTcp(const std::string& host, int port) {
  // As it was written: an IPv6 address in brackets.
  const std::string shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  const char* node = host.empty() || host == "*" ? nullptr : host.c_str();
  if (int error = ::getaddrinfo(node, service.c_str(), &hints, &found); error != 0) {
    throw std::runtime_error("cannot resolve " + shown + ": " + ::gai_strerror(error));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, ::freeaddrinfo);
  UniqueFd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) Fail("cannot create a TCP socket");
  int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (::bind(fd.get(), found->ai_addr, found->ai_addrlen) != 0) {
    Fail("cannot bind " + shown + ":" + service);
  }
  if (::listen(fd.get(), BACKLOG) != 0) Fail("cannot listen on " + shown + ":" + service);
  return fd;
}

}  // namespace

UniqueFd OpenListenSocket(const ListenAddress& address, const SocketOptions& options) {
  return address.is_unix ? OpenUnix(address.path, options) : OpenTcp(address.host, address.port);
}

bool IsListeningSocket(int fd) noexcept {
  int listening = 0;
  socklen_t length = sizeof listening;
  return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening != 0;
}

}  // namespace deployhook
