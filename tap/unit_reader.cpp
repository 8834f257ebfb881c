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
// Memory a merge of metric groups may hold, at about 64 bytes a merged value; windows with
// more rows are merged a page of ids at a time.
constexpr size_t kMergeBudgetBytes = 24 << 20;
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

// The report request of metric group `group`, for the unit's window, with `extra` filters.
ApiRequest ReportRequest(const WorkUnit& unit, size_t group,
                         const std::vector<std::string>& extra = {}) {
  ApiRequest request = unit.Request(0);
  request.Set("metrics", JsonStringArray(unit.requests->metric_groups[group]));
  if (unit.first_day) {
    request.Set("start_date", FormatDay(*unit.first_day));
    request.Set("end_date", FormatDay(*unit.last_day));
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

Status MergeRows(UnitReader& r, RowMerge& merge, const Page& page, bool known_only) {
  if (page.rows == nullptr) return Status::Ok();
  for (const rapidjson::Value& row : page.rows->GetArray()) {
    if (!merge.Add(row, known_only)) return r.Bind(row);  // the error of a row not an object
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

// Groups after the first, for every row the merge holds (`id_filter`: only their ids).
Status MergeOtherGroups(UnitReader& r, RowMerge& merge, std::string_view id_filter) {
  const WorkUnit& unit = r.unit();
  std::vector<std::vector<std::string>> batches(1);
  if (!id_filter.empty()) {
    batches.clear();
    std::vector<std::string> ids = merge.Values(r.def().report->level->id_dimension);
    for (size_t i = 0; i < ids.size(); i += kMaxIdsPerFilter) {
      batches.emplace_back(
          ids.begin() + static_cast<long>(i),
          ids.begin() + static_cast<long>(std::min(ids.size(), i + kMaxIdsPerFilter)));
    }
  }
  for (size_t g = 1; g < unit.requests->metric_groups.size(); ++g) {
    for (const std::vector<std::string>& ids : batches) {
      std::vector<std::string> extra;
      if (!id_filter.empty()) extra.push_back(ReportFilterIn(id_filter, ids));
      Status s = r.ReadPages(ReportRequest(unit, g, extra), [&](Page& page) {
        return MergeRows(r, merge, page, !id_filter.empty());
      });
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

size_t MergeRowLimit(const WorkUnit& unit) {
  size_t values = unit.stream->def->report->dimensions.size();
  for (const auto& group : unit.requests->metric_groups) values += group.size();
  return std::max(kMinMergeRows, kMergeBudgetBytes / (64 * values));
}

// A window small enough to merge whole: every group over the whole window, as TikTok pages it.
Status MergeWhole(UnitReader& r, Pager& first, std::optional<Page>& page) {
  RowMerge merge;
  while (page) {
    if (Status s = MergeRows(r, merge, *page, false); !s.ok()) return s;
    if (Status s = first.Next(&page); !s.ok()) return s;
  }
  if (Status s = MergeOtherGroups(r, merge, {}); !s.ok()) return s;
  return EmitMerged(r, merge);
}

// A large window: the first group a page at a time, each page merged with the other groups'
// rows of its ids (at most `limit` rows held), then written.
Status MergeByIds(UnitReader& r, size_t limit) {
  ApiRequest request = ReportRequest(r.unit(), 0);
  request.Set("page_size",
              std::to_string(std::min<size_t>(limit, std::stoul(request.Param("page_size")))));
  Pager first = r.Pages(std::move(request));
  RowMerge merge;
  for (std::optional<Page> page;;) {
    if (Status s = first.Next(&page); !s.ok()) return s;
    if (!page) return Status::Ok();
    if (Status s = MergeRows(r, merge, *page, false); !s.ok()) return s;
    page.reset();  // its page slot is free before more requests are made
    if (Status s = MergeOtherGroups(r, merge, r.def().report->level->id_filter); !s.ok()) return s;
    if (Status s = EmitMerged(r, merge); !s.ok()) return s;
  }
}

Status ReadMerged(UnitReader& r) {
  Pager first = r.Pages(ReportRequest(r.unit(), 0));
  std::optional<Page> page;
  if (Status s = first.Next(&page); !s.ok()) return s;
  size_t limit = MergeRowLimit(r.unit());
  bool by_ids = page && !r.def().report->level->id_filter.empty() &&
                static_cast<size_t>(page->total_number) > limit;
  if (!by_ids) return MergeWhole(r, first, page);
  page.reset();
  return MergeByIds(r, limit);
}

}  // namespace

UnitReader::UnitReader(ApiClient& api, OutputQueue& out, Env& env, const WorkUnit& unit,
                       const Shape& shape, Timestamp signpost)
    : api_(api), out_(out), env_(env), unit_(unit), transformer_(shape), signpost_(signpost) {
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
  Status s =
      unit.requests->metric_groups.size() > 1
          ? ReadMerged(r)
          : r.ReadPages(ReportRequest(unit, 0), [&](Page& page) { return EmitRows(r, page); });
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
