#include "tap/committer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "tap/json.h"
#include "tests/unit/fake_env.h"
#include "tests/unit/memory_out.h"

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
  CommitterTest() : writer_(out_.file()) {
    catalog_ = DefaultCatalog(Streams());
    campaigns_ = &catalog_.streams[1];
  }

  // The STATE lines written so far: each one's campaigns bookmark of advertisers a and b.
  std::vector<std::string> States() {
    writer_.Flush();
    std::vector<std::string> out;
    for (const std::string& line : out_.Lines()) {
      if (line.rfind(R"({"type":"STATE")", 0) != 0) continue;
      State s = std::move(State::Parse((*ParseJson(line, "line"))["value"])).value();
      auto a = s.Bookmark("campaigns", "a"), b = s.Bookmark("campaigns", "b");
      out.push_back((a ? FormatRfc3339(*a) : "-") + " " + (b ? FormatRfc3339(*b) : "-"));
    }
    return out;
  }

  static Timestamp T(const char* text) { return *ParseTimestamp(text); }

  // RECORD lines of `bytes` in all (their content does not matter to the committer).
  void WriteRecordBytes(size_t bytes) {
    if (!schema_sent_) {
      rapidjson::Document schema;
      schema.Parse(R"({"type":"object"})");
      writer_.WriteSchema("campaigns", schema, {"campaign_id"}, {});
      schema_sent_ = true;
    }
    writer_.WriteRecordLines("campaigns", std::string(bytes - 1, ' ') + "\n", 1);
  }

  MemoryOut out_;
  SingerWriter writer_;
  Catalog catalog_;
  const CatalogStream* campaigns_ = nullptr;
  State state_;
  FakeEnv env_;
  bool schema_sent_ = false;
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
  WriteRecordBytes(100000);  // records that outweigh the STATE
  c.Begin({3}, *campaigns_, "a");
  c.Checkpoint({3}, T("2024-01-04T00:00:00Z"));  // at 6 s
  c.End({3}, Status::Ok());
  c.Finish();
  EXPECT_EQ(States(), (std::vector<std::string>{"2024-01-01T00:00:00Z -", "2024-01-04T00:00:00Z -",
                                                "2024-01-04T00:00:00Z -"}));
}

TEST_F(CommitterTest, AStateWaitsUntilTheRecordsSinceTheLastOutweighIt) {
  Committer c(state_, writer_, env_, std::chrono::milliseconds(5000));
  auto commit = [&](uint32_t i, const char* day) {
    c.Begin({i}, *campaigns_, "a");
    c.Checkpoint({i}, T(day));
    c.End({i}, Status::Ok());
  };
  commit(0, "2024-01-01T00:00:00Z");  // the first STATE, at 0 s
  writer_.Flush();
  size_t state_bytes = out_.Lines().at(0).size();
  // 10 s later, with only a few records since: no STATE yet.
  env_.Advance(seconds(10));
  WriteRecordBytes(state_bytes * 5);
  commit(1, "2024-01-02T00:00:00Z");
  EXPECT_EQ(States().size(), 1u);
  // Once the records since outweigh it 25 to one, the next commit writes one.
  WriteRecordBytes(state_bytes * 25);
  commit(2, "2024-01-03T00:00:00Z");
  EXPECT_EQ(States().back(), "2024-01-03T00:00:00Z -");
  // Without records, a resume point still comes after 12 intervals.
  env_.Advance(seconds(55));
  commit(3, "2024-01-04T00:00:00Z");
  EXPECT_EQ(States().back(), "2024-01-03T00:00:00Z -");
  env_.Advance(seconds(5));
  commit(4, "2024-01-05T00:00:00Z");
  EXPECT_EQ(States().back(), "2024-01-05T00:00:00Z -");
}

// Every order in which three units' checkpoints and ends can arrive (a unit's checkpoint comes
// before its end): a STATE never holds a bookmark of a unit while one planned before it has not
// ended, and the final STATE holds all three.
TEST_F(CommitterTest, InAnyOrderOfEventsNoStateCoversAGap) {
  struct Event {
    uint32_t unit;
    bool end;
  };
  std::vector<Event> events = {{0, false}, {0, true}, {1, false}, {1, true}, {2, false}, {2, true}};
  const char* advertisers[] = {"u0", "u1", "u2"};
  std::vector<int> order = {0, 1, 2, 3, 4, 5};
  int orders = 0;
  do {
    std::vector<int> position(6);
    for (int i = 0; i < 6; ++i) position[order[i]] = i;
    if (position[0] > position[1] || position[2] > position[3] || position[4] > position[5]) {
      continue;  // an end before its own checkpoint cannot happen
    }
    ++orders;
    State state;
    MemoryOut out;
    SingerWriter writer(out.file());
    Committer c(state, writer, env_, std::chrono::milliseconds(0));
    for (uint32_t u = 0; u < 3; ++u) c.Begin({u}, *campaigns_, advertisers[u]);
    std::vector<bool> ended(3, false);
    for (int i : order) {
      const Event& e = events[i];
      if (e.end) {
        c.End({e.unit}, Status::Ok());
        ended[e.unit] = true;
      } else {
        c.Checkpoint({e.unit}, T("2024-05-01T00:00:00Z"));
      }
      writer.Flush();
      std::vector<std::string> lines = out.Lines();
      if (lines.empty()) continue;
      State last = std::move(State::Parse((*ParseJson(lines.back(), "line"))["value"])).value();
      for (uint32_t u = 0; u < 3; ++u) {
        if (!last.Bookmark("campaigns", advertisers[u])) continue;
        for (uint32_t before = 0; before < u; ++before) {
          EXPECT_TRUE(ended[before]) << "unit " << u << " committed before unit " << before;
        }
      }
    }
    c.Finish();
    writer.Flush();
    State final_state =
        std::move(State::Parse((*ParseJson(out.Lines().back(), "line"))["value"])).value();
    for (const char* a : advertisers) EXPECT_TRUE(final_state.Bookmark("campaigns", a)) << a;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(orders, 90);
}

}  // namespace
}  // namespace tap
