#include "tests/simulator/sim_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace sim {
namespace {

struct Zone {
  const char* timezone;
  const char* display;
  const char* currency;
};
// One west of UTC with daylight saving, one east of UTC, and UTC itself.
constexpr Zone kZones[] = {
    {"Etc/GMT+8", "America/Los_Angeles", "USD"},
    {"Etc/GMT-9", "Asia/Tokyo", "JPY"},
    {"Etc/GMT", "UTC", "EUR"},
    {"Etc/GMT-1", "Europe/Berlin", "EUR"},
};

// How many assets of `kind` an advertiser has: a few more images and videos than the rest, so
// pages differ by kind.
int AssetCount(const SimConfig& config, AssetKind kind) {
  int base = std::max(config.library_per_advertiser, 0);
  switch (kind) {
    case AssetKind::kImage:
      return base + 3;
    case AssetKind::kVideo:
      return base + 2;
    case AssetKind::kIdentity:
    case AssetKind::kPixel:
      return std::min(base, 3);
    default:
      return base;
  }
}

}  // namespace

void AddLibrary(const SimConfig& config, uint32_t adv_index, Advertiser& adv, SimData& data) {
  const uint64_t base = 7300000000000000000ULL + (config.seed % 1000) * 1000000000ULL;
  const int64_t span = int64_t{86400} * std::max(config.window_days, 1);
  const uint64_t modify_span = 86400ULL * static_cast<uint64_t>(std::max(config.modify_days, 1));
  for (size_t k = 0; k < kAssetKinds; ++k) {
    auto kind = static_cast<AssetKind>(k);
    for (int i = 0; i < AssetCount(config, kind); ++i) {
      Asset asset;
      asset.id = base + data.assets.size() * 23 + k;
      asset.advertiser = adv_index;
      asset.kind = kind;
      uint64_t h = Mix(config.seed ^ 0x11B, asset.id);
      asset.create_time =
          config.window_start + static_cast<int64_t>(h % static_cast<uint64_t>(span));
      asset.modify_time = asset.create_time + static_cast<int64_t>((h >> 24) % modify_span);
      adv.library[k].push_back(static_cast<uint32_t>(data.assets.size()));
      data.assets.push_back(asset);
    }
  }
}

void AddSmartPlusAd(const SimConfig& config, const Entity& group, Advertiser& adv, SimData& data) {
  const uint64_t base = 1730000000000000000ULL + (config.seed % 1000) * 1000000000ULL;
  Entity ad = group;  // created with its ad group, deleted with it
  ad.id = base + data.smart_plus_ads.size() * 29 + 9;
  uint64_t h = Mix(config.seed ^ 0x5AD, ad.id);
  ad.modify_time =
      ad.create_time +
      static_cast<int64_t>(h % (86400ULL * static_cast<uint64_t>(std::max(config.modify_days, 1))));
  ad.enabled = (h >> 12) % 4 != 0;
  ad.has_modify_time = true;
  adv.smart_plus_ads.push_back(static_cast<uint32_t>(data.smart_plus_ads.size()));
  data.smart_plus_ads.push_back(ad);
}

void AddGmvMax(const SimConfig& config, uint32_t adv_index, Advertiser& adv, SimData& data) {
  if (config.gmv_max_every <= 0 || adv_index % static_cast<uint32_t>(config.gmv_max_every) != 0) {
    return;
  }
  const uint64_t seed = config.seed % 1000;
  const int64_t span = int64_t{86400} * std::max(config.window_days, 1);
  for (int s = 0; s < 2; ++s) {
    Store store{7494000000000000000ULL + seed * 1000000ULL + data.stores.size() * 31 + 1, adv_index,
                s == 0};
    adv.stores.push_back(static_cast<uint32_t>(data.stores.size()));
    data.stores.push_back(store);
    for (int c = 0; c < 3; ++c) {  // two Product campaigns and one LIVE campaign
      GmvCampaign g;
      g.id = 1800000000000000000ULL + seed * 1000000000ULL + data.gmv_campaigns.size() * 37 + 5;
      g.advertiser = adv_index;
      g.store = adv.stores.back();
      g.live = c == 2;
      uint64_t h = Mix(config.seed ^ 0x6A7, g.id);
      g.create_time = config.window_start + static_cast<int64_t>(h % static_cast<uint64_t>(span));
      g.modify_time = g.create_time + static_cast<int64_t>((h >> 20) % (86400ULL * 60));
      g.deleted = (h >> 8) % 7 == 0;
      g.enabled = (h >> 12) % 4 != 0;
      uint64_t item_base = g.live ? 7400000000000000000ULL : 1729000000000000000ULL;
      for (uint64_t i = 0; i < (g.live ? 2U : 3U); ++i) {
        g.items.push_back(item_base + g.id % 1000000 * 10 + i);
      }
      adv.gmv_campaigns.push_back(static_cast<uint32_t>(data.gmv_campaigns.size()));
      data.gmv_campaigns.push_back(std::move(g));
    }
  }
}

