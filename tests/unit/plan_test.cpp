#include "tap/plan.h"

#include <gtest/gtest.h>

#include <set>

#include "tap/json.h"

namespace tap {
namespace {

const std::vector<StreamDef>& Streams() {
  static const std::vector<StreamDef> streams = AllStreams({});
  return streams;
}

const Timestamp kNow = *ParseTimestamp("2024-07-01T12:00:00Z");

Settings MakeSettings() {
  Settings s;
  s.start_date = *ParseTimestamp("2024-01-01");
  s.page_size = 1000;
  return s;
}

// The whole plan for `ids` (the cursor drained).
std::vector<WorkUnit> Plan(const Settings& settings, const Catalog& catalog, const State& state,
                           const std::vector<std::string>& ids, const ZoneMap& zones,
                           Timestamp now) {
  PlanContext context{settings, state, ids, zones, now};
  return MakePlan(context, catalog);
}

State MakeState(const char* json) {
  auto doc = ParseJson(json, "state");
  return std::move(State::Parse(*doc)).value();
}

TEST(Plan, StartIsTheLaterOfStartDateAndBookmark) {
  Catalog catalog = DefaultCatalog(Streams());
  State state = MakeState(
      R"({"bookmarks":{"campaigns":{"1":"2024-06-01T00:00:00Z","2":"2023-01-01T00:00:00Z"}}})");
  auto plan = Plan(MakeSettings(), catalog, state, {"1", "2", "3"}, {}, kNow);
  std::map<std::string, std::string> starts;
  for (const WorkUnit& unit : plan) {
    if (unit.stream->def->name == "campaigns") {
      starts[unit.advertiser_ids[0]] = unit.start ? FormatRfc3339(*unit.start) : "everything";
    }
  }
  EXPECT_EQ(starts["1"], "2024-06-01T00:00:00Z");
  // A bookmark before start_date is still the bookmark: start_date bounds report history only.
  EXPECT_EQ(starts["2"], "2023-01-01T00:00:00Z");
  // The first run reads every object, however long ago it was last modified.
  EXPECT_EQ(starts["3"], "everything");
}

TEST(Plan, TopViewHasItsOwnRequestsWithTheLowerPageSize) {
  Catalog catalog = DefaultCatalog(Streams());
  Settings settings = MakeSettings();
  settings.include_deleted = true;
  auto plan = Plan(settings, catalog, State(), {"9"}, {}, kNow);
  const WorkUnit* ads = nullptr;
  for (const WorkUnit& unit : plan) {
    if (unit.stream->def->name == "ads") ads = &unit;
  }
  ASSERT_NE(ads, nullptr);
  ASSERT_EQ(ads->requests->series.size(), 3u);
  EXPECT_EQ(ads->Request(0).Param("filtering"),
            R"({"buying_types":["AUCTION","RESERVATION_RF"],"primary_status":"STATUS_ALL"})");
  EXPECT_EQ(ads->Request(0).Param("page_size"), "1000");
  EXPECT_EQ(ads->Request(1).Param("filtering"),
            R"({"buying_types":["RESERVATION_TOP_VIEW"],"primary_status":"STATUS_ALL"})");
  EXPECT_EQ(ads->Request(1).Param("page_size"), "100");
  // Promote objects: a request of their own, TikTok's default buying types.
  EXPECT_EQ(ads->Request(2).Param("filtering"),
            R"({"primary_status":"STATUS_ALL","campaign_system_origins":["PROMOTE"]})");
  EXPECT_EQ(ads->Request(2).Param("page_size"), "1000");
  std::vector<std::string> origins;
  for (const SeriesRequest& s : ads->requests->series) origins.push_back(s.origin);
  EXPECT_EQ(origins, (std::vector<std::string>{"TT_ADS_PLATFORM", "TT_ADS_PLATFORM", "PROMOTE"}));
  // The fields never ask for the origin: the tap writes it from the request.
  EXPECT_EQ(ads->Request(0).Param("fields").find("campaign_system_origin"), std::string::npos);
}

TEST(Plan, WithoutPromoteAdsTheRequestsAreTikToksDefaults) {
  Catalog catalog = DefaultCatalog(Streams());
  Settings settings = MakeSettings();
  settings.include_promote_ads = false;
  auto plan = Plan(settings, catalog, State(), {"9"}, {}, kNow);
  for (const WorkUnit& unit : plan) {
    if (unit.stream->def->name != "campaigns") continue;
    ASSERT_EQ(unit.requests->series.size(), 2u);
    EXPECT_EQ(unit.Request(0).Param("filtering"),
              R"({"buying_types":["AUCTION","RESERVATION_RF"]})");
  }
}

TEST(Plan, WithoutTopViewNoEntityStreamListsOrProbesTopViewCampaigns) {
  Catalog catalog = DefaultCatalog(Streams());
  Settings settings = MakeSettings();
  settings.include_topview = false;
  auto plan = Plan(settings, catalog, State(), {"9"}, {}, kNow);
  int checked = 0;
  for (const WorkUnit& unit : plan) {
    std::string_view name = unit.stream->def->name;
    if (name != "campaigns" && name != "adgroups" && name != "ads") continue;
    ++checked;
    std::vector<std::string> origins;
    for (const SeriesRequest& s : unit.requests->series) {
      origins.push_back(s.origin);
      EXPECT_EQ(s.request.Param("filtering").find("RESERVATION_TOP_VIEW"), std::string::npos);
      for (const ApiRequest& probe : s.probe) {
        EXPECT_EQ(probe.Param("filtering").find("RESERVATION_TOP_VIEW"), std::string::npos);
      }
    }
    EXPECT_EQ(origins, (std::vector<std::string>{"TT_ADS_PLATFORM", "PROMOTE"})) << name;
  }
  EXPECT_EQ(checked, 3);
}

TEST(Plan, SmartPlusObjectsAreAskedForOnlyWhereTheAdvertiserHasSmartPlusCampaigns) {
  Catalog catalog = DefaultCatalog(Streams());
  Settings settings = MakeSettings();
  settings.include_deleted = true;
  std::map<std::string, const WorkUnit*> units;
  auto plan = Plan(settings, catalog, State(), {"9"}, {}, kNow);
  for (const WorkUnit& unit : plan) units.emplace(unit.stream->def->name, &unit);
  const char* kAll = R"({"primary_status":"STATUS_ALL"})";
  const WorkUnit* campaigns = units["smart_plus_campaigns"];
  ASSERT_NE(campaigns, nullptr);
  ASSERT_EQ(campaigns->requests->series.size(), 1u);
  EXPECT_EQ(campaigns->Request(0).path, "smart_plus/campaign/get/");
  EXPECT_EQ(campaigns->Request(0).Param("page_size"), "1000");
  EXPECT_EQ(campaigns->Request(0).Param("filtering"), kAll);
  EXPECT_EQ(campaigns->Request(0).Param("fields"), "");  // every field: the endpoint's default
  EXPECT_TRUE(campaigns->requests->series[0].probe.empty());
  for (const char* name : {"smart_plus_adgroups", "smart_plus_ads"}) {
    SCOPED_TRACE(name);
    ASSERT_NE(units[name], nullptr);
    const SeriesRequest& series = units[name]->requests->series.at(0);
    ASSERT_EQ(series.probe.size(), 1u);  // the listing of Smart+ campaign ids
    EXPECT_EQ(series.probe[0].path, "smart_plus/campaign/get/");
    EXPECT_EQ(series.probe[0].Param("fields"), R"(["campaign_id"])");
    EXPECT_EQ(series.probe[0].Param("filtering"), kAll);
  }
  EXPECT_EQ(units["smart_plus_ads"]->Request(0).Param("page_size"), "100");
  EXPECT_TRUE(units["smart_plus_ads"]->stream->def->server_modified_after);
  // The report: one series (never Promote), read by the listed Smart+ ads' ids.
  const WorkUnit* report = units["smart_plus_ad_insights_daily"];
  ASSERT_NE(report, nullptr);
  ASSERT_EQ(report->requests->series.size(), 1u);
  const SeriesRequest& series = report->requests->series[0];
  EXPECT_EQ(report->Request(0).Param("dimensions"), R"(["ad_id_v2","stat_time_day"])");
  EXPECT_EQ(report->Request(0).Param("data_level"), "AUCTION_AD");
  ASSERT_EQ(series.id_requests.size(), 1u);
  EXPECT_EQ(series.id_requests[0].path, "smart_plus/ad/get/");
  EXPECT_EQ(series.id_requests[0].Param("page_size"), "100");
  EXPECT_EQ(series.probe.size(), 1u);
  EXPECT_EQ(
      series.filters,
      (std::vector<std::string>{
          R"({"field_name":"ad_status","filter_type":"IN","filter_value":"[\"STATUS_ALL\"]"})"}));
}

TEST(Plan, AdvertisersGoInBatchesOfAHundred) {
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) ids.push_back(std::to_string(1000 + i));
  Catalog catalog = DefaultCatalog(Streams());
  auto plan = Plan(MakeSettings(), catalog, State(), ids, {}, kNow);
  std::vector<size_t> batches;
  for (const WorkUnit& unit : plan) {
    if (unit.stream->def->name == "advertisers") batches.push_back(unit.advertiser_ids.size());
  }
  EXPECT_EQ(batches, (std::vector<size_t>{100, 100, 50}));
}

TEST(Plan, AudiencesUseTheirPageSizeMaximumAndNoFields) {
  Catalog catalog = DefaultCatalog(Streams());
  auto plan = Plan(MakeSettings(), catalog, State(), {"9"}, {}, kNow);
  for (const WorkUnit& unit : plan) {
    if (unit.stream->def->name != "audiences") continue;
    EXPECT_EQ(unit.Request(0).Param("page_size"), "100");
    EXPECT_EQ(unit.Request(0).Param("fields"), "");
    EXPECT_FALSE(unit.start.has_value()) << "FULL_TABLE";
  }
}

TEST(Plan, BusinessCenterStreamsAreOneUnitForTheTokenWithoutAnAdvertiser) {
  Catalog catalog = DefaultCatalog(Streams());
  for (CatalogStream& cs : catalog.streams) {
    cs.selected = cs.def->name == "business_centers" || cs.def->name == "bc_advertisers";
  }
  Settings settings = MakeSettings();
  settings.bc_ids = {"71", "72"};
  auto plan = Plan(settings, catalog, State(), {"1", "2", "3"}, {}, kNow);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].Request(0).Param("advertiser_id"), "");
  EXPECT_EQ(plan[0].Request(0).Param("advertiser_ids"), "");
  EXPECT_EQ(plan[0].Request(0).Param("page_size"), "50");
  EXPECT_EQ(plan[0].Subject(), "the token");
  // bc_advertisers: one request per configured Business Center.
  ASSERT_EQ(plan[1].requests->series.size(), 2u);
  EXPECT_EQ(plan[1].Request(1).Param("bc_id"), "72");
  EXPECT_EQ(plan[1].Request(1).Param("asset_type"), "ADVERTISER");
}

TEST(Plan, PixelStatisticsAreUtcDaysFromTheBookmarkLessTheLookback) {
  Catalog catalog = DefaultCatalog(Streams());
  for (CatalogStream& cs : catalog.streams) cs.selected = cs.def->name == "pixel_event_stats";
  Settings settings = MakeSettings();
  settings.lookback_days = 3;
  State state = MakeState(R"({"bookmarks":{"pixel_event_stats":{"9":"2024-06-20T00:00:00Z"}}})");
  // 23:30 UTC on July 1st: still July 1st in UTC, whatever the advertiser's zone.
  auto plan =
      Plan(settings, catalog, state, {"9", "10"}, {}, *ParseTimestamp("2024-07-01T23:30:00Z"));
  ASSERT_EQ(plan.size(), 1u + 7u);  // advertiser 9: 2024-06-17..07-01; 10: 183 days from 01-01
  EXPECT_EQ(FormatDay(*plan[0].first_day), "2024-06-17");
  EXPECT_EQ(FormatDay(*plan[0].last_day), "2024-07-01");
  EXPECT_EQ(FormatDay(*plan[1].first_day), "2024-01-01");
  EXPECT_EQ(FormatDay(*plan[1].last_day), "2024-01-30");  // 30-day windows
  EXPECT_EQ(FormatDay(*plan.back().last_day), "2024-07-01");
  EXPECT_EQ(plan[0].zone, nullptr);
}

TEST(Plan, UnselectedStreamsHaveNoWork) {
  Catalog catalog = DefaultCatalog(Streams());
  for (CatalogStream& cs : catalog.streams) cs.selected = cs.def->name == "ads";
  auto plan = Plan(MakeSettings(), catalog, State(), {"1", "2"}, {}, kNow);
  ASSERT_EQ(plan.size(), 2u);
  for (const WorkUnit& unit : plan) EXPECT_EQ(unit.stream->def->name, "ads");
}

TEST(RequestedFields, SelectedPlusWhatTheTapNeeds) {
  Catalog catalog = DefaultCatalog(Streams());
  CatalogStream& ads = catalog.streams[3];
  rapidjson::Document schema;
  auto parsed = ParseJson(R"({"type":"object","properties":{"ad_name":{"type":"string"}}})", "s");
  ads.schema = std::move(parsed).value();
  EXPECT_EQ(RequestedFields(ads),
            (std::vector<std::string>{"ad_name", "modify_time", "create_time", "ad_id"}));
}

}  // namespace
}  // namespace tap

