// End-to-end: report streams of the built binary against the simulator.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "tap/json.h"
#include "tap/metric_catalog.h"
#include "tap/report_streams.h"
#include "tap/time_zone.h"
#include "tests/e2e/harness.h"

namespace e2e {
namespace {

using tap::ToJson;

constexpr const char* kCustomReports = R"([
  {"name":"campaign_by_province_daily","report_type":"AUDIENCE","data_level":"AUCTION_CAMPAIGN",
   "dimensions":["campaign_id","province_id","stat_time_day"],"metrics":["spend","clicks","conversion"],
   "lookback_days":3},
  {"name":"ad_totals","report_type":"BASIC","data_level":"AUCTION_AD","dimensions":["ad_id"],
   "metrics":["spend","impressions","ctr","ad_name"],
   "filtering":[{"field_name":"ad_status","filter_type":"IN","filter_value":"[\"STATUS_ALL\"]"}]},
  {"name":"playable_campaigns_lifetime","report_type":"PLAYABLE_MATERIAL",
   "data_level":"AUCTION_CAMPAIGN","dimensions":["campaign_id"],"metrics":["spend","impressions"],
   "lifetime":true},
  {"name":"catalog_ads_daily","report_type":"CATALOG","data_level":"AUCTION_AD",
   "dimensions":["ad_id","stat_time_day"],"metrics":["spend","clicks"]},
  {"name":"shop_campaigns_daily","report_type":"TT_SHOP","data_level":"AUCTION_CAMPAIGN",
   "dimensions":["campaign_id","stat_time_day"],"metrics":["spend","billed_cost"]}])";

std::string DaysAgo(int days) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return tap::FormatDate(now - std::chrono::days{days});
}

// A record's identity: its stream's key property values.
std::string KeyOf(const rapidjson::Value& record, const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& k : keys) out += ToJson(record[k.c_str()]) + "|";
  return out;
}

class ReportTest : public ::testing::Test {
 protected:
  void Start(sim::SimConfig config) {
    config_ = config;
    simulator_ = std::make_unique<sim::Simulator>(config_);
    port_ = simulator_->Start("127.0.0.1", 0);
    ASSERT_GT(port_, 0);
  }
  void SetUp() override {
    sim::SimConfig c;
    c.advertisers = 3;  // Los Angeles, Tokyo, UTC
    c.campaigns_per_advertiser = 6;
    c.adgroups_per_campaign = 2;
    c.ads_per_adgroup = 2;
    Start(c);
  }

  TapRun Run(const std::vector<std::string>& streams, const std::string& extra = "{}",
             const std::string& state = "", bool all_fields = true) {
    std::vector<std::string> args = {
        "--config", dir_.Write("config.json", Config(port_, config_, extra)), "--catalog",
        dir_.Write("catalog.json", CatalogSelecting(streams, all_fields))};
    if (!state.empty()) {
      args.push_back("--state");
      args.push_back(dir_.Write("state.json", state));
    }
    return RunTap(args, dir_);
  }

