#include "util/http_client.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <optional>

namespace deployhook {
namespace {

struct EasyDeleter {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

// The answer's body is not used: read and dropped, so a large one costs no memory.
std::size_t DiscardBody(char*, std::size_t size, std::size_t count, void*) noexcept {
  return size * count;
}

// Returns non-zero (abort the transfer) once the flag is set.
int CheckAbort(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept {
  const auto* abort = static_cast<const std::atomic<bool>*>(flag);
  return abort != nullptr && abort->load() ? 1 : 0;
}

using HeaderList = std::unique_ptr<curl_slist, ListDeleter>;

// Returns the request's headers as curl's list, with an empty Expect: (without it curl waits for
// "100 Continue" on larger bodies, a second per message); nullopt when out of memory.
std::optional<HeaderList> Headers(const HttpRequest& request) {
  HeaderList headers;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
    if (appended == nullptr) return std::nullopt;
    (void)headers.release();
    headers.reset(appended);
  }
  curl_slist* appended = curl_slist_append(headers.get(), "Expect:");
  if (appended != nullptr) {
    (void)headers.release();
    headers.reset(appended);
  }
  return headers;
}

// Sets up handle to send the request (a POST when `post`, else a GET) with headers, within the
// timeouts, until abort is set.
void SetOptions(CURL* handle, const HttpRequest& request, bool post, const HttpTimeouts& timeouts,
                curl_slist* headers, const std::atomic<bool>* abort) {
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  if (post) {
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (request.ca_file) curl_easy_setopt(handle, CURLOPT_CAINFO, request.ca_file->c_str());
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(timeouts.connect.count()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.total.count()));
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "deployhook");
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, CheckAbort);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, abort);
}

HttpResult Send(const HttpRequest& request, bool post, const HttpTimeouts& timeouts,
                const std::atomic<bool>* abort) noexcept {
  // curl_global_init is not thread-safe; the first caller does it for everyone.
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpResult result;
  try {
    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    if (!easy) {
      result.error = "cannot start an HTTP client";
      return result;
    }
    std::optional<HeaderList> headers = Headers(request);
    if (!headers) {
      result.error = "out of memory";
      return result;
    }
    CURL* handle = easy.get();
    SetOptions(handle, request, post, timeouts, headers->get(), abort);
    CURLcode code = curl_easy_perform(handle);
    if (code != CURLE_OK) {
      result.error = curl_easy_strerror(code);
      return result;
    }
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &result.status);
    if (result.status == 0) result.error = "no HTTP status in the answer";
  } catch (const std::exception& e) {
    result.status = 0;
    result.error = e.what();
  }
  return result;
}

}  // namespace

HttpResult HttpPost(const HttpRequest& request, const HttpTimeouts& timeouts,
                    const std::atomic<bool>* abort) noexcept {
  return Send(request, true, timeouts, abort);
}

HttpResult HttpGet(const std::string& url, const HttpTimeouts& timeouts,
                   const std::atomic<bool>* abort) noexcept {
  try {
    HttpRequest request;
    request.url = url;
    return Send(request, false, timeouts, abort);
  } catch (const std::exception& e) {  // out of memory for the request
    HttpResult failed;
    failed.error = e.what();
    return failed;
  }
}

}  // namespace deployhook
