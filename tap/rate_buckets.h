#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "tap/env.h"
#include "tap/rate_limiter.h"
#include "tap/status.h"

namespace tap {

/// The limits an endpoint has of its own, on top of the app's (GMV Max reports, §9.3: 8 QPS,
/// 240 QPM and 20,000 a day on the basic tier).
struct EndpointLimit {
  int per_second = 1;
  int per_minute = 1;
  long long per_day = 0;  // 0: no daily quota
};

/// The buckets requests are paced by: the app's, which every request waits for, and the bucket
/// of each endpoint TikTok limits on its own, which that endpoint's requests wait for too. An
/// endpoint's daily quota is counted over this run: once it is spent, requests to the endpoint
/// fail with a message that says so, instead of drawing a storm of rate-limit answers.
/// Thread-safe once set up (Add before the first Acquire).
class RateBuckets {
 public:
  /// Every request waits for `app`, which must outlive this.
  RateBuckets(RateLimiter& app);  // NOLINT(google-explicit-constructor): an app-only set

  /// Requests whose path is `path` also wait for a bucket of `limit`.
  void Add(std::string path, EndpointLimit limit, Env& env);

  /// Waits until a request to `path` may start, and counts it. kCancelled when `stop` became
  /// true first; kFatal when the endpoint's daily quota is spent.
  Status Acquire(std::string_view path, const std::atomic<bool>* stop);

  /// A rate-limit answer from `path`: nobody starts a request to it before `until`; when the
  /// endpoint has no bucket of its own, nobody starts any request.
  void PauseUntil(std::string_view path, Env::SteadyTime until);

  /// A request timed out: the app's pace slows (TikTok's guardrail counts the app's timeouts).
  void SlowDown() { app_->SlowDown(); }

  /// Requests to `path` counted against its daily quota so far; 0 without a bucket.
  long long DayCount(std::string_view path) const;

 private:
  struct Bucket {
    Bucket(EndpointLimit l, Env& env) : limit(l), limiter(l.per_second, l.per_minute, env) {}
    EndpointLimit limit;
    RateLimiter limiter;
    std::atomic<long long> today{0};
  };

  RateLimiter* app_;
  std::map<std::string, std::unique_ptr<Bucket>, std::less<>> endpoints_;
};

}  // namespace tap
