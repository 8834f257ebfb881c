#include "tap/plan.h"

#include <gtest/gtest.h>

#include "tap/json.h"

namespace tap {
namespace {

Settings MakeSettings() {
  Settings s;
  s.start_date = *ParseTimestamp("2024-01-01");
  s.page_size = 1000;
  return s;
}

State MakeState(const char* json) {
  auto doc = ParseJson(json, "state");
  return std::move(State::Parse(*doc)).value();
}

TEST(Plan, StartIsTheLaterOfStartDateAndBookmark) {
  Catalog catalog = DefaultCatalog();
  State state = MakeState(
      R"({"bookmarks":{"campaigns":{"1":"2024-06-01T00:00:00Z","2":"2023-01-01T00:00:00Z"}}})");
  auto plan = MakePlan(MakeSettings(), catalog, state, {"1", "2", "3"});
  std::map<std::string, std::string> starts;
  for (const WorkUnit& unit : plan) {
    if (unit.stream->stream->name == "campaigns") {
      starts[unit.advertiser_ids[0]] = FormatRfc3339(*unit.start);
    }
  }
  EXPECT_EQ(starts["1"], "2024-06-01T00:00:00Z");
  EXPECT_EQ(starts["2"], "2024-01-01T00:00:00Z");
  EXPECT_EQ(starts["3"], "2024-01-01T00:00:00Z");
}

TEST(Plan, TopViewHasItsOwnRequestsWithTheLowerPageSize) {
  Catalog catalog = DefaultCatalog();
  Settings settings = MakeSettings();
  settings.include_deleted = true;
  auto plan = MakePlan(settings, catalog, State(), {"9"});
  const WorkUnit* ads = nullptr;
  for (const WorkUnit& unit : plan) {
    if (unit.stream->stream->name == "ads") ads = &unit;
  }
  ASSERT_NE(ads, nullptr);
  ASSERT_EQ(ads->series.size(), 2u);
  EXPECT_EQ(ads->series[0].Param("filtering"),
            R"({"buying_types":["AUCTION","RESERVATION_RF"],"primary_status":"STATUS_ALL"})");
  EXPECT_EQ(ads->series[0].Param("page_size"), "1000");
  EXPECT_EQ(ads->series[1].Param("filtering"),
            R"({"buying_types":["RESERVATION_TOP_VIEW"],"primary_status":"STATUS_ALL"})");
  EXPECT_EQ(ads->series[1].Param("page_size"), "100");
}

TEST(Plan, AdvertisersGoInBatchesOfAHundred) {
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) ids.push_back(std::to_string(1000 + i));
  Catalog catalog = DefaultCatalog();
  auto plan = MakePlan(MakeSettings(), catalog, State(), ids);
  std::vector<size_t> batches;
  for (const WorkUnit& unit : plan) {
    if (unit.stream->stream->name == "advertisers") batches.push_back(unit.advertiser_ids.size());
  }
  EXPECT_EQ(batches, (std::vector<size_t>{100, 100, 50}));
}

TEST(Plan, AudiencesUseTheirPageSizeMaximumAndNoFields) {
  Catalog catalog = DefaultCatalog();
  auto plan = MakePlan(MakeSettings(), catalog, State(), {"9"});
  for (const WorkUnit& unit : plan) {
    if (unit.stream->stream->name != "audiences") continue;
    EXPECT_EQ(unit.series[0].Param("page_size"), "100");
    EXPECT_EQ(unit.series[0].Param("fields"), "");
    EXPECT_FALSE(unit.start.has_value()) << "FULL_TABLE";
  }
}

TEST(Plan, UnselectedStreamsHaveNoWork) {
  Catalog catalog = DefaultCatalog();
  for (CatalogStream& cs : catalog.streams) cs.selected = cs.stream->name == "ads";
  auto plan = MakePlan(MakeSettings(), catalog, State(), {"1", "2"});
  ASSERT_EQ(plan.size(), 2u);
  for (const WorkUnit& unit : plan) EXPECT_EQ(unit.stream->stream->name, "ads");
}

TEST(RequestedFields, SelectedPlusWhatTheTapNeeds) {
  Catalog catalog = DefaultCatalog();
  CatalogStream& ads = catalog.streams[3];
  rapidjson::Document schema;
  auto parsed = ParseJson(R"({"type":"object","properties":{"ad_name":{"type":"string"}}})", "s");
  ads.schema = std::move(parsed).value();
  EXPECT_EQ(RequestedFields(ads),
            (std::vector<std::string>{"ad_name", "modify_time", "create_time", "ad_id"}));
}

}  // namespace
}  // namespace tap