  // What the simulator serves for every report request the tap made, replayed now, as expected
  // records by stream and key. Metric groups of one window merge into one record.
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> Expected(
      const std::vector<tap::ReportStream>& custom, size_t first_request = 0) {
    std::map<std::string, const tap::ReportStream*> by_query;
    auto index = [&](const tap::ReportStream& r) {
      by_query[r.report_type + "|" + std::string(r.level->data_level) + "|" +
               tap::JsonStringArray(r.dimensions)] = &r;
    };
    for (const auto& r : tap::BuiltinReportStreams()) index(r);
    for (const auto& r : custom) index(r);
    std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> out;
    auto log = simulator_->RequestLog();
    for (size_t i = first_request; i < log.size(); ++i) {
      const auto& request = log[i];
      if (request.path != "/open_api/v1.3/report/integrated/get/") continue;
      auto get = [&](const char* k) {
        auto it = request.params.find(k);
        return it == request.params.end() ? std::string() : it->second;
      };
      const tap::ReportStream* stream =
          by_query.at(get("report_type") + "|" + get("data_level") + "|" + get("dimensions"));
      if (stream->granularity == tap::Granularity::kLifetime && get("query_lifetime") != "true") {
        continue;
      }
      if (stream->granularity != tap::Granularity::kLifetime && get("query_lifetime") == "true") {
        for (const auto& r : tap::BuiltinReportStreams()) {
          if (r.report_type == stream->report_type && r.level == stream->level &&
              r.granularity == tap::Granularity::kLifetime && r.dimensions == stream->dimensions) {
            stream = &r;
          }
        }
      }
      sim::Reply reply =
          simulator_->Handle("GET", request.path, request.params, config_.access_token, true);
      rapidjson::Document body;
      body.Parse<rapidjson::kParseNumbersAsStringsFlag>(reply.body.c_str());
      if (std::string(body["code"].GetString()) != "0") continue;  // e.g. 40067, retried smaller
      std::string advertiser = get("advertiser_id");
      const sim::Advertiser* adv = nullptr;
      for (const auto& a : simulator_->data().advertisers) {
        if (a.id == advertiser) adv = &a;
      }
      tap::TimeZone zone = std::move(tap::TimeZone::Find(adv->display_timezone)).value();
      for (const auto& row : body["data"]["list"].GetArray()) {
        std::map<std::string, std::string> flat;
        flat["advertiser_id"] = ToJson(rapidjson::Value(advertiser.c_str(), body.GetAllocator()));
        for (const auto& d : row["dimensions"].GetObject()) {
          std::string v = d.value.GetString();
          std::string name = d.name.GetString();
          if (name == "stat_time_day") v = v.substr(0, 10);
          if (name == "stat_time_hour") {
            v = zone.FormatLocal(
                std::chrono::local_seconds{tap::ParseTimestamp(v)->time_since_epoch()});
          }
          flat[name] = tap::JsonQuote(v);
        }
        std::string key;
        for (const std::string& k : stream->KeyProperties()) key += flat[k] + "|";
        auto& record = out[stream->name][key];
        for (const auto& [k, v] : flat) record[k] = v;
        for (const auto& m : row["metrics"].GetObject()) {
          std::string v = m.value.GetString();
          const tap::MetricInfo* info = tap::MetricCatalog::Get().Metric(m.name.GetString());
          std::string type = info ? (*info->schema)["type"].GetString() : "string";
          if (type != "string" && (v == "-" || v.empty())) {
            record[m.name.GetString()] = "null";
          } else if (type == "integer" || type == "number") {
            record[m.name.GetString()] = v;  // the exact token
          } else if (type == "boolean") {
            record[m.name.GetString()] = v == "true" || v == "1" ? "true" : "false";
          } else {
            record[m.name.GetString()] = tap::JsonQuote(v);
          }
        }
      }
    }
    return out;
  }

  // The emitted records of `run`, by stream and key, each property as its exact JSON text.
  static std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> Emitted(
      const TapRun& run) {
    std::map<std::string, std::vector<std::string>> keys;
    std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> out;
    for (const std::string& line : run.lines) {
      rapidjson::Document doc;
      doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(line.c_str());
      std::string type = doc["type"].GetString();
      if (type == "SCHEMA") {
        std::vector<std::string>& k = keys[doc["stream"].GetString()];
        k.clear();
        for (const auto& key : doc["key_properties"].GetArray()) k.emplace_back(key.GetString());
      } else if (type == "RECORD") {
        std::string stream = doc["stream"].GetString();
        std::string key = KeyOf(doc["record"], keys[stream]);
        auto& record = out[stream][key];
        EXPECT_TRUE(record.empty()) << stream << " " << key << " emitted twice";
        for (const auto& m : doc["record"].GetObject()) {
          // Numbers were read as strings: unquote them back to their token.
          record[m.name.GetString()] = ToJson(m.value);
        }
      }
    }
    return out;
  }

  // Every emitted record equals what the simulator served, metric by metric, and none is missing.
  void ExpectSameAsServed(const TapRun& run, const std::vector<tap::ReportStream>& custom = {},
                          size_t first_request = 0) {
    auto expected = Expected(custom, first_request);
    auto emitted = Emitted(run);
    Messages messages = Parse(run);
    for (const auto& [stream, records] : expected) {
      SCOPED_TRACE(stream);
      ASSERT_TRUE(emitted.count(stream)) << "no records";
      EXPECT_EQ(emitted[stream].size(), records.size());
      const auto& props = messages.schemas[stream]["schema"]["properties"];
      size_t checked = 0;
      for (const auto& [key, want] : records) {
        auto it = emitted[stream].find(key);
        ASSERT_NE(it, emitted[stream].end()) << key << " missing";
        for (const auto& p : props.GetObject()) {
          std::string name = p.name.GetString();
          std::string got = it->second[name];
          auto w = want.find(name);
          std::string expected_text = w == want.end() ? "null" : w->second;
          bool numeric = ToJson(p.value["type"]).find("number") != std::string::npos ||
                         ToJson(p.value["type"]).find("integer") != std::string::npos;
          if (numeric && got != "null") got = got.substr(1, got.size() - 2);  // read as string
          if (got != expected_text && ++checked < 20) {
            ADD_FAILURE() << key << "." << name << ": emitted " << got << ", served "
                          << expected_text;
          }
        }
      }
    }
  }

