#include "tap/catalog.h"

#include <gtest/gtest.h>

#include "tap/json.h"

namespace tap {
namespace {

const std::vector<StreamDef>& Streams() {
  static const std::vector<StreamDef> streams = AllStreams({});
  return streams;
}

const rapidjson::Value* StreamEntry(const rapidjson::Document& catalog, std::string_view name) {
  for (const auto& entry : catalog["streams"].GetArray()) {
    if (name == entry["tap_stream_id"].GetString()) return &entry;
  }
  return nullptr;
}

const rapidjson::Value* Md(const rapidjson::Value& entry, std::vector<std::string> crumb) {
  for (const auto& m : entry["metadata"].GetArray()) {
    std::vector<std::string> got;
    for (const auto& part : m["breadcrumb"].GetArray()) got.emplace_back(part.GetString());
    if (got == crumb) return &m["metadata"];
  }
  return nullptr;
}

TEST(Discover, EveryEntityStreamWithStandardMetadata) {
  rapidjson::Document catalog = DiscoverCatalog(Streams());
  ASSERT_EQ(catalog["streams"].Size(), 20u + 33u);
  for (const char* name :
       {"advertisers", "campaigns", "adgroups", "ads", "audiences", "smart_plus_campaigns",
        "smart_plus_adgroups", "smart_plus_ads", "gmv_max_stores", "gmv_max_campaigns"}) {
    const rapidjson::Value* entry = StreamEntry(catalog, name);
    ASSERT_NE(entry, nullptr) << name;
    const rapidjson::Value* top = Md(*entry, {});
    ASSERT_NE(top, nullptr);
    EXPECT_TRUE((*top)["selected-by-default"].GetBool());
    EXPECT_STREQ((*top)["inclusion"].GetString(), "available");
    EXPECT_TRUE(top->HasMember("table-key-properties"));
    EXPECT_TRUE(top->HasMember("forced-replication-method"));
    // Every property has exactly one entry.
    EXPECT_EQ((*entry)["metadata"].Size(), (*entry)["schema"]["properties"].MemberCount() + 1);
  }
  const rapidjson::Value& campaigns = *StreamEntry(catalog, "campaigns");
  EXPECT_STREQ((*Md(campaigns, {}))["forced-replication-method"].GetString(), "INCREMENTAL");
  EXPECT_STREQ((*Md(campaigns, {}))["valid-replication-keys"][0].GetString(), "modify_time");
  EXPECT_STREQ((*Md(campaigns, {"properties", "campaign_id"}))["inclusion"].GetString(),
               "automatic");
  EXPECT_STREQ((*Md(campaigns, {"properties", "modify_time"}))["inclusion"].GetString(),
               "automatic");
  EXPECT_STREQ((*Md(campaigns, {"properties", "budget"}))["inclusion"].GetString(), "available");
  const rapidjson::Value& advertisers = *StreamEntry(catalog, "advertisers");
  EXPECT_STREQ((*Md(advertisers, {}))["forced-replication-method"].GetString(), "FULL_TABLE");
  const rapidjson::Value& audiences = *StreamEntry(catalog, "audiences");
  EXPECT_EQ(audiences["key_properties"].Size(), 2u);
}

TEST(Discover, LibraryPixelAndBusinessCenterStreamsCarryTheirKeysAndDefaults) {
  rapidjson::Document catalog = DiscoverCatalog(Streams());
  struct Expected {
    const char* name;
    std::vector<std::string> keys;
    const char* method;
    bool by_default;
  };
  for (const Expected& e : {
           Expected{"creative_images", {"advertiser_id", "image_id"}, "INCREMENTAL", true},
           Expected{"creative_videos", {"advertiser_id", "video_id"}, "INCREMENTAL", true},
           Expected{"creative_music", {"advertiser_id", "music_id"}, "INCREMENTAL", false},
           Expected{"creative_portfolios",
                    {"advertiser_id", "creative_portfolio_id"},
                    "FULL_TABLE",
                    false},
           Expected{"spark_ads_posts", {"advertiser_id", "item_id"}, "FULL_TABLE", false},
           Expected{"identities", {"advertiser_id", "identity_id"}, "FULL_TABLE", false},
           Expected{"pixels", {"advertiser_id", "pixel_id"}, "FULL_TABLE", true},
           Expected{"pixel_event_stats",
                    {"advertiser_id", "pixel_id", "stat_date", "event_type"},
                    "INCREMENTAL",
                    false},
           Expected{"business_centers", {"bc_id"}, "FULL_TABLE", false},
           Expected{"bc_advertisers", {"bc_id", "advertiser_id"}, "FULL_TABLE", false},
       }) {
    const rapidjson::Value* entry = StreamEntry(catalog, e.name);
    ASSERT_NE(entry, nullptr) << e.name;
    const rapidjson::Value& top = *Md(*entry, {});
    std::vector<std::string> keys;
    for (const auto& k : top["table-key-properties"].GetArray()) keys.emplace_back(k.GetString());
    EXPECT_EQ(keys, e.keys) << e.name;
    EXPECT_STREQ(top["forced-replication-method"].GetString(), e.method) << e.name;
    EXPECT_EQ(top["selected-by-default"].GetBool(), e.by_default) << e.name;
    for (const std::string& k : e.keys) {
      EXPECT_STREQ((*Md(*entry, {"properties", k}))["inclusion"].GetString(), "automatic")
          << e.name << "." << k;
    }
  }
  const rapidjson::Value& stats = *StreamEntry(catalog, "pixel_event_stats");
  EXPECT_STREQ((*Md(stats, {}))["valid-replication-keys"][0].GetString(), "stat_date");
  EXPECT_STREQ(stats["schema"]["properties"]["stat_date"]["format"].GetString(), "date");
}

TEST(Discover, IdsAreStringsAndKeysAreNotNullable) {
  rapidjson::Document catalog = DiscoverCatalog(Streams());
  for (const auto& entry : catalog["streams"].GetArray()) {
    const auto& props = entry["schema"]["properties"];
    for (const auto& key : entry["key_properties"].GetArray()) {
      EXPECT_STREQ(props[key]["type"].GetString(), "string") << key.GetString();
    }
    for (const auto& p : props.GetObject()) {
      std::string name = p.name.GetString();
      if (name.size() > 3 && name.compare(name.size() - 3, 3, "_id") == 0) {
        EXPECT_NE(ToJson(p.value["type"]).find("string"), std::string::npos) << name;
      }
    }
  }
}

rapidjson::Document Select(const std::string& stream, const std::vector<std::string>& off,
                           bool stream_selected = true) {
  rapidjson::Document catalog = DiscoverCatalog(Streams());
  auto& a = catalog.GetAllocator();
  for (auto& entry : catalog["streams"].GetArray()) {
    bool mine = stream == entry["tap_stream_id"].GetString();
    for (auto& m : entry["metadata"].GetArray()) {
      bool selected = mine && stream_selected;
      if (!m["breadcrumb"].Empty()) {
        std::string field = m["breadcrumb"][1].GetString();
        selected = std::find(off.begin(), off.end(), field) == off.end();
      }
      m["metadata"].AddMember("selected", selected, a);
    }
  }
  return catalog;
}

TEST(ParseCatalog, SelectionOfStreamsAndFields) {
  rapidjson::Document doc = Select("ads", {"ad_text", "ad_id", "modify_time"});
  auto catalog = ParseCatalog(doc, Streams(), nullptr);
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  for (const CatalogStream& cs : catalog->streams) {
    EXPECT_EQ(cs.selected, cs.def->name == "ads") << cs.def->name;
  }
  const CatalogStream& ads = catalog->streams[3];
  ASSERT_EQ(ads.def->name, "ads");
  auto names = ads.PropertyNames();
  EXPECT_EQ(std::count(names.begin(), names.end(), "ad_text"), 0);
  // Automatic fields survive deselection: keys and the replication key.
  EXPECT_EQ(std::count(names.begin(), names.end(), "ad_id"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "modify_time"), 1);
}

TEST(ParseCatalog, UserSchemaOverridesAreKept) {
  rapidjson::Document doc = Select("campaigns", {});
  for (auto& entry : doc["streams"].GetArray()) {
    if (std::string("campaigns") == entry["tap_stream_id"].GetString()) {
      entry["schema"]["properties"]["budget"].SetObject();
      entry["schema"]["properties"]["budget"].AddMember("type", "string", doc.GetAllocator());
    }
  }
  auto catalog = ParseCatalog(doc, Streams(), nullptr);
  ASSERT_TRUE(catalog.ok());
  EXPECT_STREQ(catalog->streams[1].schema["properties"]["budget"]["type"].GetString(), "string");
}

TEST(ParseCatalog, NestedFieldsCanBeDeselected) {
  rapidjson::Document doc = Select("adgroups", {});
  auto& a = doc.GetAllocator();
  for (auto& entry : doc["streams"].GetArray()) {
    if (std::string("adgroups") != entry["tap_stream_id"].GetString()) continue;
    rapidjson::Value crumb(rapidjson::kArrayType);
    for (const char* part :
         {"properties", "targeting_expansion", "properties", "expansion_types"}) {
      crumb.PushBack(rapidjson::StringRef(part), a);
    }
    rapidjson::Value md(rapidjson::kObjectType);
    md.AddMember("selected", false, a);
    rapidjson::Value e(rapidjson::kObjectType);
    e.AddMember("breadcrumb", crumb, a);
    e.AddMember("metadata", md, a);
    entry["metadata"].PushBack(e, a);
  }
  auto catalog = ParseCatalog(doc, Streams(), nullptr);
  ASSERT_TRUE(catalog.ok());
  const auto& te = catalog->streams[2].schema["properties"]["targeting_expansion"]["properties"];
  EXPECT_TRUE(te.HasMember("expansion_enabled"));
  EXPECT_FALSE(te.HasMember("expansion_types"));
}

TEST(ParseCatalog, StreamsWithoutMetadataAreSelectedAndMissingOnesAreNot) {
  auto doc = ParseJson(R"({"streams":[{"tap_stream_id":"ads","schema":{"type":"object",
      "properties":{"ad_id":{"type":"string"},"modify_time":{"type":"string"}}}}]})",
                       "catalog");
  auto catalog = ParseCatalog(*doc, Streams(), nullptr);
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  for (const CatalogStream& cs : catalog->streams) {
    EXPECT_EQ(cs.selected, cs.def->name == "ads");
  }
}

