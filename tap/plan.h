#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tap/api.h"
#include "tap/catalog.h"
#include "tap/settings.h"
#include "tap/state.h"
#include "tap/time_zone.h"
#include "tap/timestamp.h"

namespace tap {

/// Advertiser time zones, by advertiser id (reports are in local time).
using ZoneMap = std::map<std::string, TimeZone, std::less<>>;
/// When each advertiser was created (/advertiser/info/ create_time), by advertiser id.
using CreationMap = std::map<std::string, Timestamp, std::less<>>;

/// What planning reads: all of it fixed before the first unit is planned.
struct PlanContext {
  const Settings& settings;
  const State& state;
  const std::vector<std::string>& advertiser_ids;
  const ZoneMap& zones;
  Timestamp now;  // decides each advertiser's "today" in its own zone
  /// Reports read no day before the advertiser's creation (in its zone): no rows can be there.
  const CreationMap* created = nullptr;
};

/// campaign_system_origin values (§9.1): objects made in Ads Manager or the API, and objects
/// boosted with Promote in the TikTok app, which TikTok returns only when asked for.
inline constexpr std::string_view kAdsPlatform = "TT_ADS_PLATFORM";
inline constexpr std::string_view kPromote = "PROMOTE";

/// One request every unit of a stream reads, with what its rows need.
struct SeriesRequest {
  /// Without the advertiser, page, dates and metrics, which the reader adds.
  ApiRequest request;
  /// The campaign_system_origin of the objects it reads (empty: not about ad objects).
  std::string origin = {};
  /// Reports: the request's filters (each a JSON object text).
  std::vector<std::string> filters = {};
  /// Reports by id: the entity requests that list the ids of the objects it reads, for the
  /// re-read in id batches when TikTok truncates a report (§9.1).
  std::vector<ApiRequest> id_requests = {};
  /// The requests whose listing says whether the advertiser has any object of the series
  /// (campaigns of its origin or buying type, the fewest objects): Promote reports, and the
  /// Promote and TopView ad groups and ads. Units share one listing per advertiser (the sync's
  /// IdDirectory); none: always read.
  std::vector<ApiRequest> probe = {};
  /// The id field and list key the probe's rows are read by.
  std::string probe_field = "campaign_id";
  std::string probe_list_key = "list";
  bool probe_paged = true;  // false: the probe's endpoint answers in one page
  /// Properties every row of the request gets, with their values (a GMV Max campaign's type).
  std::vector<std::pair<std::string, std::string>> values = {};
};

/// What every unit of one stream shares, built once per sync by the stream's `prepare` hook,
/// so that a unit itself stays small however many fields and metrics are selected.
struct StreamRequests {
  /// The requests a unit reads one after the other (buying types, origins).
  std::vector<SeriesRequest> series = {};
  bool paged = true;
  /// Reports: the selected metrics in groups of at most max_metrics_per_request.
  std::vector<std::vector<std::string>> metric_groups = {};
  /// Reports: TikTok's id limit (report_id_limit); a report that reaches it is re-read by ids.
  size_t id_limit = 20000;
};

/// One advertiser's share of a stream (see StreamHooks::partition).
struct Partition {
  std::optional<Timestamp> start = {};  // incremental entities: keep records at or after
  std::optional<Date> first_day = {}, last_day = {};  // reports: the range, inclusive
  int window_days = 0;             // the range is read in windows of this many days
  const TimeZone* zone = nullptr;  // reports: the advertiser's zone
  bool empty = false;              // nothing to read (the range is empty)
};

/// One unit of work: one stream for one advertiser (or one batch of advertisers), and for
/// reports one date window. Its bookmark is committed when it and every unit before it are done.
struct WorkUnit {
  const CatalogStream* stream = nullptr;
  std::shared_ptr<const StreamRequests> requests;
  std::vector<std::string> advertiser_ids;  // one, except for advertiser batches
  std::optional<Timestamp> start;
  std::optional<Date> first_day, last_day;  // reports with dates: the window, inclusive
  const TimeZone* zone = nullptr;
  std::vector<uint32_t> order;  // position in the plan; the parts of a split unit extend it

  const std::string& advertiser() const { return advertiser_ids.front(); }
  /// Whose data the unit reads, for messages: "advertiser 123", or "the token" for streams of
  /// the token's own data.
  std::string Subject() const;
  /// Request `series` of the unit with its advertiser parameter.
  ApiRequest Request(size_t series) const {
    return WithAdvertiser(requests->series[series].request);
  }
  /// `request` with the unit's advertiser parameter (`advertiser_ids` for batch streams, else
  /// `advertiser_id`) first.
  ApiRequest WithAdvertiser(ApiRequest request) const;
};

/// The plan as a cursor: the selected streams × advertisers (× report windows) in sync order
/// (stream by stream, advertiser by advertiser, windows oldest first), produced one unit at a
/// time, so memory does not grow with the plan. Pure: the same context gives the same units.
class PlanCursor {
 public:
  PlanCursor(const PlanContext& context, const Catalog& catalog);
  /// The next unit, or nullopt when the plan is done.
  std::optional<WorkUnit> Next();

