// End-to-end: the built tap-tiktok-ads against the simulator on loopback.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "tap/json.h"
#include "tap/timestamp.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

using tap::ToJson;

// Expected RFC 3339 text of a TikTok time value, computed independently of the tap.
std::string ExpectedTime(const std::string& text) {
  struct tm tm {};
  if (text.find('-') == std::string::npos) {  // epoch seconds
    time_t t = static_cast<time_t>(std::stoll(text));
    gmtime_r(&t, &tm);
  } else {
    strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  }
  char buffer[32];
  strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.advertisers = 3;
    config_.campaigns_per_advertiser = 14;  // enough for a RESERVATION_TOP_VIEW campaign
    config_.adgroups_per_campaign = 2;
    config_.ads_per_adgroup = 3;
    config_.audiences_per_advertiser = 4;
    simulator_ = std::make_unique<sim::Simulator>(config_);
    port_ = simulator_->Start("127.0.0.1", 0);
    ASSERT_GT(port_, 0);
  }

  // Runs the tap; without a --catalog in `more`, on the entity streams only.
  TapRun Run(const std::string& extra_config = "{}", std::vector<std::string> more = {}) {
    std::vector<std::string> args = {
        "--config", dir_.Write("config.json", Config(port_, config_, extra_config))};
    if (std::find(more.begin(), more.end(), "--catalog") == more.end()) {
      static const std::string entities =
          CatalogSelecting({"advertisers", "campaigns", "adgroups", "ads", "audiences"});
      args.push_back("--catalog");
      args.push_back(dir_.Write("entities.json", entities));
    }
    args.insert(args.end(), more.begin(), more.end());
    return RunTap(args, dir_);
  }

  // Every row the simulator serves at `path` for `advertiser`, paging as a client would.
  std::vector<rapidjson::Document> Served(const std::string& path, const std::string& advertiser,
                                          const std::string& filtering, int page_size) {
    std::vector<rapidjson::Document> rows;
    for (int page = 1;; ++page) {
      sim::Params params = {{"advertiser_id", advertiser},
                            {"page", std::to_string(page)},
                            {"page_size", std::to_string(page_size)}};
      if (!filtering.empty()) params.emplace("filtering", filtering);
      sim::Reply reply =
          simulator_->Handle("GET", "/open_api/v1.3/" + path, params, config_.access_token, true);
      rapidjson::Document body;
      body.Parse<rapidjson::kParseNumbersAsStringsFlag>(reply.body.c_str());
      EXPECT_EQ(std::string(body["code"].GetString()), "0") << reply.body.substr(0, 200);
      for (auto& row : body["data"]["list"].GetArray()) {
        rapidjson::Document copy;
        copy.CopyFrom(row, copy.GetAllocator());
        rows.push_back(std::move(copy));
      }
      if (page >= std::stoi(body["data"]["page_info"]["total_page"].GetString())) break;
    }
    return rows;
  }

  // Every object of `path`: both buying-type requests, and Promote objects when `promote`.
  std::vector<rapidjson::Document> ServedEntities(const std::string& path, bool deleted,
                                                  bool promote = true) {
    std::vector<rapidjson::Document> rows;
    std::string status = deleted ? R"(,"primary_status":"STATUS_ALL")" : "";
    for (const auto& adv : simulator_->data().advertisers) {
      for (auto& row :
           Served(path, adv.id, R"({"buying_types":["AUCTION","RESERVATION_RF"])" + status + "}",
                  1000)) {
        rows.push_back(std::move(row));
      }
      for (auto& row : Served(path, adv.id,
                              R"({"buying_types":["RESERVATION_TOP_VIEW"])" + status + "}", 100)) {
        rows.push_back(std::move(row));
      }
      if (!promote) continue;
      for (auto& row :
           Served(path, adv.id, R"({"campaign_system_origins":["PROMOTE"])" + status + "}", 1000)) {
        rows.push_back(std::move(row));
      }
    }
    return rows;
  }

  sim::SimConfig config_;
  std::unique_ptr<sim::Simulator> simulator_;
  int port_ = 0;
  TempDir dir_;
};

