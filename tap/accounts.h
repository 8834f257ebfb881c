#pragma once

#include <map>
#include <string>
#include <vector>

#include "tap/api.h"
#include "tap/plan.h"
#include "tap/settings.h"

namespace tap {

/// The advertisers a sync reads and what it must know of them before planning.
struct Accounts {
  std::vector<std::string> advertiser_ids;
  ZoneMap zones;        // with `zones` asked for: every advertiser's report time zone
  CreationMap created;  // with `zones` asked for: when each one was created, where TikTok says
  /// With `zones` and the advertisers stream's fields asked for: each advertiser's
  /// /advertiser/info/ row (JSON text), so that the stream needs no call of its own.
  std::map<std::string, std::string> rows;
};

/// Resolves the advertisers: the configured ones, or every one the app's token is authorized
/// for (/oauth2/advertiser/get/, when app_id and secret are set), followed by the ad accounts of
/// the Business Centers the settings name (bc_ids, discover_bc_advertisers) that are not
/// already listed. With `zones`, also each one's report time zone (display_timezone, else
/// timezone, else UTC with a warning) and creation time from the advertisers stream's own
/// endpoint and batch size;
/// a batch that one inaccessible id fails is asked for id by id (SplitBatch). Nothing after this
/// calls TikTok to learn about accounts. `stream_fields` (the advertisers stream's, when it is
/// synced) are asked for in the same calls and their rows kept in Accounts::rows.
Result<Accounts> ResolveAccounts(const Settings& settings, const StreamDef& advertisers, bool zones,
                                 ApiClient& api,
                                 const std::vector<std::string>* stream_fields = nullptr);

}  // namespace tap
