// End-to-end: the engine (concurrency, pacing, retries, signals) against a faulty simulator.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "tap/json.h"
#include "tap/timestamp.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

using tap::ToJson;

std::string DaysAgo(int days) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return tap::FormatDate(now - std::chrono::days{days});
}

// RECORD lines without time_extracted, sorted: what a target would store.
std::multiset<std::string> Records(const TapRun& run) {
  std::multiset<std::string> out;
  for (const std::string& line : run.lines) {
    if (line.rfind(R"({"type":"RECORD")", 0) != 0) continue;
    out.insert(line.substr(0, line.rfind(",\"time_extracted\"")));
  }
  return out;
}

// The key of every record of a run, including a run cut short (a partial last line is ignored).
std::set<std::string> Keys(const TapRun& run, std::string* last_state = nullptr) {
  std::set<std::string> keys;
  std::map<std::string, std::vector<std::string>> key_props;
  for (const std::string& line : run.lines) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(line.c_str());
    if (doc.HasParseError() || !doc.IsObject()) continue;
    std::string type = doc["type"].GetString();
    if (type == "SCHEMA") {
      for (const auto& k : doc["key_properties"].GetArray()) {
        key_props[doc["stream"].GetString()].emplace_back(k.GetString());
      }
    } else if (type == "RECORD") {
      std::string key = doc["stream"].GetString();
      for (const std::string& k : key_props[doc["stream"].GetString()]) {
        key += "|" + ToJson(doc["record"][k.c_str()]);
      }
      keys.insert(key);
    } else if (type == "STATE" && last_state != nullptr) {
      *last_state = ToJson(doc["value"]);
    }
  }
  return keys;
}

class EngineTest : public ::testing::Test {
 protected:
  static sim::SimConfig Base() {
    sim::SimConfig c;
    c.advertisers = 3;
    c.campaigns_per_advertiser = 14;
    c.adgroups_per_campaign = 2;
    c.ads_per_adgroup = 2;
    return c;
  }
  Spawned SpawnSlowSync(const std::string& tag);
  int Start(sim::SimConfig config) {
    simulators_.push_back(std::make_unique<sim::Simulator>(config));
    configs_.push_back(config);
    return simulators_.back()->Start("127.0.0.1", 0);
  }
  std::vector<std::string> Args(int port, const sim::SimConfig& config, const std::string& extra,
                                const std::vector<std::string>& streams,
                                const std::string& state = "") {
    std::string name = fmt::format("c{}", files_++);
    std::vector<std::string> args = {
        "--config", dir_.Write(name + ".json", Config(port, config, extra)), "--catalog",
        dir_.Write(name + ".catalog.json", CatalogSelecting(streams, /*all_fields=*/false))};
    if (!state.empty()) {
      args.push_back("--state");
      args.push_back(dir_.Write(name + ".state.json", state));
    }
    return args;
  }

  std::vector<std::unique_ptr<sim::Simulator>> simulators_;
  std::vector<sim::SimConfig> configs_;
  TempDir dir_;
  int files_ = 0;
};

const std::vector<std::string> kStreams = {"advertisers", "campaigns", "adgroups",
                                           "ads",         "audiences", "ad_insights_daily"};