// Records of `stream` in `run`, parsed with exact number tokens, by the value of `key`.
std::map<std::string, rapidjson::Document> ExactRecords(const TapRun& run,
                                                        const std::string& stream,
                                                        const std::string& key) {
  std::map<std::string, rapidjson::Document> out;
  for (const std::string& line : run.lines) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(line.c_str());
    if (std::string(doc["type"].GetString()) != "RECORD" || stream != doc["stream"].GetString()) {
      continue;
    }
    rapidjson::Document record;
    record.CopyFrom(doc["record"], record.GetAllocator());
    std::string id = record[key.c_str()].GetString();
    EXPECT_EQ(out.count(id), 0u) << stream << " " << id << " emitted twice";
    out[id] = std::move(record);
  }
  return out;
}

// Every property of the record equals what the simulator served, converted as documented.
void ExpectSame(const rapidjson::Value& schema, const rapidjson::Value& record,
                const rapidjson::Value& row, const std::string& where) {
  for (const auto& p : schema["properties"].GetObject()) {
    std::string name = p.name.GetString();
    ASSERT_TRUE(record.HasMember(name.c_str())) << where << " lacks " << name;
    const rapidjson::Value& got = record[name.c_str()];
    if (!row.HasMember(name.c_str())) {
      if (name == "modify_time") {  // Smart+ ads: falls back to create_time
        EXPECT_EQ(got.GetString(), ExpectedTime(row["create_time"].GetString())) << where;
      } else if (name == "campaign_system_origin") {  // TikTok writes it for Promote only
        EXPECT_EQ(ToJson(got), R"("TT_ADS_PLATFORM")") << where;
      } else if (name != "advertiser_id") {
        EXPECT_TRUE(got.IsNull()) << where << "." << name << " should be null";
      }
      continue;
    }
    const rapidjson::Value& want = row[name.c_str()];
    bool date_time =
        p.value.HasMember("format") && std::string(p.value["format"].GetString()) == "date-time";
    if (date_time && want.IsString()) {
      EXPECT_EQ(std::string(got.GetString()), ExpectedTime(want.GetString()))
          << where << "." << name;
    } else {
      EXPECT_EQ(ToJson(got), ToJson(want)) << where << "." << name;
    }
  }
  EXPECT_EQ(record.MemberCount(), schema["properties"].MemberCount()) << where;
}

// The last stderr line says how the run went, and --summary writes the same as JSON.
std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - start);
}

TEST_F(SyncTest, TheRunEndsWithItsSummaryLineAndFile) {
  std::string file = dir_.path() + "/summary.json";
  TapRun run = Run("{}", {"--summary", file});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string last = LastLine(run.err);
  EXPECT_EQ(last.rfind("INFO Success: ", 0), 0u) << last;
  EXPECT_NE(last.find(" streams for 3 advertisers, "), std::string::npos) << last;
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document summary;
  summary.Parse(text.str().c_str());
  ASSERT_TRUE(summary.IsObject()) << text.str();
  EXPECT_EQ(summary["exit_status"].GetInt(), 0);
  EXPECT_EQ(std::string(summary["outcome"].GetString()), "success");
  EXPECT_EQ(summary["advertisers"].GetInt(), 3);
  Messages messages = Parse(run);
  long long records = 0;
  for (const auto& [stream, list] : messages.records) {
    EXPECT_EQ(summary["streams"][stream.c_str()]["records"].GetInt64(),
              static_cast<long long>(list.size()))
        << stream;
    records += static_cast<long long>(list.size());
  }
  EXPECT_EQ(summary["records"].GetInt64(), records);
  EXPECT_EQ(summary["requests"].GetInt64(), simulator_->request_count());
  EXPECT_NE(last.find(fmt::format("{} requests", simulator_->request_count())), std::string::npos)
      << last;

  TapRun failed = Run(R"({"access_token":"revoked-token"})", {"--summary", file});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(LastLine(failed.err).rfind("CRITICAL ", 0), 0u) << failed.err;
  std::ifstream again(file);
  std::stringstream failure;
  failure << again.rdbuf();
  EXPECT_NE(failure.str().find(R"("exit_status":1,"outcome":"failed","message":")"),
            std::string::npos)
      << failure.str();
  EXPECT_EQ(failure.str().find("revoked-token"), std::string::npos) << "no secret in the summary";
}

