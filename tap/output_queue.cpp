#include "tap/output_queue.h"

namespace tap {
namespace {

OutputQueue::Event Tagged(OutputQueue::Kind kind, const WorkUnit& unit) {
  OutputQueue::Event e;
  e.kind = kind;
  e.order = unit.order;
  e.stream = unit.stream;
  e.advertiser = unit.advertiser();
  return e;
}

}  // namespace

void OutputQueue::Add(Event event) {
  bytes_ += event.piece.lines.GetSize();
  events_.push_back(std::move(event));
  ready_.notify_all();
}

void OutputQueue::Begin(const WorkUnit& unit) {
  std::lock_guard<std::mutex> lock(mutex_);
  Add(Tagged(Kind::kBegin, unit));
}

void OutputQueue::Push(const WorkUnit& unit, Piece piece) {
  std::unique_lock<std::mutex> lock(mutex_);
  space_.wait(lock, [&] { return bytes_ < max_bytes_ || abandoned_; });
  if (abandoned_) return;
  Event e = Tagged(Kind::kPiece, unit);
  e.piece = std::move(piece);
  Add(std::move(e));
}

void OutputQueue::Finish(const WorkUnit& unit, End end) {
  std::lock_guard<std::mutex> lock(mutex_);
  Event e = Tagged(Kind::kEnd, unit);
  e.end = std::move(end);
  Add(std::move(e));
}

void OutputQueue::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  Event e;
  e.kind = Kind::kClosed;
  Add(std::move(e));
}

OutputQueue::Event OutputQueue::Pop() {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [&] { return !events_.empty(); });
  Event e = std::move(events_.front());
  events_.pop_front();
  bytes_ -= e.piece.lines.GetSize();
  space_.notify_all();
  return e;
}

void OutputQueue::Abandon() {
  std::lock_guard<std::mutex> lock(mutex_);
  abandoned_ = true;
  space_.notify_all();
}

}  // namespace tap
