#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "tap/api.h"
#include "tap/env.h"
#include "tap/rate_buckets.h"

namespace tap {

/// Which failures are retried, how often and how long to wait: the whole policy, as data.
struct RetryPolicy {
  int max_retries = 8;
  std::chrono::milliseconds rate_limit_base{1000};  // 40100, 40133, 429, ...: doubles each time
  std::chrono::milliseconds transient_base{1000};   // 50000, 5xx, resets, bad bodies
  /// A request that timed out is not sent again sooner (TikTok: do not retry timeouts at once).
  std::chrono::milliseconds timeout_base{5000};
  /// After this many timeouts, a request that can be made smaller (ApiRequest::reducible) is
  /// handed back as kQueryTooLarge to be split: TikTok blocks a request that times out 3 times.
  int timeouts_before_reducing = 2;
  std::chrono::milliseconds cap{std::chrono::minutes(5)};
  double jitter = 0.3;  // each delay is stretched by up to this fraction, at random

  /// The delay before retry number `attempt` (0-based) of a failure of `kind`: the base doubled
  /// per attempt, stretched by up to `jitter` (`random01` in [0, 1)), never more than `cap`.
  /// A server's Retry-After is honoured by the caller on top of it.
  std::chrono::milliseconds Delay(ErrorKind kind, int attempt, double random01) const;
  /// Whether a failure of `kind` is retried at all.
  static bool Retries(ErrorKind kind);
};

/// Runs API requests for any number of threads: paces them with the shared rate buckets,
/// retries rate-limit, timeout and transient failures with exponential backoff and jitter
/// (logging each retry with its reason and delay; waiting at least a 429's Retry-After), slows
/// the shared pace after a timeout, hands a reducible request that keeps timing out back to be
/// split, and stops issuing requests once `stop` is set. It knows nothing of TikTok's data,
/// only requests, outcomes and time.
class Engine : public ApiClient {
 public:
  /// `make_client` makes one raw client per concurrent caller (a libcurl handle each).
  Engine(std::function<std::unique_ptr<ApiClient>()> make_client, RetryPolicy policy,
         RateBuckets buckets, Env& env, const std::atomic<bool>* stop);

  /// A stop request ends the call with kCancelled before any further request is sent.
  Result<ApiResponse> Get(const ApiRequest& request) override;

  long long requests() const { return requests_; }
  long long retries() const { return retries_; }
  /// Whether each request writes a Singer METRIC line (http_request_duration); off by default,
  /// as they would be most of the log.
  void SetRequestMetrics(bool on) { request_metrics_ = on; }

 private:
  std::unique_ptr<ApiClient> Take();
  Result<ApiResponse> Attempt(ApiClient& client, const ApiRequest& request);
  /// Waits before retry `attempt` of `failure`; false when that was the last permitted try.
  bool Backoff(const ApiRequest& request, const Status& failure, int attempt);
  /// After a timeout: slows everyone; a reducible request that timed out too often becomes
  /// kQueryTooLarge (true then: stop retrying).
  bool TimedOut(const ApiRequest& request, int timeouts, Result<ApiResponse>* result);
  void Give(std::unique_ptr<ApiClient> client);

  std::function<std::unique_ptr<ApiClient>()> make_client_;
  RetryPolicy policy_;
  RateBuckets buckets_;
  Env& env_;
  bool request_metrics_ = false;
  const std::atomic<bool>* stop_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ApiClient>> idle_;
  std::atomic<long long> requests_{0};
  std::atomic<long long> retries_{0};
};

}  // namespace tap
