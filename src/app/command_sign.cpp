// deployhook sign: prints the X-Hub-Signature-256 value for the body on stdin.

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>

#include "app/commands.hpp"
#include "config/secrets.hpp"
#include "util/signature.hpp"

namespace deployhook {

int RunSign(const CommandLine& line) {
  std::string secret;
  if (line.secret_file) {
    secret = ReadSecretFile(*line.secret_file);
  } else if (const char* env = std::getenv("WEBHOOK_SECRET"); env != nullptr && *env != '\0') {
    secret = env;
  } else {
    throw ConfigError("no secret: pass --secret-file FILE or set WEBHOOK_SECRET");
  }
  std::string body((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  std::printf("%s\n", FormatSignature(HmacSha256(secret, body)).c_str());
  return 0;
}

}  // namespace deployhook
