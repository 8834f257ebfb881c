#include "tap/unit_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "tap/json.h"
#include "tap/log.h"
#include "tap/singer_writer.h"

namespace tap {
namespace {

constexpr size_t kPieceBytes = 256 << 10;  // RECORD lines handed over at a time
constexpr size_t kPieceSlack = 16 << 10;   // room for the line that passes kPieceBytes

// What an entity unit saw, for its bookmark and its log line.
struct EntityCounts {
  long long emitted = 0, filtered = 0, pages = 0, unknown_time = 0;
  std::optional<Timestamp> max_seen;
};

// Whether `row` carries its own replication key (Smart+ ads and Promote campaigns can lack it).
bool HasOwnTime(const rapidjson::Value& row, std::string_view key) {
  const rapidjson::Value* v = FindMember(row, key);
  return v != nullptr && v->IsString() && v->GetStringLength() > 0;
}

// Whether the bound `row` is kept: incremental streams keep rows modified at or after the
// start, and rows that do not say when they were modified (their change cannot be seen).
bool KeepEntity(UnitReader& r, const rapidjson::Value& row, EntityCounts& c) {
  const WorkUnit& unit = r.unit();
  if (!unit.stream->incremental()) return true;
  const rapidjson::Value* v = r.transformer().Bound(r.def().replication_key);
  std::optional<Timestamp> t;
  if (v != nullptr && v->IsString()) t = ParseTimestamp(v->GetString());
  if (!t) {
    ++c.unknown_time;  // cannot be filtered or bookmarked; emitted so nothing is lost
    return true;
  }
  if (unit.start && *t < *unit.start && HasOwnTime(row, r.def().replication_key)) {
    ++c.filtered;
    return false;
  }
  if (!c.max_seen || *c.max_seen < *t) c.max_seen = t;
  return true;
}

// Writes the bound `row` with the details its stream asks another endpoint for (merged after
// the row's own fields).
Status EmitWithDetails(UnitReader& r, const rapidjson::Value& row) {
  auto details = r.api().Get(r.unit().WithAdvertiser(r.def().details(row)));
  if (!details.ok()) return details.status();
  const rapidjson::Value* parts[] = {&row, &details->data()};
  if (!r.transformer().Bind(parts)) return r.Bind(details->data());
  return r.EmitBound();
}

// The pages of `request`, their kept rows written with their details. The rows are kept as
// text and the pages let go first: asking for details while holding a page would hold two page
// slots per worker, and workers waiting for each other's slots would never finish. (Text, as a
// RapidJSON copy would still point into the page's buffer.)
Status ReadDetailed(UnitReader& r, const ApiRequest& request, EntityCounts& c) {
  std::vector<std::string> kept;
  Status s = r.ReadPages(request, [&](Page& page) {
    ++c.pages;
    if (page.rows == nullptr) return Status::Ok();
    for (const rapidjson::Value& row : page.rows->GetArray()) {
      if (Status b = r.Bind(row); !b.ok()) return b;
      if (KeepEntity(r, row, c)) kept.push_back(ToJson(row));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  for (const std::string& text : kept) {
    auto row = ParseJson(text, "a kept row", /*numbers_as_strings=*/true);
    if (!row.ok()) return row.status();
    if (Status e = EmitWithDetails(r, *row); !e.ok()) return e;
    ++c.emitted;
  }
  return Status::Ok();
}

Status EntityPage(UnitReader& r, Page& page, EntityCounts& c) {
  ++c.pages;
  if (page.rows == nullptr) return Status::Ok();
  for (const rapidjson::Value& row : page.rows->GetArray()) {
    if (Status s = r.Bind(row); !s.ok()) return s;
    if (!KeepEntity(r, row, c)) continue;
    if (Status s = r.EmitBound(); !s.ok()) return s;
    ++c.emitted;
  }
  return Status::Ok();
}

void LogEntityEnd(UnitReader& r, const EntityCounts& c) {
  const std::string& stream = r.def().name;
  std::string subject = r.unit().Subject();
  if (c.unknown_time > 0) {
    LogWarning(
        "Stream '{}', {}: {} record(s) had no usable {}; they were emitted "
        "but cannot advance the bookmark",
        stream, subject, c.unknown_time, r.def().replication_key);
  }
  if (!r.unit().requests->paged) return;
  LogInfo("Stream '{}', {}: {} record(s) from {} page(s){}", stream, subject, c.emitted, c.pages,
          c.filtered > 0 ? fmt::format(", {} older than the bookmark skipped", c.filtered) : "");
}

}  // namespace

UnitReader::UnitReader(ApiClient& api, OutputQueue& out, Env& env, const WorkUnit& unit,
                       const Shape& shape, Timestamp signpost, ReaderShared shared)
    : api_(api),
      out_(out),
      env_(env),
      unit_(unit),
      transformer_(shape),
      signpost_(signpost),
      shared_(shared),
      frame_(SingerWriter::Frame(unit.stream->def->name, "")) {
  const StreamDef& d = def();
  if (d.Injects("advertiser_id")) transformer_.SetInjected("advertiser_id", unit.advertiser());
  if (!d.replication_fallback.empty()) {
    transformer_.SetFallback(d.replication_key, d.replication_fallback);
  }
  transformer_.SetKeys(unit.stream->key_properties);
  StartPage();
}

Status UnitReader::Run() {
  Status s = def().hooks.read(*this);
  if (s.kind() != ErrorKind::kSkipAdvertiser || !def().PerToken()) return s;
  // No advertiser to skip: the token itself lacks the permission.
  return Status::Error(ErrorKind::kFatal,
                       fmt::format("stream '{}': {}; give the app access to the Business Center "
                                   "(its Business Center permission), or deselect the stream",
                                   def().name, s.message()));
}

Result<IdDirectory::Ids> UnitReader::ListedIds(const std::vector<ApiRequest>& requests,
                                               std::string_view id_field, std::string_view list_key,
                                               bool paged) {
  std::vector<ApiRequest> mine;
  for (const ApiRequest& request : requests) mine.push_back(unit_.WithAdvertiser(request));
  if (shared_.ids != nullptr) return shared_.ids->Get(api_, mine, id_field, list_key, paged);
  return ListIds(api_, mine, id_field, list_key, paged);
}

Result<bool> UnitReader::MayHaveRows(size_t series) {
  const SeriesRequest& s = unit_.requests->series[series];
  if (s.probe.empty()) return true;
  auto ids = ListedIds(s.probe, s.probe_field, s.probe_list_key, s.probe_paged);
  if (!ids.ok()) return ids.status();
  return !(*ids)->empty();
}

void UnitReader::StartPage() {
  frame_ = SingerWriter::Frame(def().name, FormatRfc3339(env_.WallNow()));
}

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
                                     "({}); the record cannot be stored",
                                     def().name, key, unit_.Subject()));
  }
  // A piece's lines grow to kPieceBytes: reserved at once, not by doubling copies.
  if (piece_.lines.GetSize() == 0) piece_.lines.Reserve(kPieceBytes + kPieceSlack);
  SingerWriter::FormatBound(&piece_.lines, frame_, transformer_);
  ++piece_.records;
  ++records_;
  if (piece_.lines.GetSize() > kPieceBytes) Flush(false, std::nullopt);
  return Status::Ok();
}

