#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

/// Sizes and credentials of one simulated TikTok account set. Everything generated from it is
/// a pure function of these values.
struct SimConfig {
  uint64_t seed = 1;
  int advertisers = 3;
  int campaigns_per_advertiser = 4;
  int adgroups_per_campaign = 3;
  int ads_per_adgroup = 3;
  int audiences_per_advertiser = 5;
  // The creative library, identities and pixels: about this many of each kind per advertiser.
  int library_per_advertiser = 4;
  // Business Centers: each advertiser belongs to one; `bc_only_advertisers` more ad accounts
  // belong to the first one only, so /oauth2/advertiser/get/ does not list them (§9.3).
  int business_centers = 2;
  int bc_only_advertisers = 0;
  std::string access_token = "sim-token";
  std::string app_id = "7100000000000000001";
  std::string secret = "sim-app-secret";
  int auth_code_ttl_seconds = 3600;  // an auth code's lifetime (one use within it)
  // Report endpoint limits.
  int max_metrics_per_request = 100;  // more metrics in one request: 40002
  long max_report_rows = 200000;      // more rows matched by one query: 40067
  int restated_days = 7;              // last days whose conversions change with Restate()
  long report_id_limit = 20000;       // ids a report returns before it drops the oldest (§9.1)
  // One campaign in `promote_every` (with its ad groups and ads) was boosted with Promote in the
  // TikTok app: hidden unless a request asks for campaign_system_origins PROMOTE. 0: none.
  int promote_every = 6;
  // One auction campaign in `smart_plus_every` (not a Promote one) is an Upgraded Smart+ campaign
  // (§9.1): each of its ad groups has one Smart+ ad, whose creatives are the ad group's ads. 0:
  // none.
  int smart_plus_every = 5;
  // One advertiser in `gmv_max_every` sells through TikTok Shops (GMV Max, §9.3): two shops, the
  // first available for GMV Max, with Product and LIVE GMV Max campaigns. 0: none.
  int gmv_max_every = 2;
  // /gmv_max/report/get/'s own limits (basic tier): more answers 40100.
  int gmv_max_qps = 8;
  int gmv_max_qpm = 240;
  long gmv_max_qpd = 20000;
  // When objects are created (epoch seconds): over `window_days` from `window_start`; each is last
  // modified up to `modify_days` after its creation. Defaults: 2023-01-01 over ~2.5 years.
  int64_t window_start = 1672531200;
  int window_days = 900;
  int modify_days = 120;
  // Network behaviour.
  int64_t now = 0;        // the simulator's clock (epoch seconds); 0: the wall clock
  int latency_ms = 0;     // added to every API response
  double fault_rate = 0;  // share of distinct requests that fail on their first attempt
  int stall_ms = 3000;    // how long a "stalled" fault holds its response
};

/// The simulator's "now" in epoch seconds: `config.now`, else the wall clock.
int64_t SimNow(const SimConfig& config);

enum class BuyingType : uint8_t { kAuction, kReservationRf, kReservationTopView };
enum class Level : uint8_t { kCampaign, kAdgroup, kAd };

/// One campaign, ad group or ad. Only what filtering and ordering need is stored; every other
/// field is derived from the id when a response is written.
struct Entity {
  uint64_t id = 0;
  uint32_t advertiser = 0;  // index into advertisers
  uint32_t campaign = 0;    // index into campaigns (self for campaigns)
  uint32_t adgroup = 0;     // index into adgroups (self for ad groups; unused for campaigns)
  int64_t create_time = 0;  // epoch seconds, UTC
  int64_t modify_time = 0;
  BuyingType buying_type = BuyingType::kAuction;
  bool deleted = false;
  bool enabled = true;
  bool has_modify_time = true;  // Smart+ ads can come without modify_time
  bool promote = false;         // campaign_system_origin PROMOTE (made in the TikTok app)
  bool smart_plus = false;      // part of an Upgraded Smart+ campaign
  // Ads of Upgraded Smart+ campaigns are creatives: the Smart+ ad (asset group) they belong to,
  // an index into SimData::smart_plus_ads.
  uint32_t smart_plus_ad = kNoSmartPlusAd;
  static constexpr uint32_t kNoSmartPlusAd = UINT32_MAX;
};

