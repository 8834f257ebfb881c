#include "tap/report_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "tap/json.h"
#include "tap/log.h"
#include "tap/row_merge.h"
#include "tap/unit_reader.h"

namespace tap {
namespace {

constexpr size_t kMaxIdsPerFilter = 100;  // §4.5: campaign_ids, adgroup_ids, ad_ids
// Memory one merge of metric groups may hold; windows with more rows are merged in slices of
// ids and days. The sync holds at most two merges at once. A merged value costs about 128
// bytes, measured: two RapidJSON values, the copied name and value, and the member array's
// doublings (RapidJSON 1.1 cannot reserve it; its pool keeps the outgrown arrays).
constexpr size_t kMergeBudgetBytes = 12 << 20;
constexpr size_t kBytesPerMergedValue = 128;
constexpr size_t kMinMergeRows = 100;

// Days of a report request: the unit's window, or a slice of it.
struct DayRange {
  std::optional<Date> first, last;
};

DayRange WindowOf(const WorkUnit& unit) { return {unit.first_day, unit.last_day}; }

// ", 2024-06-01..2024-06-30" for a unit with days, for log lines; else empty.
std::string WindowText(const WorkUnit& unit) {
  if (!unit.first_day) return {};
  return fmt::format(", {}..{}", FormatDay(*unit.first_day), FormatDay(*unit.last_day));
}

// One report query: one request of the stream's series, for some ids or every object, over
// some days.
struct Query {
  size_t series = 0;
  std::vector<std::string> ids = {};  // the level's id filter; empty: every object
  DayRange days = {};
};

// The ids of the rows a query emitted, and whether TikTok cut it to its newest ids (§9.1).
class Coverage {
 public:
  Coverage(const UnitReader& r, size_t limit)
      : by_id_(!r.def().report->level->id_filter.empty()),
        limit_(limit),
        id_(r.transformer().Position(r.def().report->level->id_dimension)),
        day_(r.transformer().Position("stat_time_day")),
        spend_(r.transformer().Position("spend")) {}

  void See(const Page& page) { truncated_ = truncated_ || page.truncated(); }
  void Emitted(const Transformer& row) {
    if (!by_id_) return;
    const rapidjson::Value* id = row.BoundAt(id_);
    if (id == nullptr || !id->IsString()) return;
    std::string_view text(id->GetString(), id->GetStringLength());
    // Looked up before it is copied: a row's id is usually already known (one row per day).
    if (ids_.find(text) == ids_.end()) ids_.emplace(text);
  }
  /// TikTok's warning, or as many distinct ids as its limit (should the warning be missing).
  bool Truncated() const { return by_id_ && (truncated_ || ids_.size() >= limit_); }
  bool Has(const std::string& id) const { return ids_.count(id) != 0; }
  size_t size() const { return ids_.size(); }
  /// The bound row's day and spend (reconciled streams), found by position row after row.
  const rapidjson::Value* Day(const Transformer& row) const { return row.BoundAt(day_); }
  const rapidjson::Value* Spend(const Transformer& row) const { return row.BoundAt(spend_); }