Status UnitReader::Emit(const rapidjson::Value& row) {
  if (Status s = Bind(row); !s.ok()) return s;
  return EmitBound();
}

Status UnitReader::EmitPages(const ApiRequest& request) {
  return ReadPages(request, [&](Page& page) {
    if (page.rows == nullptr) return Status::Ok();
    for (const rapidjson::Value& row : page.rows->GetArray()) {
      if (Status s = Emit(row); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

void UnitReader::Checkpoint(std::optional<Timestamp> bookmark) { Flush(true, bookmark); }

void UnitReader::Flush(bool checkpoint, std::optional<Timestamp> bookmark) {
  piece_.checkpoint = checkpoint;
  piece_.bookmark = bookmark;
  if (piece_.lines.GetSize() != 0 || checkpoint) out_.Push(unit_, std::move(piece_));
  piece_ = OutputQueue::Piece();
}

Status ReadEntities(UnitReader& r) {
  const WorkUnit& unit = r.unit();
  EntityCounts c;
  for (size_t s = 0; s < unit.requests->series.size(); ++s) {
    auto may = r.MayHaveRows(s);
    if (!may.ok()) return may.status();
    if (!*may) continue;
    r.transformer().SetInjected("campaign_system_origin", unit.requests->series[s].origin);
    for (const auto& [property, value] : unit.requests->series[s].values) {
      r.transformer().SetInjected(property, value);
    }
    ApiRequest request = unit.Request(s);
    if (r.def().server_modified_after && unit.start) {
      request.Set("filtering", WithModifiedAfter(request.Param("filtering"), *unit.start));
    }
    Status st = r.def().details != nullptr
                    ? ReadDetailed(r, request, c)
                    : r.ReadPages(request, [&](Page& page) { return EntityPage(r, page, c); });
    if (!st.ok()) return st;
  }
  LogEntityEnd(r, c);
  std::optional<Timestamp> bookmark;
  if (unit.stream->incremental() && c.max_seen) bookmark = std::min(*c.max_seen, r.signpost());
  r.Checkpoint(bookmark);
  return Status::Ok();
}

const std::string* UnitReader::AdvertiserRow(const std::string& id) const {
  if (shared_.advertiser_rows == nullptr) return nullptr;
  auto it = shared_.advertiser_rows->find(id);
  return it != shared_.advertiser_rows->end() ? &it->second : nullptr;
}

Status ReadAdvertisers(UnitReader& r) {
  const std::vector<std::string>& ids = r.unit().advertiser_ids;
  if (!std::all_of(ids.begin(), ids.end(),
                   [&](const std::string& id) { return r.AdvertiserRow(id) != nullptr; })) {
    return ReadEntities(r);
  }
  r.StartPage();
  for (const std::string& id : ids) {
    auto row = ParseJson(*r.AdvertiserRow(id), "an /advertiser/info/ row", true);
    if (!row.ok()) return row.status();
    if (Status s = r.Emit(*row); !s.ok()) return s;
  }
  r.Checkpoint(std::nullopt);
  return Status::Ok();
}

bool EntityRow(const rapidjson::Value& row, RowParts* parts) {
  *parts = {&row, nullptr};
  return row.IsObject();
}

namespace {

// A row whose main object is nested under `member`; a missing or non-object member reads as
// empty, so the record then lacks its key and the stream fails saying so.
bool NestedRow(const rapidjson::Value& row, std::string_view member, RowParts* parts) {
  if (!row.IsObject()) return false;
  static const rapidjson::Value kEmpty(rapidjson::kObjectType);
  const rapidjson::Value* inner = FindMember(row, member);
  *parts = {inner != nullptr && inner->IsObject() ? inner : &kEmpty, &row};
  return true;
}

}  // namespace

bool SparkPostRow(const rapidjson::Value& row, RowParts* parts) {
  return NestedRow(row, "item_info", parts);
}

bool BusinessCenterRow(const rapidjson::Value& row, RowParts* parts) {
  return NestedRow(row, "bc_info", parts);
}

}  // namespace tap
