#include "tap/unit_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "tap/json.h"
#include "tap/log.h"
#include "tap/row_merge.h"
#include "tap/singer_writer.h"

namespace tap {
namespace {

constexpr size_t kPieceBytes = 256 << 10;  // RECORD lines handed over at a time
constexpr size_t kMaxIdsPerFilter = 100;   // §4.5: campaign_ids, adgroup_ids, ad_ids
// Memory one merge of metric groups may hold; windows with more rows are merged in slices of
// ids and days. The sync holds at most two merges at once. A merged value costs about 128
// bytes, measured: two RapidJSON values, the copied name and value, and the member array's
// doublings (RapidJSON 1.1 cannot reserve it; its pool keeps the outgrown arrays).
constexpr size_t kMergeBudgetBytes = 12 << 20;
constexpr size_t kBytesPerMergedValue = 128;
constexpr size_t kMinMergeRows = 100;

// What an entity unit saw, for its bookmark and its log line.
struct EntityCounts {
  long long emitted = 0, filtered = 0, pages = 0, unknown_time = 0;
  std::optional<Timestamp> max_seen;
};

// Whether the bound row is kept: incremental streams keep rows modified at or after the start.
bool KeepEntity(UnitReader& r, EntityCounts& c) {
  const WorkUnit& unit = r.unit();
  if (!unit.stream->incremental() || !unit.start) return true;
  const rapidjson::Value* v = r.transformer().Bound(r.def().replication_key);
  std::optional<Timestamp> t;
  if (v != nullptr && v->IsString()) t = ParseTimestamp(v->GetString());
  if (!t) {
    ++c.unknown_time;  // cannot be filtered or bookmarked; emitted so nothing is lost
  } else if (*t < *unit.start) {
    ++c.filtered;
    return false;
  } else if (!c.max_seen || *c.max_seen < *t) {
    c.max_seen = t;
  }
  return true;
}

Status EntityPage(UnitReader& r, Page& page, EntityCounts& c) {
  ++c.pages;
  if (page.rows == nullptr) return Status::Ok();
  for (const rapidjson::Value& row : page.rows->GetArray()) {
    if (Status s = r.Bind(row); !s.ok()) return s;
    if (!KeepEntity(r, c)) continue;
    if (Status s = r.EmitBound(); !s.ok()) return s;
    ++c.emitted;
  }
  return Status::Ok();
}

void LogEntityEnd(UnitReader& r, const EntityCounts& c) {
  const std::string& stream = r.def().name;
  const std::string& advertiser = r.unit().advertiser();
  if (c.unknown_time > 0) {
    LogWarning(
        "Stream '{}', advertiser {}: {} record(s) had no usable {}; they were emitted "
        "but cannot advance the bookmark",
        stream, advertiser, c.unknown_time, r.def().replication_key);
  }
  if (!r.unit().requests->paged) return;
  LogInfo("Stream '{}', advertiser {}: {} record(s) from {} page(s){}", stream, advertiser,
          c.emitted, c.pages,
          c.filtered > 0 ? fmt::format(", {} older than the bookmark skipped", c.filtered) : "");
}

// Days of a report request: the unit's window, or a slice of it.
struct DayRange {
  std::optional<Date> first, last;
};

DayRange WindowOf(const WorkUnit& unit) { return {unit.first_day, unit.last_day}; }

// The report request of metric group `group` for `days`, with `extra` filters.
ApiRequest ReportRequest(const WorkUnit& unit, size_t group, const DayRange& days,
                         const std::vector<std::string>& extra = {}) {
  ApiRequest request = unit.Request(0);
  request.Set("metrics", JsonStringArray(unit.requests->metric_groups[group]));
  if (days.first) {
    request.Set("start_date", FormatDay(*days.first));
    request.Set("end_date", FormatDay(*days.last));
  }
  std::vector<std::string> filters = unit.requests->filters;
  filters.insert(filters.end(), extra.begin(), extra.end());
  if (!filters.empty()) request.Set("filtering", ReportFiltering(filters));
  return request;
}

Status EmitRows(UnitReader& r, Page& page) {
  if (page.rows == nullptr) return Status::Ok();
  for (const rapidjson::Value& row : page.rows->GetArray()) {
    if (Status s = r.Emit(row); !s.ok()) return s;
  }
  return Status::Ok();
}

Status MergeRows(UnitReader& r, RowMerge& merge, const Page& page) {
  if (page.rows == nullptr) return Status::Ok();
  for (const rapidjson::Value& row : page.rows->GetArray()) {
    if (!merge.Add(row)) return r.Bind(row);  // the error of a row not an object
  }
  return Status::Ok();
}

Status EmitMerged(UnitReader& r, RowMerge& merge) {
  for (const rapidjson::Value& row : merge.rows()) {
    const rapidjson::Value* parts[] = {&row};
    if (!r.transformer().Bind(parts)) return r.Bind(row);
    if (Status s = r.EmitBound(); !s.ok()) return s;
  }
  merge.Clear();
  return Status::Ok();
}

size_t MergeRowLimit(const WorkUnit& unit) {
  size_t values = unit.stream->def->report->dimensions.size();
  for (const auto& group : unit.requests->metric_groups) values += group.size();
  return std::max(kMinMergeRows, kMergeBudgetBytes / (kBytesPerMergedValue * values));
}

// Metric groups `first_group`.. over `days` for `ids` (none: every id) into `merge`.
Status MergeGroups(UnitReader& r, RowMerge& merge, size_t first_group, const DayRange& days,
                   const std::vector<std::string>& ids) {
  const WorkUnit& unit = r.unit();
  std::vector<std::string> extra;
  if (!ids.empty()) extra.push_back(ReportFilterIn(r.def().report->level->id_filter, ids));
  for (size_t g = first_group; g < unit.requests->metric_groups.size(); ++g) {
    Status s = r.ReadPages(ReportRequest(unit, g, days, extra),
                           [&](Page& page) { return MergeRows(r, merge, page); });
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// Every group over `days` for `ids`, merged, then written.
Status MergeSlice(UnitReader& r, const DayRange& days, const std::vector<std::string>& ids) {
  RowMerge merge;
  if (Status s = MergeGroups(r, merge, 0, days, ids); !s.ok()) return s;
  return EmitMerged(r, merge);
}

// The distinct ids of the window's rows (the first group, page by page; no row is held), and
// how many rows there are.
Status WindowIds(UnitReader& r, std::vector<std::string>* ids, long long* rows) {
  std::set<std::string, std::less<>> seen;
  std::string_view id = r.def().report->level->id_dimension;
  *rows = 0;
  // The ids are all that is read: one metric of the first group (valid for this report) keeps
  // the pages small.
  ApiRequest request = ReportRequest(r.unit(), 0, WindowOf(r.unit()));
  const std::vector<std::string>& first = r.unit().requests->metric_groups.front();
  if (!first.empty()) request.Set("metrics", JsonStringArray({first.front()}));
  return r.ReadPages(request, [&](Page& page) {
    if (page.rows == nullptr) return Status::Ok();
    for (const rapidjson::Value& row : page.rows->GetArray()) {
      const rapidjson::Value* dims = FindMember(row, "dimensions");
      const rapidjson::Value* v = dims != nullptr ? FindMember(*dims, id) : nullptr;
      ++*rows;
      if (v == nullptr || !v->IsString()) continue;
      std::string_view text(v->GetString(), v->GetStringLength());
      if (seen.find(text) == seen.end()) {
        seen.emplace(text);
        ids->emplace_back(text);
      }
    }
    return Status::Ok();
  });
}

// How a large window is cut: ids per request (at most 100) and days per slice, so that one
// slice holds about `limit` rows. Days are cut only for reports with a time dimension (a
// shorter range would change the totals of the others).
struct Slicing {
  size_t ids = kMaxIdsPerFilter;
  int days = 1;
};

Slicing SliceFor(size_t limit, long long rows, size_t ids, int window_days, bool by_day) {
  double per_id = static_cast<double>(rows) / static_cast<double>(std::max<size_t>(1, ids));
  double per_id_day = std::max(1.0, by_day ? per_id / window_days : per_id);
  Slicing s;
  s.ids = std::clamp<size_t>(static_cast<size_t>(static_cast<double>(limit) / per_id_day), 1,
                             kMaxIdsPerFilter);
  double days = static_cast<double>(limit) / (static_cast<double>(s.ids) * per_id_day);
  s.days = by_day ? std::clamp(static_cast<int>(days), 1, window_days) : window_days;
  return s;
}

// A window too large to merge whole: its ids in batches, its days in slices.
Status MergeByIds(UnitReader& r, size_t limit) {
  const WorkUnit& unit = r.unit();
  std::vector<std::string> ids;
  long long rows = 0;
  if (Status s = WindowIds(r, &ids, &rows); !s.ok()) return s;
  if (ids.empty() && rows > 0) {
    return Status::Error(
        ErrorKind::kFatal,
        fmt::format("TikTok returned {} rows without '{}' (advertiser {}); "
                    "they cannot be merged",
                    r.def().name, r.def().report->level->id_dimension, unit.advertiser()));
  }
  bool by_day = unit.first_day && !r.def().report->TimeDimension().empty();
  int window_days = unit.first_day ? (*unit.last_day - *unit.first_day).count() + 1 : 1;
  Slicing slicing = SliceFor(limit, rows, ids.size(), window_days, by_day);
  for (size_t i = 0; i < ids.size(); i += slicing.ids) {
    std::vector<std::string> batch(
        ids.begin() + static_cast<long>(i),
        ids.begin() + static_cast<long>(std::min(ids.size(), i + slicing.ids)));
    DayRange all = WindowOf(unit);
    for (std::optional<Date> from = all.first;; from = *from + std::chrono::days{slicing.days}) {
      DayRange days = all;
      if (from) days = {from, std::min(*all.last, *from + std::chrono::days{slicing.days - 1})};
      if (Status s = MergeSlice(r, days, batch); !s.ok()) return s;
      if (!from || *days.last >= *all.last) break;
    }
  }
  return Status::Ok();
}

// Several metric groups: merged whole when the window is small, else by slices of ids and days.
Status ReadMerged(UnitReader& r) {
  // Taken before any page is held: a worker never waits for it while holding a page slot.
  PageSlots::Slot merge = r.AcquireMerge();
  size_t limit = MergeRowLimit(r.unit());
  std::optional<Page> page;
  Pager first = r.Pages(ReportRequest(r.unit(), 0, WindowOf(r.unit())));
  if (Status s = first.Next(&page); !s.ok()) return s;
  bool large = page && static_cast<size_t>(page->total_number) > limit;
  if (!large || r.def().report->level->id_filter.empty()) {
    RowMerge whole;
    while (page) {
      if (Status s = MergeRows(r, whole, *page); !s.ok()) return s;
      if (Status s = first.Next(&page); !s.ok()) return s;
    }
    if (Status s = MergeGroups(r, whole, 1, WindowOf(r.unit()), {}); !s.ok()) return s;
    return EmitMerged(r, whole);
  }
  page.reset();
  return MergeByIds(r, limit);
}

}  // namespace

UnitReader::UnitReader(ApiClient& api, OutputQueue& out, Env& env, const WorkUnit& unit,
                       const Shape& shape, Timestamp signpost, PageSlots* merges)
    : api_(api),
      out_(out),
      env_(env),
      unit_(unit),
      transformer_(shape),
      signpost_(signpost),
      merges_(merges) {
  const StreamDef& d = def();
  for (const std::string& property : d.injected) {
    transformer_.SetInjected(property, unit.advertiser());
  }
  if (!d.replication_fallback.empty()) {
    transformer_.SetFallback(d.replication_key, d.replication_fallback);
  }
  transformer_.SetKeys(unit.stream->key_properties);
  StartPage();
}

Status UnitReader::Run() { return def().hooks.read(*this); }

void UnitReader::StartPage() { extracted_ = FormatRfc3339(env_.WallNow()); }

Pager UnitReader::Pages(ApiRequest request) {
  return Pager(api_, std::move(request), def().list_key, unit_.requests->paged);
}

Status UnitReader::ReadPages(const ApiRequest& request,
                             const std::function<Status(Page&)>& on_page) {
  Pager pager = Pages(request);
  for (std::optional<Page> page;;) {
    if (Status s = pager.Next(&page); !s.ok()) return s;
    if (!page) return Status::Ok();
    StartPage();
    if (Status s = on_page(*page); !s.ok()) return s;
    Flush(false, std::nullopt);
  }
}

Status UnitReader::Bind(const rapidjson::Value& row) {
  RowParts parts{};
  if (def().hooks.row(row, &parts) && transformer_.Bind(parts)) return Status::Ok();
  return Status::Error(ErrorKind::kFatal,
                       fmt::format("TikTok returned a {} row that is not an object", def().name));
}

Status UnitReader::EmitBound() {
  if (std::string_view key = transformer_.MissingKey(); !key.empty()) {
    return Status::Error(ErrorKind::kFatal,
                         fmt::format("TikTok returned a {} row without its key '{}' "
                                     "(advertiser {}); the record cannot be stored",
                                     def().name, key, unit_.advertiser()));
  }
  SingerWriter::FormatBound(&piece_.lines, def().name, transformer_, extracted_);
  ++piece_.records;
  ++records_;
  if (piece_.lines.size() > kPieceBytes) Flush(false, std::nullopt);
  return Status::Ok();
}

Status UnitReader::Emit(const rapidjson::Value& row) {
  if (Status s = Bind(row); !s.ok()) return s;
  return EmitBound();
}

void UnitReader::Checkpoint(std::optional<Timestamp> bookmark) { Flush(true, bookmark); }

void UnitReader::Flush(bool checkpoint, std::optional<Timestamp> bookmark) {
  piece_.checkpoint = checkpoint;
  piece_.bookmark = bookmark;
  if (!piece_.lines.empty() || checkpoint) out_.Push(unit_, std::move(piece_));
  piece_ = OutputQueue::Piece();
}

Status ReadEntities(UnitReader& r) {
  const WorkUnit& unit = r.unit();
  EntityCounts c;
  for (size_t s = 0; s < unit.requests->series.size(); ++s) {
    Status st = r.ReadPages(unit.Request(s), [&](Page& page) { return EntityPage(r, page, c); });
    if (!st.ok()) return st;
  }
  LogEntityEnd(r, c);
  std::optional<Timestamp> bookmark;
  if (unit.stream->incremental() && c.max_seen) bookmark = std::min(*c.max_seen, r.signpost());
  r.Checkpoint(bookmark);
  return Status::Ok();
}

Status ReadReport(UnitReader& r) {
  const WorkUnit& unit = r.unit();
  if (r.def().report->granularity == Granularity::kHour) {
    r.transformer().SetLocalTime("stat_time_hour", unit.zone);
  }
  long long before = r.records();
  Status s = unit.requests->metric_groups.size() > 1
                 ? ReadMerged(r)
                 : r.ReadPages(ReportRequest(unit, 0, WindowOf(unit)),
                               [&](Page& page) { return EmitRows(r, page); });
  if (!s.ok()) return s;
  std::optional<Timestamp> bookmark;
  if (unit.stream->incremental() && unit.last_day) bookmark = Timestamp{*unit.last_day};
  r.Checkpoint(bookmark);
  LogInfo("Stream '{}', advertiser {}{}: {} record(s)", r.def().name, unit.advertiser(),
          unit.first_day
              ? fmt::format(", {}..{}", FormatDay(*unit.first_day), FormatDay(*unit.last_day))
              : "",
          r.records() - before);
  return Status::Ok();
}

bool EntityRow(const rapidjson::Value& row, RowParts* parts) {
  *parts = {&row, nullptr};
  return row.IsObject();
}

bool ReportRow(const rapidjson::Value& row, RowParts* parts) {
  // {"dimensions":{...},"metrics":{...}}: read as one record; a part that is absent or not an
  // object reads as empty.
  if (!row.IsObject()) return false;
  auto object = [&](const char* name) -> const rapidjson::Value* {
    const rapidjson::Value* part = FindMember(row, name);
    return part != nullptr && part->IsObject() ? part : nullptr;
  };
  *parts = {object("dimensions"), object("metrics")};
  return true;
}

}  // namespace tap