namespace tap {
namespace {

Date Day(const char* text) { return *ParseDay(text); }

// The windows the plan cursor gives a daily (span 30) or hourly (span 1) report of one UTC
// advertiser from `first` to `last`.
std::vector<std::string> WindowTexts(Date first, Date last, int span) {
  static const std::vector<StreamDef> streams = AllStreams({});
  Catalog catalog = DefaultCatalog(streams);
  std::string name = span == 1 ? "ad_insights_hourly" : "ad_insights_daily";
  for (CatalogStream& cs : catalog.streams) cs.selected = cs.def->name == name;
  Settings settings;
  settings.start_date = Timestamp{first};
  settings.end_date = Timestamp{last};
  std::vector<std::string> ids = {"1"};
  State state;
  ZoneMap zones;
  PlanContext context{settings, state, ids, zones, *ParseTimestamp("2030-01-01T00:00:00Z")};
  std::vector<std::string> out;
  for (const WorkUnit& unit : MakePlan(context, catalog)) {
    out.push_back(FormatDay(*unit.first_day) + ".." + FormatDay(*unit.last_day));
  }
  return out;
}

TEST(Windows, ThirtyDaysAcrossMonthEndsAndLeapDays) {
  EXPECT_EQ(WindowTexts(Day("2024-01-15"), Day("2024-03-20"), 30),
            (std::vector<std::string>{"2024-01-15..2024-02-13", "2024-02-14..2024-03-14",
                                      "2024-03-15..2024-03-20"}));
  EXPECT_EQ(WindowTexts(Day("2024-02-28"), Day("2024-03-01"), 1),
            (std::vector<std::string>{"2024-02-28..2024-02-28", "2024-02-29..2024-02-29",
                                      "2024-03-01..2024-03-01"}));
  EXPECT_EQ(WindowTexts(Day("2023-02-28"), Day("2023-03-01"), 30),
            (std::vector<std::string>{"2023-02-28..2023-03-01"}));
  EXPECT_TRUE(WindowTexts(Day("2024-03-02"), Day("2024-03-01"), 30).empty());
}

TEST(ReportStartDay, LookbackFromTheBookmarkNeverBeforeStartDate) {
  EXPECT_EQ(FormatDay(ReportStartDay(Day("2024-01-01"), std::nullopt, 7)), "2024-01-01");
  EXPECT_EQ(FormatDay(ReportStartDay(Day("2024-01-01"), Day("2024-03-05"), 7)), "2024-02-27");
  EXPECT_EQ(FormatDay(ReportStartDay(Day("2024-03-01"), Day("2024-03-05"), 7)), "2024-03-01");
  EXPECT_EQ(FormatDay(ReportStartDay(Day("2024-01-01"), Day("2024-03-05"), 0)), "2024-03-05");
}

class ReportPlan : public ::testing::Test {
 protected:
  std::vector<const WorkUnit*> Units(const std::string& stream) {
    units_.clear();
    for (const WorkUnit& unit : plan_) {
      if (unit.stream->def->name == stream) units_.push_back(&unit);
    }
    return units_;
  }
  void Make(const Settings& settings, const State& state, Timestamp now, const ZoneMap& zones,
            const CreationMap* created = nullptr) {
    catalog_ = DefaultCatalog(Streams());
    for (CatalogStream& cs : catalog_.streams) cs.selected = cs.def->report != nullptr;
    std::vector<std::string> ids = {"1"};
    PlanContext context{settings, state, ids, zones, now, created};
    plan_ = MakePlan(context, catalog_);
  }
  Catalog catalog_;
  std::vector<WorkUnit> plan_;
  std::vector<const WorkUnit*> units_;
};

TEST_F(ReportPlan, TodayIsTodayWhereTheAdvertiserIs) {
  Settings settings = MakeSettings();
  settings.start_date = *ParseTimestamp("2024-07-01");
  ZoneMap zones;
  zones.emplace("1", std::move(TimeZone::Find("Asia/Tokyo")).value());
  // 20:00 UTC on July 1 is already July 2 in Tokyo.
  Make(settings, State(), *ParseTimestamp("2024-07-01T20:00:00Z"), zones);
  auto daily = Units("ad_insights_daily");
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(FormatDay(*daily[0]->last_day), "2024-07-02");
  auto hourly = Units("ad_insights_hourly");
  ASSERT_EQ(hourly.size(), 2u);  // one day per request
  EXPECT_EQ(FormatDay(*hourly[1]->first_day), "2024-07-02");

  ZoneMap west;
  west.emplace("1", std::move(TimeZone::Find("America/Los_Angeles")).value());
  Make(settings, State(), *ParseTimestamp("2024-07-02T03:00:00Z"), west);  // still July 1 in LA
  EXPECT_EQ(FormatDay(*Units("ad_insights_daily")[0]->last_day), "2024-07-01");
}

TEST_F(ReportPlan, NoWindowBeforeTheAdvertiserWasCreatedWhereItIs) {
  Settings settings = MakeSettings();  // from 2024-01-01; now is 2024-07-01
  ZoneMap zones;
  zones.emplace("1", std::move(TimeZone::Find("America/Los_Angeles")).value());
  // 03:00 UTC on March 20 is still March 19 in Los Angeles.
  CreationMap created{{"1", *ParseTimestamp("2024-03-20T03:00:00Z")}};
  Make(settings, State(), kNow, zones, &created);
  auto daily = Units("ad_insights_daily");
  ASSERT_EQ(daily.size(), 4u);  // 2024-03-19..2024-07-01 in 30-day windows, not 7
  EXPECT_EQ(FormatDay(*daily[0]->first_day), "2024-03-19");
  EXPECT_EQ(FormatDay(*daily[3]->last_day), "2024-07-01");
  EXPECT_EQ(Units("ad_insights_hourly").size(), 105u);  // one per day since then
  EXPECT_EQ(Units("ad_insights_lifetime").size(), 1u);  // lifetime has no days to trim

  // Created before start_date, or unknown: start_date as before.
  created["1"] = *ParseTimestamp("2023-05-01T00:00:00Z");
  Make(settings, State(), kNow, zones, &created);
  EXPECT_EQ(FormatDay(*Units("ad_insights_daily")[0]->first_day), "2024-01-01");
  Make(settings, State(), kNow, zones);
  EXPECT_EQ(Units("ad_insights_daily").size(), 7u);

  // Created after end_date: nothing to read.
  settings.end_date = *ParseTimestamp("2024-02-01");
  created["1"] = *ParseTimestamp("2024-03-01T00:00:00Z");
  Make(settings, State(), kNow, zones, &created);
  EXPECT_TRUE(Units("ad_insights_daily").empty());
}

TEST_F(ReportPlan, LookbackEndDateAndLifetime) {
  Settings settings = MakeSettings();
  State state = MakeState(R"({"bookmarks":{"ad_insights_daily":{"partitions":[
      {"context":{"advertiser_id":"1"},"replication_key":"stat_time_day","replication_key_value":"2024-06-20T00:00:00Z"}]}}})");
  Make(settings, state, kNow, {});
  auto daily = Units("ad_insights_daily");
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(FormatDay(*daily[0]->first_day), "2024-06-13");  // 7 days of lookback
  EXPECT_EQ(FormatDay(*daily[0]->last_day), "2024-07-01");
  EXPECT_EQ(daily[0]->Request(0).Param("report_type"), "BASIC");
  EXPECT_EQ(daily[0]->Request(0).Param("data_level"), "AUCTION_AD");
  EXPECT_EQ(daily[0]->Request(0).Param("dimensions"), R"(["ad_id","stat_time_day"])");

  // A backfill with an end_date before the bookmark still plans its own window.
  settings.end_date = *ParseTimestamp("2024-06-05");
  settings.lookback_days = 30;
  Make(settings, state, kNow, {});
  daily = Units("ad_insights_daily");
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(FormatDay(*daily[0]->first_day), "2024-05-21");
  EXPECT_EQ(FormatDay(*daily[0]->last_day), "2024-06-05");

  auto lifetime = Units("ad_insights_lifetime");
  ASSERT_EQ(lifetime.size(), 1u);
  EXPECT_FALSE(lifetime[0]->first_day.has_value());
  EXPECT_EQ(lifetime[0]->Request(0).Param("query_lifetime"), "true");
  EXPECT_EQ(lifetime[0]->Request(0).Param("dimensions"), R"(["ad_id"])");
}

