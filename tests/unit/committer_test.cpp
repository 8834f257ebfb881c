#include "tap/committer.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "tap/json.h"
#include "tests/unit/fake_env.h"

namespace tap {
namespace {

using std::chrono::seconds;

const std::vector<StreamDef>& Streams() {
  static const std::vector<StreamDef> streams = AllStreams({});
  return streams;
}

// A committer over a real State and SingerWriter writing to memory, with the campaigns stream.
class CommitterTest : public ::testing::Test {
 protected:
  CommitterTest() : out_(open_memstream(&buffer_, &size_)), writer_(out_) {
    catalog_ = DefaultCatalog(Streams());
    campaigns_ = &catalog_.streams[1];
  }
  ~CommitterTest() override {
    std::fclose(out_);
    std::free(buffer_);
  }

  // The STATE lines written so far: each one's campaigns bookmark of advertisers a and b.
  std::vector<std::string> States() {
    writer_.Flush();
    std::fflush(out_);
    std::vector<std::string> out;
    std::string text(buffer_, size_);
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      std::string line = text.substr(start, end - start);
      start = end + 1;
      State s = std::move(State::Parse((*ParseJson(line, "line"))["value"])).value();
      auto a = s.Bookmark("campaigns", "a"), b = s.Bookmark("campaigns", "b");
      out.push_back((a ? FormatRfc3339(*a) : "-") + " " + (b ? FormatRfc3339(*b) : "-"));
    }
    return out;
  }

  static Timestamp T(const char* text) { return *ParseTimestamp(text); }

  char* buffer_ = nullptr;
  size_t size_ = 0;
  std::FILE* out_;
  SingerWriter writer_;
  Catalog catalog_;
  const CatalogStream* campaigns_ = nullptr;
  State state_;
  FakeEnv env_;
};

TEST_F(CommitterTest, ABookmarkWaitsForEveryUnitBeforeIt) {
  Committer c(state_, writer_, env_, std::chrono::milliseconds(0));
  c.Begin({0}, *campaigns_, "a");
  c.Begin({1}, *campaigns_, "b");
  // Unit 1 finishes first: nothing may move yet.
  c.Checkpoint({1}, T("2024-02-01T00:00:00Z"));
  c.End({1}, Status::Ok());
  EXPECT_TRUE(States().empty());
  EXPECT_EQ(c.pending(), 2u);
  c.Checkpoint({0}, T("2024-01-01T00:00:00Z"));  // the front unit's checkpoint moves at once
  c.End({0}, Status::Ok());
  c.Finish();
  c.Finish();  // once only
  EXPECT_EQ(States(), (std::vector<std::string>{"2024-01-01T00:00:00Z -",
                                                "2024-01-01T00:00:00Z 2024-02-01T00:00:00Z",
                                                "2024-01-01T00:00:00Z 2024-02-01T00:00:00Z"}));
  EXPECT_EQ(c.pending(), 0u);
}

TEST_F(CommitterTest, AFailureHaltsEveryLaterCommit) {
  Committer c(state_, writer_, env_, std::chrono::milliseconds(0));
  c.Begin({0}, *campaigns_, "a");
  c.Begin({1}, *campaigns_, "b");
  c.Checkpoint({1}, T("2024-02-01T00:00:00Z"));
  c.End({1}, Status::Ok());
  c.End({0}, Status::Error(ErrorKind::kFatal, "boom"));
  EXPECT_TRUE(c.halted());
  c.Finish();
  EXPECT_EQ(States(), (std::vector<std::string>{"- -"}));
}

TEST_F(CommitterTest, SkippedAdvertisersAreNamedOnceAndPassed) {
  Committer c(state_, writer_, env_, std::chrono::milliseconds(0));
  c.Begin({0}, *campaigns_, "a");
  c.Begin({1}, *campaigns_, "a");
  c.Begin({2}, *campaigns_, "b");
  c.End({0}, Status::Error(ErrorKind::kSkipAdvertiser, "no permission"));
  c.End({1}, Status::Error(ErrorKind::kSkipAdvertiser, "still none"));
  c.Checkpoint({2}, T("2024-03-01T00:00:00Z"));
  c.End({2}, Status::Ok());
  EXPECT_EQ(c.skipped(), (std::map<std::string, std::string>{{"a", "no permission"}}));
  EXPECT_EQ(States(), (std::vector<std::string>{"- 2024-03-01T00:00:00Z"}));
}

TEST_F(CommitterTest, PartsOfAReplannedUnitTakeItsPlace) {
  Committer c(state_, writer_, env_, std::chrono::milliseconds(0));
  c.Begin({0}, *campaigns_, "a");
  c.Begin({1}, *campaigns_, "b");
  c.Checkpoint({1}, T("2024-02-01T00:00:00Z"));
  c.End({1}, Status::Ok());
  WorkUnit older, newer;
  older.advertiser_ids = newer.advertiser_ids = {"a"};
  older.order = {0, 0};
  newer.order = {0, 1};
  c.Replace({0}, {older, newer});
  EXPECT_EQ(c.pending(), 3u);
  c.Begin({0, 1}, *campaigns_, "a");  // the newer half ends first: still waits for the older
  c.Checkpoint({0, 1}, T("2024-01-20T00:00:00Z"));
  c.End({0, 1}, Status::Ok());
  EXPECT_TRUE(States().empty());
  c.Begin({0, 0}, *campaigns_, "a");
  c.Checkpoint({0, 0}, T("2024-01-10T00:00:00Z"));
  c.End({0, 0}, Status::Ok());
  EXPECT_EQ(States().back(), "2024-01-20T00:00:00Z 2024-02-01T00:00:00Z");
}

TEST_F(CommitterTest, StateIsWrittenAtMostOncePerIntervalAndAlwaysAtTheEnd) {
  Committer c(state_, writer_, env_, std::chrono::milliseconds(5000));
  const char* days[] = {"2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"};
  for (uint32_t i = 0; i < 3; ++i) {
    c.Begin({i}, *campaigns_, "a");
    c.Checkpoint({i}, T(days[i]));
    c.End({i}, Status::Ok());
    env_.Advance(seconds(2));
  }
  // At 0 s the first commit writes; at 2 s and 4 s the interval has not passed.
  EXPECT_EQ(States(), (std::vector<std::string>{"2024-01-01T00:00:00Z -"}));
  c.Begin({3}, *campaigns_, "a");
  c.Checkpoint({3}, T("2024-01-04T00:00:00Z"));  // at 6 s
  c.End({3}, Status::Ok());
  c.Finish();
  EXPECT_EQ(States(), (std::vector<std::string>{"2024-01-01T00:00:00Z -", "2024-01-04T00:00:00Z -",
                                                "2024-01-04T00:00:00Z -"}));
}

}  // namespace
}  // namespace tap
