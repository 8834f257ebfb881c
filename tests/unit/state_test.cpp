#include "tap/state.h"

#include <gtest/gtest.h>

#include "tap/json.h"

namespace tap {
namespace {

State Parse(const char* json) {
  auto doc = ParseJson(json, "state");
  EXPECT_TRUE(doc.ok());
  auto state = State::Parse(*doc);
  EXPECT_TRUE(state.ok()) << state.status().message();
  return std::move(state).value();
}

std::string Bookmark(const State& s, const char* stream, const char* advertiser) {
  auto t = s.Bookmark(stream, advertiser);
  return t ? FormatRfc3339(*t) : "none";
}

TEST(State, EmptyStateHasNoBookmarksAndWritesItselfBack) {
  State s = Parse("{}");
  EXPECT_EQ(Bookmark(s, "ads", "1"), "none");
  EXPECT_EQ(s.ToJson(), "{}");
}

TEST(State, SdkPartitions) {
  State s = Parse(R"({"bookmarks":{"ads":{"partitions":[
      {"context":{"advertiser_id":"1"},"replication_key":"modify_time","replication_key_value":"2024-03-01T10:15:00+00:00"},
      {"context":{"advertiser_id":"2"},"replication_key":"modify_time","replication_key_value":null}]}}})");
  EXPECT_EQ(Bookmark(s, "ads", "1"), "2024-03-01T10:15:00Z");
  EXPECT_EQ(Bookmark(s, "ads", "2"), "none");
}

TEST(State, SdkStreamWideBookmarkAppliesToEveryAdvertiser) {
  State s = Parse(
      R"({"bookmarks":{"campaigns":{"replication_key":"modify_time","replication_key_value":"2024-01-01T00:00:00Z"}}})");
  EXPECT_EQ(Bookmark(s, "campaigns", "42"), "2024-01-01T00:00:00Z");
}

TEST(State, SingerIoPerAdvertiserShape) {
  State s = Parse(R"({"currently_syncing":"ad_insights","bookmarks":{
      "advertisers":"2021-03-01T10:52:54.000000Z",
      "campaigns":{"6812549881069043718":"2021-08-10T06:56:51.000000Z"}}})");
  EXPECT_EQ(Bookmark(s, "campaigns", "6812549881069043718"), "2021-08-10T06:56:51Z");
  EXPECT_EQ(Bookmark(s, "campaigns", "1"), "none");
}

TEST(State, WritesSdkShapeForTouchedStreamsAndCarriesTheRest) {
  State s = Parse(R"({"currently_syncing":"x","bookmarks":{
      "campaigns":{"6812549881069043718":"2021-08-10T06:56:51.000000Z"},
      "ad_insights":{"1":"2021-08-18T00:00:00.000000Z"}}})");
  s.SetBookmark("campaigns", "7", "modify_time", *ParseTimestamp("2024-05-05T05:05:05Z"));
  auto out = ParseJson(s.ToJson(), "out");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(ToJson((*out)["bookmarks"]["ad_insights"]), R"({"1":"2021-08-18T00:00:00.000000Z"})");
  EXPECT_STREQ((*out)["currently_syncing"].GetString(), "x");
  EXPECT_EQ(
      ToJson((*out)["bookmarks"]["campaigns"]),
      R"({"partitions":[)"
      R"({"context":{"advertiser_id":"6812549881069043718"},"replication_key":"modify_time","replication_key_value":"2021-08-10T06:56:51Z"},)"
      R"({"context":{"advertiser_id":"7"},"replication_key":"modify_time","replication_key_value":"2024-05-05T05:05:05Z"}]})");
}

TEST(State, BookmarksNeverMoveBackwards) {
  State s;
  s.SetBookmark("ads", "1", "modify_time", *ParseTimestamp("2024-05-05"));
  s.SetBookmark("ads", "1", "modify_time", *ParseTimestamp("2024-01-01"));
  EXPECT_EQ(Bookmark(s, "ads", "1"), "2024-05-05T00:00:00Z");
}

TEST(State, ErrorsNameTheStream) {
  struct Case {
    const char* json;
    const char* message;
  };
  for (const Case& c :
       {Case{"[]", "must be a JSON object"},
        Case{R"({"bookmarks":[]})", "'bookmarks' must be an object"},
        Case{R"({"bookmarks":{"ads":5}})", "bookmark of stream 'ads': expected an object"},
        Case{R"({"bookmarks":{"ads":{"1":"tomorrow"}}})", "\"tomorrow\" is not an RFC 3339"},
        Case{R"({"bookmarks":{"ads":{"partitions":{}}}})", "'partitions' must be an array"},
        Case{R"({"bookmarks":{"ads":{"partitions":[{"replication_key_value":"2024-01-01"}]}}})",
             "needs a context with an advertiser_id"}}) {
    auto doc = ParseJson(c.json, "state");
    ASSERT_TRUE(doc.ok());
    auto state = State::Parse(*doc);
    Status status = state.ok() ? state->CheckStreams({"campaigns", "ads"}) : state.status();
    ASSERT_FALSE(status.ok()) << c.json;
    EXPECT_NE(status.message().find(c.message), std::string::npos) << status.message();
  }
}

// README promises that a stream the tap does not have is carried forward whatever its shape.
TEST(State, UnknownStreamsAreCarriedForwardWhateverTheirShape) {
  auto doc = ParseJson(
      R"({"bookmarks":{"other_tap_stream":{"cursor":42,"ids":[1,2]},"legacy":5,"ads":{}}})",
      "state");
  ASSERT_TRUE(doc.ok());
  auto state = State::Parse(*doc);
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_TRUE(state->CheckStreams({"campaigns", "ads"}).ok());
  EXPECT_FALSE(state->CheckStreams({"legacy"}).ok());
  state->SetBookmark("ads", "1", "stat_time_day", *ParseTimestamp("2024-01-02"));
  std::string out = state->ToJson();
  EXPECT_NE(out.find(R"("other_tap_stream":{"cursor":42,"ids":[1,2]})"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("legacy":5)"), std::string::npos) << out;
}

TEST(State, BookmarksInTheFutureAreForgottenWithAWarning) {
  auto doc = ParseJson(R"({"bookmarks":{"ads":{"partitions":[
      {"context":{"advertiser_id":"1"},"replication_key_value":"9999-12-31T00:00:00Z"},
      {"context":{"advertiser_id":"2"},"replication_key_value":"2024-06-30T00:00:00Z"}]},
      "campaigns":"2024-07-03T00:00:00Z"}})",
                       "state");
  ASSERT_TRUE(doc.ok());
  auto state = State::Parse(*doc);
  ASSERT_TRUE(state.ok());
  std::vector<std::string> warnings;
  state->ForgetFuture(*ParseTimestamp("2024-07-01T12:00:00Z"), &warnings);
  EXPECT_EQ(state->Bookmark("ads", "1"), std::nullopt);
  EXPECT_EQ(state->Bookmark("ads", "2"), ParseTimestamp("2024-06-30"));
  EXPECT_EQ(state->Bookmark("campaigns", "9"), ParseTimestamp("2024-07-03"))
      << "within two days: an advertiser ahead of UTC";
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "bookmark of stream 'ads' for advertiser 1 is 9999-12-31T00:00:00Z, in the future: "
            "the partition is read as if it had no bookmark (from start_date)");
}

TEST(State, ADirectoryIsNotAnEmptyState) {
  auto state = State::Load("/tmp");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().message(), "state file '/tmp' is a directory: give the path of a file");
}

}  // namespace
}  // namespace tap
