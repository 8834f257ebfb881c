// End-to-end: the tap binary against a hostile server on loopback (the simulator with a test's
// override in front of it) and against hand-made files. Each case ends in correct output, or in
// a clear CRITICAL line and a non-zero exit with the STATE covering only what was written.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <regex>
#include <thread>

#include "tap/json.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;

int PageOf(const httplib::Request& req) {
  return req.has_param("page") ? std::stoi(req.get_param_value("page")) : 1;
}

void Answer(httplib::Response& res, const std::string& body, int status = 200) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

std::string Envelope(const std::string& data, int code = 0, const std::string& message = "OK") {
  return fmt::format(R"({{"code":{},"message":{},"request_id":"hostile","data":{}}})", code,
                     tap::JsonQuote(message), data);
}

// A list page of `rows` (JSON array text) under data.list with the given page_info.
std::string Page(const std::string& rows, int page, int page_size, long long total_number,
                 long long total_page) {
  return Envelope(fmt::format(
      R"({{"list":{},"page_info":{{"page":{},"page_size":{},"total_number":{},"total_page":{}}}}})",
      rows, page, page_size, total_number, total_page));
}

// Two campaign rows unique to `page`.
std::string CampaignRows(int page) {
  return fmt::format(
      R"([{{"campaign_id":"9{0}01","campaign_name":"a","modify_time":"2024-01-01 00:00:00"}},)"
      R"({{"campaign_id":"9{0}02","campaign_name":"b","modify_time":"2024-01-01 00:00:00"}}])",
      page);
}

class HostileTest : public ::testing::Test {
 protected:
  HostileTest() {
    config_.advertisers = 1;
    config_.campaigns_per_advertiser = 5;
    config_.adgroups_per_campaign = 1;
    config_.ads_per_adgroup = 1;
    config_.promote_every = 0;
  }
  void TearDown() override {
    release_ = true;  // lets hanging handlers return, so the server can stop
    if (sim_) sim_->Stop();
  }

  // Starts the simulator; `path_suffix` requests ("campaign/get/") go to `hostile` first.
  void Serve(const std::string& path_suffix,
             std::function<bool(const httplib::Request&, httplib::Response&)> hostile) {
    sim_ = std::make_unique<sim::Simulator>(config_);
    if (hostile) {
      sim_->SetOverride(
          [path_suffix, hostile](const httplib::Request& req, httplib::Response& res) {
            bool match = req.path.size() >= path_suffix.size() &&
                         req.path.compare(req.path.size() - path_suffix.size(), path_suffix.size(),
                                          path_suffix) == 0;
            return match && hostile(req, res);
          });
    }
    port_ = sim_->Start("127.0.0.1", 0);
    ASSERT_GT(port_, 0);
  }

  // The simulator's own answer to `req`.
  std::string Genuine(const httplib::Request& req) {
    sim::Params params(req.params.begin(), req.params.end());
    return sim_
        ->Handle(req.method, req.path, params, req.get_header_value("Access-Token"),
                 req.has_header("Access-Token"))
        .body;
  }