TEST_F(ReportPlan, MetricsAreSplitIntoGroupsAndDeletedObjectsFiltered) {
  Settings settings = MakeSettings();
  settings.start_date = *ParseTimestamp("2024-06-30");
  settings.max_metrics_per_request = 10;
  settings.include_deleted = true;
  Make(settings, State(), kNow, {});
  const WorkUnit* unit = Units("adgroup_insights_daily")[0];
  size_t total = 0;
  for (const auto& group : unit->requests->metric_groups) {
    EXPECT_LE(group.size(), 10u);
    total += group.size();
  }
  EXPECT_EQ(total, SelectedMetrics(*unit->stream).size());
  EXPECT_GT(unit->requests->metric_groups.size(), 1u);
  ASSERT_EQ(unit->requests->series.size(), 2u);
  EXPECT_EQ(
      ReportFiltering(unit->requests->series[0].filters),
      R"([{"field_name":"adgroup_status","filter_type":"IN","filter_value":"[\"STATUS_ALL\"]"}])");
  // Promote rows: the same report with the origin filter (§9.1).
  EXPECT_EQ(
      ReportFiltering(unit->requests->series[1].filters),
      R"([{"field_name":"adgroup_status","filter_type":"IN","filter_value":"[\"STATUS_ALL\"]"},)"
      R"({"field_name":"campaign_system_origins","filter_type":"IN","filter_value":"[\"PROMOTE\"]"}])");
  // Their ids, for a truncated report, come from the ad group endpoint of their origin.
  ASSERT_EQ(unit->requests->series[1].id_requests.size(), 1u);
  EXPECT_EQ(unit->requests->series[1].id_requests[0].path, "adgroup/get/");
  EXPECT_EQ(unit->requests->series[1].id_requests[0].Param("fields"), R"(["adgroup_id"])");
  EXPECT_EQ(unit->requests->series[0].id_requests.size(), 2u);  // and TopView
  // Whether the advertiser has Promote objects at all: its Promote campaigns, listed once.
  ASSERT_EQ(unit->requests->series[1].probe.size(), 1u);
  EXPECT_EQ(unit->requests->series[1].probe[0].path, "campaign/get/");
  EXPECT_TRUE(unit->requests->series[0].probe.empty());
  // No status filter exists at advertiser level, and its totals include every origin.
  const WorkUnit* advertiser = Units("advertiser_insights_daily")[0];
  ASSERT_EQ(advertiser->requests->series.size(), 1u);
  EXPECT_TRUE(advertiser->requests->series[0].filters.empty());
}

