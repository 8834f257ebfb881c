#include "tap/sync.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>

#include "tap/json.h"
#include "tap/log.h"

namespace tap {
namespace {

constexpr size_t kMaxBufferedBytes = 1 << 20;  // queued RECORD lines before workers wait
constexpr size_t kPieceBytes = 256 << 10;      // RECORD lines handed over at a time

rapidjson::Value* MutableMember(rapidjson::Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(rapidjson::Value(
      rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

bool Present(const rapidjson::Value* v) {
  return v != nullptr && !v->IsNull() && !(v->IsString() && v->GetStringLength() == 0);
}

// The `data.list` array of a response; `*empty` when the response says there is nothing.
Result<rapidjson::Value*> ListOf(rapidjson::Document& body, const ApiRequest& request,
                                 bool* empty) {
  rapidjson::Value* data = MutableMember(body, "data");
  rapidjson::Value* list = data != nullptr ? MutableMember(*data, "list") : nullptr;
  *empty = false;
  if (list != nullptr && list->IsArray()) return list;
  auto info = data != nullptr ? ReadPageInfo(*data) : std::nullopt;
  if (info && info->total_number == 0) {
    *empty = true;
    return list;
  }
  return Status::Error(ErrorKind::kFatal,
                       fmt::format("the response of {} for advertiser {} has no data.list array",
                                   request.path, request.Param("advertiser_id")));
}

bool HasMorePages(const rapidjson::Document& body, long long page) {
  const rapidjson::Value* data = FindMember(body, "data");
  auto info = data != nullptr ? ReadPageInfo(*data) : std::nullopt;
  return info && page < info->total_page;
}

// A report row {"dimensions":{...},"metrics":{...}} as the two objects the transformer reads as
// one record; an absent or malformed part reads as empty.
std::array<const rapidjson::Value*, 2> ReportParts(const rapidjson::Value& row) {
  static const rapidjson::Value kEmpty(rapidjson::kObjectType);
  std::array<const rapidjson::Value*, 2> parts{&kEmpty, &kEmpty};
  const char* names[] = {"dimensions", "metrics"};
  for (size_t i = 0; i < parts.size(); ++i) {
    const rapidjson::Value* part = FindMember(row, names[i]);
    if (part != nullptr && part->IsObject()) parts[i] = part;
  }
  return parts;
}

// A copy of `v` that owns its strings. Responses are parsed in place, so their strings live in
// the response's text; RapidJSON's copy would keep pointing there for plain string values.
rapidjson::Value OwnedCopy(const rapidjson::Value& v, rapidjson::Document::AllocatorType& a) {
  if (v.IsString()) return rapidjson::Value(v.GetString(), v.GetStringLength(), a);
  return rapidjson::Value(v, a);
}

// The identity of a report row: its dimension values.
std::string DimensionKey(const rapidjson::Value& row) {
  std::string key;
  if (const rapidjson::Value* dims = FindMember(row, "dimensions"); dims && dims->IsObject()) {
    for (const auto& m : dims->GetObject()) {
      key.append(m.name.GetString(), m.name.GetStringLength());
      key += '=';
      key += m.value.IsString() ? m.value.GetString() : ToJson(m.value);
      key += '\x1f';
    }
  }
  return key;
}

// What workers hand to the main thread, in the order they produce it: a unit's RECORD lines
// and checkpoints (a bookmark that covers the lines before it), then the unit's outcome. Lines
// are written as they arrive, whichever unit they come from; bookmarks are committed in plan
// order (see Sync::Run). The queued lines are bounded in bytes: a slow target slows the workers.
class OutputQueue {
 public:
  struct Piece {
    std::string lines;
    long long records = 0;
    bool checkpoint = false;
    std::optional<Timestamp> bookmark;
  };
  struct Event {
    size_t unit = 0;
    Piece piece;
    bool done = false;  // the unit ended: the fields below are set
    Status status;
    std::map<std::string, Transformer::Issue> issues;
    std::map<std::string, std::string> skipped;
  };

  // Blocks while more than kMaxBufferedBytes of lines wait for the writer.
  void Push(size_t unit, Piece piece) {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [&] { return bytes_ < kMaxBufferedBytes || abandoned_; });
    if (abandoned_) return;
    bytes_ += piece.lines.size();
    Event e;
    e.unit = unit;
    e.piece = std::move(piece);
    events_.push_back(std::move(e));
    ready_.notify_all();
  }

  // Never blocks: the main thread counts on every unit's end.
  void Finish(size_t unit, Status status, std::map<std::string, Transformer::Issue> issues,
              std::map<std::string, std::string> skipped) {
    std::lock_guard<std::mutex> lock(mutex_);
    Event e;
    e.unit = unit;
    e.done = true;
    e.status = std::move(status);
    e.issues = std::move(issues);
    e.skipped = std::move(skipped);
    events_.push_back(std::move(e));
    ready_.notify_all();
  }

  Event Pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !events_.empty(); });
    Event e = std::move(events_.front());
    events_.pop_front();
    bytes_ -= e.piece.lines.size();
    space_.notify_all();
    return e;
  }

