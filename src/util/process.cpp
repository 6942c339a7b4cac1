#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "util/unique_fd.hpp"

namespace deployhook {
namespace {

namespace bp = boost::process;
using Clock = std::chrono::steady_clock;

// After the program exits, its pipe may still be held by something it left behind; output is
// read for at most this long more.
constexpr std::chrono::milliseconds DRAIN_AFTER_EXIT{2000};

void KeepTail(std::string& output, std::string_view chunk, std::size_t max_output) {
  output.append(chunk);
  if (output.size() > max_output + max_output / 4) output.erase(0, output.size() - max_output);
}

// One pipe the child writes to, and the text read from it so far.
struct Stream {
  UniqueFd fd;
  std::string* text;
  bool open = true;
};

// Reads what is available on the open streams within `wait`; a stream at end of file closes.
// Returns false once none is open.
bool ReadSome(std::vector<Stream>& streams, std::chrono::milliseconds wait, std::size_t max_output) {
  std::vector<pollfd> entries;
  std::vector<Stream*> polled;
  for (Stream& stream : streams) {
    if (!stream.open) continue;
    entries.push_back({stream.fd.get(), POLLIN, 0});
    polled.push_back(&stream);
  }
  if (entries.empty()) return false;
  int ready = ::poll(entries.data(), entries.size(), static_cast<int>(wait.count()));
  if (ready <= 0) return true;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].revents == 0) continue;
    char buffer[16384];
    ssize_t n = ::read(entries[i].fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      polled[i]->open = false;
      continue;
    }
    KeepTail(*polled[i]->text, std::string_view(buffer, static_cast<std::size_t>(n)), max_output);
  }
  return true;
}

// Runs in the child between fork and exec: its own process group, no fd of the worker's but the
// three standard ones (and `inherit_fd`), and none of the worker's signal settings (the stop
// signals blocked for sigwait, SIGPIPE ignored), which exec would keep and which would make the
// step deaf to the SIGTERM that asks it to stop. It dies with the worker (`worker` is the
// worker's pid before the fork: a worker that died already is not waited for).
void PrepareStepProcess(pid_t worker, int inherit_fd) noexcept {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != worker) ::_exit(127);
  ::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  // Whatever else the worker has open (a client socket another thread accepted a moment ago, a
  // lock, a log) stays the worker's: the step gets stdin, stdout and stderr alone.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    long max_fd = std::min(::sysconf(_SC_OPEN_MAX), 65536L);
    for (int fd = 3; fd < max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  if (inherit_fd >= 0) ::fcntl(inherit_fd, F_SETFD, 0);
}

int ExitStatus(int native) {
  if (WIFEXITED(native)) return WEXITSTATUS(native);
  if (WIFSIGNALED(native)) return 128 + WTERMSIG(native);
  return -1;
}

// Returns the executable argv[0] names on the step's own PATH (not the worker's).
boost::filesystem::path FindExecutable(const ProcessSpec& spec) {
  auto path_entry = spec.env.find("PATH");
  return FindProgram(spec.argv[0], path_entry != spec.env.end() ? path_entry->second : "");
}

