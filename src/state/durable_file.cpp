#include "state/durable_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

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

}  // namespace

std::string_view DescribeFileType(unsigned mode) noexcept {
  switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFLNK: return "a symbolic link";
    case S_IFIFO: return "a FIFO";
    case S_IFSOCK: return "a socket";
    default: return "a device";
  }
}

void SyncDirectory(const std::filesystem::path& directory) {
  UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) Fail("cannot sync directory", directory);
}

StagedFile::StagedFile(std::filesystem::path path, std::string_view content,
                       const std::optional<FileOwner>& owner)
    : path_(std::move(path)) {
  std::filesystem::path temporary = path_;
  static std::atomic<unsigned> counter{0};
  temporary += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
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
  temporary_ = std::move(temporary);
}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : path_(std::move(other.path_)), temporary_(std::exchange(other.temporary_, {})) {}

StagedFile::~StagedFile() {
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
}

void StagedFile::Place() {
  std::filesystem::path temporary = std::exchange(temporary_, {});
  if (::rename(temporary.c_str(), path_.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    Fail("cannot rename into", path_);
  }
}

void WriteFileDurably(const std::filesystem::path& path, std::string_view content,
                      const std::optional<FileOwner>& owner) {
  StagedFile staged(path, content, owner);
  staged.Place();
  SyncDirectory(path.parent_path());
}

void EnsureDirectory(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) throw StorageError("cannot create " + directory.string() + ": " + error.message());
}

bool ReadWholeFile(const std::filesystem::path& path, std::string& content) {
  // O_NONBLOCK: a FIFO in the way answers at once instead of waiting for a writer.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return false;
    Fail("cannot read", path);
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) Fail("cannot stat", path);
  if (!S_ISREG(info.st_mode)) {
    throw StorageError("cannot read " + path.string() + ": " +
                       std::string(DescribeFileType(info.st_mode)) + ", not a regular file");
  }
  content.clear();
  content.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail("cannot read", path);
    if (n == 0) return true;
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace deployhook