  sim::SimConfig config_;
  std::unique_ptr<sim::Simulator> simulator_;
  int port_ = 0;
  TempDir dir_;
};

std::vector<std::string> AllReportStreams() {
  std::vector<std::string> names;
  for (const auto& r : tap::BuiltinReportStreams()) names.push_back(r.name);
  names.push_back("campaign_by_province_daily");
  names.push_back("ad_totals");
  names.push_back("playable_campaigns_lifetime");
  names.push_back("catalog_ads_daily");
  names.push_back("shop_campaigns_daily");
  return names;
}

std::vector<tap::ReportStream> CustomStreams() {
  auto doc = tap::ParseJson(kCustomReports, "custom");
  return std::move(tap::ParseCustomReports(*doc, nullptr)).value();
}

TEST_F(ReportTest, EveryReportStreamEqualsWhatTheSimulatorServes) {
  std::string extra =
      fmt::format(R"({{"start_date":"{}","custom_reports":{}}})", DaysAgo(33), kCustomReports);
  // Discovery with the config lists the custom reports; the catalog selects all 34 streams.
  std::vector<std::string> streams = AllReportStreams();
  std::vector<std::string> args = {
      "--config", dir_.Write("config.json", Config(port_, config_, extra)), "--discover"};
  TapRun discover = RunTap(args, dir_);
  ASSERT_EQ(discover.exit_code, 0) << discover.err;
  EXPECT_NE(discover.out.find("\"campaign_by_province_daily\""), std::string::npos);

  std::string catalog = discover.out;
  rapidjson::Document doc;
  doc.Parse(catalog.c_str());
  for (auto& entry : doc["streams"].GetArray()) {
    bool selected =
        std::find(streams.begin(), streams.end(), entry["stream"].GetString()) != streams.end();
    entry["metadata"][0]["metadata"].AddMember("selected", selected, doc.GetAllocator());
  }
  TapRun run = RunTap({"--config", dir_.path() + "/config.json", "--catalog",
                       dir_.Write("catalog.json", ToJson(doc))},
                      dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages messages = Parse(run);
  ExpectValidSingerStream(messages);
  EXPECT_EQ(messages.schemas.size(), 34u);
  // TT_SHOP takes no filter at all, and only BASIC and AUDIENCE reports have Promote rows.
  size_t others = 0;
  for (const auto& request : simulator_->RequestLog()) {
    auto type = request.params.find("report_type");
    if (type == request.params.end() || type->second == "BASIC" || type->second == "AUDIENCE") {
      continue;
    }
    ++others;
    auto filtering = request.params.find("filtering");
    if (type->second == "TT_SHOP") {
      EXPECT_EQ(filtering, request.params.end());
    }
    if (filtering != request.params.end()) {
      EXPECT_EQ(filtering->second.find("campaign_system_origins"), std::string::npos);
    }
  }
  EXPECT_GT(others, 0u);
  for (const std::string& stream : streams) {
    EXPECT_FALSE(messages.records[stream].empty()) << stream << " has no records";
  }
  ExpectSameAsServed(run, CustomStreams());

  // Hourly times carry the advertiser's offset; lifetime streams keep no bookmark.
  const auto& ads = simulator_->data().advertisers;
  for (const rapidjson::Value* record : messages.records["campaign_insights_hourly"]) {
    std::string hour = (*record)["stat_time_hour"].GetString();
    std::string adv = (*record)["advertiser_id"].GetString();
    std::string zone = adv == ads[0].id   ? "America/Los_Angeles"
                       : adv == ads[1].id ? "Asia/Tokyo"
                                          : "UTC";
    std::string offset = hour.substr(19);
    if (zone == "Asia/Tokyo") {
      EXPECT_EQ(offset, "+09:00") << hour;
    } else if (zone == "UTC") {
      EXPECT_EQ(offset, "Z") << hour;
    } else {
      EXPECT_TRUE(offset == "-07:00" || offset == "-08:00") << hour;
    }
  }
  std::string state = ToJson(*messages.last_state);
  EXPECT_NE(state.find("\"ad_insights_daily\""), std::string::npos);
  EXPECT_EQ(state.find("\"ad_insights_lifetime\""), std::string::npos) << state;
}

TEST_F(ReportTest, ManyMetricsAreSplitOverRequestsAndMerged) {
  std::string extra =
      fmt::format(R"({{"start_date":"{}","max_metrics_per_request":40}})", DaysAgo(5));
  TapRun run = Run({"ad_insights_daily"}, extra);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Messages messages = Parse(run);
  ExpectValidSingerStream(messages);
  size_t properties = messages.schemas["ad_insights_daily"]["schema"]["properties"].MemberCount();
  EXPECT_GT(properties, 500u) << "every field selected";
  for (const auto& request : simulator_->RequestLog()) {
    auto metrics = request.params.find("metrics");
    if (metrics == request.params.end()) continue;
    rapidjson::Document list;
    list.Parse(metrics->second.c_str());
    EXPECT_LE(list.Size(), 40u);
  }
  ExpectSameAsServed(run);
}

// One advertiser with 120 ads: a 30-day window of every metric is more than one merge holds.
class LargeReportTest : public ReportTest {
 protected:
  void SetUp() override {
    sim::SimConfig c;
    c.advertisers = 1;
    c.campaigns_per_advertiser = 10;
    c.adgroups_per_campaign = 3;
    c.ads_per_adgroup = 4;
    Start(c);
  }
};

TEST_F(LargeReportTest, WindowsAreMergedInSlicesOfIdsAndDays) {
  // Every metric (9 groups of up to 100): the window is read by id batches and day slices.
  std::string extra = fmt::format(R"({{"start_date":"{}"}})", DaysAgo(40));
  TapRun all = Run({"ad_insights_daily"}, extra);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  size_t filtered = 0;
  for (const auto& request : simulator_->RequestLog()) {
    auto filtering = request.params.find("filtering");
    if (filtering == request.params.end() ||
        filtering->second.find("ad_ids") == std::string::npos) {
      continue;
    }
    ++filtered;
    rapidjson::Document f;
    f.Parse(filtering->second.c_str());
    rapidjson::Document ids;
    ids.Parse(f[0]["filter_value"].GetString());
    EXPECT_LE(ids.Size(), 100u);
  }
  EXPECT_GT(filtered, 0u) << "the window was merged whole";
  ExpectSameAsServed(all);
  // The same rows as one unsplit request per window gives.
  TapRun plain = Run({"ad_insights_daily"}, extra, "", false);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  std::set<std::string> merged_keys, plain_keys;
  auto merged = Emitted(all), unsplit = Emitted(plain);
  for (const auto& [key, record] : merged["ad_insights_daily"]) merged_keys.insert(key);
  for (const auto& [key, record] : unsplit["ad_insights_daily"]) plain_keys.insert(key);
  EXPECT_EQ(merged_keys, plain_keys);
  EXPECT_EQ(Parse(all).records["ad_insights_daily"].size(), merged_keys.size()) << "duplicates";
}

TEST_F(ReportTest, NoReportWindowBeforeTheAdvertiserWasCreated) {
  // The simulated advertisers were created in 2022: from 2021 on, a year of windows is empty.
  TapRun run = Run({"advertiser_insights_daily"}, R"({"start_date":"2021-01-01"})");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("3 advertiser(s) were created after start_date"), std::string::npos);
  std::map<std::string, std::string> first_asked;  // advertiser -> earliest start_date asked
  for (const auto& request : simulator_->RequestLog()) {
    if (request.path != "/open_api/v1.3/report/integrated/get/") continue;
    std::string& first = first_asked[request.params.find("advertiser_id")->second];
    std::string start = request.params.find("start_date")->second;
    if (first.empty() || start < first) first = start;
  }
  ASSERT_EQ(first_asked.size(), 3u);
  for (const sim::Advertiser& adv : simulator_->data().advertisers) {
    tap::TimeZone zone = std::move(tap::TimeZone::Find(adv.display_timezone)).value();
    std::string created =
        tap::FormatDay(zone.LocalDate(tap::Timestamp{std::chrono::seconds{adv.create_time}}));
    EXPECT_GT(created, "2021-12-31") << adv.id;
    EXPECT_EQ(first_asked[adv.id], created) << adv.id;
  }
  ExpectSameAsServed(run);
}