/// A TikTok Shop an advertiser can promote (/gmv_max/store/list/).
struct Store {
  uint64_t id = 0;
  uint32_t advertiser = 0;
  bool gmv_max_available = true;
};

/// A GMV Max campaign of one store: Product (its products' SPU ids) or LIVE (its rooms' ids).
struct GmvCampaign {
  uint64_t id = 0;
  uint32_t advertiser = 0;
  uint32_t store = 0;  // index into SimData::stores
  bool live = false;
  int64_t create_time = 0;
  int64_t modify_time = 0;
  bool deleted = false;
  bool enabled = true;
  std::vector<uint64_t> items;  // item_group_ids (Product) or room_ids (LIVE)
};

/// The kinds of an advertiser's library assets, each served by its own endpoint.
enum class AssetKind : uint8_t {
  kImage,
  kVideo,
  kMusic,
  kPortfolio,
  kPost,
  kIdentity,
  kPixel,
  kCount
};
inline constexpr size_t kAssetKinds = static_cast<size_t>(AssetKind::kCount);

/// One asset of an advertiser's library; every other field is derived from the id.
struct Asset {
  uint64_t id = 0;
  uint32_t advertiser = 0;
  AssetKind kind = AssetKind::kImage;
  int64_t create_time = 0;
  int64_t modify_time = 0;
};

struct Advertiser {
  std::string id;
  bool bc_only = false;  // reachable through its Business Center, not listed for the token
  std::string name;
  std::string timezone;          // GMT-offset form, e.g. Etc/GMT+8 (POSIX sign: UTC-8)
  std::string display_timezone;  // IANA name
  std::string currency;
  int64_t create_time = 0;
  std::vector<uint32_t> campaigns, adgroups, ads, audiences;
  std::vector<uint32_t> smart_plus_ads;         // indices into SimData::smart_plus_ads
  std::vector<uint32_t> stores, gmv_campaigns;  // indices into SimData::stores, ::gmv_campaigns
  std::array<std::vector<uint32_t>, kAssetKinds> library;  // indices into SimData::assets
};

/// A Business Center and its ad accounts.
struct BusinessCenter {
  std::string id;
  std::string name;
  std::vector<uint32_t> advertisers;  // indices into SimData::advertisers
  std::vector<std::string> pending;   // accounts invited but not yet bound (not readable)
};

struct Audience {
  uint64_t id = 0;
  uint32_t advertiser = 0;
  int64_t create_time = 0;
};

/// The whole simulated data set.
struct SimData {
  std::vector<Advertiser> advertisers;
  std::vector<Entity> campaigns, adgroups, ads;
  // Upgraded Smart+ ads (asset groups): reported under ad_id_v2, listed by /smart_plus/ad/get/.
  std::vector<Entity> smart_plus_ads;
  std::vector<Store> stores;
  std::vector<GmvCampaign> gmv_campaigns;
  std::vector<Audience> audiences;
  std::vector<Asset> assets;
  std::vector<BusinessCenter> business_centers;
};

/// Generates the data set of `config`; deterministic.
SimData Generate(const SimConfig& config);
/// Generation steps: an advertiser's library assets, then the Business Centers of all.
void AddLibrary(const SimConfig& config, uint32_t adv_index, Advertiser& adv, SimData& data);
void AddBusinessCenters(const SimConfig& config, SimData& data);
/// Adds the TikTok Shops and GMV Max campaigns of advertiser `adv_index` (see gmv_max_every).
void AddGmvMax(const SimConfig& config, uint32_t adv_index, Advertiser& adv, SimData& data);
/// Adds the Upgraded Smart+ ad of Smart+ ad group `group` (the last one added) to `adv`.
void AddSmartPlusAd(const SimConfig& config, const Entity& group, Advertiser& adv, SimData& data);

/// FNV-1a of `text`: how names enter Mix.
uint64_t Fnv1a(std::string_view text);

/// A 64-bit mix of its inputs (splitmix64), the source of every derived value.
uint64_t Mix(uint64_t a, uint64_t b = 0);
uint64_t Mix(uint64_t a, std::string_view text);

/// TikTok's page_info object for `total` rows: {"page","page_size","total_number","total_page"}.
std::string PageInfoJson(long long page, long long page_size, size_t total);

/// "YYYY-MM-DD HH:MM:SS", TikTok's entity timestamp format (UTC).
std::string TikTokTime(int64_t epoch_seconds);

}  // namespace sim
