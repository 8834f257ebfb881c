#include "tap/http.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "tap/json.h"
#include "tap/version.h"

namespace tap {
namespace {

constexpr long kReceiveBufferBytes = 128L << 10;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Where a response body goes. Sized from Content-Length at the first bytes, so a page of
// megabytes is one allocation of its size, not a doubling string that peaks at twice it.
// The body's size is capped after decompression: a gzip bomb of 1 MB that inflates to 1 GiB,
// or an endless chunked body, stops at the cap instead of taking all memory.
struct BodySink {
  std::string* body;
  void* curl;
  size_t max;
  bool sized = false;
  bool too_large = false;
  // Checked chunk by chunk while each chunk is in cache, so the parser need not make a pass of
  // its own over the whole body.
  Utf8Checker utf8 = {};
};

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (!sink->sized) {
    sink->sized = true;
    curl_off_t length = -1;
    if (curl_easy_getinfo(static_cast<CURL*>(sink->curl), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
                          &length) == CURLE_OK &&
        length > 0 && static_cast<size_t>(length) <= sink->max) {
      // Large bodies rounded up to whole 256 KiB: pages of slightly different sizes then fit in
      // each other's freed blocks, instead of growing the heap by one more block now and then.
      constexpr size_t kGrain = size_t{256} << 10;
      auto bytes = static_cast<size_t>(length);
      if (bytes > kGrain) bytes = std::min((bytes + kGrain - 1) / kGrain * kGrain, sink->max);
      sink->body->reserve(bytes);
    }
  }
  if (sink->body->size() + size * count > sink->max) {
    sink->too_large = true;
    return 0;  // libcurl abandons the transfer
  }
  sink->body->append(data, size * count);
  sink->utf8.Grew(*sink->body);
  return size * count;
}

// Called by libcurl about once a second, and more often while data flows.
int CheckStop(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* stop = static_cast<const std::atomic<bool>*>(user);
  return stop != nullptr && stop->load() ? 1 : 0;
}

CURL* Handle(void* h) { return static_cast<CURL*>(h); }

// Keeps the headers the tap reads; every other header line is ignored.
size_t KeepHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string_view line(data, size * count);
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name != kThrottleHeader && name != kRetryAfterHeader) return size * count;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())) != 0) {
    value.remove_suffix(1);
  }
  headers->emplace_back(std::move(name), std::string(value));
  return size * count;
}

}  // namespace

CurlTransport::CurlTransport() {
  GlobalInit();
  handle_ = curl_easy_init();
}

CurlTransport::~CurlTransport() {
  if (handle_ != nullptr) curl_easy_cleanup(Handle(handle_));
}

CurlTransport::CurlTransport(CurlTransport&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

CurlTransport& CurlTransport::operator=(CurlTransport&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) curl_easy_cleanup(Handle(handle_));
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

HttpResponse CurlTransport::Send(const HttpRequest& request) {
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
  if (!request.json_body.empty()) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.json_body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.json_body.data());
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
  // Report pages are megabytes: a larger receive buffer reads them in fewer calls.
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  BodySink sink{&response.body, curl, request.max_body_bytes};
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(request.max_body_bytes));
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, CheckStop);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, request.stop);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, KeepHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    response.transport_error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    response.too_large = sink.too_large || rc == CURLE_FILESIZE_EXCEEDED;
    response.stopped = rc == CURLE_ABORTED_BY_CALLBACK;
    response.body.clear();
    response.body.shrink_to_fit();
    return response;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  response.valid_utf8 = sink.utf8.Valid(response.body);
  return response;
}

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
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
