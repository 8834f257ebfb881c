#include "tap/committer.h"

#include "tap/log.h"

namespace tap {

namespace {

constexpr long long kRecordBytesPerStateByte = 25;  // STATE: at most ~4 % of the output
constexpr int kMaxQuietIntervals = 12;              // a resume point at least once a minute

}  // namespace

Committer::Committer(State& state, SingerWriter& writer, Env& env,
                     std::chrono::milliseconds interval)
    : state_(state), writer_(writer), env_(env), interval_(interval) {}

void Committer::Begin(const std::vector<uint32_t>& order, const CatalogStream& stream,
                      const std::string& advertiser) {
  Pending& unit = pending_[order];
  unit.stream = &stream;
  unit.advertiser = advertiser;
  unit.begun = true;
}

void Committer::Checkpoint(const std::vector<uint32_t>& order, std::optional<Timestamp> bookmark) {
  auto it = pending_.find(order);
  if (it == pending_.end()) return;
  it->second.checkpoints.push_back(bookmark);
  Advance();
}

void Committer::End(const std::vector<uint32_t>& order, const Status& status) {
  auto it = pending_.find(order);
  if (it == pending_.end()) return;
  it->second.ended = true;
  it->second.status = status;
  Advance();
}

void Committer::Replace(const std::vector<uint32_t>& order, const std::vector<WorkUnit>& parts) {
  auto it = pending_.find(order);
  if (it == pending_.end()) return;
  Pending parent = std::move(it->second);
  pending_.erase(it);
  // The parts hold the place until they begin; whatever the parent had checkpointed is
  // covered again by them.
  for (const WorkUnit& part : parts) {
    Pending& p = pending_[part.order];
    p.stream = parent.stream;
    p.advertiser = part.advertiser();
  }
  Advance();
}

// Moves bookmarks of the oldest units: their checkpoints, and their ends in plan order.
void Committer::Advance() {
  while (!halted_ && !pending_.empty()) {
    Pending& front = pending_.begin()->second;
    if (!front.begun) break;
    if (!front.ended) {
      Apply(front);  // checkpoints it already reached
      break;
    }
    if (front.status.kind() == ErrorKind::kSkipAdvertiser) {
      if (skipped_.emplace(front.advertiser, front.status.message()).second) {
        LogWarning("Skipping advertiser {}: {}", front.advertiser, front.status.message());
      }
    } else if (!front.status.ok()) {
      halted_ = true;
      break;
    } else {
      Apply(front);
    }
    pending_.erase(pending_.begin());
  }
  MaybeWrite();
}

void Committer::Apply(Pending& unit) {
  for (const std::optional<Timestamp>& bookmark : unit.checkpoints) {
    if (!bookmark) continue;
    state_.SetBookmark(unit.stream->def->name, unit.advertiser, unit.stream->replication_key,
                       *bookmark);
    dirty_ = true;
  }
  unit.checkpoints.clear();
}

void Committer::MaybeWrite() {
  if (!dirty_) return;
  Env::SteadyTime now = env_.SteadyNow();
  if (last_write_) {
    auto quiet = now - *last_write_;
    if (quiet < interval_) return;
    long long records = writer_.record_bytes() - record_bytes_at_last_;
    bool outweighed = records < kRecordBytesPerStateByte * last_state_bytes_;
    if (outweighed && quiet < kMaxQuietIntervals * interval_) return;
  }
  std::string json = state_.ToJson();
  writer_.WriteState(json);
  last_write_ = now;
  last_state_bytes_ = static_cast<long long>(json.size());
  record_bytes_at_last_ = writer_.record_bytes();
  dirty_ = false;
}

void Committer::Finish() {
  if (finished_) return;
  finished_ = true;
  writer_.WriteState(state_.ToJson());
}

}  // namespace tap