// Under Meltano the config is Meltano's temporary file (mode 644, deleted after the run): no
// warning the user cannot act on, and problems name the settings by Meltano's variables.
TEST(MeltanoInvocation, NamesSettingsNotTheTemporaryFile) {
  TempDir dir;
  std::string sys = dir.path() + "/.meltano";
  std::string run_dir = sys + "/run/tap-tiktok-ads";
  ASSERT_EQ(std::system(("mkdir -p '" + run_dir + "'").c_str()), 0);
  auto write = [&](const std::string& name, const std::string& json) {
    std::string path = run_dir + "/" + name;
    std::ofstream(path) << json;
    EXPECT_EQ(chmod(path.c_str(), 0644), 0);
    return path;
  };
  // Valid, with a server that is not there and no retries: the run fails at once after the
  // permission check.
  std::string valid =
      write("tap.0190.config.json", R"({"access_token":"tok-123456","advertiser_ids":["1"],)"
                                    R"("start_date":"2024-01-01","max_retries":0,)"
                                    R"("api_base_url":"http://127.0.0.1:9"})");
  std::string invalid =
      write("tap.0191.config.json", R"({"access_token":"tok-123456","advertiser_ids":["1"],)"
                                    R"("start_date":"2024-13-01"})");
  TapRun by_hand = RunTap({"--config", valid}, dir);
  EXPECT_NE(by_hand.err.find("other users can read it"), std::string::npos) << by_hand.err;
  TapRun by_hand_invalid = RunTap({"--config", invalid}, dir);
  EXPECT_NE(by_hand_invalid.err.find("config file '" + invalid + "' is invalid: start_date:"),
            std::string::npos)
      << by_hand_invalid.err;

  setenv("MELTANO_EXTRACTOR_NAME", "tap-tiktok-ads", 1);
  setenv("MELTANO_SYS_DIR_ROOT", sys.c_str(), 1);
  TapRun meltano = RunTap({"--config", valid}, dir);
  TapRun meltano_invalid = RunTap({"--config", invalid}, dir);
  unsetenv("MELTANO_EXTRACTOR_NAME");
  unsetenv("MELTANO_SYS_DIR_ROOT");
  EXPECT_EQ(meltano.exit_code, 1);
  EXPECT_EQ(meltano.err.find("other users can read it"), std::string::npos) << meltano.err;
  EXPECT_EQ(meltano_invalid.exit_code, 1);
  EXPECT_EQ(meltano_invalid.err.find(invalid), std::string::npos) << meltano_invalid.err;
  EXPECT_NE(
      meltano_invalid.err.find(
          "CRITICAL the Meltano config of tap-tiktok-ads (meltano config list "
          "tap-tiktok-ads) is invalid: start_date (TAP_TIKTOK_ADS_START_DATE): '2024-13-01' is not "
          "a date"),
      std::string::npos)
      << meltano_invalid.err;
}

TEST_F(SyncTest, FullSyncEmitsExactlyWhatTheSimulatorServes) {
  TapRun run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages messages = Parse(run);
  ExpectValidSingerStream(messages);

  struct Case {
    std::string stream, path, key;
  };
  for (const Case& c :
       {Case{"campaigns", "campaign/get/", "campaign_id"},
        Case{"adgroups", "adgroup/get/", "adgroup_id"}, Case{"ads", "ad/get/", "ad_id"}}) {
    SCOPED_TRACE(c.stream);
    std::vector<rapidjson::Document> served = ServedEntities(c.path, false);
    auto emitted = ExactRecords(run, c.stream, c.key);
    ASSERT_FALSE(served.empty());
    EXPECT_EQ(emitted.size(), served.size());
    const rapidjson::Value& schema = messages.schemas[c.stream]["schema"];
    for (const auto& row : served) {
      std::string id = row[c.key.c_str()].GetString();
      ASSERT_TRUE(emitted.count(id)) << c.stream << " " << id << " missing";
      ExpectSame(schema, emitted[id], row, c.stream + " " + id);
    }
  }

  // Audiences: per advertiser, with advertiser_id added.
  std::map<std::string, std::string> audience_owner;
  size_t audiences = 0;
  for (const auto& adv : simulator_->data().advertisers) {
    for (const auto& row : Served("dmp/custom_audience/list/", adv.id, "", 100)) {
      audience_owner[row["audience_id"].GetString()] = adv.id;
      ++audiences;
    }
  }
  auto emitted = ExactRecords(run, "audiences", "audience_id");
  EXPECT_EQ(emitted.size(), audiences);
  for (auto& [id, record] : emitted) {
    EXPECT_EQ(std::string(record["advertiser_id"].GetString()), audience_owner[id]);
  }

  // Advertisers: one record each, create_time converted from epoch seconds.
  auto advertisers = ExactRecords(run, "advertisers", "advertiser_id");
  ASSERT_EQ(advertisers.size(), simulator_->data().advertisers.size());
  for (const auto& adv : simulator_->data().advertisers) {
    ASSERT_TRUE(advertisers.count(adv.id));
    EXPECT_EQ(std::string(advertisers[adv.id]["display_timezone"].GetString()),
              adv.display_timezone);
    EXPECT_EQ(std::string(advertisers[adv.id]["create_time"].GetString()),
              ExpectedTime(std::to_string(adv.create_time)));
  }
}

TEST_F(SyncTest, AdvertisersAreReadByThePlanningsOwnAdvertiserInfoCall) {
  // Alone, the stream asks /advertiser/info/ itself; beside a report, the call that reads the
  // time zones for the plan also reads the stream's fields, and the stream makes no call.
  std::string alone = dir_.Write("alone.json", CatalogSelecting({"advertisers"}));
  std::string both =
      dir_.Write("both.json", CatalogSelecting({"advertisers", "advertiser_insights_daily"}));
  std::vector<std::map<std::string, std::string>> records;
  for (const std::string& catalog : {alone, both}) {
    size_t from = simulator_->RequestLog().size();
    TapRun run = Run("{}", {"--catalog", catalog});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto log = simulator_->RequestLog();
    long long calls = std::count_if(log.begin() + static_cast<long>(from), log.end(),
                                    [](const auto& r) { return r.path.ends_with("/info/"); });
    EXPECT_EQ(calls, 1) << catalog;
    std::map<std::string, std::string> by_id;
    Messages messages = Parse(run);
    for (const rapidjson::Value* r : messages.records["advertisers"]) {
      by_id[(*r)["advertiser_id"].GetString()] = ToJson(*r);
    }
    records.push_back(by_id);
  }
  EXPECT_EQ(records[0].size(), simulator_->data().advertisers.size());
  EXPECT_EQ(records[0], records[1]);
}

TEST_F(SyncTest, IdsAboveTwoToThe53AreExact) {
  TapRun run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::set<std::string> expected;
  for (const auto& ad : simulator_->data().ads) {
    if (!ad.deleted) expected.insert(std::to_string(ad.id));
  }
  auto emitted = ExactRecords(run, "ads", "ad_id");
  std::set<std::string> got;
  for (const auto& [id, record] : emitted) got.insert(id);
  EXPECT_EQ(got, expected);
  EXPECT_GT(std::stoull(*expected.begin()), 1ULL << 53);
}

TEST_F(SyncTest, SecondRunWithStateReturnsOnlyWhatChanged) {
  TapRun first = Run();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  Messages m1 = Parse(first);
  ASSERT_NE(m1.last_state, nullptr);
  std::string state = ToJson(*m1.last_state);
  EXPECT_NE(state.find("\"partitions\""), std::string::npos) << state;

  // Nothing changed: no entity records, same state.
  TapRun second = Run("{}", {"--state", dir_.Write("state.json", state)});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  Messages m2 = Parse(second);
  ExpectValidSingerStream(m2);
  ASSERT_NE(m2.last_state, nullptr);
  EXPECT_EQ(ToJson(*m2.last_state), state);
  // Only records sitting exactly on a bookmark are re-read (the >= rule), and those that do not
  // say when they were modified (Promote campaigns, some Smart+ ads): every run has them.
  struct Level {
    std::string stream;
    const std::vector<sim::Entity>* objects;
  };
  const sim::SimData& data = simulator_->data();
  for (const Level& level : {Level{"campaigns", &data.campaigns}, Level{"adgroups", &data.adgroups},
                             Level{"ads", &data.ads}}) {
    size_t untimed = 0;
    for (const sim::Entity& e : *level.objects) untimed += !e.deleted && !e.has_modify_time;
    EXPECT_LE(m2.records[level.stream].size(), 3u * 2 + untimed) << level.stream;
    EXPECT_GE(m2.records[level.stream].size(), untimed) << level.stream;
  }

  // Two campaigns change: the next run returns exactly those (plus boundary ties).
  int64_t now = std::time(nullptr);
  std::vector<std::string> changed = simulator_->Modify("campaigns", 1, 2, now - 60);
  ASSERT_EQ(changed.size(), 2u);
  TapRun third = Run("{}", {"--state", dir_.Write("state.json", state)});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  auto campaigns = ExactRecords(third, "campaigns", "campaign_id");
  for (const std::string& id : changed) EXPECT_TRUE(campaigns.count(id)) << id;
  auto ties = ExactRecords(second, "campaigns", "campaign_id");
  EXPECT_EQ(campaigns.size(), changed.size() + ties.size());
  Messages m3 = Parse(third);
  std::string advanced = ToJson(*m3.last_state);
  std::string expected_bookmark = ExpectedTime(std::to_string(now - 60));
  EXPECT_NE(advanced.find(expected_bookmark), std::string::npos) << advanced;
}

TEST_F(SyncTest, IncrementalAdsAreFilteredByTikTokWithModifiedAfter) {
  TapRun first = Run();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string state = ToJson(*Parse(first).last_state);
  size_t from = simulator_->RequestLog().size();
  for (const auto& request : simulator_->RequestLog()) {
    if (request.path != "/open_api/v1.3/ad/get/") continue;
    EXPECT_EQ(request.params.find("filtering")->second.find("modified_after"), std::string::npos);
  }
  // Two ads change: the next run asks TikTok for the ads modified since each bookmark (less a
  // second) and gets those two, the ties on the bookmark and the ads without a modify_time.
  int64_t now = std::time(nullptr);
  std::vector<std::string> changed = simulator_->Modify("ads", 0, 2, now - 60);
  ASSERT_EQ(changed.size(), 2u);
  TapRun second = Run("{}", {"--state", dir_.Write("state.json", state)});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  rapidjson::Document bookmarks;
  bookmarks.Parse(state.c_str());
  auto log = simulator_->RequestLog();
  size_t filtered = 0;
  for (size_t i = from; i < log.size(); ++i) {
    if (log[i].path != "/open_api/v1.3/ad/get/") continue;
    std::string advertiser = log[i].params.find("advertiser_id")->second;
    std::string bookmark;  // the ads bookmark of the advertiser, as TikTok writes times
    for (const auto& p : bookmarks["bookmarks"]["ads"]["partitions"].GetArray()) {
      if (advertiser == p["context"]["advertiser_id"].GetString()) {
        auto t = tap::ParseTimestamp(p["replication_key_value"].GetString());
        std::string text = tap::FormatRfc3339(*t - std::chrono::seconds{1});
        bookmark = text.substr(0, 10) + " " + text.substr(11, 8);
      }
    }
    ASSERT_FALSE(bookmark.empty()) << advertiser;
    EXPECT_NE(log[i].params.find("filtering")->second.find(R"("modified_after":")" + bookmark),
              std::string::npos)
        << log[i].params.find("filtering")->second;
    ++filtered;
  }
  EXPECT_GT(filtered, 0u);
  auto ads = ExactRecords(second, "ads", "ad_id");
  for (const std::string& id : changed) EXPECT_TRUE(ads.count(id)) << id;
  size_t untimed = 0;
  for (const sim::Entity& e : simulator_->data().ads) untimed += !e.deleted && !e.has_modify_time;
  EXPECT_LE(ads.size(), changed.size() + untimed + 3);
}

TEST_F(SyncTest, IncludeDeletedAddsDeletedObjectsWithTheirStatus) {
  TapRun run = Run(R"({"include_deleted": "true"})");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto ads = ExactRecords(run, "ads", "ad_id");
  EXPECT_EQ(ads.size(), simulator_->data().ads.size());
  size_t deleted = 0;
  for (const auto& [id, record] : ads) {
    deleted += std::string(record["operation_status"].GetString()) == "DELETE";
  }
  size_t expected = std::count_if(simulator_->data().ads.begin(), simulator_->data().ads.end(),
                                  [](const sim::Entity& e) { return e.deleted; });
  EXPECT_GT(expected, 0u);
  EXPECT_EQ(deleted, expected);
}

TEST_F(SyncTest, RequestsFollowTheApiRules) {
  TapRun run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  bool saw_top_view = false;
  for (const auto& request : simulator_->RequestLog()) {
    auto filtering = request.params.find("filtering");
    if (filtering != request.params.end() &&
        filtering->second.find("RESERVATION_TOP_VIEW") != std::string::npos) {
      saw_top_view = true;
      EXPECT_LE(std::stoi(request.params.find("page_size")->second), 100);
    }
    if (request.path.find("dmp/custom_audience") != std::string::npos) {
      EXPECT_LE(std::stoi(request.params.find("page_size")->second), 100);
    }
  }
  EXPECT_TRUE(saw_top_view);
}

TEST_F(SyncTest, SelectionDropsStreamsAndFields) {
  TapRun discover = RunTap({"--discover"}, dir_);
  ASSERT_EQ(discover.exit_code, 0);
  rapidjson::Document catalog;
  catalog.Parse(discover.out.c_str());
  auto& a = catalog.GetAllocator();
  for (auto& entry : catalog["streams"].GetArray()) {
    std::string stream = entry["stream"].GetString();
    for (auto& md : entry["metadata"].GetArray()) {
      auto& crumb = md["breadcrumb"];
      bool selected = true;
      if (crumb.Empty()) {
        selected = stream == "campaigns";
      } else {
        std::string field = crumb[1].GetString();
        selected = field != "budget" && field != "campaign_name";
      }
      md["metadata"].AddMember("selected", selected, a);
    }
  }
  TapRun run = Run("{}", {"--catalog", dir_.Write("catalog.json", ToJson(catalog))});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages m = Parse(run);
  ExpectValidSingerStream(m);
  EXPECT_EQ(m.schemas.size(), 1u);
  ASSERT_TRUE(m.schemas.count("campaigns"));
  const auto& props = m.schemas["campaigns"]["schema"]["properties"];
  EXPECT_FALSE(props.HasMember("budget"));
  EXPECT_FALSE(props.HasMember("campaign_name"));
  EXPECT_TRUE(props.HasMember("campaign_id"));
  EXPECT_TRUE(props.HasMember("modify_time"));
  ASSERT_FALSE(m.records["campaigns"].empty());
  for (const rapidjson::Value* record : m.records["campaigns"]) {
    EXPECT_FALSE(record->HasMember("budget"));
    EXPECT_FALSE(record->HasMember("campaign_name"));
  }
  for (const auto& request : simulator_->RequestLog()) {
    // Unselected streams make no calls; deselected fields are not requested.
    EXPECT_TRUE(request.path == "/open_api/v1.3/campaign/get/" ||
                request.path == "/open_api/v1.3/oauth2/advertiser/get/")
        << request.path;
    auto fields = request.params.find("fields");
    if (fields != request.params.end()) {
      EXPECT_EQ(fields->second.find("\"budget\""), std::string::npos);
      EXPECT_NE(fields->second.find("\"campaign_id\""), std::string::npos);
    }
  }
}

TEST_F(SyncTest, LegacySingerIoStateIsAccepted) {
  const auto& adv = simulator_->data().advertisers[0];
  std::string legacy = fmt::format(
      R"({{"currently_syncing":"ads","bookmarks":{{"campaigns":{{"{}":"2025-12-01T00:00:00.000000Z"}}}}}})",
      adv.id);
  TapRun run = Run("{}", {"--state", dir_.Write("state.json", legacy)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto campaigns = ExactRecords(run, "campaigns", "campaign_id");
  for (const auto& [id, record] : campaigns) {
    // Promote campaigns have no modify_time: they cannot be filtered by the bookmark.
    if (std::string(record["campaign_system_origin"].GetString()) == "PROMOTE") continue;
    EXPECT_NE(std::string(record["advertiser_id"].GetString()), adv.id);
  }
  Messages m = Parse(run);
  std::string state = ToJson(*m.last_state);
  EXPECT_NE(state.find("2025-12-01T00:00:00Z"), std::string::npos) << state;
  EXPECT_NE(state.find("\"currently_syncing\""), std::string::npos) << "unknown keys are kept";
}

TEST_F(SyncTest, SecretsNeverAppearInOutput) {
  TapRun run = Run(R"({"log_level": "debug"})");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find(config_.access_token), std::string::npos);
  EXPECT_EQ(run.err.find(config_.access_token), std::string::npos);
  EXPECT_EQ(run.out.find(config_.secret), std::string::npos);
  EXPECT_EQ(run.err.find(config_.secret), std::string::npos);
}

struct FailureCase {
  const char* name;
  std::string config;    // extra config
  std::string catalog;   // "" for none
  std::string state;     // "" for none
  const char* expected;  // a part of the CRITICAL line
};

class FailureTest : public SyncTest, public ::testing::WithParamInterface<FailureCase> {};

TEST_P(FailureTest, ExitsOneWithOneClearCriticalLine) {
  const FailureCase& c = GetParam();
  std::vector<std::string> more;
  if (!c.catalog.empty()) more = {"--catalog", dir_.Write("catalog.json", c.catalog)};
  if (!c.state.empty()) {
    more.push_back("--state");
    more.push_back(dir_.Write("state.json", c.state));
  }
  TapRun run = Run(c.config, more);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("CRITICAL"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(c.expected), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("sim-token"), std::string::npos);
  EXPECT_EQ(run.err.find("Aborted"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, FailureTest,
    ::testing::Values(
        FailureCase{"WrongToken", R"({"access_token":"nope-token"})", "", "",
                    "access token is expired, missing or invalid"},
        FailureCase{"BadStartDate", R"({"start_date":"last tuesday"})", "", "",
                    "start_date: 'last tuesday' is not a date"},
        FailureCase{"PageSize", R"({"page_size":5000})", "", "", "page_size: 5000 is out of range"},
        FailureCase{"RemoteHttp", R"({"api_base_url":"http://example.com"})", "", "",
                    "plain http is allowed only to a loopback address"},
        FailureCase{"UnknownAdvertiser", R"({"advertiser_ids":["123"]})", "", "",
                    "No permission to operate advertiser 123"},
        FailureCase{"MalformedCatalog", "{}", "{\"streams\": [", "", "is not valid JSON"},
        FailureCase{"UnknownStream", "{}",
                    R"({"streams":[{"tap_stream_id":"invoices","schema":{"properties":{}}}]})", "",
                    "catalog stream 'invoices': tap-tiktok-ads has no such stream"},
        FailureCase{"CatalogWithoutStreams", "{}", R"({"items":[]})", "",
                    "must be an object with a 'streams' array"},
        FailureCase{"MalformedState", "{}", "", "{\"bookmarks\":", "state file"},
        FailureCase{"StateWithBadBookmark", "{}", "", R"({"bookmarks":{"ads":{"123":"soon"}}})",
                    "bookmark of stream 'ads': \"soon\" is not an RFC 3339 timestamp"}),
    [](const auto& test) { return std::string(test.param.name); });

TEST_F(SyncTest, MissingConfigFileIsAClearError) {
  TapRun run = RunTap({"--config", dir_.path() + "/nope.json"}, dir_);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("cannot read config file"), std::string::npos) << run.err;
}

TEST_F(SyncTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunTap({}, dir_).exit_code, 2);
  EXPECT_EQ(RunTap({"--config"}, dir_).exit_code, 2);
  EXPECT_EQ(RunTap({"--bogus"}, dir_).exit_code, 2);
}

TEST(Discovery, MatchesTheCommittedCatalogAndNeedsNoConfig) {
  TempDir dir;
  // Meltano passes stray --catalog and --state to discovery; they must not matter.
  TapRun run = RunTap({"--discover", "--catalog", "/nonexistent", "--state", "/nonexistent"}, dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::ifstream in(std::string(TAP_SOURCE_DIR) + "/catalog/catalog.json");
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(run.out, committed.str()) << "catalog/catalog.json is stale: run `make catalog`";
}

}  // namespace
}  // namespace e2e
