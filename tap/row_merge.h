#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tap {

/// The rows of one report read in several metric groups, merged by their dimensions: each
/// merged row is one object with the dimensions and every group's metrics. Owns copies of what
/// it holds (pages can be freed once added) in one allocator, so a row costs its values, not an
/// allocator of its own.
class RowMerge {
 public:
  RowMerge();

  /// Adds a report row ({"dimensions":{...},"metrics":{...}}): its metrics join the merged row
  /// of its dimensions, which it starts when they are new. False when the row is not an object.
  bool Add(const rapidjson::Value& row);

  /// The merged rows, in the order their dimensions were first seen.
  const std::vector<rapidjson::Value>& rows() const { return rows_; }
  size_t size() const { return rows_.size(); }

  /// Forgets every row and frees their memory.
  void Clear();

 private:
  rapidjson::Document doc_;  // owns the allocator
  std::vector<rapidjson::Value> rows_;
  std::unordered_map<std::string, size_t> index_;  // dimension key -> row
};

}  // namespace tap
