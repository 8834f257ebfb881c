#include "tap/http.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <mutex>

#include "tap/version.h"

namespace tap {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

CURL* Handle(void* h) { return static_cast<CURL*>(h); }

}  // namespace

CurlTransport::CurlTransport() {
  GlobalInit();
  handle_ = curl_easy_init();
}

CurlTransport::~CurlTransport() {
  if (handle_ != nullptr) curl_easy_cleanup(Handle(handle_));
}

CurlTransport::CurlTransport(CurlTransport&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), last_body_size_(other.last_body_size_) {}

CurlTransport& CurlTransport::operator=(CurlTransport&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) curl_easy_cleanup(Handle(handle_));
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

HttpResponse CurlTransport::Get(const HttpRequest& request) {
  HttpResponse response;
  if (handle_ == nullptr) {
    response.transport_error = "libcurl could not be initialised";
    return response;
  }
  CURL* curl = Handle(handle_);
  curl_easy_reset(curl);
  char error_buffer[CURL_ERROR_SIZE] = {0};
  struct curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, fmt::format("{}: {}", name, value).c_str());
  }
  std::string user_agent = fmt::format("{}/{}", kTapName, kTapVersion);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, request.timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate/br as the server offers
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  // Pages of one stream are alike in size: starting at the last one's size saves growing the
  // body by doubling (a copy of everything received so far at each step).
  response.body.reserve(last_body_size_ + last_body_size_ / 8);

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    response.transport_error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    response.body.clear();
    return response;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  last_body_size_ = response.body.size();
  return response;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace tap
