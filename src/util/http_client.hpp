#pragma once
// Outbound HTTP(S): notifications' POSTs and blue-green's readiness GETs; the one place that
// talks to libcurl.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace deployhook {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string url;  // http:// or https://; never logged (it often holds a token)
  HttpHeaders headers;
  std::string body;
  std::optional<std::filesystem::path> ca_file;  // trusted instead of the system store
};

struct HttpTimeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds total{15000};
};

struct HttpResult {
  long status = 0;    // the receiver's HTTP status; 0 when none arrived
  std::string error;  // why none arrived (libcurl's generic text, without the URL)

  bool Answered() const noexcept { return status != 0; }
};

// POSTs the request, verifying certificates, and returns the status or the transport error.
// Never throws; redirects are not followed. Returns early with an error once `abort` is set.
HttpResult HttpPost(const HttpRequest& request, const HttpTimeouts& timeouts = {},
                    const std::atomic<bool>* abort = nullptr) noexcept;

// GETs `url` (its body read and dropped) as HttpPost POSTs: the status or the transport error.
HttpResult HttpGet(const std::string& url, const HttpTimeouts& timeouts = {},
                   const std::atomic<bool>* abort = nullptr) noexcept;

}  // namespace deployhook
