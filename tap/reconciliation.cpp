#include "tap/reconciliation.h"

#include <fmt/format.h>

#include <algorithm>

#include "tap/catalog.h"
#include "tap/metric_catalog.h"
#include "tap/streams.h"

namespace tap {
namespace {

constexpr size_t kDaysNamed = 5;  // days a warning spells out

// One compared day that differs.
struct Difference {
  Date day;
  Decimal advertiser, ads;
};

// What one advertiser's comparison found.
struct Comparison {
  long long days = 0;  // compared
  std::vector<Difference> differences;
};

// Whether the ad rows' sum equals the account's total, allowing each written value's rounding.
bool Agrees(const SpendTally::Day& advertiser, const SpendTally::Day& ads) {
  Decimal difference = advertiser.spend.Minus(ads.spend).Abs();
  int scale = std::max(advertiser.spend.scale(), ads.spend.scale());
  return difference <= Decimal::HalfUnit(scale).Times(ads.rows + advertiser.rows);
}

Comparison Compare(const std::map<Date, SpendTally::Day>& advertiser,
                   const std::map<Date, SpendTally::Day>& ads) {
  Comparison c;
  for (const auto& [day, total] : advertiser) {
    auto it = ads.find(day);
    if (it == ads.end() || !total.readable || !it->second.readable) continue;
    ++c.days;
    if (!Agrees(total, it->second)) c.differences.push_back({day, total.spend, it->second.spend});
  }
  return c;
}

std::string DayList(const std::vector<Difference>& differences) {
  std::string out;
  int scale = 0;
  for (const Difference& d : differences) {
    scale = std::max({scale, d.advertiser.scale(), d.ads.scale()});
  }
  for (size_t i = 0; i < std::min(differences.size(), kDaysNamed); ++i) {
    const Difference& d = differences[i];
    out += fmt::format("{}{} (advertiser {}, ads {}, difference {})", i > 0 ? ", " : "",
                       FormatDay(d.day), d.advertiser.ToString(scale), d.ads.ToString(scale),
                       d.advertiser.Minus(d.ads).ToString(scale));
  }
  if (differences.size() > kDaysNamed) {
    out += fmt::format(" and {} more", differences.size() - kDaysNamed);
  }
  return out;
}

// The likely causes, most likely first.
std::string Causes(const std::vector<Difference>& differences,
                   const ReconciliationContext& context) {
  bool ads_short = std::any_of(differences.begin(), differences.end(),
                               [](const Difference& d) { return d.ads < d.advertiser; });
  bool unsettled = std::any_of(differences.begin(), differences.end(), [&](const Difference& d) {
    return d.day >= context.unsettled_from;
  });
  std::vector<std::string> causes;
  if (ads_short && !context.include_deleted) {
    causes.emplace_back("deleted ads are left out (set include_deleted: true)");
  }
  if (ads_short && !context.include_promote_ads) {
    causes.emplace_back("Promote ads are left out (set include_promote_ads: true)");
  }
  if (unsettled) {
    causes.emplace_back(
        "the newest days change until TikTok's daily data fix at 12:00 UTC (they are re-read by "
        "the next run's lookback)");
  }
  if (causes.empty()) {
    causes.emplace_back(ads_short ? "TikTok's ad-level report leaves out some ads; compare with "
                                    "Ads Manager and report it"
                                  : "TikTok changed the data between the two reads; run again");
  }
  std::string out;
  for (size_t i = 0; i < causes.size(); ++i) out += (i > 0 ? "; or " : "") + causes[i];
  return out;
}

std::string Counter(std::string_view metric, long long value) {
  return fmt::format(
      R"(METRIC: {{"type":"counter","metric":"{}","value":{},"tags":{{"streams":"advertiser_insights_daily,ad_insights_daily"}}}})",
      metric, value);
}

}  // namespace

void SpendTally::Add(Date day, const rapidjson::Value* spend) {
  Day& d = days[day];
  ++d.rows;
  std::optional<Decimal> value;
  if (spend != nullptr && spend->IsString()) {
    value = Decimal::Parse(std::string_view(spend->GetString(), spend->GetStringLength()));
  }
  if (!value || !d.spend.Add(*value)) d.readable = false;
}

std::optional<SpendLevel> ReconciledLevel(const CatalogStream& stream) {
  const ReportStream* r = stream.def->report;
  if (r == nullptr || r->custom || r->report_type != "BASIC" ||
      r->granularity != Granularity::kDay || r->dimensions.size() != 2) {
    return std::nullopt;
  }
  std::vector<std::string> selected = stream.PropertyNames();
  if (std::find(selected.begin(), selected.end(), "spend") == selected.end()) return std::nullopt;
  // Only the levels of ReportLevels(): the Smart+ ads of smart_plus_ad_insights_daily are a part
  // of the ad level, whose spend ad_insights_daily already holds by creative.
  if (FindReportLevel(r->level->data_level) != r->level) return std::nullopt;
  if (r->level->level_bit == kAdvertiserLevel) return SpendLevel::kAdvertiser;
  if (r->level->level_bit == kAdLevel) return SpendLevel::kAd;
  return std::nullopt;
}

void Reconciler::Add(const SpendTally& tally) {
  Side& side = by_advertiser_[tally.advertiser][tally.level];
  for (Date d = tally.first; d <= tally.last; d += std::chrono::days{1}) side.days[d];
  for (const auto& [day, spend] : tally.days) {
    SpendTally::Day& total = side.days[day];
    total.rows += spend.rows;
    total.readable = total.readable && spend.readable && total.spend.Add(spend.spend);
  }
}

std::vector<ReconciliationLine> Reconciler::Lines(const ReconciliationContext& context) const {
  std::vector<ReconciliationLine> lines;
  long long agreeing = 0, compared = 0, agreeing_days = 0, differing_days = 0;
  long long days_of_agreeing = 0;  // the compared days of the advertisers that agree
  for (const auto& [advertiser, sides] : by_advertiser_) {
    if (sides.size() < 2) continue;
    Comparison c = Compare(sides.at(SpendLevel::kAdvertiser).days, sides.at(SpendLevel::kAd).days);
    if (c.days == 0) continue;
    ++compared;
    differing_days += static_cast<long long>(c.differences.size());
    agreeing_days += c.days - static_cast<long long>(c.differences.size());
    if (c.differences.empty()) {
      ++agreeing;
      days_of_agreeing += c.days;
      continue;
    }
    lines.push_back(
        {LogLevel::kWarning,
         fmt::format("Reconciliation: advertiser {}: the ad-level daily spend does not add up to "
                     "the advertiser-level spend on {} of {} day(s): {}. Likely cause: {}.",
                     advertiser, c.differences.size(), c.days, DayList(c.differences),
                     Causes(c.differences, context))});
  }
  if (compared == 0) return lines;
  if (agreeing > 0) {
    lines.insert(lines.begin(),
                 {LogLevel::kInfo,
                  fmt::format("Reconciliation: the ad-level daily spend adds up to the "
                              "advertiser-level spend for {} of {} advertiser(s), over {} day(s)",
                              agreeing, compared, days_of_agreeing)});
  }
  lines.push_back({LogLevel::kInfo, Counter("reconciled_days", agreeing_days)});
  lines.push_back({LogLevel::kInfo, Counter("unreconciled_days", differing_days)});
  return lines;
}

}  // namespace tap
