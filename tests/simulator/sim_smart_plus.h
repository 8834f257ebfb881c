#pragma once

#include <string>
#include <string_view>

#include "tests/simulator/sim_data.h"
#include "tests/simulator/sim_wire.h"

namespace sim {

/// Whether `endpoint` (below /open_api/v1.3/) is one of the Upgraded Smart+ list endpoints:
/// smart_plus/campaign/get/, smart_plus/adgroup/get/, smart_plus/ad/get/ (§9.1).
bool IsSmartPlusEndpoint(std::string_view endpoint);

/// The `data` object of Smart+ endpoint `endpoint`, read as strictly as TikTok reads it:
/// page_size maxima (1000, 1000, 100), the `filtering` fields each documents (at most 100 ids
/// per list, primary_status, modified_after for ads), `fields` from the list's vocabulary
/// (advertiser_id and smart_plus_ad_id are not requestable on ads: they always come). Deleted
/// objects only with primary_status STATUS_ALL or STATUS_DELETE. Throws ApiError.
std::string SmartPlusData(std::string_view endpoint, const SimData& data, const Params& params);

}  // namespace sim