  // The writer failed: lines are dropped from now on, so producers never wait for it.
  void Abandon() {
    std::lock_guard<std::mutex> lock(mutex_);
    abandoned_ = true;
    space_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<Event> events_;
  size_t bytes_ = 0;
  bool abandoned_ = false;
};

// Runs one work unit on a worker thread, handing its records to the output queue.
class UnitRunner {
 public:
  UnitRunner(ApiClient& api, Timestamp signpost, OutputQueue& out, size_t index, const Shape& shape,
             const WorkUnit& unit)
      : api_(api),
        signpost_(signpost),
        out_(out),
        index_(index),
        unit_(unit),
        cs_(*unit.stream),
        transformer_(cs_.def->name, shape) {}

  Status Run() {
    const std::string& advertiser = unit_.advertiser_ids.front();
    if (cs_.def->report != nullptr) {
      transformer_.SetInjected("advertiser_id", advertiser);
      if (cs_.def->report->granularity == Granularity::kHour) {
        transformer_.SetLocalTime("stat_time_hour", unit_.zone);
      }
      return ReportWindow(unit_.first_day, unit_.last_day);
    }
    if (cs_.def->entity->injects_advertiser_id)
      transformer_.SetInjected("advertiser_id", advertiser);
    return Entity();
  }

  std::map<std::string, Transformer::Issue> issues() const { return transformer_.issues(); }
  const std::map<std::string, std::string>& skipped() const { return skipped_; }

 private:
  Status Emit(const rapidjson::Value& row, const std::string& extracted) {
    const rapidjson::Value* parts[] = {&row};
    return Emit(parts, extracted);
  }

  // Formats one record from `parts` (objects read as one row) into the unit's output.
  Status Emit(std::span<const rapidjson::Value* const> parts, const std::string& extracted) {
    for (const std::string& key : cs_.key_properties) {
      bool injected = key == "advertiser_id" &&
                      (cs_.def->report != nullptr || cs_.def->entity->injects_advertiser_id);
      if (injected) continue;
      bool present = false;
      for (const rapidjson::Value* part : parts)
        present = present || Present(FindMember(*part, key));
      if (!present) {
        return Status::Error(ErrorKind::kFatal,
                             fmt::format("TikTok returned a {} row without its key '{}' "
                                         "(advertiser {}); the record cannot be stored",
                                         cs_.def->name, key, unit_.advertiser_ids.front()));
      }
    }
    if (!SingerWriter::FormatRecord(&piece_.lines, cs_.def->name, transformer_, parts, extracted)) {
      return Status::Error(
          ErrorKind::kFatal,
          fmt::format("TikTok returned a {} row that is not an object", cs_.def->name));
    }
    ++piece_.records;
    return Status::Ok();
  }

  void Flush(bool checkpoint = false, std::optional<Timestamp> bookmark = std::nullopt) {
    piece_.checkpoint = checkpoint;
    piece_.bookmark = bookmark;
    if (!piece_.lines.empty() || checkpoint) out_.Push(index_, std::move(piece_));
    piece_ = OutputQueue::Piece();
  }

