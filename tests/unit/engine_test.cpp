#include "tap/engine.h"

#include <gtest/gtest.h>

#include "tap/log.h"
#include "tap/rate_limiter.h"
#include "tests/unit/fake_api.h"
#include "tests/unit/fake_env.h"

namespace tap {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RateLimiter, NeverMoreThanTheLimitInAnyWindowAndNoRealSleep) {
  FakeEnv env;
  RateLimiter limiter(10, 40, env);
  std::vector<Env::SteadyTime> starts;
  for (int i = 0; i < 55; ++i) {
    ASSERT_TRUE(limiter.Acquire(nullptr));
    starts.push_back(env.SteadyNow());
  }
  for (size_t i = 0; i < starts.size(); ++i) {
    size_t in_second = 0, in_minute = 0;
    for (size_t j = i; j < starts.size(); ++j) {
      in_second += starts[j] - starts[i] < seconds(1);
      in_minute += starts[j] - starts[i] < seconds(60);
    }
    EXPECT_LE(in_second, 10u) << i;
    EXPECT_LE(in_minute, 40u) << i;
  }
  // 40/min: the 41st waits a minute and a second (a second to spare for TikTok's clock).
  EXPECT_EQ(starts[40] - starts[0], seconds(61));
}

// Evenly spaced, so that ±50 ms of arrival jitter on TikTok's clock never puts more than the
// limit into one of its seconds; the worst case is checked, not a random sample.
TEST(RateLimiter, RequestsAreEvenlySpacedWithRoomForJitter) {
  for (int limit : {1, 2, 8, 20, 100}) {
    FakeEnv env;
    RateLimiter limiter(limit, 60000, env);
    std::vector<Env::SteadyTime> starts;
    for (int i = 0; i < 3 * limit + 3; ++i) {
      ASSERT_TRUE(limiter.Acquire(nullptr));
      starts.push_back(env.SteadyNow());
    }
    for (size_t i = 1; i < starts.size(); ++i) {
      EXPECT_EQ(starts[i] - starts[i - 1], RateLimiter::Spacing(limit)) << limit;
    }
    // Any 1.1 s of send times (a 1 s window widened by 50 ms each side) holds <= limit.
    for (size_t i = 0; i < starts.size(); ++i) {
      size_t in_window = 0;
      for (size_t j = i; j < starts.size(); ++j)
        in_window += starts[j] - starts[i] <= milliseconds(1100);
      EXPECT_LE(in_window, static_cast<size_t>(limit)) << limit;
    }
  }
}

TEST(RateLimiter, ATimeoutSlowsEveryoneAndThePaceRecovers) {
  FakeEnv env;
  RateLimiter limiter(20, 60000, env);
  auto full = RateLimiter::Spacing(20);
  EXPECT_EQ(limiter.interval(), full);
  limiter.SlowDown();
  limiter.SlowDown();
  EXPECT_EQ(limiter.interval(), full * 4);
  for (int i = 0; i < 5; ++i) limiter.SlowDown();
  EXPECT_EQ(limiter.interval(), full * 8) << "at most eight times slower";
  env.SleepUntil(env.SteadyNow() + seconds(30), nullptr);
  EXPECT_NEAR(static_cast<double>(limiter.interval().count()),
              static_cast<double>((full * 4).count()), 1e3);
  env.SleepUntil(env.SteadyNow() + seconds(120), nullptr);
  EXPECT_EQ(limiter.interval(), full);
}

TEST(RateLimiter, APauseHoldsEveryoneAndAStopEndsTheWait) {
  FakeEnv env;
  RateLimiter limiter(10, 600, env);
  limiter.PauseUntil(env.SteadyNow() + seconds(30));
  ASSERT_TRUE(limiter.Acquire(nullptr));
  EXPECT_EQ(env.SteadyNow() - Env::SteadyTime{}, seconds(30));
  std::atomic<bool> stop{true};
  EXPECT_FALSE(limiter.Acquire(&stop));
}

TEST(RetryPolicy, DelaysDoubleWithJitterAndNeverExceedTheCap) {
  RetryPolicy p;
  p.transient_base = milliseconds(1000);
  p.cap = milliseconds(300000);
  p.jitter = 0.3;
  EXPECT_EQ(p.Delay(ErrorKind::kTransient, 0, 0.0), milliseconds(1000));
  EXPECT_EQ(p.Delay(ErrorKind::kTransient, 2, 0.5), milliseconds(4600));
  for (int attempt = 0; attempt < 30; ++attempt) {
    for (double r : {0.0, 0.5, 0.999999, 1.0}) {
      EXPECT_LE(p.Delay(ErrorKind::kTransient, attempt, r), p.cap) << attempt << " " << r;
    }
  }
  EXPECT_EQ(p.Delay(ErrorKind::kRateLimited, 8, 0.999), p.cap);  // 256 s * 1.3 > 300 s
}

// An Engine over FakeApi clients sharing one script.
struct EngineRig {
  explicit EngineRig(FakeApi::Handler handler) : api(std::move(handler)), limiter(10, 600, env) {
    policy.max_retries = 3;
    policy.transient_base = policy.rate_limit_base = milliseconds(1000);
    policy.jitter = 0;
  }
  Engine Make(const std::atomic<bool>* stop = nullptr) {
    return Engine([this] { return std::make_unique<Forward>(api); }, policy, limiter, env, stop);
  }
  struct Forward : ApiClient {
    explicit Forward(FakeApi& a) : api(a) {}
    Result<ApiResponse> Get(const ApiRequest& r) override { return api.Get(r); }
    FakeApi& api;
  };
  FakeApi api;
  FakeEnv env;
  RateLimiter limiter;
  RetryPolicy policy;
};

