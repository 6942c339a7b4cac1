// The floor of the FastCGI path, for scripts/bench (not part of the product): a bare libfcgi
// responder that reads each request's body and answers 401, nothing else, on as many threads as
// it is told (so that connections nginx keeps open never make it wait).
//
// usage: fcgi_floor SOCKET_PATH THREADS

#include <fcgiapp.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr char ANSWER[] =
    "Status: 401\r\nContent-Type: application/json\r\n\r\n{\"status\":\"invalid_signature\"}\n";

void Serve(int listen_fd) {
  FCGX_Request request;
  FCGX_InitRequest(&request, listen_fd, 0);
  std::vector<char> body(64 * 1024);
  while (FCGX_Accept_r(&request) == 0) {
    // Read the body and the end of the input, as deployhook does before it answers.
    while (FCGX_GetStr(body.data(), static_cast<int>(body.size()), request.in) > 0) {
    }
    FCGX_PutStr(ANSWER, sizeof ANSWER - 1, request.out);
    FCGX_Finish_r(&request);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fcgi_floor SOCKET_PATH THREADS\n");
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
  for (int i = 0; i < std::atoi(argv[2]); ++i) threads.emplace_back(Serve, listen_fd);
  for (std::thread& thread : threads) thread.join();
  return 0;
}
