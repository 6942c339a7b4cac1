// The floor of the FastCGI path, for scripts/bench (not part of the product): a bare libfcgi
// responder that reads each request's body and answers 401, nothing else, on as many threads as
// it is told (scripts/bench measures it at several counts, deployhook's among them; a connection
// nginx keeps holds one of them while it is open). With STATS_PATH it
// rewrites that file every 100 ms with two numbers, "REQUESTS KEPT": how many requests it
// answered, and how many of them asked to keep their connection open (FCGI_KEEP_CONN), so a
// bench can tell whether a proxy reuses connections.
//
// usage: fcgi_floor SOCKET_PATH THREADS [STATS_PATH]

#include <fcgiapp.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr char ANSWER[] =
    "Status: 401\r\nContent-Type: application/json\r\n\r\n{\"status\":\"invalid_signature\"}\n";

std::atomic<long> requests{0};
std::atomic<long> kept{0};

void Serve(int listen_fd) {
  FCGX_Request request;
  FCGX_InitRequest(&request, listen_fd, 0);
  std::vector<char> body(64 * 1024);
  while (FCGX_Accept_r(&request) == 0) {
    requests.fetch_add(1);
    if (request.keepConnection) kept.fetch_add(1);
    // Read the body and the end of the input, as deployhook does before it answers.
    while (FCGX_GetStr(body.data(), static_cast<int>(body.size()), request.in) > 0) {
    }
    FCGX_PutStr(ANSWER, sizeof ANSWER - 1, request.out);
    FCGX_Finish_r(&request);
  }
}

void WriteStats(std::string path) {
  std::string temporary = path + ".tmp";
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (std::FILE* file = std::fopen(temporary.c_str(), "w")) {
      std::fprintf(file, "%ld %ld\n", requests.load(), kept.load());
      std::fclose(file);
      std::rename(temporary.c_str(), path.c_str());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: fcgi_floor SOCKET_PATH THREADS [STATS_PATH]\n");
    return 2;
  }
  FCGX_Init();
  int listen_fd = FCGX_OpenSocket(argv[1], 1024);
  if (listen_fd < 0) {
    std::perror("fcgi_floor: cannot listen");
    return 1;
  }
  ::chmod(argv[1], 0666);  // nginx's workers run as another user
  std::vector<std::thread> threads;
  if (argc == 4) std::thread(WriteStats, std::string(argv[3])).detach();
  for (int i = 0; i < std::atoi(argv[2]); ++i) threads.emplace_back(Serve, listen_fd);
  for (std::thread& thread : threads) thread.join();
  return 0;
}