TEST_F(ReportPlan, PromoteRowsAreNotAskedForWhereTikTokDoesNotSupportThem) {
  Settings settings = MakeSettings();
  settings.start_date = *ParseTimestamp("2024-06-30");
  Make(settings, State(), kNow, {});
  // BASIC breakdowns are not supported for Promote ads; AUDIENCE breakdowns are.
  EXPECT_EQ(Units("ad_insights_by_country_daily")[0]->requests->series.size(), 1u);
  EXPECT_EQ(Units("ad_insights_by_age_gender_daily")[0]->requests->series.size(), 2u);
  EXPECT_EQ(Units("campaign_insights_hourly")[0]->requests->series.size(), 2u);
}

}  // namespace
}  // namespace tap

namespace tap {
namespace {

WorkUnit Window(const char* from, const char* to) {
  WorkUnit unit;
  unit.advertiser_ids = {"1"};
  unit.first_day = *ParseDay(from);
  unit.last_day = *ParseDay(to);
  unit.order = {4};
  return unit;
}

std::string Text(const WorkUnit& u) {
  std::string order;
  for (uint32_t o : u.order) order += "." + std::to_string(o);
  return FormatDay(*u.first_day) + ".." + FormatDay(*u.last_day) + " " + order;
}

TEST(SplitWindow, HalvesOldestFirstDownToOneDay) {
  auto parts = SplitWindow(Window("2024-01-01", "2024-01-30"));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(Text(parts[0]), "2024-01-01..2024-01-15 .4.0");
  EXPECT_EQ(Text(parts[1]), "2024-01-16..2024-01-30 .4.1");
  auto two = SplitWindow(Window("2024-02-28", "2024-02-29"));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(Text(two[1]), "2024-02-29..2024-02-29 .4.1");
  EXPECT_TRUE(SplitWindow(Window("2024-02-29", "2024-02-29")).empty());
  EXPECT_TRUE(SplitWindow(WorkUnit{}).empty()) << "lifetime reports have no window";
}

TEST(SplitBatch, OneUnitPerAdvertiserInOrder) {
  WorkUnit batch;
  batch.advertiser_ids = {"a", "b", "c"};
  batch.order = {0};
  auto parts = SplitBatch(batch);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2].advertiser_ids, (std::vector<std::string>{"c"}));
  EXPECT_EQ(parts[2].order, (std::vector<uint32_t>{0, 2}));
  EXPECT_TRUE(SplitBatch(parts[0]).empty());
}

