#include "state/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "util/unique_fd.hpp"

namespace deployhook {
namespace {

[[noreturn]] void Fail(const std::string& what, const std::filesystem::path& path) {
  throw StorageError(what + " " + path.string() + ": " + std::strerror(errno));
}

void WriteAll(int fd, std::string_view content, const std::filesystem::path& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail("cannot write", path);
    content.remove_prefix(static_cast<std::size_t>(n));
  }
}

void SyncDirectory(const std::filesystem::path& directory) {
  UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) Fail("cannot sync directory", directory);
}

}  // namespace

void WriteFileDurably(const std::filesystem::path& path, std::string_view content,
                      const std::optional<FileOwner>& owner) {
  std::filesystem::path temporary = path;
  static std::atomic<unsigned> counter{0};
  temporary += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  {
    UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (!fd) Fail("cannot create", temporary);
    try {
      GiveTo(fd.get(), owner, temporary);
      WriteAll(fd.get(), content, temporary);
      if (::fsync(fd.get()) != 0) Fail("cannot sync", temporary);
    } catch (...) {
      ::unlink(temporary.c_str());
      throw;
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    Fail("cannot rename into", path);
  }
  SyncDirectory(path.parent_path());
}

void EnsureDirectory(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) throw StorageError("cannot create " + directory.string() + ": " + error.message());
}

bool ReadWholeFile(const std::filesystem::path& path, std::string& content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return false;
    Fail("cannot read", path);
  }
  content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

}  // namespace deployhook
