#pragma once

#include "tap/status.h"

namespace tap {

class UnitReader;

/// /pixel/event/stats/ takes at most this many pixel ids a request (§3.9).
inline constexpr int kPixelsPerStatsRequest = 10;

/// The read hook of pixel_event_stats. TikTok sums a request's whole date_range into one count
/// per pixel and event, so each UTC day of the unit's window is asked for on its own, for the
/// advertiser's pixels (listed once per sync) in batches of kPixelsPerStatsRequest; every
/// statistics entry becomes one record of (pixel, day, event type).
Status ReadPixelStats(UnitReader& reader);

}  // namespace tap