TEST(ParseCatalog, LegacySelectedFlagsAndStrings) {
  auto doc = ParseJson(R"({"streams":[
      {"tap_stream_id":"campaigns","selected":true,"schema":{"properties":{"campaign_id":{"type":"string"}}},
       "metadata":[{"breadcrumb":[],"metadata":{"inclusion":"available"}}]},
      {"tap_stream_id":"ads","schema":{"properties":{"ad_id":{"type":"string"}}},
       "metadata":[{"breadcrumb":[],"metadata":{"selected":"true"}}]}]})",
                       "catalog");
  auto catalog = ParseCatalog(*doc, Streams(), nullptr);
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  EXPECT_TRUE(catalog->streams[1].selected);
  EXPECT_TRUE(catalog->streams[3].selected);
}

TEST(ParseCatalog, FullTableOverrideOfAnIncrementalStream) {
  rapidjson::Document doc = Select("campaigns", {});
  for (auto& entry : doc["streams"].GetArray()) {
    entry["metadata"][0]["metadata"].AddMember("replication-method", "FULL_TABLE",
                                               doc.GetAllocator());
  }
  std::vector<std::string> warnings;
  auto catalog = ParseCatalog(doc, Streams(), &warnings);
  ASSERT_TRUE(catalog.ok());
  EXPECT_FALSE(catalog->streams[1].incremental());
}