void AddBusinessCenters(const SimConfig& config, SimData& data) {
  int count = std::max(config.business_centers, 0);
  for (int b = 0; b < count; ++b) {
    BusinessCenter bc;
    bc.id = std::to_string(7150000000000000001ULL + static_cast<uint64_t>(b) * 1009ULL +
                           (config.seed % 1000) * 11ULL);
    bc.name = fmt::format("Simulated Business Center {}", b + 1);
    if (b == 0) bc.pending.push_back(std::to_string(7009999999999999001ULL + config.seed % 1000));
    data.business_centers.push_back(std::move(bc));
  }
  if (count == 0) return;
  for (uint32_t a = 0; a < data.advertisers.size(); ++a) {
    size_t b = data.advertisers[a].bc_only ? 0 : a % static_cast<size_t>(count);
    data.business_centers[b].advertisers.push_back(a);
  }
}

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

uint64_t Mix(uint64_t a, std::string_view text) { return Mix(a, Fnv1a(text)); }

std::string PageInfoJson(long long page, long long page_size, size_t total) {
  size_t pages = (total + static_cast<size_t>(page_size) - 1) / static_cast<size_t>(page_size);
  return fmt::format(R"({{"page":{},"page_size":{},"total_number":{},"total_page":{}}})", page,
                     page_size, total, pages);
}

std::string TikTokTime(int64_t t) {
  using namespace std::chrono;
  sys_seconds s{seconds{t}};
  auto day = floor<days>(s);
  year_month_day ymd{day};
  hh_mm_ss<seconds> tod{s - day};
  return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     tod.hours().count(), tod.minutes().count(), tod.seconds().count());
}