TEST_F(ReportTest, LookbackRunDeliversRestatedValues) {
  std::string extra = fmt::format(R"({{"start_date":"{}","lookback_days":7}})", DaysAgo(20));
  TapRun first = Run({"advertiser_insights_daily"}, extra);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  Messages m1 = Parse(first);
  auto before = Emitted(first)["advertiser_insights_daily"];

  simulator_->Restate();  // TikTok attributes more conversions to recent days
  size_t from = simulator_->RequestLog().size();
  TapRun second = Run({"advertiser_insights_daily"}, extra, ToJson(*m1.last_state));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  ExpectSameAsServed(second, {}, from);
  auto after = Emitted(second)["advertiser_insights_daily"];
  ASSERT_FALSE(after.empty());
  size_t changed = 0;
  std::string oldest = "9999";
  for (const auto& [key, record] : after) {
    oldest = std::min(oldest, record.at("stat_time_day"));
    changed += before.count(key) && before.at(key).at("conversion") != record.at("conversion");
  }
  EXPECT_GT(changed, 0u) << "restated conversions were re-read";
  EXPECT_GE(oldest, "\"" + DaysAgo(8) + "\"") << "only the lookback window is re-read";
  EXPECT_LT(after.size(), before.size());
}

TEST_F(ReportTest, ResumingFromAnyStateLeavesNoGap) {
  // One worker: units end in plan order, so each one's commit writes its own STATE (with more,
  // units that end together share one, and the number of resume points depends on timing).
  std::string extra = fmt::format(
      R"({{"start_date":"{}","end_date":"{}","lookback_days":0,"max_concurrency":1}})", DaysAgo(75),
      DaysAgo(2));  // end_date pinned: the compared runs may straddle a midnight
  TapRun clean = Run({"campaign_insights_daily"}, extra);
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  auto all = Emitted(clean)["campaign_insights_daily"];
  ASSERT_GT(all.size(), 10u);

  // Replay the clean run's output up to each STATE, as if the run had been killed there.
  std::set<std::string> seen;
  std::vector<std::string> schema_keys;
  int states = 0;
  for (const std::string& line : clean.lines) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(line.c_str());
    std::string type = doc["type"].GetString();
    if (type == "SCHEMA") {
      for (const auto& k : doc["key_properties"].GetArray())
        schema_keys.emplace_back(k.GetString());
    } else if (type == "RECORD") {
      seen.insert(KeyOf(doc["record"], schema_keys));
    } else if (type == "STATE" && ++states % 2 == 1) {
      TapRun resumed = Run({"campaign_insights_daily"}, extra, ToJson(doc["value"]));
      ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
      std::set<std::string> covered = seen;
      auto emitted = Emitted(resumed);
      for (const auto& [key, record] : emitted["campaign_insights_daily"]) covered.insert(key);
      for (const auto& [key, record] : all) {
        EXPECT_TRUE(covered.count(key)) << "gap after STATE #" << states << ": " << key;
      }
    }
  }
  EXPECT_GT(states, 4);
}

