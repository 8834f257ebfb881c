#include "tap/rate_buckets.h"

#include <fmt/format.h>

namespace tap {

RateBuckets::RateBuckets(RateLimiter& app) : app_(&app) {}

void RateBuckets::Add(std::string path, EndpointLimit limit, Env& env) {
  endpoints_[std::move(path)] = std::make_unique<Bucket>(limit, env);
}

Status RateBuckets::Acquire(std::string_view path, const std::atomic<bool>* stop) {
  auto it = endpoints_.find(path);
  if (it != endpoints_.end()) {
    Bucket& b = *it->second;
    // Counted before waiting: workers waiting at once cannot all take the last request.
    if (b.limit.per_day > 0 && ++b.today > b.limit.per_day) {
      --b.today;
      return Status::Error(
          ErrorKind::kFatal,
          fmt::format("this run has made the {} requests to /{} that TikTok allows an app in a "
                      "day; the rest would be refused. Run again tomorrow (the state keeps what "
                      "is done), or raise the endpoint's daily setting if your app's rate-limit "
                      "tier allows more",
                      b.limit.per_day, path));
    }
    if (!b.limiter.Acquire(stop)) return Status::Error(ErrorKind::kCancelled, "stopped");
  }
  if (!app_->Acquire(stop)) return Status::Error(ErrorKind::kCancelled, "stopped");
  return Status::Ok();
}

void RateBuckets::PauseUntil(std::string_view path, Env::SteadyTime until) {
  auto it = endpoints_.find(path);
  (it != endpoints_.end() ? it->second->limiter : *app_).PauseUntil(until);
}

long long RateBuckets::DayCount(std::string_view path) const {
  auto it = endpoints_.find(path);
  return it != endpoints_.end() ? it->second->today.load() : 0;
}

}  // namespace tap