SimData Generate(const SimConfig& config) {
  SimData data;
  const uint64_t seed = config.seed;
  // Ids are above 2^53 like TikTok's, so a tap that parses them as doubles corrupts them.
  const uint64_t campaign_base = 1700000000000000000ULL + (seed % 1000) * 1000000000ULL;
  const uint64_t adgroup_base = 1710000000000000000ULL + (seed % 1000) * 1000000000ULL;
  const uint64_t ad_base = 1720000000000000000ULL + (seed % 1000) * 1000000000ULL;
  const uint64_t audience_base = 90000000000000ULL + (seed % 1000) * 1000000ULL;

  const int64_t window_start = config.window_start;
  const int64_t window_end = window_start + int64_t{86400} * std::max(config.window_days, 1);
  const uint64_t modify_span = 86400ULL * static_cast<uint64_t>(std::max(config.modify_days, 1));
  auto entity = [&](uint64_t id, uint32_t advertiser, int64_t not_before) {
    Entity e;
    e.id = id;
    e.advertiser = advertiser;
    uint64_t h = Mix(seed, id);
    e.create_time = not_before + static_cast<int64_t>(h % (86400ULL * 30));
    if (e.create_time >= window_end) e.create_time = window_end - 1;
    e.modify_time = e.create_time + static_cast<int64_t>((h >> 20) % modify_span);
    e.deleted = (h >> 8) % 10 == 0;
    e.enabled = (h >> 12) % 4 != 0;
    return e;
  };

  for (int a = 0; a < config.advertisers + std::max(config.bc_only_advertisers, 0); ++a) {
    Advertiser adv;
    adv.bc_only = a >= config.advertisers;
    adv.id = std::to_string(7002238017842757633ULL + static_cast<uint64_t>(a) * 1000003ULL +
                            (seed % 1000) * 7ULL);
    adv.name = fmt::format("Simulated Advertiser {}", a + 1);
    const Zone& zone = kZones[a % 4];
    adv.timezone = zone.timezone;
    adv.display_timezone = zone.display;
    adv.currency = zone.currency;
    adv.create_time = window_start - 86400 * static_cast<int64_t>(30 + Mix(seed, a) % 300);
    uint32_t adv_index = static_cast<uint32_t>(a);

    for (int c = 0; c < config.campaigns_per_advertiser; ++c) {
      uint64_t cid = campaign_base + data.campaigns.size() * 17 + 3;
      int64_t not_before =
          window_start +
          static_cast<int64_t>(Mix(seed, cid) % static_cast<uint64_t>(window_end - window_start));
      Entity camp = entity(cid, adv_index, not_before);
      uint64_t bh = Mix(seed ^ 0xB0, cid) % 12;
      camp.buying_type = bh == 0   ? BuyingType::kReservationTopView
                         : bh == 1 ? BuyingType::kReservationRf
                                   : BuyingType::kAuction;
      // Promote campaigns are auction campaigns made in the TikTok app.
      camp.promote = config.promote_every > 0 && camp.buying_type == BuyingType::kAuction &&
                     Mix(seed ^ 0x960, cid) % static_cast<uint64_t>(config.promote_every) == 0;
      camp.has_modify_time = !camp.promote;  // §3.3: Promote campaigns have six fields only
      camp.smart_plus =
          config.smart_plus_every > 0 && camp.buying_type == BuyingType::kAuction &&
          !camp.promote &&
          Mix(seed ^ 0x5A7, cid) % static_cast<uint64_t>(config.smart_plus_every) == 0;
      camp.campaign = static_cast<uint32_t>(data.campaigns.size());
      adv.campaigns.push_back(camp.campaign);
      data.campaigns.push_back(camp);

      for (int g = 0; g < config.adgroups_per_campaign; ++g) {
        uint64_t gid = adgroup_base + data.adgroups.size() * 13 + 5;
        Entity group = entity(gid, adv_index, camp.create_time);
        group.buying_type = camp.buying_type;
        group.campaign = camp.campaign;
        group.adgroup = static_cast<uint32_t>(data.adgroups.size());
        group.deleted = group.deleted || camp.deleted;
        group.promote = camp.promote;
        group.smart_plus = camp.smart_plus;
        adv.adgroups.push_back(group.adgroup);
        data.adgroups.push_back(group);
        if (group.smart_plus) AddSmartPlusAd(config, group, adv, data);

        for (int d = 0; d < config.ads_per_adgroup; ++d) {
          uint64_t did = ad_base + data.ads.size() * 11 + 7;
          Entity ad = entity(did, adv_index, group.create_time);
          ad.buying_type = group.buying_type;
          ad.campaign = group.campaign;
          ad.adgroup = group.adgroup;
          ad.deleted = ad.deleted || group.deleted;
          ad.promote = group.promote;
          ad.smart_plus = group.smart_plus;
          if (ad.smart_plus) ad.smart_plus_ad = adv.smart_plus_ads.back();
          ad.has_modify_time = Mix(seed ^ 0xAD, did) % 40 != 0;
          adv.ads.push_back(static_cast<uint32_t>(data.ads.size()));
          data.ads.push_back(ad);
        }
      }
    }
    for (int u = 0; u < config.audiences_per_advertiser; ++u) {
      Audience aud;
      aud.id = audience_base + data.audiences.size() * 19 + 1;
      aud.advertiser = adv_index;
      aud.create_time =
          window_start + static_cast<int64_t>(Mix(seed, aud.id) %
                                              static_cast<uint64_t>(window_end - window_start));
      adv.audiences.push_back(static_cast<uint32_t>(data.audiences.size()));
      data.audiences.push_back(aud);
    }
    AddLibrary(config, adv_index, adv, data);
    AddGmvMax(config, adv_index, adv, data);
    data.advertisers.push_back(std::move(adv));
  }
  AddBusinessCenters(config, data);
  return data;
}

int64_t SimNow(const SimConfig& config) {
  if (config.now != 0) return config.now;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sim
