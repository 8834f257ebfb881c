#pragma once

#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tap/json.h"
#include "tap/time_zone.h"

namespace tap {

/// The JSON Schema types a value is converted to.
enum class ValueType {
  kAny,
  kString,
  kDateTime,
  kDate,
  kInteger,
  kNumber,
  kBoolean,
  kObject,
  kArray
};

/// A JSON Schema compiled for fast record conversion.
struct Shape {
  ValueType type = ValueType::kAny;
  bool nullable = true;
  std::vector<std::string> names;  // object properties; none: pass every key through
  std::vector<Shape> children;     // their shapes, parallel to `names`
  std::vector<Shape> items;        // arrays: zero or one item shape
};

/// Compiles a (resolved, $ref-free) JSON Schema. Unknown or mixed types become kAny.
Shape CompileShape(const rapidjson::Value& schema);

/// Converts API rows into Singer records of one stream's schema: every schema property is
/// written (null when the row lacks it), nothing else is; values are typed by the schema
/// (exact number tokens, "-" and "" as null for non-strings, ids as strings, timestamps as
/// RFC 3339 UTC, dates as YYYY-MM-DD). Values that cannot be converted become null and are
/// counted in issues(), never dropped silently.
class Transformer {
 public:
  explicit Transformer(Shape shape);

  /// A value written in place of the row's own for `property` (e.g. advertiser_id).
  void SetInjected(std::string property, std::string value);

  /// `property` holds wall-clock times of `zone` ("2024-03-10 03:00:00", TikTok's
  /// stat_time_hour); they are written as RFC 3339 with that zone's offset. nullptr: UTC.
  void SetLocalTime(std::string property, const TimeZone* zone);

  /// Rows that lack `property` (absent, null or "") read it from `fallback` instead (Smart+ ads
  /// without modify_time count as modified when created, §3.2). `fallback` need not be in the
  /// schema.
  void SetFallback(std::string property, std::string fallback);

  /// The key properties every record must have; injected ones always do.
  void SetKeys(const std::vector<std::string>& keys);

  /// Writes `row` as a record object. Returns false (and writes nothing usable) when a row is
  /// not an object; the caller fails the stream.
  bool Write(const rapidjson::Value& row, JsonWriter& out);
  /// The same for a row given as several objects read as one (a report row's dimensions and
  /// metrics), so that they need not be merged first.
  bool Write(std::span<const rapidjson::Value* const> parts, JsonWriter& out);

  /// Reads `parts` as the current row, for a caller that looks at it before writing it.
  /// False when a part is not an object.
  bool Bind(std::span<const rapidjson::Value* const> parts);
  /// The same for a row already read by slot (a RowTable row of a RowLayout of names()): one
  /// value per property, null where the row has none, and what each is known to be as a number
  /// (RowTable::Forms).
  void BindValues(const rapidjson::Value* values, const uint8_t* forms);
  /// The record's properties, in their order (their positions are the slots).
  const std::vector<std::string>& names() const { return shape_.names; }
  /// The current row's value of schema property `property`, after its fallback; nullptr when
  /// the row has none (absent, null or "").
  const rapidjson::Value* Bound(std::string_view property) const;
  /// The same by the property's position (Position), for a caller that asks row after row.
  static constexpr size_t kNoSlot = static_cast<size_t>(-1);
  size_t Position(std::string_view property) const;
  const rapidjson::Value* BoundAt(size_t position) const;
  /// The first key property the current row lacks; empty when it has them all.
  std::string_view MissingKey() const;
  /// Writes the current row as a record object.
  void WriteBound(JsonWriter& out);
  /// The same, appended to `buffer` as it stands (the record is a value of the caller's line).
  void AppendBound(rapidjson::StringBuffer& buffer);

  /// Values that could not be converted, by property: count and one example.
  struct Issue {
    long long count = 0;
    std::string example;
    std::string expected;
  };
  const std::map<std::string, Issue>& issues() const { return issues_; }

 private:
  // The scalar converters write to a JsonWriter (inside nested values) or straight into a
  // record's text (JsonTokenSink): templates over the two, which have the same value methods.
  template <typename Out>
  void WriteValue(const rapidjson::Value& v, const Shape& shape, std::string_view path, Out& out);
  void WriteNested(const rapidjson::Value& v, const Shape& shape, std::string_view path,
                   JsonWriter& out);
  void WriteNested(const rapidjson::Value& v, const Shape& shape, std::string_view path,
                   JsonTokenSink& out);
  void WriteAny(const rapidjson::Value& v, JsonWriter& out);
  template <typename Out>
  void WriteString(const rapidjson::Value& v, Out& out);
  void WriteLocalTime(const rapidjson::Value& v, std::string_view path, JsonTokenSink& out);
  template <typename Out>
  void WriteTime(const rapidjson::Value& v, bool date, std::string_view path, Out& out);
  template <typename Out>
  void WriteNumber(const rapidjson::Value& v, bool integer, std::string_view path, Out& out);
  template <typename Out>
  void WriteBoolean(const rapidjson::Value& v, std::string_view path, Out& out);
  void WriteObject(const rapidjson::Value& v, const Shape& shape, std::string_view path,
                   JsonWriter& out);
  void WriteArray(const rapidjson::Value& v, const Shape& shape, std::string_view path,
                  JsonWriter& out);
  template <typename Out>
  void Fail(std::string_view path, const rapidjson::Value& v, std::string_view expected, Out& out);

  Shape shape_;
  size_t SlotOf(size_t position, std::string_view name);
  void ApplyFallback();
  size_t LookUpSlot(size_t position, std::string_view name);
  const rapidjson::Value* At(size_t slot) const {
    return values_ != nullptr ? values_ + slot : slots_[slot];
  }
  void FindAsIs();

  std::unordered_map<std::string_view, size_t> index_;  // top-level property -> position
  // By position, a comma (but first), the key and ':', one after another in `heads_` (padded
  // for JsonTokenSink::Padded) from head_starts_[i] to head_starts_[i + 1].
  std::string heads_;
  std::vector<uint32_t> head_starts_;
  std::vector<std::optional<std::string>> injected_;  // by position, as JSON strings
  size_t local_time_slot_ = kNoSlot;
  TimeZone local_zone_ = TimeZone::Utc();
  // A slot's value: values_[slot] when BindValues had a row without fallback (its forms in
  // forms_), slots_[slot] otherwise.
  std::vector<const rapidjson::Value*> slots_;
  const rapidjson::Value* values_ = nullptr;
  const uint8_t* forms_ = nullptr;
  std::vector<uint8_t> as_is_;      // by position: the form written as it is (FindAsIs)
  std::vector<size_t> hints_;       // member position in the last row -> slot
  size_t fallback_for_ = kNoSlot;   // the slot that has a fallback
  size_t fallback_slot_ = kNoSlot;  // the fallback's slot, when it is in the schema
  std::string fallback_name_;       // read by name when it is not
  const rapidjson::Value* fallback_value_ = nullptr;
  std::vector<size_t> key_slots_;
  std::map<std::string, Issue> issues_;
};

/// A JSON number token for `text` ("20.000" stays "20.000"; "007" -> "7", ".5" -> "0.5"), or an
/// empty string when `text` is not a number. With `integer`, fractions must be zero and are
/// dropped ("5.000" -> "5").
std::string NumberToken(std::string_view text, bool integer);

}  // namespace tap