TEST(ParseCatalog, Errors) {
  struct Case {
    const char* json;
    const char* message;
  };
  for (
      const Case& c : {
          Case{R"([])", "'streams' array"},
          Case{R"({"streams":[{"schema":{}}]})", "'tap_stream_id'"},
          Case{R"({"streams":[{"tap_stream_id":"invoices","schema":{"properties":{}}}]})",
               "catalog stream 'invoices': tap-tiktok-ads has no such stream"},
          Case{R"({"streams":[{"tap_stream_id":"ads","schema":{"type":"object"}}]})",
               "catalog stream 'ads': 'schema' must be a JSON Schema object with 'properties'"},
          Case{R"({"streams":[{"tap_stream_id":"ads","schema":{"properties":{}}}]})",
               "the schema lacks the key property 'ad_id'"},
          Case{
              R"({"streams":[{"tap_stream_id":"ads","metadata":{},"schema":{"properties":{"ad_id":{}}}}]})",
              "'metadata' must be an array"},
          Case{
              R"({"streams":[{"tap_stream_id":"ads","metadata":[{"breadcrumb":"x"}],"schema":{"properties":{"ad_id":{}}}}]})",
              "every metadata entry needs"},
      }) {
    auto doc = ParseJson(c.json, "catalog");
    ASSERT_TRUE(doc.ok());
    auto catalog = ParseCatalog(*doc, Streams(), nullptr);
    ASSERT_FALSE(catalog.ok()) << c.json;
    EXPECT_EQ(catalog.status().kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(catalog.status().message().find(c.message), std::string::npos)
        << catalog.status().message();
  }
}

}  // namespace
}  // namespace tap