  Status Entity() {
    const EntityStream& es = *cs_.def->entity;
    const std::string& advertiser = unit_.advertiser_ids.front();
    std::optional<Timestamp> max_seen;
    long long emitted = 0, filtered = 0, pages = 0, unknown_time = 0;
    std::vector<ApiRequest> series = unit_.series;
    for (size_t s = 0; s < series.size(); ++s) {
      for (long long page = 1;; ++page) {
        ApiRequest request = series[s];
        if (unit_.paged) request.params.emplace_back("page", std::to_string(page));
        auto response = api_.Get(request);
        bool batch = request.Param("advertiser_ids").find(',') != std::string::npos;
        if (!response.ok() && response.status().kind() == ErrorKind::kSkipAdvertiser &&
            !unit_.paged && batch) {
          // One inaccessible id fails a whole batch: ask for each id alone.
          for (const std::string& id : unit_.advertiser_ids) {
            ApiRequest single = request;
            for (auto& [key, value] : single.params) {
              if (key == "advertiser_ids") value = JsonStringArray({id});
            }
            series.push_back(single);
          }
          break;
        }
        if (!response.ok()) {
          if (response.status().kind() == ErrorKind::kSkipAdvertiser && !unit_.paged) {
            skipped_[request.Param("advertiser_ids")] = response.status().message();
            break;
          }
          return response.status();
        }
        ++pages;
        rapidjson::Document& body = response->body;
        bool empty = false;
        auto list = ListOf(body, request, &empty);
        if (!list.ok()) return list.status();
        if (empty) break;
        std::string extracted = FormatRfc3339(NowUtc());
        for (rapidjson::Value& row : (*list)->GetArray()) {
          if (cs_.incremental() && row.IsObject()) {
            std::string_view key = es.replication_key;
            rapidjson::Value* value = MutableMember(row, key);
            if (!Present(value) && !es.replication_fallback.empty()) {
              // Smart+ ads can lack modify_time: they count as modified when created (§3.2).
              const rapidjson::Value* fallback = FindMember(row, es.replication_fallback);
              if (Present(fallback)) {
                rapidjson::Value copy(*fallback, body.GetAllocator());
                if (value != nullptr) {
                  *value = copy;
                } else {
                  row.AddMember(
                      rapidjson::Value(key.data(), static_cast<rapidjson::SizeType>(key.size()),
                                       body.GetAllocator()),
                      copy, body.GetAllocator());
                }
                value = MutableMember(row, key);
              }
            }
            std::optional<Timestamp> t;
            if (Present(value) && value->IsString()) t = ParseTimestamp(value->GetString());
            if (!t) {
              ++unknown_time;  // cannot be filtered or bookmarked; emitted so nothing is lost
            } else if (*t < *unit_.start) {
              ++filtered;
              continue;
            } else if (!max_seen || *max_seen < *t) {
              max_seen = t;
            }
          }
          if (Status st = Emit(row, extracted); !st.ok()) return st;
          ++emitted;
          if (piece_.lines.size() > kPieceBytes) Flush();
        }
        Flush();
        if (!unit_.paged || (*list)->Empty() || !HasMorePages(body, page)) break;
      }
    }
    if (unknown_time > 0) {
      LogWarning(
          "Stream '{}', advertiser {}: {} record(s) had no usable {}; they were emitted "
          "but cannot advance the bookmark",
          es.name, advertiser, unknown_time, es.replication_key);
    }
    std::optional<Timestamp> bookmark;
    if (cs_.incremental() && max_seen) bookmark = std::min(*max_seen, signpost_);
    Flush(true, bookmark);
    if (unit_.paged) {
      LogInfo("Stream '{}', advertiser {}: {} record(s) from {} page(s){}", es.name, advertiser,
              emitted, pages,
              filtered > 0 ? fmt::format(", {} older than the bookmark skipped", filtered) : "");
    } else {
      LogInfo("Stream '{}': {} record(s) for {} advertiser(s)", es.name, emitted,
              unit_.advertiser_ids.size());
    }
    return Status::Ok();
  }

