#include "tap/scheduler.h"

#include <gtest/gtest.h>

#include <set>

namespace tap {
namespace {

const std::vector<StreamDef>& Streams() {
  static const std::vector<StreamDef> streams = AllStreams({});
  return streams;
}

std::string OrderText(const std::vector<uint32_t>& order) {
  std::string out;
  for (uint32_t o : order) out += (out.empty() ? "" : ".") + std::to_string(o);
  return out;
}

// The campaigns stream for advertisers 1..n: one unit each.
class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest() {
    catalog_ = DefaultCatalog(Streams());
    for (CatalogStream& cs : catalog_.streams) cs.selected = cs.def->name == "campaigns";
    settings_.start_date = *ParseTimestamp("2024-01-01");
    for (int i = 1; i <= 6; ++i) ids_.push_back(std::to_string(i));
  }

  // Runs every unit; returns the events' kinds and orders as the writer sees them.
  std::vector<std::string> Run(Scheduler::RunUnit run, size_t workers, std::atomic<bool>* stop) {
    PlanContext context{settings_, state_, ids_, zones_, *ParseTimestamp("2024-07-01")};
    PlanCursor cursor(context, catalog_);
    OutputQueue queue(1 << 20);
    Scheduler scheduler(cursor, queue, std::move(run), stop, 1000);
    scheduler.Start(workers);
    std::vector<std::string> events;
    for (auto e = queue.Pop(); e.kind != OutputQueue::Kind::kClosed; e = queue.Pop()) {
      const char* kind = e.kind == OutputQueue::Kind::kBegin ? "begin " : "end ";
      events.push_back(kind + OrderText(e.order));
    }
    scheduler.Join();
    return events;
  }

  Settings settings_;
  State state_;
  ZoneMap zones_;
  std::vector<std::string> ids_;
  Catalog catalog_;
};

TEST_F(SchedulerTest, EveryUnitRunsOnceAndBeginsInPlanOrder) {
  std::mutex mutex;
  std::multiset<std::string> ran;
  auto events = Run(
      [&](const WorkUnit& unit) {
        std::lock_guard<std::mutex> lock(mutex);
        ran.insert(unit.advertiser());
        return OutputQueue::End{};
      },
      3, nullptr);
  EXPECT_EQ(ran, (std::multiset<std::string>{"1", "2", "3", "4", "5", "6"}));
  std::vector<std::string> begins;
  for (const std::string& e : events) {
    if (e.rfind("begin", 0) == 0) begins.push_back(e);
  }
  EXPECT_EQ(begins, (std::vector<std::string>{"begin 0", "begin 1", "begin 2", "begin 3", "begin 4",
                                              "begin 5"}));
  EXPECT_EQ(events.size(), 12u);
}

TEST_F(SchedulerTest, PartsOfAReplannedUnitRunAfterItsEnd) {
  auto events = Run(
      [&](const WorkUnit& unit) {
        OutputQueue::End end;
        if (unit.order == std::vector<uint32_t>{2}) {
          WorkUnit a = unit, b = unit;
          a.order = {2, 0};
          b.order = {2, 1};
          end.parts = {a, b};
        }
        return end;
      },
      1, nullptr);
  std::vector<std::string> expected = {
      "begin 0",   "end 0",   "begin 1", "end 1", "begin 2", "end 2", "begin 2.0", "end 2.0",
      "begin 2.1", "end 2.1", "begin 3", "end 3", "begin 4", "end 4", "begin 5",   "end 5"};
  EXPECT_EQ(events, expected);
}

TEST_F(SchedulerTest, AStopTakesNoFurtherUnits) {
  std::atomic<bool> stop{false};
  auto events = Run(
      [&](const WorkUnit& unit) {
        if (unit.advertiser() == "2") stop.store(true);
        return OutputQueue::End{};
      },
      1, &stop);
  EXPECT_EQ(events, (std::vector<std::string>{"begin 0", "end 0", "begin 1", "end 1"}));
}

}  // namespace
}  // namespace tap
