#pragma once

#include <rapidjson/stringbuffer.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tap/plan.h"
#include "tap/reconciliation.h"
#include "tap/status.h"
#include "tap/timestamp.h"
#include "tap/transform.h"

namespace tap {

/// What workers hand to the thread that owns stdout, in the order they produce it: a unit's
/// start (in plan order), its RECORD lines and checkpoints, then its end. The queued lines are
/// bounded in bytes, so a slow target slows the workers. Thread-safe.
class OutputQueue {
 public:
  enum class Kind { kBegin, kPiece, kEnd, kClosed };

  /// RECORD lines of one unit, and whether they end at a checkpoint (a bookmark that covers
  /// every record of the unit before it; nullopt: the unit has no bookmark to move).
  struct Piece {
    rapidjson::StringBuffer lines;  // formatted into where they stand (SingerWriter::FormatBound)
    long long records = 0;
    bool checkpoint = false;
    std::optional<Timestamp> bookmark;

    std::string_view text() const { return {lines.GetString(), lines.GetSize()}; }
  };

  /// How a unit ended: its status, the units that replace it when it was re-planned, and the
  /// values its transformer could not convert.
  struct End {
    Status status = {};
    std::vector<WorkUnit> parts = {};
    std::map<std::string, Transformer::Issue> issues = {};
    std::optional<SpendTally> spend = {};  // reconciled streams: the unit's daily spend
    std::optional<Date> first_day = {}, last_day = {};  // report units read: their days
  };

  struct Event {
    Kind kind = Kind::kPiece;
    std::vector<uint32_t> order;  // the unit's
    const CatalogStream* stream = nullptr;
    std::string advertiser;
    Piece piece;
    End end;
  };

  /// With `max_bytes` of lines queued, Push waits until the writer catches up.
  explicit OutputQueue(size_t max_bytes) : max_bytes_(max_bytes) {}

  /// A unit was handed to a worker. Never blocks; called in plan order.
  void Begin(const WorkUnit& unit);
  /// Lines of `unit`; blocks while the queue is full (never once abandoned).
  void Push(const WorkUnit& unit, Piece piece);
  /// `unit` ended. Never blocks: the writer counts on every unit's end.
  void Finish(const WorkUnit& unit, End end);

  /// No event follows (the workers are done).
  void Close();

  /// The next event, waiting for one.
  Event Pop();

  /// The writer failed: lines are dropped from now on, so producers never wait for it.
  void Abandon();

 private:
  void Add(Event event);

  const size_t max_bytes_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<Event> events_;
  size_t bytes_ = 0;
  bool abandoned_ = false;
};

}  // namespace tap
