#include "tap/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "tap/log.h"

namespace tap {
namespace {

double Random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

const char* Reason(ErrorKind kind) {
  return kind == ErrorKind::kRateLimited ? "rate limited" : "transient failure";
}

}  // namespace

bool RetryPolicy::Retries(ErrorKind kind) {
  return kind == ErrorKind::kRateLimited || kind == ErrorKind::kTransient;
}

std::chrono::milliseconds RetryPolicy::Delay(ErrorKind kind, int attempt, double random01) const {
  auto base = kind == ErrorKind::kRateLimited ? rate_limit_base : transient_base;
  double ms = static_cast<double>(base.count()) * static_cast<double>(1LL << std::min(attempt, 20));
  ms = std::min(ms, static_cast<double>(cap.count()));
  ms *= 1.0 + jitter * random01;
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

Engine::Engine(std::function<std::unique_ptr<ApiClient>()> make_client, RetryPolicy policy,
               RateLimiter& limiter, Clock& clock, const std::atomic<bool>* stop)
    : make_client_(std::move(make_client)),
      policy_(policy),
      limiter_(limiter),
      clock_(clock),
      stop_(stop) {}

std::unique_ptr<ApiClient> Engine::Take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<ApiClient> client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  return make_client_();
}

void Engine::Give(std::unique_ptr<ApiClient> client) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(client));
}

Result<ApiResponse> Engine::Get(const ApiRequest& request) {
  std::unique_ptr<ApiClient> client = Take();
  for (int attempt = 0;; ++attempt) {
    if (!limiter_.Acquire(stop_)) {
      Give(std::move(client));
      return Status::Error(ErrorKind::kFatal, "stopped before the request was sent");
    }
    ++requests_;
    auto started = clock_.Now();
    Result<ApiResponse> result = client->Get(request);
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now() - started);
    if (Log::Level() <= LogLevel::kInfo) {
      Log::Write(LogLevel::kInfo,
                 fmt::format(R"(METRIC: {{"type":"timer","metric":"http_request_duration",)"
                             R"("value":{:.3f},"tags":{{"endpoint":"{}","status":"{}"}}}})",
                             static_cast<double>(elapsed.count()) / 1000.0, request.path,
                             result.ok() ? "succeeded" : "failed"));
    }
    if (result.ok() || !RetryPolicy::Retries(result.status().kind())) {
      Give(std::move(client));
      return result;
    }
    ErrorKind kind = result.status().kind();
    if (attempt >= policy_.max_retries) {
      Give(std::move(client));
      return Status::Error(
          kind, fmt::format("{} (gave up after {} retries)", result.status().message(), attempt));
    }
    auto delay = policy_.Delay(kind, attempt, Random01());
    ++retries_;
    LogWarning("Retry {}/{} of {} in {:.1f} s ({}): {}", attempt + 1, policy_.max_retries,
               request.path, static_cast<double>(delay.count()) / 1000.0, Reason(kind),
               result.status().message());
    auto until = clock_.Now() + delay;
    if (kind == ErrorKind::kRateLimited) limiter_.PauseUntil(until);  // slow everyone down
    clock_.SleepUntil(until, stop_);
  }
}

}  // namespace tap
