#include "tap/pixel_stats.h"

#include <fmt/format.h>

#include "tap/json.h"
#include "tap/log.h"
#include "tap/time_zone.h"
#include "tap/unit_reader.h"

namespace tap {
namespace {

constexpr int kPixelListPageSize = 20;  // /pixel/list/'s page_size maximum

Result<IdDirectory::Ids> AdvertiserPixels(UnitReader& r) {
  ApiRequest listing{"pixel/list/", {{"page_size", std::to_string(kPixelListPageSize)}}};
  return r.ListedIds({std::move(listing)}, "pixel_id", "pixels");
}

// One statistics entry of `pixel` on `day` as a record.
Status EmitEntry(UnitReader& r, const rapidjson::Value& entry, const std::string& pixel) {
  std::string type = StringMember(entry, "pixel_event_type");
  if (type.empty()) type = StringMember(entry, "custom_event_type");
  if (type.empty()) {
    return Status::Error(
        ErrorKind::kFatal,
        fmt::format("TikTok returned pixel statistics of pixel {} ({}) without an event type; "
                    "the record cannot be stored",
                    pixel, r.unit().Subject()));
  }
  r.transformer().SetInjected("pixel_id", pixel);
  r.transformer().SetInjected("event_type", std::move(type));
  return r.Emit(entry);
}

Status EmitRows(UnitReader& r, Page& page) {
  if (page.rows == nullptr) return Status::Ok();
  for (const rapidjson::Value& row : page.rows->GetArray()) {
    std::string pixel = StringMember(row, "pixel_id");
    const rapidjson::Value* stats = FindMember(row, "statistics");
    if (pixel.empty()) {
      return Status::Error(ErrorKind::kFatal,
                           fmt::format("TikTok returned pixel statistics without a pixel_id ({}); "
                                       "the records cannot be stored",
                                       r.unit().Subject()));
    }
    if (stats == nullptr || !stats->IsArray()) continue;  // no events counted that day
    for (const rapidjson::Value& entry : stats->GetArray()) {
      if (Status s = EmitEntry(r, entry, pixel); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status ReadDay(UnitReader& r, const std::vector<std::string>& pixels, Date day) {
  std::string date = FormatDay(day);
  std::string range = fmt::format(R"({{"start_date":"{}","end_date":"{}"}})", date, date);
  r.transformer().SetInjected("stat_date", date);
  for (size_t i = 0; i < pixels.size(); i += kPixelsPerStatsRequest) {
    ApiRequest request = r.unit().Request(0);
    request.Set("pixel_ids", JsonStringArray(Slice(pixels, i, kPixelsPerStatsRequest)));
    request.Set("date_range", range);
    if (Status s = r.ReadPages(request, [&](Page& page) { return EmitRows(r, page); }); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace

Status ReadPixelStats(UnitReader& r) {
  const WorkUnit& unit = r.unit();
  auto pixels = AdvertiserPixels(r);
  if (!pixels.ok()) return pixels.status();
  long long before = r.records();
  for (Date day = *unit.first_day; day <= *unit.last_day; day += std::chrono::days{1}) {
    if (Status s = ReadDay(r, **pixels, day); !s.ok()) return s;
  }
  LogInfo("Stream '{}', {}, {}..{}: {} record(s) for {} pixel(s)", r.def().name, unit.Subject(),
          FormatDay(*unit.first_day), FormatDay(*unit.last_day), r.records() - before,
          (*pixels)->size());
  std::optional<Timestamp> bookmark;
  if (unit.stream->incremental()) bookmark = Timestamp{*unit.last_day};
  r.Checkpoint(bookmark);
  return Status::Ok();
}

}  // namespace tap
