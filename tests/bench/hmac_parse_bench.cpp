// The floor under a webhook request's CPU cost: what every delivery needs whoever serves it,
// HMAC-SHA256 over the body and a simdjson parse of it (reading `ref`), with nothing else.
//
//   hmac_parse_bench BODY_FILE [SECONDS]
//
// Prints one JSON line: the body's size and the nanoseconds per HMAC, per parse and per both.

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view SECRET = "It's a Secret to Everybody";

std::string ReadFile(const char* path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(2);
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Returns the nanoseconds one call of `work` takes, calling it in growing batches until
// `seconds` have passed (at least one batch).
template <typename Work>
double NanosecondsPerCall(Work&& work, double seconds) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto until = start + std::chrono::duration<double>(seconds);
  long calls = 0;
  for (long batch = 1; calls == 0 || Clock::now() < until; batch = std::min(batch * 2, 4096L)) {
    for (long i = 0; i < batch; ++i) work();
    calls += batch;
  }
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / calls;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: hmac_parse_bench BODY_FILE [SECONDS]\n");
    return 2;
  }
  std::string body = ReadFile(argv[1]);
  double seconds = argc == 3 ? std::atof(argv[2]) : 1.0;
  simdjson::dom::parser parser;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  std::size_t sink = 0;  // keeps the results alive, so the work is not optimised away

  auto hmac = [&] {
    HMAC(EVP_sha256(), SECRET.data(), static_cast<int>(SECRET.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &digest_length);
    sink += digest[0];
  };
  auto parse = [&] {
    simdjson::dom::element root;
    std::string_view ref;
    if (parser.parse(body).get(root) || root["ref"].get(ref)) {
      std::fprintf(stderr, "%s: not a push payload\n", argv[1]);
      std::exit(1);
    }
    sink += ref.size();
  };
  double hmac_ns = NanosecondsPerCall(hmac, seconds / 3);
  double parse_ns = NanosecondsPerCall(parse, seconds / 3);
  double both_ns = NanosecondsPerCall([&] { hmac(); parse(); }, seconds / 3);
  std::printf("{\"body_bytes\": %zu, \"hmac_ns\": %.0f, \"parse_ns\": %.0f, \"both_ns\": %.0f, "
              "\"sink\": %zu}\n", body.size(), hmac_ns, parse_ns, both_ns, sink % 2);
  return 0;
}