TEST_F(EngineTest, TwentyPercentFaultsChangeNothing) {
  // end_date pinned: the two compared runs may straddle a midnight in an advertiser's zone.
  std::string extra = fmt::format(
      R"({{"start_date":"{}","end_date":"{}","request_timeout":1,"retry_base_delay":0.01,)"
      R"("page_size":20}})",
      DaysAgo(45), DaysAgo(2));
  sim::SimConfig clean_config = Base();
  int clean_port = Start(clean_config);
  TapRun clean = RunTap(Args(clean_port, clean_config, extra, kStreams), dir_);
  ASSERT_EQ(clean.exit_code, 0) << clean.err;

  sim::SimConfig faulty = Base();
  faulty.fault_rate = 0.2;
  faulty.stall_ms = 1500;
  int faulty_port = Start(faulty);
  TapRun run = RunTap(Args(faulty_port, faulty, extra, kStreams), dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  std::set<std::string> faults;
  for (const auto& r : simulators_[1]->RequestLog()) {
    if (!r.fault.empty()) faults.insert(r.fault);
  }
  EXPECT_GE(faults.size(), 10u) << "most fault kinds were exercised";
  EXPECT_NE(run.err.find("Retry 1/8"), std::string::npos);
  EXPECT_EQ(Records(run), Records(clean));
  std::string clean_state, state;
  Keys(clean, &clean_state);
  Keys(run, &state);
  EXPECT_EQ(state, clean_state);
}

TEST_F(EngineTest, NeverExceedsTheConfiguredRate) {
  sim::SimConfig config = Base();
  int port = Start(config);
  std::string extra = fmt::format(
      R"({{"start_date":"{}","page_size":5,"max_requests_per_second":8,"max_concurrency":8}})",
      DaysAgo(3));
  TapRun run = RunTap(Args(port, config, extra, {"campaigns", "adgroups", "ads"}), dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto log = simulators_[0]->RequestLog();
  ASSERT_GT(log.size(), 30u);
  size_t most = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    size_t in_window = 0;
    for (size_t j = i; j < log.size() && log[j].at - log[i].at < std::chrono::milliseconds(950);
         ++j) {
      ++in_window;
    }
    most = std::max(most, in_window);
  }
  EXPECT_LE(most, 8u);
  EXPECT_GE(most, 6u) << "the limit is used, not undershot";
}

TEST_F(EngineTest, SigtermWritesAFinalStateCoveringCompletedWork) {
  sim::SimConfig config = Base();
  config.latency_ms = 30;
  int port = Start(config);
  std::string extra =
      fmt::format(R"({{"start_date":"{}","max_concurrency":2,"page_size":50}})", DaysAgo(120));
  std::vector<std::string> streams = {"ad_insights_daily"};
  TapRun clean = RunTap(Args(port, config, extra, streams), dir_);
  ASSERT_EQ(clean.exit_code, 0) << clean.err;

  Spawned spawned = SpawnTap(Args(port, config, extra, streams), dir_, "term");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  kill(spawned.pid, SIGTERM);
  TapRun stopped = WaitTap(spawned);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  ASSERT_FALSE(stopped.lines.empty());
  EXPECT_EQ(stopped.lines.back().rfind(R"({"type":"STATE")", 0), 0u) << stopped.lines.back();
  std::string state;
  std::set<std::string> seen = Keys(stopped, &state);
  EXPECT_LT(seen.size(), Keys(clean).size()) << "stopped early";

  TapRun resumed = RunTap(Args(port, config, extra, streams, state), dir_);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  for (const std::string& key : Keys(resumed)) seen.insert(key);
  for (const std::string& key : Keys(clean)) EXPECT_TRUE(seen.count(key)) << "gap: " << key;
}

// A daily ad report sync slow enough (30 ms a response, small pages) to be signalled mid-run.
Spawned EngineTest::SpawnSlowSync(const std::string& tag) {
  sim::SimConfig config = Base();
  config.latency_ms = 30;
  int port = Start(config);
  std::string extra =
      fmt::format(R"({{"start_date":"{}","max_concurrency":2,"page_size":50}})", DaysAgo(120));
  return SpawnTap(Args(port, config, extra, {"ad_insights_daily"}), dir_, tag);
}

TEST_F(EngineTest, SigtermWritesExactlyOneFinalState) {
  Spawned spawned = SpawnSlowSync("once");
  // Signal once records are flowing (the SCHEMA and more), however slow the build is.
  for (int i = 0; i < 200; ++i) {
    std::ifstream out(spawned.out_path);
    std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    if (std::count(text.begin(), text.end(), '\n') >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(spawned.pid, SIGTERM);
  TapRun stopped = WaitTap(spawned);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  ASSERT_GE(stopped.lines.size(), 2u);
  const std::string& last = stopped.lines.back();
  EXPECT_EQ(last.rfind(R"({"type":"STATE")", 0), 0u) << last;
  EXPECT_NE(stopped.lines[stopped.lines.size() - 2], last) << "the final STATE is written twice";
}

TEST_F(EngineTest, SigintExits130WithAFinalState) {
  Spawned spawned = SpawnSlowSync("int");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(spawned.pid, SIGINT);
  TapRun stopped = WaitTap(spawned);
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  ASSERT_FALSE(stopped.lines.empty());
  EXPECT_EQ(stopped.lines.back().rfind(R"({"type":"STATE")", 0), 0u);
  EXPECT_NE(stopped.err.find("Stopped by SIGINT"), std::string::npos) << stopped.err;
}

TEST_F(EngineTest, KilledAtRandomMomentsAndResumedLeavesNoGap) {
  sim::SimConfig config = Base();
  config.latency_ms = 20;
  int port = Start(config);
  std::string extra =
      fmt::format(R"({{"start_date":"{}","lookback_days":0,"page_size":40,"max_concurrency":2}})",
                  DaysAgo(100));
  std::vector<std::string> streams = {"campaigns", "ad_insights_daily", "adgroup_insights_daily"};
  TapRun clean = RunTap(Args(port, config, extra, streams), dir_);
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  std::set<std::string> all = Keys(clean);

  for (int delay_ms : {150, 420, 700, 1100}) {
    Spawned spawned = SpawnTap(Args(port, config, extra, streams), dir_, "kill");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(spawned.pid, SIGKILL);
    TapRun killed = WaitTap(spawned);
    EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
    std::string state;
    std::set<std::string> seen = Keys(killed, &state);
    TapRun resumed = RunTap(Args(port, config, extra, streams, state), dir_);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    for (const std::string& key : Keys(resumed)) seen.insert(key);
    size_t gaps = 0;
    for (const std::string& key : all) gaps += seen.count(key) == 0;
    EXPECT_EQ(gaps, 0u) << "killed after " << delay_ms << " ms";
  }
}

TEST_F(EngineTest, InaccessibleAdvertisersAreSkippedAndReported) {
  sim::SimConfig config = Base();
  int port = Start(config);
  const std::string& good = simulators_[0]->data().advertisers[0].id;
  std::string extra =
      fmt::format(R"({{"advertiser_ids":["{}","123"],"start_date":"{}"}})", good, "2020-01-01");
  TapRun run = RunTap(Args(port, config, extra, {"advertisers", "campaigns"}), dir_);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("WARNING Skipping advertiser 123"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("skip_inaccessible_advertisers"), std::string::npos) << run.err;
  Messages m = Parse(run);
  EXPECT_FALSE(m.records["campaigns"].empty());
  EXPECT_EQ(m.records["advertisers"].size(), 1u);
  ExpectValidSingerStream(m);

  std::string skip = fmt::format(
      R"({{"advertiser_ids":["{}","123"],"start_date":"{}","skip_inaccessible_advertisers":true}})",
      good, DaysAgo(3));
  TapRun tolerant = RunTap(Args(port, config, skip, {"campaigns"}), dir_);
  EXPECT_EQ(tolerant.exit_code, 0) << tolerant.err;
}

TEST_F(EngineTest, ASkippedAdvertiserIsNamedOnceInTheFinalMessage) {
  sim::SimConfig config = Base();
  int port = Start(config);
  const std::string& good = simulators_[0]->data().advertisers[0].id;
  std::string extra =
      fmt::format(R"({{"advertiser_ids":["{}","123"],"start_date":"2020-01-01"}})", good);
  TapRun run = RunTap(Args(port, config, extra, {"advertisers", "campaigns"}), dir_);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  std::string critical;
  for (size_t start = 0; start < run.err.size();) {
    size_t end = run.err.find('\n', start);
    std::string line = run.err.substr(start, end - start);
    if (line.rfind("CRITICAL ", 0) == 0) critical += line;
    start = end == std::string::npos ? end : end + 1;
  }
  EXPECT_EQ(critical,
            "CRITICAL 1 advertiser(s) could not be read and were skipped: 123. Authorize the token "
            "for them, remove them from advertiser_ids, or set skip_inaccessible_advertisers.");
}

TEST_F(EngineTest, ExpiredTokenStopsAtOnceWithAdvice) {
  sim::SimConfig config = Base();
  config.access_token = "another-token";
  int port = Start(config);
  sim::SimConfig client = Base();  // sends sim-token, which this simulator does not know
  TapRun run = RunTap(Args(port, client, "{}", {"campaigns"}), dir_);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("generate a new long-term access token"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("Retry"), std::string::npos) << "token errors are not retried";
}

TEST_F(EngineTest, ClosedStdoutEndsQuietly) {
  sim::SimConfig config = Base();
  int port = Start(config);
  std::vector<std::string> args = Args(port, config, R"({"start_date":"2020-01-01"})", {"ads"});
  std::string command = std::string("bash -c 'set -o pipefail; \"") + TAP_BINARY + "\"";
  for (const std::string& a : args) command += " \"" + a + "\"";
  command += " 2>" + dir_.path() + "/closed.err | head -c 10 >/dev/null; exit ${PIPESTATUS[0]}'";
  int status = std::system(command.c_str());
  EXPECT_NE(WEXITSTATUS(status), 0);
  TapRun err;
  std::ifstream in(dir_.path() + "/closed.err");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("CRITICAL"), std::string::npos) << text;
}

}  // namespace
}  // namespace e2e