  // Holds a handler until the test ends (a server that never answers).
  void Hang() {
    while (!release_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  std::vector<std::string> Args(const std::string& extra, const std::vector<std::string>& streams,
                                const std::string& state = "") {
    std::string name = fmt::format("h{}", files_++);
    std::vector<std::string> args = {
        "--config", dir_.Write(name + ".json", Config(port_, config_, MergeJson(kFast, extra))),
        "--catalog", dir_.Write(name + ".catalog.json", CatalogSelecting(streams, false))};
    if (!state.empty()) {
      args.push_back("--state");
      args.push_back(dir_.Write(name + ".state.json", state));
    }
    return args;
  }
  TapRun Run(const std::string& extra, const std::vector<std::string>& streams = {"campaigns"}) {
    return RunTap(Args(extra, streams), dir_);
  }

  // Runs the campaigns stream: every line JSON, five records whose names start with `prefix`
  // (invalid characters as U+FFFD), and a WARNING that says so.
  void ExpectNamesReplaced(const std::string& prefix) {
    TapRun run = Run("{}");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    Messages m = Parse(run);  // fails the test on any line that is not JSON
    ASSERT_EQ(m.records["campaigns"].size(), 5u);
    for (const rapidjson::Value* record : m.records["campaigns"]) {
      std::string name = (*record)["campaign_name"].GetString();
      EXPECT_EQ(name.rfind(prefix, 0), 0u) << name;
    }
    EXPECT_NE(run.err.find("invalid character(s) (unpaired UTF-16 surrogates or invalid UTF-8)"),
              std::string::npos)
        << run.err;
  }

  static constexpr const char* kFast = R"({"max_retries":1,"retry_base_delay":0.01})";
  sim::SimConfig config_;
  std::unique_ptr<sim::Simulator> sim_;
  TempDir dir_;
  std::atomic<bool> release_{false};
  int port_ = 0;
  int files_ = 0;
};

// The bookmarks of the last STATE line as JSON text ("" when there is none).
std::string LastState(const TapRun& run) {
  for (auto it = run.lines.rbegin(); it != run.lines.rend(); ++it) {
    if (it->rfind(R"({"type":"STATE")", 0) == 0) return *it;
  }
  return "";
}

void ExpectCritical(const TapRun& run, const std::string& text) {
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("CRITICAL"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(text), std::string::npos) << run.err;
}

// 1. Lone surrogates and invalid UTF-8: every line valid JSON, U+FFFD, a WARNING.
TEST_F(HostileTest, LoneSurrogatesAndInvalidUtf8BecomeReplacementCharacters) {
  Serve("campaign/get/", [&](const httplib::Request& req, httplib::Response& res) {
    std::string body = Genuine(req);
    body = std::regex_replace(body, std::regex(R"("campaign_name":")"),
                              "\"campaign_name\":\"lone\\udc00low \\ud800 \xff ");
    Answer(res, body);
    return true;
  });
  ExpectNamesReplaced("lone\xEF\xBF\xBDlow \xEF\xBF\xBD \xEF\xBF\xBD ");
}

// 1b. Invalid UTF-8 after many ASCII chunks (the transport checks each chunk as it arrives):
// still found and replaced.
TEST_F(HostileTest, InvalidUtf8LateInALargeChunkedBodyIsFound) {
  Serve("campaign/get/", [&](const httplib::Request& req, httplib::Response& res) {
    // Leading whitespace is JSON: half a megabyte of ASCII before the bad byte.
    auto body = std::make_shared<std::string>(std::string(512 << 10, ' ') + Genuine(req));
    *body = std::regex_replace(*body, std::regex(R"("campaign_name":")"),
                               "\"campaign_name\":\"late \xff ");
    res.set_chunked_content_provider("application/json; charset=utf-8",
                                     [body](size_t offset, httplib::DataSink& sink) {
                                       size_t n = std::min<size_t>(16 << 10, body->size() - offset);
                                       sink.write(body->data() + offset, n);
                                       if (offset + n == body->size()) sink.done();
                                       return true;
                                     });
    return true;
  });
  ExpectNamesReplaced("late \xEF\xBF\xBD ");
}

// 2. Page 1 says 3 pages, page 2 has no page_info: an error, not an early end.
TEST_F(HostileTest, ALaterPageWithoutPageInfoFailsInsteadOfEndingEarly) {
  std::atomic<int> page2{0};
  Serve("campaign/get/", [&](const httplib::Request& req, httplib::Response& res) {
    int page = PageOf(req);
    if (page == 2) ++page2;
    Answer(res, page == 2 ? Envelope(R"({"list":)" + CampaignRows(2) + "}")
                          : Page(CampaignRows(page), page, 2, 6, 3));
    return true;
  });
  TapRun run = Run(R"({"page_size":2})");
  ExpectCritical(run, "page 2 of campaign/get/ for advertiser");
  EXPECT_NE(run.err.find("has no valid page_info although page 1 announced more pages"),
            std::string::npos);
  EXPECT_GE(page2.load(), 2) << "retried before failing";
  EXPECT_EQ(LastState(run).find("campaigns"), std::string::npos) << LastState(run);
}

// 3. A server that always announces one more page, or repeats a page, is stopped.
TEST_F(HostileTest, EndlessOrRepeatingPagesStop) {
  std::atomic<int> requests{0};
  std::atomic<bool> repeat{false};
  Serve("campaign/get/", [&](const httplib::Request& req, httplib::Response& res) {
    ++requests;
    int page = PageOf(req);
    if (repeat) {
      Answer(res, Page(CampaignRows(1), page, 2, 1000, 500));
    } else {
      Answer(res, Page(CampaignRows(page), page, 2, 2 * (page + 1), page + 1));
    }
    return true;
  });
  TapRun run = Run(R"({"page_size":2,"max_concurrency":1})");
  ExpectCritical(run, "kept announcing pages past the 3 that page 1's total_number");
  EXPECT_LE(requests.load(), 12) << "a few pages per request, never endless";
  EXPECT_EQ(LastState(run).find("campaigns"), std::string::npos);

  repeat = true;
  requests = 0;
  run = Run(R"({"page_size":2,"max_concurrency":1})");
  ExpectCritical(run, "repeats the rows of page 1");
  EXPECT_LE(requests.load(), 12);
}

// 4. User info would send the token in clear text to the host after the '@': refused before
// any connection (the simulator sees no request at all).
TEST_F(HostileTest, LoopbackBypassUrlsAreRefusedBeforeAnyConnection) {
  Serve("", nullptr);
  for (const std::string& url :
       {fmt::format("http://localhost:{}@example.invalid/", port_),
        std::string("http://[::1]@example.invalid/"),
        fmt::format("http://127.0.0.1:{}@example.invalid:{}/", port_, port_)}) {
    TapRun run = Run(fmt::format(R"({{"api_base_url":"{}"}})", url));
    ExpectCritical(run, "has a user name or password");
  }
  EXPECT_EQ(sim_->request_count(), 0);
}

// 5. CR/LF in the token, newlines in unknown keys, huge values: refused or escaped, and short.
TEST_F(HostileTest, ControlCharactersCannotInjectHeadersOrForgeLogLines) {
  Serve("", nullptr);
  TapRun token = Run(R"({"access_token":"sim-token\r\nX-Injected: 1"})");
  ExpectCritical(token, "access_token: contains a control character");
  EXPECT_EQ(token.err.find("X-Injected"), std::string::npos);
  EXPECT_EQ(sim_->request_count(), 0);

  std::string huge(10 << 20, 'v');
  TapRun keys =
      Run(R"({"note\nCRITICAL forged line":1,")" + huge + R"(":1,"log_level":"warning"})");
  ASSERT_EQ(keys.exit_code, 0) << keys.err.substr(0, 500);
  EXPECT_EQ(keys.err.find("\nCRITICAL forged"), std::string::npos) << keys.err.substr(0, 300);
  EXPECT_NE(keys.err.find("note\\nCRITICAL forged line"), std::string::npos) << keys.err;
  EXPECT_LT(keys.err.size(), 4000u) << "a 10 MB key is not echoed";
  TapRun value = Run(R"({"log_level":")" + huge + R"("})");
  ExpectCritical(value, "log_level: '");
  EXPECT_LT(value.err.size(), 4000u) << "a 10 MB value is not echoed";
}

// 6. A server echoing the app secret percent-encoded or JSON-escaped: redacted all the same.
TEST_F(HostileTest, EncodedSecretsAreRedacted) {
  config_.secret = "APP SECRET/456";
  Serve("oauth2/advertiser/get/", [&](const httplib::Request&, httplib::Response& res) {
    Answer(res, Envelope("{}", 40002,
                         "bad secret=APP%20SECRET%2F456 (APP+SECRET%2f456), "
                         "\"APP SECRET\\/456\", APP SECRET/456"));
    return true;
  });
  TapRun run = Run("{}");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("bad secret=***"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("SECRET"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("SECRET"), std::string::npos);
}

// 7. SIGTERM while a request hangs: the transfer is abandoned, the final STATE written.
TEST_F(HostileTest, SigtermAbortsAHangingRequest) {
  std::atomic<bool> hanging{false};
  Serve("campaign/get/", [&](const httplib::Request&, httplib::Response& res) {
    hanging = true;
    Hang();
    Answer(res, Envelope("{}"));
    return true;
  });
  Spawned tap =
      SpawnTap(Args(R"({"request_timeout":300})", {"advertisers", "campaigns"}), dir_, "hang");
  for (int i = 0; i < 1000 && !hanging; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(hanging.load());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto signalled = Clock::now();
  kill(tap.pid, SIGTERM);
  TapRun run = WaitTap(tap);
  auto took = Clock::now() - signalled;
  EXPECT_EQ(run.exit_code, 0) << run.err;
  // The issue's bound is 2 s; measured here about 0.3 s. The test allows for a loaded machine.
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_NE(LastState(run), "") << "the final STATE";
  EXPECT_NE(run.err.find("Stopped by SIGTERM"), std::string::npos) << run.err;
}

// 8. Deep nesting in a response and in every file: a clear error, never a crash.
TEST_F(HostileTest, DeepNestingIsAnErrorEverywhere) {
  Serve("campaign/get/", [&](const httplib::Request&, httplib::Response& res) {
    Answer(res, R"({"code":0,"message":"OK","data":{"list":[)" + std::string(200000, '['));
    return true;
  });
  TapRun run = Run("{}");
  ExpectCritical(run, "nests arrays or objects deeper than 256 levels");

  std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  TapRun config = RunTap({"--config", dir_.Write("deep.json", R"({"x":)" + deep + "}")}, dir_);
  ExpectCritical(config, "config file");
  EXPECT_NE(config.err.find("deeper than 256 levels"), std::string::npos);
  std::vector<std::string> args = Args("{}", {"campaigns"});
  args.insert(args.end(),
              {"--state", dir_.Write("deep-state.json", R"({"bookmarks":)" + deep + "}")});
  ExpectCritical(RunTap(args, dir_), "state file");
  std::string schema;
  for (int i = 0; i < 20000; ++i) schema += R"({"type":"object","properties":{"a":)";
  args = Args("{}", {"campaigns"});
  args[3] = dir_.Write("deep-catalog.json", R"({"streams":[{"schema":)" + schema + "}]}");
  ExpectCritical(RunTap(args, dir_), "catalog file");
}

// 9. A gzip bomb and an endless chunked body stop at max_response_mb.
TEST_F(HostileTest, BodiesAreCappedAfterDecompression) {
  std::string zeros(16 << 20, ' ');
  uLongf size = compressBound(zeros.size());
  std::string bomb(size, '\0');
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(bomb.data()), &size,
                      reinterpret_cast<const Bytef*>(zeros.data()), zeros.size(), 9),
            Z_OK);
  bomb.resize(size);
  std::atomic<bool> chunked{false};
  Serve("campaign/get/", [&](const httplib::Request&, httplib::Response& res) {
    if (chunked) {
      res.set_chunked_content_provider("application/json; charset=utf-8",
                                       [&](size_t, httplib::DataSink& sink) {
                                         std::string block(1 << 16, ' ');
                                         return !release_ && sink.write(block.data(), block.size());
                                       });
    } else {
      res.set_header("Content-Encoding", "deflate");
      res.set_content(bomb, "application/json; charset=utf-8");
    }
    return true;
  });
  TapRun run = Run(R"({"max_response_mb":1})");
  ExpectCritical(run, "is larger than 1 MB and was not read");
  chunked = true;
  run = Run(R"({"max_response_mb":1})");
  ExpectCritical(run, "is larger than 1 MB and was not read");
}

// 10. Numbers no reader can take, and times RFC 3339 cannot write: null with a WARNING.
TEST_F(HostileTest, OutOfRangeNumbersAndTimesBecomeNull) {
  Serve("campaign/get/", [&](const httplib::Request& req, httplib::Response& res) {
    std::string body = Genuine(req);
    body = std::regex_replace(body, std::regex(R"("budget":[^,}]*)"), R"("budget":1e400)");
    body = std::regex_replace(body, std::regex(R"("create_time":"[^"]*")"),
                              R"("create_time":999999999999)");
    Answer(res, body);
    return true;
  });
  TapRun run = Run("{}");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages m = Parse(run);
  ASSERT_EQ(m.records["campaigns"].size(), 5u);
  for (const rapidjson::Value* record : m.records["campaigns"]) {
    EXPECT_TRUE((*record)["budget"].IsNull());
    EXPECT_TRUE((*record)["create_time"].IsNull());
  }
  EXPECT_NE(run.err.find("Stream 'campaigns': 5 value(s) of 'budget' were not a finite number"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("of 'create_time' were not a timestamp"), std::string::npos);
}

// 11. A directory as a file; a bookmark in the future.
TEST_F(HostileTest, DirectoriesAreNotFilesAndFutureBookmarksAreForgotten) {
  Serve("", nullptr);
  std::vector<std::string> args = Args("{}", {"campaigns"});
  for (size_t flag : {size_t{0}, size_t{2}}) {
    std::vector<std::string> bad = args;
    bad[flag + 1] = dir_.path();
    ExpectCritical(RunTap(bad, dir_), "is a directory: give the path of a file");
  }
  args.insert(args.end(), {"--state", dir_.path()});
  ExpectCritical(RunTap(args, dir_), "state file '" + dir_.path() + "' is a directory");

  const auto& adv = sim_->data().advertisers[0];
  std::string future = fmt::format(
      R"({{"bookmarks":{{"campaigns":{{"partitions":[{{"context":{{"advertiser_id":"{}"}},)"
      R"("replication_key":"modify_time","replication_key_value":"9999-12-31T00:00:00Z"}}]}}}}}})",
      adv.id);
  TapRun run = RunTap(Args("{}", {"campaigns"}, future), dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("is 9999-12-31T00:00:00Z, in the future"), std::string::npos) << run.err;
  EXPECT_EQ(Parse(run).records["campaigns"].size(), 5u) << "read as if it had no bookmark";
}

// 12. NaN and a key given twice.
TEST_F(HostileTest, NanAndDuplicateKeysAreRejected) {
  Serve("", nullptr);
  ExpectCritical(Run(R"({"retry_base_delay":"nan"})"), "retry_base_delay: expected a number");
  std::string config = Config(port_, config_);
  config.insert(config.size() - 1, R"(,"start_date":"2021-01-01")");
  TapRun run = RunTap({"--config", dir_.Write("twice.json", config)}, dir_);
  ExpectCritical(run, "gives the key 'start_date' twice in one object; keep one");
  EXPECT_EQ(sim_->request_count(), 0);
}

// 13. A full disk and a closed stdout.
TEST_F(HostileTest, StdoutFailuresAreClear) {
  Serve("", nullptr);
  // Without LD_PRELOAD: libfaketime (make test-hours) opens a file at load, which would take
  // the closed fd 1 before the tap's main() can see it closed.
  std::string command = std::string("env -u LD_PRELOAD \"") + TAP_BINARY + "\"";
  for (const std::string& a : Args("{}", {"campaigns", "adgroups", "ads"})) {
    command += " \"" + a + "\"";
  }
  std::string err = dir_.path() + "/full.err";
  int status = std::system((command + " >/dev/full 2>" + err).c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
  auto log = tap::ReadTextFile(err, "log");
  ASSERT_TRUE(log.ok());
  std::string text = *log;
  EXPECT_NE(text.find("CRITICAL cannot write to stdout: No space left on device"),
            std::string::npos)
      << text;
  status = std::system((command + " >&- 2>" + err).c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
  text = *tap::ReadTextFile(err, "log");
  EXPECT_NE(text.find("stdout or stderr is closed"), std::string::npos) << text;
}

// 14. On the server's clock, with ±50 ms of jitter, no second holds more than the limit.
TEST_F(HostileTest, PacingHoldsOnTheServersClockWithJitter) {
  config_.advertisers = 3;
  config_.campaigns_per_advertiser = 10;
  config_.adgroups_per_campaign = 2;
  config_.ads_per_adgroup = 2;
  Serve("", nullptr);
  TapRun run = Run(R"({"max_requests_per_second":20,"max_concurrency":8,"page_size":5})",
                   {"campaigns", "adgroups", "ads"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<double> at;
  for (const auto& r : sim_->RequestLog()) {
    at.push_back(std::chrono::duration<double>(r.at.time_since_epoch()).count());
  }
  ASSERT_GT(at.size(), 40u);
  std::mt19937 random(7);
  std::uniform_real_distribution<double> jitter(-0.05, 0.05);
  size_t most = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> seen = at;
    if (trial > 0) {
      for (double& t : seen) t += jitter(random);
    }
    std::sort(seen.begin(), seen.end());
    for (size_t i = 0, j = 0; i < seen.size(); ++i) {
      while (j < seen.size() && seen[j] < seen[i] + 1.0) ++j;
      most = std::max(most, j - i);
    }
  }
  EXPECT_LE(most, 20u);
  EXPECT_GE(most, 15u) << "the limit is used, not undershot";
}

// 15. Timeouts: not resent at once, and a report window that keeps timing out is halved.
TEST_F(HostileTest, RepeatedTimeoutsHalveTheReportWindow) {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> answered;
  Serve("report/integrated/get/", [&](const httplib::Request& req, httplib::Response& res) {
    std::string start = req.get_param_value("start_date"), end = req.get_param_value("end_date");
    if (start != end) {
      for (int i = 0; i < 150 && !release_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    } else {
      std::lock_guard<std::mutex> lock(mutex);
      answered.emplace_back(start, end);
    }
    Answer(res, Genuine(req));
    return true;
  });
  TapRun run = Run(
      R"({"request_timeout":1,"max_retries":4,"start_date":"2024-03-01","end_date":"2024-03-04"})",
      {"advertiser_insights_daily"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("kept timing out; halving it"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("timed out"), std::string::npos);
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_GE(answered.size(), 4u) << "every day read, one day at a time";
  EXPECT_EQ(Parse(run).records["advertiser_insights_daily"].size(), 4u);
}

TEST_F(HostileTest, Http429HonoursRetryAfter) {
  std::mutex mutex;
  std::vector<Clock::time_point> at;
  Serve("campaign/get/", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex);
    at.push_back(Clock::now());
    if (at.size() > 1) return false;  // the simulator answers the retry
    res.status = 429;
    res.set_header("Retry-After", "2");
    res.set_content("slow down", "text/plain");
    return true;
  });
  TapRun run = Run(R"({"max_concurrency":1})");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::lock_guard<std::mutex> lock(mutex);
  ASSERT_GE(at.size(), 2u);
  EXPECT_GE(at[1] - at[0], std::chrono::milliseconds(1900)) << "retry_base_delay is 10 ms";
}

}  // namespace
}  // namespace e2e
