#include "tap/bc_report.h"

#include "tap/business_center.h"
#include "tap/json.h"
#include "tap/log.h"
#include "tap/unit_reader.h"

namespace tap {

StreamRequests PrepareBcReport(const Settings& settings, const CatalogStream& stream) {
  const ReportStream& r = *stream.def->report;
  ApiRequest base{stream.def->path, {}};
  base.Set("report_type", "BC");  // no service_type and no data_level: TikTok refuses both
  base.Set("dimensions", JsonStringArray(r.dimensions));
  base.Set("metrics", JsonStringArray(SelectedMetrics(stream)));
  base.Set("page_size", std::to_string(settings.page_size));
  if (!r.filtering.empty()) base.Set("filtering", r.filtering);
  return {.series = PerBusinessCenter(settings, base)};
}

Partition PartitionBcReportDays(const PlanContext& context, const CatalogStream& stream,
                                const std::string& advertiser_id) {
  const ReportStream& r = *stream.def->report;
  using std::chrono::days;
  Partition p =
      ReportDayRange(context, stream, advertiser_id, std::chrono::floor<days>(context.now),
                     r.lookback_days.value_or(context.settings.lookback_days));
  if (r.granularity == Granularity::kNone) {
    p.first_day = std::max(*p.first_day, *p.last_day - days{364});
    p.empty = *p.first_day > *p.last_day;
  }
  p.window_days = 365;  // BC reports allow 365 days, by day too
  return p;
}

namespace {

Status ReadBc(UnitReader& r, ApiRequest request, const std::string& bc) {
  const WorkUnit& unit = r.unit();
  request.Set("bc_id", bc);
  request.Set("start_date", FormatDay(*unit.first_day));
  request.Set("end_date", FormatDay(*unit.last_day));
  r.transformer().SetInjected("bc_id", bc);
  long long before = r.records();
  Status s = r.EmitPages(request);
  if (s.ok()) {
    LogInfo("Stream '{}', Business Center {}, {}..{}: {} record(s)", r.def().name, bc,
            FormatDay(*unit.first_day), FormatDay(*unit.last_day), r.records() - before);
  }
  return s;
}

}  // namespace

Status ReadBcReport(UnitReader& r) {
  for (const SeriesRequest& series : r.unit().requests->series) {
    auto bcs = BusinessCentersOf(r.api(), series.request);
    if (!bcs.ok()) return bcs.status();
    for (const std::string& bc : *bcs) {
      if (Status s = ReadBc(r, series.request, bc); !s.ok()) return s;
    }
  }
  r.Checkpoint(Timestamp{*r.unit().last_day});
  return Status::Ok();
}

}  // namespace tap
