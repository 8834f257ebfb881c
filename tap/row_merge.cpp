#include "tap/row_merge.h"

#include "tap/json.h"

namespace tap {
namespace {

// The identity of a report row: its dimension values.
std::string DimensionKey(const rapidjson::Value* dims) {
  std::string key;
  if (dims == nullptr || !dims->IsObject()) return key;
  for (const auto& m : dims->GetObject()) {
    key.append(m.name.GetString(), m.name.GetStringLength());
    key += '=';
    key += m.value.IsString() ? m.value.GetString() : ToJson(m.value);
    key += '\x1f';
  }
  return key;
}

// A deep copy of `v` that owns its strings. Responses are parsed in place, so their strings
// live in the response's text; RapidJSON's own copy would keep pointing there.
rapidjson::Value OwnedCopy(const rapidjson::Value& v, rapidjson::Document::AllocatorType& a) {
  if (v.IsString()) return rapidjson::Value(v.GetString(), v.GetStringLength(), a);
  if (v.IsArray()) {
    rapidjson::Value out(rapidjson::kArrayType);
    for (const rapidjson::Value& item : v.GetArray()) out.PushBack(OwnedCopy(item, a), a);
    return out;
  }
  if (v.IsObject()) {
    rapidjson::Value out(rapidjson::kObjectType);
    for (const auto& m : v.GetObject())
      out.AddMember(OwnedCopy(m.name, a), OwnedCopy(m.value, a), a);
    return out;
  }
  return rapidjson::Value(v, a);
}

void CopyMembers(const rapidjson::Value* from, rapidjson::Value& to,
                 rapidjson::Document::AllocatorType& a) {
  if (from == nullptr || !from->IsObject()) return;
  for (const auto& m : from->GetObject()) {
    to.AddMember(OwnedCopy(m.name, a), OwnedCopy(m.value, a), a);
  }
}

}  // namespace

RowMerge::RowMerge() { doc_.SetObject(); }

bool RowMerge::Add(const rapidjson::Value& row) {
  if (!row.IsObject()) return false;
  const rapidjson::Value* dims = FindMember(row, "dimensions");
  auto& a = doc_.GetAllocator();
  std::string key = DimensionKey(dims);
  auto it = index_.find(key);
  if (it == index_.end()) {
    it = index_.emplace(std::move(key), rows_.size()).first;
    rows_.emplace_back(rapidjson::kObjectType);
    CopyMembers(dims, rows_.back(), a);
  }
  // Metric groups are disjoint: a group's metrics are added once, without a lookup.
  CopyMembers(FindMember(row, "metrics"), rows_[it->second], a);
  return true;
}

void RowMerge::Clear() {
  rows_.clear();
  index_.clear();
  doc_ = rapidjson::Document();  // a new allocator: the old one's chunks are freed
  doc_.SetObject();
}

}  // namespace tap
