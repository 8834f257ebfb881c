#include "tap/engine.h"

#include <fmt/format.h>

#include <algorithm>

#include "tap/log.h"

namespace tap {
namespace {

const char* Reason(ErrorKind kind) {
  if (kind == ErrorKind::kTimeout) return "timed out";
  return kind == ErrorKind::kRateLimited ? "rate limited" : "transient failure";
}

}  // namespace

bool RetryPolicy::Retries(ErrorKind kind) {
  return kind == ErrorKind::kRateLimited || kind == ErrorKind::kTransient ||
         kind == ErrorKind::kTimeout;
}

std::chrono::milliseconds RetryPolicy::Delay(ErrorKind kind, int attempt, double random01) const {
  auto base = kind == ErrorKind::kRateLimited ? rate_limit_base
              : kind == ErrorKind::kTimeout   ? timeout_base
                                              : transient_base;
  double ms = static_cast<double>(base.count()) * static_cast<double>(1LL << std::min(attempt, 20));
  ms *= 1.0 + jitter * std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(
      static_cast<long long>(std::min(ms, static_cast<double>(cap.count()))));
}

Engine::Engine(std::function<std::unique_ptr<ApiClient>()> make_client, RetryPolicy policy,
               RateBuckets buckets, Env& env, const std::atomic<bool>* stop)
    : make_client_(std::move(make_client)),
      policy_(policy),
      buckets_(std::move(buckets)),
      env_(env),
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

// One request, timed (a Singer METRIC line per request when asked for).
Result<ApiResponse> Engine::Attempt(ApiClient& client, const ApiRequest& request) {
  ++requests_;
  auto started = env_.SteadyNow();
  Result<ApiResponse> result = client.Get(request);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(env_.SteadyNow() - started);
  if (request_metrics_ && Log::Level() <= LogLevel::kInfo) {
    Log::Write(LogLevel::kInfo,
               fmt::format(R"(METRIC: {{"type":"timer","metric":"http_request_duration",)"
                           R"("value":{:.3f},"tags":{{"endpoint":"{}","status":"{}"}}}})",
                           static_cast<double>(elapsed.count()) / 1000.0, request.path,
                           result.ok() ? "succeeded" : "failed"));
  }
  return result;
}

bool Engine::Backoff(const ApiRequest& request, const Status& failure, int attempt) {
  if (attempt >= policy_.max_retries) return false;
  ErrorKind kind = failure.kind();
  auto delay = std::max(policy_.Delay(kind, attempt, env_.Random01()), failure.retry_after());
  ++retries_;
  LogWarning("Retry {}/{} of {} in {:.1f} s ({}): {}", attempt + 1, policy_.max_retries,
             request.path, static_cast<double>(delay.count()) / 1000.0, Reason(kind),
             failure.message());
  auto until = env_.SteadyNow() + delay;
  // Slows everyone down, or everyone asking that endpoint when it has limits of its own.
  if (kind == ErrorKind::kRateLimited) buckets_.PauseUntil(request.path, until);
  env_.SleepUntil(until, stop_);
  return true;
}

bool Engine::TimedOut(const ApiRequest& request, int timeouts, Result<ApiResponse>* result) {
  buckets_.SlowDown();
  if (!request.reducible || timeouts < policy_.timeouts_before_reducing) return false;
  *result = Status::Error(ErrorKind::kQueryTooLarge,
                          fmt::format("{} ({} times: TikTok blocks a request that keeps timing "
                                      "out, so it is made smaller)",
                                      result->status().message(), timeouts));
  return true;
}

Result<ApiResponse> Engine::Get(const ApiRequest& request) {
  std::unique_ptr<ApiClient> client = Take();
  Result<ApiResponse> result = Status::Ok();
  int timeouts = 0;
  for (int attempt = 0;; ++attempt) {
    if (Status s = buckets_.Acquire(request.path, stop_); !s.ok()) {
      result = s.kind() == ErrorKind::kCancelled
                   ? Status::Error(ErrorKind::kCancelled, "the sync was stopped")
                   : s;
      break;
    }
    result = Attempt(*client, request);
    if (result.ok() && request.check) {
      if (Status s = request.check(*result); !s.ok()) result = s;
    }
    if (result.ok() || !RetryPolicy::Retries(result.status().kind())) break;
    if (result.status().kind() == ErrorKind::kTimeout && TimedOut(request, ++timeouts, &result)) {
      break;
    }
    if (!Backoff(request, result.status(), attempt)) {
      result = Status::Error(
          result.status().kind(),
          fmt::format("{} (gave up after {} retries)", result.status().message(), attempt));
      break;
    }
  }
  Give(std::move(client));
  return result;
}

}  // namespace tap
