#include "tap/metric_catalog.h"

#include <stdexcept>

#include "tap/embedded_schemas.h"
#include "tap/json.h"

namespace tap {
namespace {

unsigned LevelBits(const rapidjson::Value* levels) {
  if (levels == nullptr) return kAdvertiserLevel | kCampaignLevel | kAdgroupLevel | kAdLevel;
  unsigned bits = 0;
  for (const auto& level : levels->GetArray()) {
    std::string_view name = level.GetString();
    if (name == "advertiser") bits |= kAdvertiserLevel;
    if (name == "campaign") bits |= kCampaignLevel;
    if (name == "adgroup") bits |= kAdgroupLevel;
    if (name == "ad") bits |= kAdLevel;
    if (name == "product") bits |= kProductLevel;
    if (name == "live") bits |= kLiveLevel;
  }
  return bits;
}

void ReadReportTypes(const rapidjson::Value* types, MetricInfo& info) {
  if (types == nullptr) {
    info.basic = true;
    return;
  }
  for (const auto& t : types->GetArray()) {
    std::string_view type = t.GetString();
    info.basic = info.basic || type == "BASIC";
    info.audience = info.audience || type == "AUDIENCE";
    info.gmv_max = info.gmv_max || type == "GMV_MAX";
  }
}

unsigned PromotionBits(const rapidjson::Value* types) {
  if (types == nullptr) return kProductPromotion | kLivePromotion;
  unsigned bits = 0;
  for (const auto& t : types->GetArray()) {
    bits |= std::string_view(t.GetString()) == "LIVE" ? kLivePromotion : kProductPromotion;
  }
  return bits;
}

}  // namespace

const MetricCatalog& MetricCatalog::Get() {
  static const MetricCatalog catalog("metrics.json");
  return catalog;
}

const MetricCatalog& MetricCatalog::For(std::string_view report_type) {
  static const MetricCatalog gmv_max("gmv_max_metrics.json");
  return report_type == "GMV_MAX" ? gmv_max : Get();
}

MetricCatalog::MetricCatalog(std::string_view file) {
  std::string_view text = EmbeddedSchema(file);
  doc_.Parse(text.data(), text.size());
  if (doc_.HasParseError() || !doc_.HasMember("metrics")) {
    throw std::logic_error("embedded schemas/" + std::string(file) + " is broken");
  }
  for (const auto& m : doc_["metrics"].GetObject()) {
    MetricInfo info;
    info.name = std::string(m.name.GetString(), m.name.GetStringLength());
    info.schema = &m.value;
    info.levels = LevelBits(FindMember(m.value, "levels"));
    ReadReportTypes(FindMember(m.value, "report_types"), info);
    info.promotions = PromotionBits(FindMember(m.value, "promotion_types"));
    info.daily_only = FindMember(m.value, "granularities") != nullptr;
    const rapidjson::Value* by_default = FindMember(m.value, "default");
    info.selected_by_default = by_default != nullptr && by_default->IsTrue();
    metrics_.push_back(std::move(info));
  }
  for (size_t i = 0; i < metrics_.size(); ++i) index_.emplace(metrics_[i].name, i);
}

const MetricInfo* MetricCatalog::Metric(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &metrics_[it->second];
}

const rapidjson::Value* MetricCatalog::Dimension(std::string_view name) const {
  return FindMember(doc_["dimensions"], name);
}

bool MetricCatalog::ValidFor(const MetricInfo& metric, std::string_view report_type,
                             unsigned level_bit, bool daily) {
  bool type_ok = report_type == "AUDIENCE"  ? metric.audience
                 : report_type == "GMV_MAX" ? metric.gmv_max
                                            : metric.basic;
  return type_ok && (metric.levels & level_bit) != 0 && (!metric.daily_only || daily);
}

}  // namespace tap
