#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/simulator/sim_data.h"
#include "tests/simulator/sim_wire.h"

namespace sim {

/// Whether `endpoint` (below /open_api/v1.3/) is one of the GMV Max endpoints:
/// gmv_max/store/list/, gmv_max/campaign/get/, campaign/gmv_max/info/, gmv_max/report/get/
/// (§9.3).
bool IsGmvMaxEndpoint(std::string_view endpoint);

/// The `data` object of GMV Max endpoint `endpoint`, read as strictly as TikTok reads it
/// (Doc 1822001044479041, 1826463372290177, 1824721673497601, 1824722485971009): the store list
/// unpaged under `store_list`; campaigns only with `filtering.gmv_max_promotion_types`, 100 a
/// page; reports for exactly one store, with the dimension groupings, filters and metrics of
/// each level and campaign type (product and LIVE rows only with `campaign_ids`), span limits
/// of 30 days by day, 1 by hour, 365 without, in the advertiser's time zone. `now` is epoch
/// seconds. Throws ApiError.
std::string GmvMaxData(std::string_view endpoint, const SimData& data, int64_t now,
                       const Params& params);

}  // namespace sim