  Status ReportWindow(std::optional<Date> from, std::optional<Date> to) {
    const std::string& advertiser = unit_.advertiser_ids.front();
    long long rows = 0;
    Status s = FetchReport(from, to, &rows);
    if (s.kind() == ErrorKind::kQueryTooLarge) {
      if (!from || *from == *to) {
        return Status::Error(
            ErrorKind::kFatal,
            fmt::format("{} Even the smallest request was too large for stream '{}' (advertiser "
                        "{}{}): select fewer metrics for it, or split it with a custom report.",
                        s.message(), cs_.def->name, advertiser,
                        from ? ", " + FormatDay(*from) : std::string()));
      }
      // TikTok 40067: halve the window, down to a single day (reference §4.2).
      Date mid = *from + std::chrono::days{(*to - *from).count() / 2};
      LogWarning("Stream '{}', advertiser {}: TikTok found {}..{} too large (40067); halving it",
                 cs_.def->name, advertiser, FormatDay(*from), FormatDay(*to));
      if (Status first = ReportWindow(from, mid); !first.ok()) return first;
      return ReportWindow(mid + std::chrono::days{1}, to);
    }
    if (!s.ok()) return s;
    std::optional<Timestamp> bookmark;
    if (cs_.incremental() && to) bookmark = Timestamp{*to};
    Flush(true, bookmark);
    LogInfo("Stream '{}', advertiser {}{}: {} record(s)", cs_.def->name, advertiser,
            from ? fmt::format(", {}..{}", FormatDay(*from), FormatDay(*to)) : "", rows);
    return Status::Ok();
  }

  // Reads one report window, all metric groups; with several groups, rows are merged by their
  // dimensions before any is written.
  Status FetchReport(std::optional<Date> from, std::optional<Date> to, long long* rows) {
    bool merge = unit_.metric_groups.size() > 1;
    std::vector<rapidjson::Document> merged;
    std::unordered_map<std::string, size_t> index;
    for (const std::vector<std::string>& metrics : unit_.metric_groups) {
      for (long long page = 1;; ++page) {
        ApiRequest request = unit_.series.front();
        request.params.emplace_back("metrics", JsonStringArray(metrics));
        if (from) {
          request.params.emplace_back("start_date", FormatDay(*from));
          request.params.emplace_back("end_date", FormatDay(*to));
        }
        request.params.emplace_back("page", std::to_string(page));
        auto response = api_.Get(request);
        if (!response.ok()) return response.status();
        rapidjson::Document& body = response->body;
        bool empty = false;
        auto list = ListOf(body, request, &empty);
        if (!list.ok()) return list.status();
        if (empty) break;
        std::string extracted = FormatRfc3339(NowUtc());
        for (rapidjson::Value& row : (*list)->GetArray()) {
          if (!row.IsObject()) {
            return Status::Error(ErrorKind::kFatal,
                                 "report/integrated/get/ returned a row that is not an object");
          }
          if (!merge) {
            if (Status s = Emit(ReportParts(row), extracted); !s.ok()) return s;
            ++*rows;
            // Lines go to the writer a slice at a time, so a page's output is never held whole.
            if (piece_.lines.size() > kPieceBytes) Flush();
            continue;
          }
          auto [it, inserted] = index.emplace(DimensionKey(row), merged.size());
          if (inserted) {
            merged.emplace_back();
            merged.back().SetObject();
          }
          rapidjson::Document& target = merged[it->second];
          for (const rapidjson::Value* part : ReportParts(row)) {
            for (const auto& m : part->GetObject()) {
              if (target.HasMember(m.name)) continue;
              target.AddMember(OwnedCopy(m.name, target.GetAllocator()),
                               OwnedCopy(m.value, target.GetAllocator()), target.GetAllocator());
            }
          }
        }
        if (!merge) Flush();
        if ((*list)->Empty() || !HasMorePages(body, page)) break;
      }
    }
    if (merge) {
      std::string extracted = FormatRfc3339(NowUtc());
      for (const rapidjson::Document& row : merged) {
        if (Status s = Emit(row, extracted); !s.ok()) return s;
        ++*rows;
        if (piece_.lines.size() > kMaxBufferedBytes / 4) Flush();
      }
    }
    return Status::Ok();
  }