// Reads the child's output while it runs; at the deadline or on abort, stops its process group
// (SIGTERM, then SIGKILL after KILL_GRACE) and says which in `result`. Returns once the child
// was reaped and its output drained, with its exit code in `result`.
void Supervise(bp::child& child, std::vector<Stream>& streams, const ProcessSpec& spec,
               Clock::time_point deadline, ProcessResult& result) {
  std::error_code error;
  pid_t group = child.id();
  bool open = true;
  auto read_or_wait = [&](std::chrono::milliseconds wait) {
    if (open) {
      open = ReadSome(streams, wait, spec.max_output);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  while (child.running(error) && !error) {
    bool aborted = spec.abort != nullptr && spec.abort->load();
    if (aborted || Clock::now() >= deadline) {
      (aborted ? result.interrupted : result.timed_out) = true;
      ::kill(-group, SIGTERM);
      auto kill_at = Clock::now() + KILL_GRACE;
      while (child.running(error) && !error && Clock::now() < kill_at) read_or_wait(std::chrono::milliseconds(100));
      ::kill(-group, SIGKILL);
      break;
    }
    read_or_wait(std::chrono::milliseconds(100));
  }
  child.wait(error);
  if (result.timed_out || result.interrupted) ::kill(-group, SIGKILL);  // whatever of the group outlived its leader
  auto drain_until = Clock::now() + DRAIN_AFTER_EXIT;
  while (open && Clock::now() < drain_until) {
    open = ReadSome(streams, std::chrono::milliseconds(50), spec.max_output);
  }
  result.exit_code = ExitStatus(child.native_exit_code());
}

// The pipes a step writes its output to. The read ends are ours (the streams, into the result's
// texts); the write ends go to Spawn, which hands them to Boost.Process: it closes them once the
// child has them (or could not start), so the end of the child's output is seen.
struct OutputPipes {
  std::vector<Stream> streams;
  UniqueFd out;
  UniqueFd err;  // only when stderr is read apart
};

// Returns the pipes for a step's output, read into result; nullopt when one cannot be made.
std::optional<OutputPipes> OpenPipes(const ProcessSpec& spec, ProcessResult& result) {
  OutputPipes pipes;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  pipes.streams.push_back({UniqueFd(fds[0]), &result.output});
  pipes.out = UniqueFd(fds[1]);
  if (!spec.stderr_apart) return pipes;
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  pipes.streams.push_back({UniqueFd(fds[0]), &result.error_output});
  pipes.err = UniqueFd(fds[1]);
  return pipes;
}

// Starts exe as the step, its output on the pipes. A child that could not start is said in
// `error`.
bp::child Spawn(const ProcessSpec& spec, const boost::filesystem::path& exe, OutputPipes& pipes,
                std::error_code& error) {
  bp::environment env;
  for (const auto& [name, value] : spec.env) env[name] = value;
  // The redirections below take each write end over and close it in this process, whether the
  // child started or not: released here, so that nothing closes the number a second time (by
  // then another thread may have been given it for a connection or a lock).
  bp::pipe out_pipe(pipes.streams[0].fd.get(), pipes.out.Release());
  std::optional<bp::pipe> err_pipe;
  if (spec.stderr_apart) err_pipe.emplace(pipes.streams[1].fd.get(), pipes.err.Release());
  const pid_t worker = ::getpid();
  auto spawn = [&](auto&&... redirections) {
    return bp::child(exe, bp::args(std::vector<std::string>(spec.argv.begin() + 1, spec.argv.end())),
                     bp::start_dir(spec.cwd.string()), env, bp::std_in<bp::null, redirections...,
                     bp::extend::on_exec_setup([&](auto&) { PrepareStepProcess(worker, spec.inherit_fd); }),
                     error);
  };
  bp::child child = spec.stderr_apart ? spawn(bp::std_out > out_pipe, bp::std_err > *err_pipe)
                                      : spawn((bp::std_out & bp::std_err) > out_pipe);
  // The read ends stay `pipes`' own, in its streams (the write ends are closed already).
  out_pipe.assign_source(-1);
  if (err_pipe) err_pipe->assign_source(-1);
  return child;
}

}  // namespace

std::string FindProgram(const std::string& program, std::string_view path_variable) {
  if (program.find('/') != std::string::npos) return program;
  std::vector<boost::filesystem::path> path;
  while (!path_variable.empty()) {
    std::size_t colon = path_variable.find(':');
    path.emplace_back(std::string(path_variable.substr(0, colon)));
    path_variable = colon == std::string_view::npos ? std::string_view{} : path_variable.substr(colon + 1);
  }
  return bp::search_path(program, path).string();
}

ProcessResult RunProcess(const ProcessSpec& spec) {
  ProcessResult result;
  auto started = Clock::now();
  auto finish = [&] {
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    for (std::string* text : {&result.output, &result.error_output}) {
      if (text->size() > spec.max_output) text->erase(0, text->size() - spec.max_output);
    }
    return result;
  };
  if (spec.argv.empty()) {
    result.spawn_failed = true;
    return finish();
  }

  boost::filesystem::path exe = FindExecutable(spec);
  if (exe.empty()) {
    result.output = spec.argv[0] + ": not found in PATH\n";
    result.spawn_failed = true;
    return finish();
  }
  std::optional<OutputPipes> pipes = OpenPipes(spec, result);
  if (!pipes) {
    result.spawn_failed = true;
    return finish();
  }
  std::error_code error;
  bp::child child = Spawn(spec, exe, *pipes, error);
  if (error) {
    result.output = spec.argv[0] + ": " + error.message() + "\n";
    result.spawn_failed = true;
    return finish();
  }

  Supervise(child, pipes->streams, spec, started + spec.timeout, result);
  return finish();
}

}  // namespace deployhook
