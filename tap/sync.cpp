#include "tap/sync.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

#include "tap/accounts.h"
#include "tap/json.h"
#include "tap/log.h"
#include "tap/plan.h"
#include "tap/scheduler.h"
#include "tap/unit_reader.h"

namespace tap {
namespace {

constexpr size_t kMaxBufferedBytes = 1 << 20;  // queued RECORD lines before workers wait
constexpr size_t kMaxPending = 4096;           // units begun and not committed
constexpr int kMaxMerges = 2;                  // units merging metric groups at once

// The advertisers TikTok refused (40001 and the like) during this sync, with its answer.
// Thread-safe: workers note refusals and ask before reading a unit.
class NoAccess {
 public:
  void Note(const WorkUnit& unit, const Status& status) {
    if (status.kind() != ErrorKind::kSkipAdvertiser || unit.advertiser_ids.size() != 1) return;
    std::lock_guard<std::mutex> lock(mutex_);
    refused_.emplace(unit.advertiser(), status.message());
  }
  /// TikTok's refusal of the unit's advertiser, if an earlier unit got one.
  std::optional<std::string> Refusal(const WorkUnit& unit) {
    if (unit.stream->def->PerToken() || unit.advertiser_ids.size() != 1) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = refused_.find(unit.advertiser());
    if (it == refused_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> refused_;
};

// What a unit's failure means for the plan: TikTok 40067 halves a report window (§4.2), and a
// batch that one inaccessible id failed is asked for id by id. Clears `status` when re-planned.
std::vector<WorkUnit> Replan(const WorkUnit& unit, Status* status) {
  const std::string& stream = unit.stream->def->name;
  if (status->kind() == ErrorKind::kSkipAdvertiser) {
    std::vector<WorkUnit> parts = SplitBatch(unit);
    if (!parts.empty()) *status = Status::Ok();
    return parts;
  }
  if (status->kind() != ErrorKind::kQueryTooLarge) return {};
  std::vector<WorkUnit> parts = SplitWindow(unit);
  if (parts.empty()) {
    *status = Status::Error(
        ErrorKind::kFatal,
        fmt::format("{} Even the smallest request was too large for stream '{}' (advertiser "
                    "{}{}): select fewer metrics for it, or split it with a custom report.",
                    status->message(), stream, unit.advertiser(),
                    unit.first_day ? ", " + FormatDay(*unit.first_day) : std::string()));
    return {};
  }
  bool timed_out = status->message().find("timed out") != std::string::npos;
  LogWarning("Stream '{}', advertiser {}: {}..{} {}; halving it", stream, unit.advertiser(),
             FormatDay(*unit.first_day), FormatDay(*unit.last_day),
             timed_out ? "kept timing out" : "was too large for TikTok (40067)");
  *status = Status::Ok();
  return parts;
}

// The input state as the plan reads it, apart from the state the committer moves meanwhile.
State Snapshot(const State& state) {
  auto doc = ParseJson(state.ToJson(), "state");
  return std::move(State::Parse(*doc)).value();
}

}  // namespace

Sync::Sync(const Settings& settings, const Catalog& catalog, State& state, ApiClient& api,
           SingerWriter& writer, Env& env, std::atomic<bool>* stop)
    : settings_(settings),
      catalog_(catalog),
      state_(state),
      api_(api),
      writer_(writer),
      env_(env),
      stop_(stop != nullptr ? stop : &own_stop_),
      signpost_(env.WallNow()),
      started_(env.SteadyNow()),
      last_progress_(started_) {}

Status Sync::Run() {
  Committer committer(
      state_, writer_, env_,
      std::chrono::milliseconds(static_cast<long long>(settings_.state_interval * 1000)));
  Status status = RunUnits(committer);
  LogIssues();
  committer.Finish();
  LogProgress(true);
  for (const auto& [stream, count] : writer_.record_counts()) {
    LogInfo(
        R"(METRIC: {{"type":"counter","metric":"record_count","value":{},"tags":{{"endpoint":"{}"}}}})",
        count, stream);
  }
  if (!status.ok()) return status;
  LogReconciliation();
  return Outcome(committer);
}

void Sync::LogReconciliation() const {
  // TikTok's daily fix at 12:00 UTC settles the day before: later days may still change.
  ReconciliationContext context{
      settings_.include_deleted, settings_.include_promote_ads,
      std::chrono::floor<std::chrono::days>(signpost_ - std::chrono::hours(12))};
  for (const ReconciliationLine& line : reconciler_.Lines(context)) {
    if (Log::Level() <= line.level) Log::Write(line.level, line.text);
  }
}

std::map<const CatalogStream*, Shape> Sync::WriteSchemas() {
  // SCHEMA of every selected stream first, so each precedes any of its records.
  std::map<const CatalogStream*, Shape> shapes;
  for (const CatalogStream& cs : catalog_.streams) {
    if (!cs.selected) continue;
    std::vector<std::string> bookmark_properties;
    if (cs.incremental()) bookmark_properties.push_back(cs.replication_key);
    writer_.WriteSchema(cs.def->name, cs.schema, cs.key_properties, bookmark_properties);
    shapes.emplace(&cs, CompileShape(cs.schema));
  }
  return shapes;
}

Status Sync::RunUnits(Committer& committer) {
  bool reports = std::any_of(catalog_.streams.begin(), catalog_.streams.end(),
                             [](const CatalogStream& cs) { return cs.selected && cs.def->report; });
  // The advertisers stream's fields ride along with the planning's own /advertiser/info/ calls.
  std::optional<std::vector<std::string>> advertiser_fields;
  for (const CatalogStream& cs : catalog_.streams) {
    if (cs.selected && cs.def->name == "advertisers") advertiser_fields = RequestedFields(cs);
  }
  auto accounts = ResolveAccounts(settings_, EntityStreams().front(), reports, api_,
                                  advertiser_fields ? &*advertiser_fields : nullptr);
  if (!accounts.ok()) return accounts.status();
  facts_.advertisers = accounts->advertiser_ids.size();
  std::map<const CatalogStream*, Shape> shapes = WriteSchemas();
  State planned = Snapshot(state_);
  PlanContext context{settings_,       planned,   accounts->advertiser_ids,
                      accounts->zones, signpost_, &accounts->created};
  PlanCursor cursor(context, catalog_);
  OutputQueue queue(kMaxBufferedBytes);
  PageSlots merges(kMaxMerges);
  IdDirectory ids;
  NoAccess no_access;
  Scheduler scheduler(
      cursor, queue,
      [&](const WorkUnit& unit) {
        if (auto refusal = no_access.Refusal(unit)) {
          // TikTok already refused this advertiser: its other units make no requests.
          return OutputQueue::End{.status = Status::Error(ErrorKind::kSkipAdvertiser, *refusal)};
        }
        UnitReader reader(api_, queue, env_, unit, shapes.at(unit.stream), signpost_,
                          {&merges, &ids, &accounts->rows});
        OutputQueue::End end{.status = reader.Run(), .issues = reader.issues()};
        end.spend = std::move(reader.spend());
        end.parts = Replan(unit, &end.status);
        no_access.Note(unit, end.status);
        if (unit.stream->def->report != nullptr && end.status.ok() && end.parts.empty()) {
          end.first_day = unit.first_day;
          end.last_day = unit.last_day;
        }
        return end;
      },
      stop_, kMaxPending);
  scheduler.Start(static_cast<size_t>(std::max(1, settings_.max_concurrency)));
  for (OutputQueue::Event event = queue.Pop(); event.kind != OutputQueue::Kind::kClosed;
       event = queue.Pop()) {
    Handle(event, committer, queue);
    if (event.kind == OutputQueue::Kind::kEnd) scheduler.SetPending(committer.pending());
  }
  scheduler.Join();
  if (!writer_.ok())
    return Status::Error(ErrorKind::kFatal, "stdout was closed (the target stopped reading)");
  return failure_;
}

void Sync::Handle(OutputQueue::Event& event, Committer& committer, OutputQueue& queue) {
  switch (event.kind) {
    case OutputQueue::Kind::kBegin:
      committer.Begin(event.order, *event.stream, event.advertiser);
      break;
    case OutputQueue::Kind::kPiece:
      // Records already received are written even when stopping; bookmarks only at checkpoints.
      if (writer_.ok()) {
        writer_.WriteRecordLines(event.stream->def->name, event.piece.text(), event.piece.records);
      }
      if (event.piece.checkpoint) committer.Checkpoint(event.order, event.piece.bookmark);
      if (writer_.ok()) LogProgress(false);
      break;
    case OutputQueue::Kind::kEnd: {
      OutputQueue::End& end = event.end;
      for (const auto& [path, issue] : end.issues) {
        Transformer::Issue& total = issues_[event.stream->def->name][path];
        if (total.count == 0)
          total = issue;
        else
          total.count += issue.count;
      }
      if (!end.parts.empty())
        committer.Replace(event.order, end.parts);
      else
        committer.End(event.order, end.status);
      if (end.status.ok() && end.parts.empty() && end.spend) reconciler_.Add(*end.spend);
      NoteDays(end);
      // A failure anywhere ends the run: no new requests; running units end at their next one.
      ErrorKind kind = end.status.kind();
      if (!end.status.ok() && kind != ErrorKind::kSkipAdvertiser && kind != ErrorKind::kCancelled) {
        if (failure_.ok()) failure_ = end.status;
        stop_->store(true);
      }
      break;
    }
    case OutputQueue::Kind::kClosed:
      break;
  }
  if (!writer_.ok() && !stop_->load()) {
    stop_->store(true);
    queue.Abandon();
  }
}

void Sync::NoteDays(const OutputQueue::End& end) {
  if (end.first_day && (!facts_.first_day || *end.first_day < *facts_.first_day)) {
    facts_.first_day = end.first_day;
  }
  if (end.last_day && (!facts_.last_day || *facts_.last_day < *end.last_day)) {
    facts_.last_day = end.last_day;
  }
}

Status Sync::Outcome(const Committer& committer) {
  for (const auto& [id, reason] : committer.skipped()) facts_.skipped.push_back(id);
  if (stop_->load() || committer.pending() > 0) {
    return Status::Error(ErrorKind::kCancelled, "the sync was stopped");
  }
  const auto& skipped = committer.skipped();
  if (skipped.empty() || settings_.skip_inaccessible_advertisers) return Status::Ok();
  std::string ids;
  for (const auto& [id, reason] : skipped) ids += (ids.empty() ? "" : ", ") + id;
  return Status::Error(ErrorKind::kSkipAdvertiser,
                       fmt::format("{} advertiser(s) could not be read and were skipped: {}. "
                                   "Authorize the token for them, remove them from "
                                   "advertiser_ids, or set skip_inaccessible_advertisers.",
                                   skipped.size(), ids));
}

void Sync::LogIssues() const {
  for (const auto& [stream, by_path] : issues_) {
    for (const auto& [path, issue] : by_path) {
      LogWarning(
          "Stream '{}': {} value(s) of '{}' were not {} and were written as null (first: {})",
          stream, issue.count, path, issue.expected, Echo(issue.example));
    }
  }
}

void Sync::LogProgress(bool final) {
  Env::SteadyTime now = env_.SteadyNow();
  if (!final && now - last_progress_ < std::chrono::seconds(5)) return;
  last_progress_ = now;
  std::string counts;
  for (const auto& [stream, count] : writer_.record_counts()) {
    if (count == 0 && !final) continue;
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", stream, count);
  }
  // After a failed write the counts are of records formatted, not stored: say so.
  const char* phase = !final ? "" : writer_.ok() ? " (done)" : " (stopped: stdout failed)";
  LogInfo("Progress{}: {} record(s); {}{} s elapsed", phase, counts.empty() ? "no" : counts,
          detail_ ? detail_() + "; " : "",
          std::chrono::duration_cast<std::chrono::seconds>(now - started_).count());
}

}  // namespace tap