  ApiClient& api_;
  Timestamp signpost_;
  OutputQueue& out_;
  size_t index_;  // of the unit in the plan
  const WorkUnit& unit_;
  const CatalogStream& cs_;
  Transformer transformer_;
  OutputQueue::Piece piece_;
  std::map<std::string, std::string> skipped_;
};

}  // namespace

Sync::Sync(const Settings& settings, const Catalog& catalog, State& state, ApiClient& api,
           SingerWriter& writer, std::atomic<bool>* stop)
    : settings_(settings),
      catalog_(catalog),
      state_(state),
      api_(api),
      writer_(writer),
      stop_(stop),
      signpost_(NowUtc()),
      started_(std::chrono::steady_clock::now()),
      last_progress_(started_) {}

Status Sync::CheckWriter() const {
  if (writer_.ok()) return Status::Ok();
  return Status::Error(ErrorKind::kFatal, "stdout was closed (the target stopped reading)");
}

Result<std::vector<std::string>> Sync::ResolveAdvertisers() {
  if (!settings_.advertiser_ids.empty()) return settings_.advertiser_ids;
  ApiRequest request{"oauth2/advertiser/get/",
                     {{"app_id", settings_.app_id}, {"secret", settings_.secret.reveal()}}};
  auto response = api_.Get(request);
  if (!response.ok()) {
    return Status::Error(response.status().kind(),
                         "could not list the advertisers the token is authorized for: " +
                             response.status().message());
  }
  std::vector<std::string> ids;
  const rapidjson::Value* list = FindMember(response->data(), "list");
  if (list != nullptr && list->IsArray()) {
    for (const auto& row : list->GetArray()) {
      const rapidjson::Value* id = FindMember(row, "advertiser_id");
      if (id != nullptr && id->IsString() && id->GetStringLength() > 0) {
        ids.emplace_back(id->GetString(), id->GetStringLength());
      }
    }
  }
  if (ids.empty()) {
    return Status::Error(ErrorKind::kInvalidInput,
                         "the access token is authorized for no advertisers: authorize the app "
                         "for an ad account, or list advertiser_ids in the config");
  }
  LogInfo("The token is authorized for {} advertiser(s)", ids.size());
  return ids;
}

Result<ZoneMap> Sync::ResolveZones(const std::vector<std::string>& advertisers) {
  ZoneMap zones;
  std::vector<std::vector<std::string>> batches;
  for (size_t i = 0; i < advertisers.size(); i += 100) {
    batches.emplace_back(
        advertisers.begin() + static_cast<long>(i),
        advertisers.begin() + static_cast<long>(std::min(advertisers.size(), i + 100)));
  }
  for (size_t b = 0; b < batches.size(); ++b) {
    ApiRequest request{"advertiser/info/",
                       {{"advertiser_ids", JsonStringArray(batches[b])},
                        {"fields", R"(["advertiser_id","timezone","display_timezone"])"}}};
    auto response = api_.Get(request);
    if (!response.ok() && response.status().kind() == ErrorKind::kSkipAdvertiser &&
        batches[b].size() > 1) {
      for (const std::string& id : batches[b]) batches.push_back({id});  // find the one
      continue;
    }
    if (!response.ok() && response.status().kind() == ErrorKind::kSkipAdvertiser) continue;
    if (!response.ok()) return response.status();
    const rapidjson::Value* list = FindMember(response->data(), "list");
    if (list == nullptr || !list->IsArray()) continue;
    for (const auto& row : list->GetArray()) {
      const rapidjson::Value* id = FindMember(row, "advertiser_id");
      if (id == nullptr || !id->IsString()) continue;
      for (const char* field : {"display_timezone", "timezone"}) {
        const rapidjson::Value* name = FindMember(row, field);
        if (!Present(name) || !name->IsString()) continue;
        if (auto zone = TimeZone::Find(name->GetString()); zone.ok()) {
          zones.emplace(id->GetString(), std::move(zone).value());
          break;
        }
        LogWarning("Advertiser {}: {} '{}' is not a known time zone", id->GetString(), field,
                   name->GetString());
      }
    }
  }
  for (const std::string& advertiser : advertisers) {
    if (zones.find(advertiser) == zones.end()) {
      LogWarning(
          "Advertiser {}: no usable time zone from /advertiser/info/; report dates are "
          "read as UTC",
          advertiser);
      zones.emplace(advertiser, TimeZone::Utc());
    }
  }
  return zones;
}

void Sync::LogProgress(bool final) {
  auto now = std::chrono::steady_clock::now();
  if (!final && now - last_progress_ < std::chrono::seconds(5)) return;
  last_progress_ = now;
  std::string counts;
  for (const auto& [stream, count] : writer_.record_counts()) {
    if (count == 0 && !final) continue;
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", stream, count);
  }
  LogInfo("Progress{}: {} record(s); {}{} s elapsed", final ? " (done)" : "",
          counts.empty() ? "no" : counts, detail_ ? detail_() + "; " : "",
          std::chrono::duration_cast<std::chrono::seconds>(now - started_).count());
}

Status Sync::Run() {
  std::atomic<bool> own_stop{false};
  std::atomic<bool>* stop = stop_ != nullptr ? stop_ : &own_stop;
  auto advertisers = ResolveAdvertisers();
  if (!advertisers.ok()) return advertisers.status();
  bool reports = false;
  for (const CatalogStream& cs : catalog_.streams) {
    reports = reports || (cs.selected && cs.def->report != nullptr);
  }
  ZoneMap zones;
  if (reports) {
    auto resolved = ResolveZones(*advertisers);
    if (!resolved.ok()) return resolved.status();
    zones = std::move(resolved).value();
  }
  std::vector<WorkUnit> plan = MakePlan(settings_, catalog_, state_, *advertisers, zones, NowUtc());

  // SCHEMA of every selected stream first, so each precedes any of its records.
  std::map<const CatalogStream*, Shape> shapes;
  for (const CatalogStream& cs : catalog_.streams) {
    if (!cs.selected) continue;
    std::vector<std::string> bookmark_properties;
    if (cs.incremental()) bookmark_properties.push_back(cs.replication_key);
    writer_.WriteSchema(cs.def->name, cs.schema, cs.key_properties, bookmark_properties);
    shapes.emplace(&cs, CompileShape(cs.schema));
  }

  OutputQueue queue;
  size_t workers =
      std::min(plan.size(), static_cast<size_t>(std::max(1, settings_.max_concurrency)));
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      while (true) {
        size_t i = next++;
        if (i >= plan.size()) return;
        if (stop->load()) {
          queue.Finish(i, Status::Error(ErrorKind::kCancelled, "stopped"), {}, {});
          continue;
        }
        UnitRunner runner(api_, signpost_, queue, i, shapes.at(plan[i].stream), plan[i]);
        Status s = runner.Run();
        queue.Finish(i, std::move(s), runner.issues(), runner.skipped());
      }
    });
  }

  // Lines are written as they arrive. A unit's checkpoints wait until every unit before it in
  // the plan has ended, so a STATE never covers a unit that has not been written in full (a
  // later window of an advertiser may finish before an earlier one).
  struct UnitProgress {
    bool done = false;
    Status status;
    std::deque<std::optional<Timestamp>> checkpoints;  // not yet committed
  };
  std::vector<UnitProgress> units(plan.size());
  Status failure;
  std::map<std::string, std::map<std::string, Transformer::Issue>> issues;
  size_t committed = 0;  // units before this index are committed
  bool halted = false;   // a unit failed or the run was stopped: nothing more is committed
  auto commit = [&](size_t i) {
    const WorkUnit& unit = plan[i];
    for (const std::optional<Timestamp>& bookmark : units[i].checkpoints) {
      if (bookmark) {
        state_.SetBookmark(unit.stream->def->name, unit.advertiser_ids.front(),
                           unit.stream->replication_key, *bookmark);
      }
      writer_.WriteState(state_.ToJson());
    }
    units[i].checkpoints.clear();
  };
  for (size_t ended = 0; ended < plan.size();) {
    OutputQueue::Event event = queue.Pop();
    size_t i = event.unit;
    const WorkUnit& unit = plan[i];
    const std::string& stream = unit.stream->def->name;
    if (!event.done) {
      // Records already received are written even when stopping; bookmarks only at checkpoints.
      if (writer_.ok()) writer_.WriteRecordLines(stream, event.piece.lines, event.piece.records);
      if (event.piece.checkpoint) {
        units[i].checkpoints.push_back(event.piece.bookmark);
        if (i == committed && !halted) commit(i);
      }
      if (writer_.ok()) LogProgress(false);
    } else {
      ++ended;
      units[i].done = true;
      units[i].status = std::move(event.status);
      for (const auto& [path, issue] : event.issues) {
        Transformer::Issue& total = issues[stream][path];
        if (total.count == 0)
          total = issue;
        else
          total.count += issue.count;
      }
      for (const auto& [ids, reason] : event.skipped) skipped_[ids] = reason;
      // Commit every unit that can be, in plan order.
      while (!halted && committed < plan.size() && units[committed].done) {
        const Status& s = units[committed].status;
        const std::string& advertiser = plan[committed].advertiser_ids.front();
        if (s.kind() == ErrorKind::kSkipAdvertiser) {
          if (skipped_.emplace(advertiser, s.message()).second) {
            LogWarning("Skipping advertiser {}: {}", advertiser, s.message());
          }
          units[committed].checkpoints.clear();
          ++committed;
          continue;
        }
        if (!s.ok()) {
          halted = true;
          break;
        }
        commit(committed);
        ++committed;
        if (committed < plan.size()) commit(committed);  // checkpoints it already reached
      }
      // A failure anywhere ends the run: no new requests; running units end at their next one.
      ErrorKind kind = units[i].status.kind();
      if (!units[i].status.ok() && kind != ErrorKind::kSkipAdvertiser &&
          kind != ErrorKind::kCancelled) {
        if (failure.ok()) failure = units[i].status;
        stop->store(true);
      }
    }
    if (!writer_.ok() && !stop->load()) {
      stop->store(true);
      queue.Abandon();
    }
  }
  for (std::thread& t : threads) t.join();
  if (!writer_.ok()) failure = CheckWriter();

  for (const auto& [stream, by_path] : issues) {
    for (const auto& [path, issue] : by_path) {
      LogWarning(
          "Stream '{}': {} value(s) of '{}' were not {} and were written as null (first: "
          "{})",
          stream, issue.count, path, issue.expected, issue.example);
    }
  }
  writer_.WriteState(state_.ToJson());
  LogProgress(true);
  for (const auto& [stream, count] : writer_.record_counts()) {
    LogInfo(
        R"(METRIC: {{"type":"counter","metric":"record_count","value":{},"tags":{{"endpoint":"{}"}}}})",
        count, stream);
  }
  if (!failure.ok()) return failure;
  if (Status s = CheckWriter(); !s.ok()) return s;
  if (committed < plan.size()) {
    return Status::Error(ErrorKind::kCancelled, "the sync was stopped");
  }
  if (!skipped_.empty() && !settings_.skip_inaccessible_advertisers) {
    std::string ids;
    for (const auto& [id, reason] : skipped_) ids += (ids.empty() ? "" : ", ") + id;
    return Status::Error(ErrorKind::kSkipAdvertiser,
                         fmt::format("{} advertiser(s) could not be read and were skipped: {}. "
                                     "Authorize the token for them, remove them from "
                                     "advertiser_ids, or set skip_inaccessible_advertisers.",
                                     skipped_.size(), ids));
  }
  return Status::Ok();
}

}  // namespace tap
