#pragma once

#include <string>
#include <vector>

#include "tap/api.h"
#include "tap/plan.h"
#include "tap/settings.h"
#include "tap/status.h"

namespace tap {

class UnitReader;

/// The Business Centers the token can see (/bc/get/, every page), in listing order.
Result<std::vector<std::string>> ListBusinessCenters(ApiClient& api);

/// Account discovery through Business Centers (§9.3): the ad accounts of the configured
/// bc_ids, or of every Business Center the token sees with discover_bc_advertisers, from
/// /bc/asset/get/. Accounts whose relation to the BC is not BOUND (PENDING, UNBOUND, REJECTED)
/// cannot be read and are left out, with a log line. Empty when neither setting asks for it.
Result<std::vector<std::string>> BusinessCenterAdvertisers(const Settings& settings,
                                                           ApiClient& api);

/// One series per configured bc_id (`base` with the bc_id first), or `base` alone without
/// bc_ids, which BusinessCentersOf turns into every Business Center the token sees.
std::vector<SeriesRequest> PerBusinessCenter(const Settings& settings, const ApiRequest& base);
/// The Business Center of series request `request`, or without a bc_id every one the token sees.
Result<std::vector<std::string>> BusinessCentersOf(ApiClient& api, const ApiRequest& request);

/// The prepare hook of bc_advertisers: one request per configured bc_id, or one without a
/// bc_id, which the reader runs for every Business Center the token sees.
StreamRequests PrepareBcAssets(const Settings& settings, const CatalogStream& stream);

/// The read hook of bc_advertisers: each Business Center's ad accounts, each record carrying
/// its bc_id and the account as advertiser_id and advertiser_name.
Status ReadBcAdvertisers(UnitReader& reader);

}  // namespace tap
