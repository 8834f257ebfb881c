#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tap/env.h"
#include "tap/plan.h"
#include "tap/singer_writer.h"
#include "tap/state.h"

namespace tap {

/// The ordered-commit protocol and the one owner of STATE output. Units are registered in plan
/// order as they start; their checkpoints and ends may arrive in any order. A bookmark moves
/// only when every unit planned before it has ended and been written in full, so a STATE never
/// covers a gap; a unit that was re-planned is replaced by its parts in its place. STATE is
/// written at most once per `interval` while the sync runs, and once at the end (Finish). A
/// STATE repeats every bookmark of the sync, so with many advertisers one can outweigh the
/// records between two: the next is then written only once the records since the last outweigh
/// it 25 to one, or 12 intervals have passed.
/// Used by one thread.
class Committer {
 public:
  Committer(State& state, SingerWriter& writer, Env& env, std::chrono::milliseconds interval);

  /// A unit started. Units begin in plan order.
  void Begin(const std::vector<uint32_t>& order, const CatalogStream& stream,
             const std::string& advertiser);
  /// Every record of the unit before this call is written; `bookmark` (nullopt: none) is
  /// where its partition may move once the units before it are done.
  void Checkpoint(const std::vector<uint32_t>& order, std::optional<Timestamp> bookmark);
  /// The unit ended with `status` (ok, kSkipAdvertiser, or a failure that halts all commits).
  void End(const std::vector<uint32_t>& order, const Status& status);
  /// The unit was re-planned: `parts` take its place (they begin later, in this order).
  void Replace(const std::vector<uint32_t>& order, const std::vector<WorkUnit>& parts);

  /// Writes the final STATE (every bookmark committed so far), once.
  void Finish();

  /// Units begun and not yet committed.
  size_t pending() const { return pending_.size(); }
  /// Whether a unit failed: nothing after it is committed.
  bool halted() const { return halted_; }
  /// Advertisers whose units were skipped (kSkipAdvertiser), with the first reason.
  const std::map<std::string, std::string>& skipped() const { return skipped_; }

 private:
  struct Pending {
    const CatalogStream* stream = nullptr;
    std::string advertiser;
    bool begun = false, ended = false;
    Status status;
    std::deque<std::optional<Timestamp>> checkpoints;  // not yet committed
  };
  void Advance();
  void Apply(Pending& unit);
  void MaybeWrite();

  State& state_;
  SingerWriter& writer_;
  Env& env_;
  std::chrono::milliseconds interval_;
  std::map<std::vector<uint32_t>, Pending> pending_;  // in plan order
  std::map<std::string, std::string> skipped_;
  bool halted_ = false;
  bool dirty_ = false;  // bookmarks moved since the last STATE
  bool finished_ = false;
  std::optional<Env::SteadyTime> last_write_;
  long long last_state_bytes_ = 0;
  long long record_bytes_at_last_ = 0;  // the writer's record_bytes() then
};

}  // namespace tap