 private:
  bool by_id_;
  size_t limit_;
  size_t id_, day_, spend_;  // positions in the stream's records
  bool truncated_ = false;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> ids_;
};

// The report request of metric group `group` for query `q`.
ApiRequest ReportRequest(const WorkUnit& unit, size_t group, const Query& q) {
  ApiRequest request = unit.Request(q.series);
  request.Set("metrics", JsonStringArray(unit.requests->metric_groups[group]));
  if (q.days.first) {
    request.Set("start_date", FormatDay(*q.days.first));
    request.Set("end_date", FormatDay(*q.days.last));
  }
  std::vector<std::string> filters = unit.requests->series[q.series].filters;
  if (!q.ids.empty()) {
    filters.push_back(ReportFilterIn(unit.stream->def->report->level->id_filter, q.ids));
  }
  if (!filters.empty()) request.Set("filtering", ReportFiltering(filters));
  // A window of several days can be halved (SplitWindow) when TikTok keeps timing out on it.
  request.reducible = unit.first_day && unit.last_day && *unit.first_day < *unit.last_day;
  return request;
}

// Adds the bound row's spend to the unit's tally (reconciled streams).
void TallySpend(UnitReader& r, const Coverage& c) {
  const rapidjson::Value* day = c.Day(r.transformer());
  if (day == nullptr || !day->IsString()) return;
  std::string_view text(day->GetString(), day->GetStringLength());
  if (auto d = ParseDay(text.substr(0, 10))) r.spend()->Add(*d, c.Spend(r.transformer()));
}

Status EmitBoundRow(UnitReader& r, Coverage& c) {
  if (Status s = r.EmitBound(); !s.ok()) return s;
  c.Emitted(r.transformer());
  if (r.spend()) TallySpend(r, c);
  return Status::Ok();
}

// The rows of a page read into a table: each by its values, or as the document it was kept as.
Status EmitTable(UnitReader& r, const RowTable& table, Coverage& c) {
  for (size_t i = 0; i < table.size(); ++i) {
    if (const rapidjson::Value* row = table.Document(i)) {
      if (Status s = r.Bind(*row); !s.ok()) return s;
    } else {
      r.transformer().BindValues(table.Values(i), table.Forms(i));
    }
    if (Status s = EmitBoundRow(r, c); !s.ok()) return s;
  }
  return Status::Ok();
}

Status EmitRows(UnitReader& r, Page& page, Coverage& c) {
  c.See(page);
  if (page.table() != nullptr) return EmitTable(r, *page.table(), c);
  if (page.rows == nullptr) return Status::Ok();
  for (const rapidjson::Value& row : page.rows->GetArray()) {
    if (Status s = r.Bind(row); !s.ok()) return s;
    if (Status s = EmitBoundRow(r, c); !s.ok()) return s;
  }
  return Status::Ok();
}

Status MergeRows(UnitReader& r, RowMerge& merge, const Page& page, Coverage& c) {
  c.See(page);
  if (page.rows == nullptr) return Status::Ok();
  for (const rapidjson::Value& row : page.rows->GetArray()) {
    if (!merge.Add(row)) return r.Bind(row);  // the error of a row not an object
  }
  return Status::Ok();
}

Status EmitMerged(UnitReader& r, RowMerge& merge, Coverage& c) {
  for (const rapidjson::Value& row : merge.rows()) {
    const rapidjson::Value* parts[] = {&row};
    if (!r.transformer().Bind(parts)) return r.Bind(row);
    if (Status s = EmitBoundRow(r, c); !s.ok()) return s;
  }
  merge.Clear();
  return Status::Ok();
}

size_t MergeRowLimit(const WorkUnit& unit) {
  size_t values = unit.stream->def->report->dimensions.size();
  for (const auto& group : unit.requests->metric_groups) values += group.size();
  return std::max(kMinMergeRows, kMergeBudgetBytes / (kBytesPerMergedValue * values));
}

// Metric groups `first_group`.. of `q` into `merge`.
Status MergeGroups(UnitReader& r, RowMerge& merge, size_t first_group, const Query& q,
                   Coverage& c) {
  const WorkUnit& unit = r.unit();
  for (size_t g = first_group; g < unit.requests->metric_groups.size(); ++g) {
    Status s = r.ReadPages(ReportRequest(unit, g, q),
                           [&](Page& page) { return MergeRows(r, merge, page, c); });
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// Every group of `q`, merged, then written.
Status MergeSlice(UnitReader& r, const Query& q, Coverage& c) {
  RowMerge merge;
  if (Status s = MergeGroups(r, merge, 0, q, c); !s.ok()) return s;
  return EmitMerged(r, merge, c);
}

// The distinct ids of the query's rows (the first group, page by page; no row is held), and
// how many rows there are.
Status QueryIds(UnitReader& r, const Query& q, Coverage& c, std::vector<std::string>* ids,
                long long* rows) {
  std::set<std::string, std::less<>> seen;
  std::string_view id = r.def().report->level->id_dimension;
  *rows = 0;
  // The ids are all that is read: one metric of the first group (valid for this report) keeps
  // the pages small.
  ApiRequest request = ReportRequest(r.unit(), 0, q);
  const std::vector<std::string>& first = r.unit().requests->metric_groups.front();
  if (!first.empty()) request.Set("metrics", JsonStringArray({first.front()}));
  return r.ReadPages(request, [&](Page& page) {
    c.See(page);
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

// Every day slice of `batch` (ids of `q`), merged slice by slice.
Status MergeDaySlices(UnitReader& r, const Query& q, std::vector<std::string> batch, int days,
                      Coverage& c) {
  Query slice{q.series, std::move(batch), q.days};
  for (std::optional<Date> from = q.days.first;; from = *from + std::chrono::days{days}) {
    if (from) slice.days = {from, std::min(*q.days.last, *from + std::chrono::days{days - 1})};
    if (Status s = MergeSlice(r, slice, c); !s.ok()) return s;
    if (!from || *slice.days.last >= *q.days.last) return Status::Ok();
  }
}

// A query too large to merge whole: its ids in batches, its days in slices.
Status MergeByIds(UnitReader& r, const Query& q, Coverage& c, size_t limit) {
  std::vector<std::string> ids;
  long long rows = 0;
  if (Status s = QueryIds(r, q, c, &ids, &rows); !s.ok()) return s;
  if (ids.empty() && rows > 0) {
    return Status::Error(
        ErrorKind::kFatal,
        fmt::format("TikTok returned {} rows without '{}' (advertiser {}); "
                    "they cannot be merged",
                    r.def().name, r.def().report->level->id_dimension, r.unit().advertiser()));
  }
  bool by_day = q.days.first && !r.def().report->TimeDimension().empty();
  int window_days = q.days.first ? (*q.days.last - *q.days.first).count() + 1 : 1;
  Slicing slicing = SliceFor(limit, rows, ids.size(), window_days, by_day);
  for (size_t i = 0; i < ids.size(); i += slicing.ids) {
    if (Status s = MergeDaySlices(r, q, Slice(ids, i, slicing.ids), slicing.days, c); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

// Several metric groups: merged whole when the query is small, else by slices of ids and days.
Status ReadMerged(UnitReader& r, const Query& q, Coverage& c) {
  // Taken before any page is held: a worker never waits for it while holding a page slot.
  PageSlots::Slot merge = r.AcquireMerge();
  size_t limit = MergeRowLimit(r.unit());
  std::optional<Page> page;
  Pager first = r.Pages(ReportRequest(r.unit(), 0, q));
  if (Status s = first.Next(&page); !s.ok()) return s;
  bool large = page && static_cast<size_t>(page->total_number) > limit;
  if (!large || r.def().report->level->id_filter.empty()) {
    RowMerge whole;
    while (page) {
      if (Status s = MergeRows(r, whole, *page, c); !s.ok()) return s;
      if (Status s = first.Next(&page); !s.ok()) return s;
    }
    if (Status s = MergeGroups(r, whole, 1, q, c); !s.ok()) return s;
    return EmitMerged(r, whole, c);
  }
  page.reset();
  return MergeByIds(r, q, c, limit);
}

Status ReadQuery(UnitReader& r, const Query& q, Coverage& c) {
  if (r.unit().requests->metric_groups.size() > 1) return ReadMerged(r, q, c);
  // One group: its rows are written as they are, read straight into a table.
  ApiRequest request = ReportRequest(r.unit(), 0, q);
  request.rows = &*r.row_layout();
  return r.ReadPages(request, [&](Page& page) { return EmitRows(r, page, c); });
}

// The ids of the series' objects that `c` did not cover.
Result<std::vector<std::string>> Uncovered(UnitReader& r, size_t series, const Coverage& c) {
  auto listed = r.ListedIds(r.unit().requests->series[series].id_requests,
                            r.def().report->level->EntityIdField());
  if (!listed.ok()) return listed.status();
  std::vector<std::string> out;
  for (const std::string& id : **listed) {
    if (!c.Has(id)) out.push_back(id);
  }
  return out;
}

Status StillTruncated(UnitReader& r, const std::string& id) {
  return Status::Error(
      ErrorKind::kFatal,
      fmt::format("TikTok says its report of stream '{}' (advertiser {}) for the single id {} "
                  "was cut to its newest ids (X-Tt-Ads-Throttle); it cannot be read whole. "
                  "Lower report_id_limit only if TikTok changed its limit.",
                  r.def().name, r.unit().advertiser(), id));
}

// Reads `ids` of `all` (a whole-window query) in batches of `size`; a batch TikTok cut too is
// completed the same way, in smaller batches.
Status ReadBatches(UnitReader& r, const Query& all, const std::vector<std::string>& ids,
                   size_t size) {
  for (size_t i = 0; i < ids.size(); i += size) {
    Query q{all.series, Slice(ids, i, size), all.days};
    Coverage c(r, r.unit().requests->id_limit);
    if (Status s = ReadQuery(r, q, c); !s.ok()) return s;
    if (!c.Truncated()) continue;
    std::vector<std::string> rest;
    std::copy_if(q.ids.begin(), q.ids.end(), std::back_inserter(rest),
                 [&](const std::string& id) { return !c.Has(id); });
    if (rest.empty()) continue;
    if (size == 1) return StillTruncated(r, rest.front());
    if (Status s = ReadBatches(r, all, rest, std::max<size_t>(1, size / 2)); !s.ok()) return s;
  }
  return Status::Ok();
}

// One request of the series over the unit's window, completed by id batches when TikTok cut it.
Status ReadSeries(UnitReader& r, size_t series) {
  const WorkUnit& unit = r.unit();
  auto may = r.MayHaveRows(series);
  if (!may.ok()) return may.status();
  if (!*may) return Status::Ok();
  Query all{series, {}, WindowOf(unit)};
  Coverage c(r, unit.requests->id_limit);
  if (Status s = ReadQuery(r, all, c); !s.ok()) return s;
  if (!c.Truncated()) return Status::Ok();
  auto rest = Uncovered(r, series, c);
  if (!rest.ok()) return rest.status();
  size_t batch = std::min(kMaxIdsPerFilter, unit.requests->id_limit);
  LogInfo(
      "Stream '{}', advertiser {}{}: TikTok cut the report to its newest ids "
      "(X-Tt-Ads-Throttle; {} of them had rows); reading the other {} {}(s) in batches of {}",
      r.def().name, unit.advertiser(), WindowText(unit), c.size(), rest->size(),
      r.def().report->level->name, batch);
  return ReadBatches(r, all, *rest, batch);
}

// The series' listed ids in batches, each completed like a cut report (ReadBatches).
Status ReadListedSeries(UnitReader& r, size_t series) {
  auto may = r.MayHaveRows(series);
  if (!may.ok()) return may.status();
  if (!*may) return Status::Ok();
  auto listed = r.ListedIds(r.unit().requests->series[series].id_requests,
                            r.def().report->level->EntityIdField());
  if (!listed.ok()) return listed.status();
  Query all{series, {}, WindowOf(r.unit())};
  return ReadBatches(r, all, **listed, std::min(kMaxIdsPerFilter, r.unit().requests->id_limit));
}

using SeriesReader = Status (*)(UnitReader& r, size_t series);

Status ReadReportWith(UnitReader& r, SeriesReader read_series) {
  const WorkUnit& unit = r.unit();
  // Read as ReportRow reads a row: its dimensions, then its metrics.
  r.row_layout().emplace(r.def().list_key, std::vector<std::string>{"dimensions", "metrics"},
                         r.transformer().names());
  if (r.def().report->granularity == Granularity::kHour) {
    r.transformer().SetLocalTime("stat_time_hour", unit.zone);
  }
  if (auto level = ReconciledLevel(*unit.stream); level && unit.first_day) {
    r.spend() = SpendTally{unit.advertiser(), *level, *unit.first_day, *unit.last_day, {}};
  }
  long long before = r.records();
  for (size_t s = 0; s < unit.requests->series.size(); ++s) {
    if (Status st = read_series(r, s); !st.ok()) return st;
  }
  std::optional<Timestamp> bookmark;
  if (unit.stream->incremental() && unit.last_day) bookmark = Timestamp{*unit.last_day};
  r.Checkpoint(bookmark);
  LogInfo("Stream '{}', advertiser {}{}: {} record(s)", r.def().name, unit.advertiser(),
          WindowText(unit), r.records() - before);
  return Status::Ok();
}

}  // namespace

Status ReadReport(UnitReader& r) { return ReadReportWith(r, ReadSeries); }

Status ReadReportByListedIds(UnitReader& r) { return ReadReportWith(r, ReadListedSeries); }

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