TEST(Engine, RetriesTransientFailuresWithBackoffOnTheFakeClock) {
  int calls = 0;
  EngineRig rig([&](const ApiRequest&) { return Envelope("{}", ++calls <= 2 ? 50000 : 0); });
  Engine engine = rig.Make();
  auto result = engine.Get({"x/", {}});
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(engine.requests(), 3);
  EXPECT_EQ(engine.retries(), 2);
  EXPECT_EQ(rig.env.slept(), seconds(3));  // 1 s, then 2 s
}

TEST(Engine, RequestMetricLinesOnlyWhenAskedFor) {
  EngineRig rig([](const ApiRequest&) { return Envelope("{}"); });
  Engine engine = rig.Make();
  std::vector<std::string> lines;
  Log::CaptureForTest(&lines);
  ASSERT_TRUE(engine.Get({"campaign/get/", {}}).ok());
  EXPECT_TRUE(lines.empty()) << lines.front();
  engine.SetRequestMetrics(true);
  ASSERT_TRUE(engine.Get({"campaign/get/", {}}).ok());
  Log::CaptureForTest(nullptr);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind(R"(INFO METRIC: {"type":"timer","metric":"http_request_duration",)", 0),
            0u)
      << lines[0];
  EXPECT_NE(lines[0].find(R"("tags":{"endpoint":"campaign/get/","status":"succeeded"})"),
            std::string::npos);
}

TEST(Engine, GivesUpAfterMaxRetriesAndKeepsTheKind) {
  EngineRig rig([](const ApiRequest&) { return Envelope("{}", 40100); });
  Engine engine = rig.Make();
  auto result = engine.Get({"x/", {}});
  EXPECT_EQ(result.status().kind(), ErrorKind::kRateLimited);
  EXPECT_EQ(result.status().message(), "TikTok API error 40100 (gave up after 3 retries)");
  EXPECT_EQ(engine.requests(), 4);
}

TEST(Engine, AStopIsCancelledNotFatal) {
  EngineRig rig([](const ApiRequest&) { return Envelope("{}"); });
  std::atomic<bool> stop{true};
  Engine engine = rig.Make(&stop);
  auto result = engine.Get({"x/", {}});
  EXPECT_EQ(result.status().kind(), ErrorKind::kCancelled);
  EXPECT_EQ(engine.requests(), 0);
}

TEST(Engine, ErrorsThatAreNotRetriedReturnAtOnce) {
  EngineRig rig([](const ApiRequest&) { return Envelope("{}", 40105); });
  Engine engine = rig.Make();
  EXPECT_EQ(engine.Get({"x/", {}}).status().kind(), ErrorKind::kAuth);
  EXPECT_EQ(engine.requests(), 1);
  EXPECT_EQ(rig.env.slept(), seconds(0));
}

// A client whose answers are Statuses (timeouts, 429s) rather than envelopes.
struct StatusClient : ApiClient {
  explicit StatusClient(std::function<Status(const ApiRequest&)> f) : answer(std::move(f)) {}
  Result<ApiResponse> Get(const ApiRequest& r) override { return answer(r); }
  std::function<Status(const ApiRequest&)> answer;
};

struct StatusRig {
  explicit StatusRig(std::function<Status(const ApiRequest&)> f)
      : answer(std::move(f)), limiter(10, 600, env) {
    policy.max_retries = 5;
    policy.jitter = 0;
  }
  Engine Make() {
    return Engine([this] { return std::make_unique<StatusClient>(answer); }, policy, limiter, env,
                  nullptr);
  }
  std::function<Status(const ApiRequest&)> answer;
  FakeEnv env;
  RateLimiter limiter;
  RetryPolicy policy;
};

// TikTok: do not resend a request that timed out at once; reduce it instead (§9.2).
TEST(Engine, ATimeoutWaitsSlowsEveryoneAndAReducibleRequestIsHandedBack) {
  std::vector<Env::SteadyTime> sent;
  StatusRig rig([&](const ApiRequest&) {
    sent.push_back(rig.env.SteadyNow());
    return Status::Error(ErrorKind::kTimeout, "request to report/integrated/get/ timed out");
  });
  Engine engine = rig.Make();
  ApiRequest report{"report/integrated/get/", {}};
  report.reducible = true;
  auto result = engine.Get(report);
  EXPECT_EQ(result.status().kind(), ErrorKind::kQueryTooLarge);
  EXPECT_NE(result.status().message().find("timed out (2 times"), std::string::npos)
      << result.status().message();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_GE(sent[1] - sent[0], seconds(5)) << "not re-sent within a few seconds";
  EXPECT_GT(rig.limiter.interval(), RateLimiter::Spacing(10) * 3)
      << "two timeouts: about a quarter of the pace (recovering while it waited)";

  sent.clear();
  auto plain = engine.Get({"campaign/get/", {}});
  EXPECT_EQ(plain.status().kind(), ErrorKind::kTimeout) << "a list request cannot be reduced";
  EXPECT_EQ(sent.size(), 6u);
}

TEST(Engine, Http429HonoursRetryAfter) {
  int calls = 0;
  StatusRig rig([&](const ApiRequest&) {
    if (++calls > 1) return Status::Error(ErrorKind::kFatal, "stop here");
    return Status::Error(ErrorKind::kRateLimited, "HTTP 429").WithRetryAfter(seconds(42));
  });
  Engine engine = rig.Make();
  engine.Get({"x/", {}});
  EXPECT_EQ(calls, 2);
  EXPECT_GE(rig.env.slept(), seconds(42));
  EXPECT_LT(rig.env.slept(), seconds(43));
}

}  // namespace
}  // namespace tap
