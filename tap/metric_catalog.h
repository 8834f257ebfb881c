#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tap {

/// Report data levels, as a bit set of where a metric is valid.
enum LevelBit : unsigned {
  kAdvertiserLevel = 1,
  kCampaignLevel = 2,
  kAdgroupLevel = 4,
  kAdLevel = 8,
  kProductLevel = 16,  // GMV Max: product (SPU) rows
  kLiveLevel = 32,     // GMV Max: LIVE room rows
};

/// GMV Max campaign types (`gmv_max_promotion_types` of /gmv_max/report/get/), as a bit set.
enum PromotionBit : unsigned { kProductPromotion = 1, kLivePromotion = 2 };

/// One report metric of schemas/metrics.json.
struct MetricInfo {
  std::string name;
  const rapidjson::Value* schema = nullptr;                  // {"type": ..., "description": ...}
  unsigned levels = 0;                                       // LevelBit set
  bool basic = false;                                        // valid in BASIC reports
  bool audience = false;                                     // valid in AUDIENCE reports
  bool gmv_max = false;                                      // valid in GMV Max reports
  unsigned promotions = kProductPromotion | kLivePromotion;  // GMV Max: PromotionBit set
  bool daily_only = false;                                   // cash_spend, voucher_spend
  bool selected_by_default = false;
};

/// The metric and dimension catalog (schemas/metrics.json, embedded): the one place that says
/// which metric exists, its type and description, and where it is valid.
class MetricCatalog {
 public:
  static const MetricCatalog& Get();
  /// The catalog of `report_type`: GMV_MAX's (schemas/gmv_max_metrics.json), else Get().
  static const MetricCatalog& For(std::string_view report_type);

  const MetricInfo* Metric(std::string_view name) const;
  /// The schema of a dimension ({"type","format","description"}), or nullptr.
  const rapidjson::Value* Dimension(std::string_view name) const;
  /// Every metric, in catalog order.
  const std::vector<MetricInfo>& metrics() const { return metrics_; }

  /// Whether `metric` may be requested in a report of this type, level and granularity.
  static bool ValidFor(const MetricInfo& metric, std::string_view report_type, unsigned level_bit,
                       bool daily);

 private:
  explicit MetricCatalog(std::string_view file);
  rapidjson::Document doc_;
  std::vector<MetricInfo> metrics_;
  std::unordered_map<std::string_view, size_t> index_;
};

}  // namespace tap