TEST(PlanCursor, UnitsAreSmallAndShareTheirStreamsRequests) {
  const std::vector<StreamDef> streams = AllStreams({});
  Catalog catalog = DefaultCatalog(streams);
  Settings settings;
  settings.start_date = *ParseTimestamp("2020-01-01");
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(std::to_string(7000 + i));
  State state;
  ZoneMap zones;
  PlanContext context{settings, state, ids, zones, *ParseTimestamp("2024-07-01T12:00:00Z")};
  PlanCursor cursor(context, catalog);
  size_t units = 0;
  std::set<std::shared_ptr<const StreamRequests>> shared;
  while (auto unit = cursor.Next()) {
    ++units;
    shared.insert(unit->requests);
  }
  // 2 advertiser batches; per advertiser 4 entity streams, 3 Smart+ and 2 GMV Max entity
  // streams, creative images and videos, pixels, 4 lifetime reports and 6 daily reports (Smart+
  // ads' and GMV Max campaigns' among them) of 55 windows each (1,644 days).
  EXPECT_EQ(units, 2u + 200u * (4u + 3u + 2u + 3u + 4u + 6u * 55u));
  EXPECT_EQ(shared.size(), 23u) << "one request set per selected stream";
  EXPECT_LE(sizeof(WorkUnit), 160u);
}

}  // namespace
}  // namespace tap