 private:
  bool NextPartition();
  WorkUnit Make();

  PlanContext context_;
  const Catalog& catalog_;
  size_t stream_ = 0;      // index into catalog_.streams
  size_t advertiser_ = 0;  // next advertiser of the stream
  std::shared_ptr<const StreamRequests> requests_;
  std::vector<std::string> group_;  // the advertisers of the current partition
  Partition partition_;
  std::optional<Date> next_day_;  // next window's first day
  bool pending_ = false;          // the current partition still has a unit to give
  uint32_t produced_ = 0;
};

/// Up to `count` of `items` from `from` on: one batch of ids.
inline std::vector<std::string> Slice(const std::vector<std::string>& items, size_t from,
                                      size_t count) {
  size_t end = std::min(items.size(), from + count);
  return {items.begin() + static_cast<long>(std::min(from, end)),
          items.begin() + static_cast<long>(end)};
}

/// Every unit of the plan at once (tests and small tools; the sync uses the cursor).
std::vector<WorkUnit> MakePlan(const PlanContext& context, const Catalog& catalog);

/// Re-planning after TikTok 40067 (query too large): the unit's window in two halves, oldest
/// first; none when the window is a single day or has no dates.
std::vector<WorkUnit> SplitWindow(const WorkUnit& unit);

/// Re-planning after one inaccessible id failed a batch (40001): one unit per advertiser;
/// none when the unit has a single advertiser.
std::vector<WorkUnit> SplitBatch(const WorkUnit& unit);

// The plan hooks of the stream table (StreamHooks::prepare and ::partition).
StreamRequests PrepareWithFields(const Settings& settings, const CatalogStream& stream);
StreamRequests PreparePaged(const Settings& settings, const CatalogStream& stream);
StreamRequests PrepareAdObjects(const Settings& settings, const CatalogStream& stream);
StreamRequests PrepareReport(const Settings& settings, const CatalogStream& stream);
/// Upgraded Smart+ campaigns; their ad groups and ads, only where the advertiser has Smart+
/// campaigns; their ad report (smart_plus_ad_insights_daily), by the ids of the Smart+ ads.
StreamRequests PrepareSmartPlusCampaigns(const Settings& settings, const CatalogStream& stream);
StreamRequests PrepareSmartPlusChildren(const Settings& settings, const CatalogStream& stream);
StreamRequests PrepareSmartPlusReport(const Settings& settings, const CatalogStream& stream);
Partition PartitionWhole(const PlanContext& context, const CatalogStream& stream,
                         const std::string& advertiser_id);
/// Incremental entities: everything on the first run for an advertiser (start_date bounds
/// report history only, so no report row lacks its campaign, ad group or ad), then what changed
/// since the bookmark.
Partition PartitionSince(const PlanContext& context, const CatalogStream& stream,
                         const std::string& advertiser_id);
Partition PartitionReportDays(const PlanContext& context, const CatalogStream& stream,
                              const std::string& advertiser_id);
/// The days a dated partition covers, up to `today` (the advertiser's, or UTC) and end_date:
/// from start_date, or for incremental streams from the bookmark less `lookback` days.
Partition ReportDayRange(const PlanContext& context, const CatalogStream& stream,
                         const std::string& advertiser_id, Date today, int lookback);
/// Pixel event statistics: requests without pages, their pixels and day added by the reader.
/// One request of the row's path, unpaged; the reader adds what each request needs.
StreamRequests PrepareUnpaged(const Settings& settings, const CatalogStream& stream);
/// Days in UTC (pixel statistics): from max(start_date, bookmark - lookback_days) to today or
/// end_date, in windows of 30 days.
Partition PartitionUtcDays(const PlanContext& context, const CatalogStream& stream,
                           const std::string& advertiser_id);

/// The fields to ask the API for: the selected properties plus what the tap itself needs (keys,
/// replication key and its fallback), minus values the tap injects. Schema order.
std::vector<std::string> RequestedFields(const CatalogStream& stream);

/// The selected metrics of a report stream (its schema's properties that are not dimensions).
std::vector<std::string> SelectedMetrics(const CatalogStream& stream);

/// The first day of a report partition: max(start_date, bookmark - lookback_days).
Date ReportStartDay(Date start_date, std::optional<Date> bookmark, int lookback_days);

}  // namespace tap
