#include "tap/rate_buckets.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/fake_env.h"

namespace tap {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Requests to an endpoint with limits of its own wait for both buckets; others for the app's.
TEST(RateBuckets, AnEndpointIsPacedByItsOwnBucketAndTheAppsToo) {
  FakeEnv env;
  RateLimiter app(100, 60000, env);
  RateBuckets buckets(app);
  buckets.Add("gmv_max/report/get/", {8, 240, 0}, env);
  std::vector<Env::SteadyTime> gmv;
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(buckets.Acquire("gmv_max/report/get/", nullptr).ok());
    gmv.push_back(env.SteadyNow());
  }
  for (size_t i = 1; i < gmv.size(); ++i) {
    EXPECT_EQ(gmv[i] - gmv[i - 1], RateLimiter::Spacing(8));  // 8/s, not the app's 100/s
  }
  Env::SteadyTime before = env.SteadyNow();
  ASSERT_TRUE(buckets.Acquire("report/integrated/get/", nullptr).ok());
  EXPECT_LE(env.SteadyNow() - before, RateLimiter::Spacing(100));  // the app's pace only
}

TEST(RateBuckets, AnEndpointsMinuteLimitHoldsWithASecondToSpare) {
  FakeEnv env;
  RateLimiter app(1000, 60000, env);
  RateBuckets buckets(app);
  buckets.Add("gmv_max/report/get/", {8, 20, 0}, env);
  std::vector<Env::SteadyTime> starts;
  for (int i = 0; i < 41; ++i) {
    ASSERT_TRUE(buckets.Acquire("gmv_max/report/get/", nullptr).ok());
    starts.push_back(env.SteadyNow());
  }
  for (size_t i = 0; i < starts.size(); ++i) {
    size_t in_minute = 0;
    for (size_t j = i; j < starts.size(); ++j) in_minute += starts[j] - starts[i] < seconds(61);
    EXPECT_LE(in_minute, 20u) << i;
  }
}

TEST(RateBuckets, ASpentDailyQuotaFailsWithAMessageInsteadOfAsking) {
  FakeEnv env;
  RateLimiter app(1000, 60000, env);
  RateBuckets buckets(app);
  buckets.Add("gmv_max/report/get/", {1000, 60000, 3}, env);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(buckets.Acquire("gmv_max/report/get/", nullptr).ok());
  Status spent = buckets.Acquire("gmv_max/report/get/", nullptr);
  EXPECT_EQ(spent.kind(), ErrorKind::kFatal);
  EXPECT_EQ(spent.message(),
            "this run has made the 3 requests to /gmv_max/report/get/ that TikTok allows an app "
            "in a day; the rest would be refused. Run again tomorrow (the state keeps what is "
            "done), or raise the endpoint's daily setting if your app's rate-limit tier allows "
            "more");
  EXPECT_EQ(buckets.DayCount("gmv_max/report/get/"), 3);
  EXPECT_TRUE(buckets.Acquire("campaign/get/", nullptr).ok()) << "other endpoints go on";
}

TEST(RateBuckets, ARateLimitAnswerPausesOnlyItsEndpoint) {
  FakeEnv env;
  RateLimiter app(1000, 60000, env);
  RateBuckets buckets(app);
  buckets.Add("gmv_max/report/get/", {8, 240, 0}, env);
  buckets.PauseUntil("gmv_max/report/get/", env.SteadyNow() + seconds(10));
  Env::SteadyTime before = env.SteadyNow();
  ASSERT_TRUE(buckets.Acquire("ad/get/", nullptr).ok());
  EXPECT_LT(env.SteadyNow() - before, seconds(1));
  ASSERT_TRUE(buckets.Acquire("gmv_max/report/get/", nullptr).ok());
  EXPECT_GE(env.SteadyNow() - before, seconds(10));
  // Without a bucket of its own, a rate-limit answer holds every request.
  buckets.PauseUntil("ad/get/", env.SteadyNow() + seconds(5));
  before = env.SteadyNow();
  ASSERT_TRUE(buckets.Acquire("campaign/get/", nullptr).ok());
  EXPECT_GE(env.SteadyNow() - before, seconds(5));
}

TEST(RateBuckets, AStopEndsTheWaitAsCancelled) {
  FakeEnv env;
  RateLimiter app(10, 600, env);
  RateBuckets buckets(app);
  std::atomic<bool> stop{true};
  EXPECT_EQ(buckets.Acquire("ad/get/", &stop).kind(), ErrorKind::kCancelled);
}

}  // namespace
}  // namespace tap