TEST_F(ReportTest, QueryTooLargeHalvesTheWindow) {
  // end_date pinned: without it a run that crosses midnight in an advertiser's zone (08:00 UTC
  // for Los Angeles) reads one day more than the run it is compared with.
  std::string extra =
      fmt::format(R"({{"start_date":"{}","end_date":"{}"}})", DaysAgo(40), DaysAgo(2));
  TapRun clean = Run({"ad_insights_daily"}, extra);
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  auto expected = Emitted(clean)["ad_insights_daily"];

  sim::SimConfig strict = config_;
  strict.max_report_rows = 12;
  simulator_->Stop();
  Start(strict);
  TapRun halved = Run({"ad_insights_daily"}, extra);
  ASSERT_EQ(halved.exit_code, 0) << halved.err;
  EXPECT_NE(halved.err.find("was too large for TikTok (40067); halving it"), std::string::npos);
  auto got = Emitted(halved)["ad_insights_daily"];
  EXPECT_EQ(got.size(), expected.size());
  for (const auto& [key, record] : expected) EXPECT_TRUE(got.count(key)) << key;

  strict.max_report_rows = 0;  // even one day is too large
  simulator_->Stop();
  Start(strict);
  TapRun failed = Run({"ad_insights_daily"}, extra);
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("CRITICAL TikTok API error 40067"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("select fewer metrics"), std::string::npos) << failed.err;
}

TEST_F(ReportTest, IncludeDeletedKeepsSpendOfDeletedAds) {
  std::string start = DaysAgo(700);
  TapRun live = Run({"ad_insights_lifetime"}, fmt::format(R"({{"start_date":"{}"}})", start));
  TapRun all = Run({"ad_insights_lifetime"},
                   fmt::format(R"({{"start_date":"{}","include_deleted":true}})", start));
  ASSERT_EQ(live.exit_code, 0) << live.err;
  ASSERT_EQ(all.exit_code, 0) << all.err;
  size_t deleted = std::count_if(simulator_->data().ads.begin(), simulator_->data().ads.end(),
                                 [](const sim::Entity& e) { return e.deleted; });
  ASSERT_GT(deleted, 0u);
  EXPECT_EQ(Emitted(all)["ad_insights_lifetime"].size(),
            Emitted(live)["ad_insights_lifetime"].size() + deleted);
}

}  // namespace
}  // namespace e2e
