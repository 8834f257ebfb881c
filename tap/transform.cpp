#include "tap/transform.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tap/timestamp.h"

namespace tap {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether a JSON reader takes number token `token` as a finite double: 1e400 or a 400-digit
// integer would be infinity in most of them (a JavaScript or BigQuery target, pandas).
bool Finite(std::string_view token) {
  if (token.size() < 300 && token.find_first_of("eE") == std::string_view::npos) return true;
  return std::isfinite(std::strtod(std::string(token).c_str(), nullptr));
}

// A value a row really has: not absent, null or "".
bool Present(const rapidjson::Value* v) {
  return v != nullptr && !v->IsNull() && !(v->IsString() && v->GetStringLength() == 0);
}

ValueType TypeOf(const rapidjson::Value& schema, bool* nullable) {
  *nullable = true;
  const rapidjson::Value* type = FindMember(schema, "type");
  std::string_view name;
  if (type != nullptr && type->IsString()) {
    name = type->GetString();
    *nullable = name == "null";
  } else if (type != nullptr && type->IsArray()) {
    *nullable = false;
    for (const auto& t : type->GetArray()) {
      if (!t.IsString()) return ValueType::kAny;
      std::string_view n = t.GetString();
      if (n == "null") {
        *nullable = true;
      } else if (name.empty()) {
        name = n;
      } else {
        return ValueType::kAny;  // several non-null types: pass the value through
      }
    }
  } else {
    // A schema with properties but no type is an object schema (common in hand-edited catalogs).
    return FindMember(schema, "properties") != nullptr ? ValueType::kObject : ValueType::kAny;
  }
  if (name == "string") {
    const rapidjson::Value* format = FindMember(schema, "format");
    if (format != nullptr && format->IsString()) {
      std::string_view f = format->GetString();
      if (f == "date-time") return ValueType::kDateTime;
      if (f == "date") return ValueType::kDate;
    }
    return ValueType::kString;
  }
  if (name == "integer") return ValueType::kInteger;
  if (name == "number") return ValueType::kNumber;
  if (name == "boolean") return ValueType::kBoolean;
  if (name == "object") return ValueType::kObject;
  if (name == "array") return ValueType::kArray;
  return ValueType::kAny;
}

// Whether `s` is a JSON number in the form NumberToken would give it: an optional '-', digits
// without a leading zero, and (unless `integer`) an optional fraction; no exponent.
bool IsJsonNumber(std::string_view s, bool integer) {
  const char* p = s.data();
  const char* end = p + s.size();
  if (p < end && *p == '-') ++p;
  const char* digits = p;
  while (p < end && IsDigit(*p)) ++p;
  auto n = p - digits;
  if (n == 0 || (*digits == '0' && n > 1)) return false;
  if (p == end) return !(n == 1 && *digits == '0' && digits != s.data());  // no "-0"
  if (integer || *p != '.') return false;
  const char* fraction = ++p;
  while (p < end && IsDigit(*p)) ++p;
  return p > fraction && p == end;
}

// Most metric values are already JSON numbers as they are ("12.345", "7508"): written as they
// are. With no exponent, only a very long one can be past double range. Inline: it is the
// common case of every report row.
template <typename Out>
[[gnu::always_inline]] inline bool WriteNumberAsItIs(std::string_view text, bool integer,
                                                     Out& out) {
  if (!IsJsonNumber(text, integer) || (text.size() >= 300 && !Finite(text))) return false;
  out.RawValue(text.data(), text.size(), rapidjson::kNumberType);
  return true;
}

}  // namespace

std::string NumberToken(std::string_view s, bool integer) {
  size_t i = 0;
  std::string out;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    if (s[i] == '-') out += '-';
    ++i;
  }
  size_t int_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  std::string_view int_part = s.substr(int_start, i - int_start);
  std::string_view frac_part;
  if (i < s.size() && s[i] == '.') {
    size_t f = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    frac_part = s.substr(f, i - f);
  }
  if (int_part.empty() && frac_part.empty()) return {};
  std::string_view exponent;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t e = i++;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t digits = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == digits) return {};
    exponent = s.substr(e, i - e);
  }
  if (i != s.size()) return {};
  while (int_part.size() > 1 && int_part.front() == '0') int_part.remove_prefix(1);
  if (integer) {
    if (!exponent.empty()) return {};
    for (char c : frac_part) {
      if (c != '0') return {};
    }
    if (int_part.empty()) int_part = "0";
    if (int_part == "0") return "0";  // no "-0"
    out += int_part;
    return out;
  }
  out += int_part.empty() ? "0" : int_part;
  if (!frac_part.empty()) {
    out += '.';
    out += frac_part;
  }
  out += exponent;
  return out;
}

Shape CompileShape(const rapidjson::Value& schema) {
  Shape shape;
  shape.type = TypeOf(schema, &shape.nullable);
  if (shape.type == ValueType::kObject) {
    if (const rapidjson::Value* props = FindMember(schema, "properties");
        props != nullptr && props->IsObject()) {
      for (const auto& m : props->GetObject()) {
        shape.names.emplace_back(m.name.GetString(), m.name.GetStringLength());
        shape.children.push_back(CompileShape(m.value));
      }
    }
  } else if (shape.type == ValueType::kArray) {
    if (const rapidjson::Value* items = FindMember(schema, "items");
        items != nullptr && items->IsObject()) {
      shape.items.push_back(CompileShape(*items));
    }
  }
  return shape;
}

Transformer::Transformer(Shape shape) : shape_(std::move(shape)) {
  for (size_t i = 0; i < shape_.names.size(); ++i) {
    index_.emplace(shape_.names[i], i);
    head_starts_.push_back(static_cast<uint32_t>(heads_.size()));
    if (i > 0) heads_.append(",");
    heads_.append(JsonQuote(shape_.names[i]));
    heads_.append(":");
  }
  head_starts_.push_back(static_cast<uint32_t>(heads_.size()));
  heads_.append(JsonTokenSink::kPadding, ' ');
  slots_.resize(shape_.names.size());
  injected_.resize(shape_.names.size());
  FindAsIs();
}

// By position, the form a value needs to be written as its text: plain text for a string, a
// number written as JSON writes it for a number, an integer for an integer. Injected values and
// the local time are written otherwise.
void Transformer::FindAsIs() {
  as_is_.assign(shape_.names.size(), 0);
  for (size_t i = 0; i < as_is_.size(); ++i) {
    if (injected_[i] || i == local_time_slot_) continue;
    switch (shape_.children[i].type) {
      case ValueType::kString:
        as_is_[i] = kPlainForm;
        break;
      case ValueType::kNumber:
        as_is_[i] = kNumberForm;
        break;
      case ValueType::kInteger:
        as_is_[i] = kIntegerForm;
        break;
      default:
        break;
    }
  }
}

void Transformer::SetInjected(std::string property, std::string value) {
  // A property outside the schema is not written, so there is nothing to inject. Kept as the
  // JSON string it is written as, escaped once rather than in every record.
  if (auto it = index_.find(property); it != index_.end()) {
    rapidjson::StringBuffer json;
    AppendJsonString(json, value.data(), value.size());
    injected_[it->second] = std::string(json.GetString(), json.GetSize());
    FindAsIs();
  }
}

void Transformer::SetLocalTime(std::string property, const TimeZone* zone) {
  auto it = index_.find(property);
  local_time_slot_ = it != index_.end() ? it->second : kNoSlot;
  local_zone_ = zone != nullptr ? *zone : TimeZone::Utc();
  FindAsIs();
}

void Transformer::SetFallback(std::string property, std::string fallback) {
  auto it = index_.find(property);
  fallback_for_ = it != index_.end() ? it->second : kNoSlot;
  auto f = index_.find(fallback);
  fallback_slot_ = f != index_.end() ? f->second : kNoSlot;
  fallback_name_ = fallback_slot_ == kNoSlot ? std::move(fallback) : std::string();
}

void Transformer::SetKeys(const std::vector<std::string>& keys) {
  key_slots_.clear();
  for (const std::string& key : keys) {
    if (auto it = index_.find(key); it != index_.end()) key_slots_.push_back(it->second);
  }
}

// API rows list their members in the same order row after row: the slot found at this
// position last time is checked first, inline, so most members cost a comparison, not a call
// and a hash.
inline size_t Transformer::SlotOf(size_t position, std::string_view name) {
  if (position < hints_.size()) {
    size_t hint = hints_[position];
    if (hint != kNoSlot && shape_.names[hint].size() == name.size() &&
        SameBytes(shape_.names[hint].data(), name.data(), name.size())) {
      return hint;
    }
  }
  return LookUpSlot(position, name);
}

size_t Transformer::LookUpSlot(size_t position, std::string_view name) {
  if (position >= hints_.size()) hints_.resize(position + 1, kNoSlot);
  auto it = index_.find(name);
  hints_[position] = it != index_.end() ? it->second : kNoSlot;
  return hints_[position];
}

bool Transformer::Write(const rapidjson::Value& row, JsonWriter& out) {
  const rapidjson::Value* parts[] = {&row};
  return Write(parts, out);
}

bool Transformer::Write(std::span<const rapidjson::Value* const> parts, JsonWriter& out) {
  if (!Bind(parts)) return false;
  WriteBound(out);
  return true;
}

bool Transformer::Bind(std::span<const rapidjson::Value* const> parts) {
  std::fill(slots_.begin(), slots_.end(), nullptr);
  values_ = nullptr;
  forms_ = nullptr;
  fallback_value_ = nullptr;
  size_t position = 0;
  for (const rapidjson::Value* part : parts) {
    if (part == nullptr) continue;
    if (!part->IsObject()) return false;
    for (const auto& m : part->GetObject()) {
      std::string_view name(m.name.GetString(), m.name.GetStringLength());
      size_t slot = SlotOf(position++, name);
      if (slot != kNoSlot) {
        slots_[slot] = &m.value;
      } else if (!fallback_name_.empty() && name == fallback_name_) {
        fallback_value_ = &m.value;
      }
    }
  }
  ApplyFallback();
  return true;
}

void Transformer::BindValues(const rapidjson::Value* values, const uint8_t* forms) {
  // A null value reads as an absent one everywhere (Present, AppendBound): no need to tell them
  // apart. Without a fallback the row's values are read where they are (filling slots_ cost 1.5 %
  // of a sync's instructions).
  values_ = nullptr;
  forms_ = nullptr;
  if (fallback_for_ == kNoSlot) {
    values_ = values;
    forms_ = forms;
    return;
  }
  // A fallback puts one slot's value in another's place, where the form is not that value's.
  for (size_t i = 0; i < slots_.size(); ++i) slots_[i] = &values[i];
  fallback_value_ = nullptr;
  ApplyFallback();
}

void Transformer::ApplyFallback() {
  if (fallback_for_ != kNoSlot && !Present(slots_[fallback_for_])) {
    const rapidjson::Value* fallback =
        fallback_slot_ != kNoSlot ? slots_[fallback_slot_] : fallback_value_;
    if (Present(fallback)) slots_[fallback_for_] = fallback;
  }
}

const rapidjson::Value* Transformer::Bound(std::string_view property) const {
  return BoundAt(Position(property));
}

size_t Transformer::Position(std::string_view property) const {
  auto it = index_.find(property);
  return it != index_.end() ? it->second : kNoSlot;
}

const rapidjson::Value* Transformer::BoundAt(size_t position) const {
  if (position == kNoSlot) return nullptr;
  const rapidjson::Value* v = At(position);
  return Present(v) ? v : nullptr;
}

std::string_view Transformer::MissingKey() const {
  for (size_t slot : key_slots_) {
    if (!injected_[slot] && !Present(At(slot))) return shape_.names[slot];
  }
  return {};
}

namespace {

// Most values of a report row are already what the schema wants: a string for a string, a
// number's digits for a number. Those are written here, inline; false leaves the rest (nulls,
// "-", dates, values to convert) to WriteValue. Values whose form the parser already knows never
// get here (Transformer::FindAsIs).
[[gnu::always_inline]] inline bool WriteAsItIs(const rapidjson::Value& v, ValueType type,
                                               JsonTokenSink& out) {
  if (!v.IsString()) return false;
  std::string_view text(v.GetString(), v.GetStringLength());
  switch (type) {
    case ValueType::kString:
      return out.String(text.data(), v.GetStringLength());
    case ValueType::kNumber:
    case ValueType::kInteger:
      return WriteNumberAsItIs(text, type == ValueType::kInteger, out);
    default:
      return false;
  }
}

}  // namespace

void Transformer::WriteBound(JsonWriter& out) {
  out.RawWith(rapidjson::kObjectType, [&](rapidjson::StringBuffer& b) { AppendBound(b); });
}

// The record's keys and commas never change: each member's head is copied whole, and only the
// values are converted. The tables are read through local pointers: a member's would be reloaded
// after every byte written (a char store may alias it).
void Transformer::AppendBound(rapidjson::StringBuffer& buffer) {
  JsonTokenSink out(buffer);
  out.Raw("{");
  const char* heads = heads_.data();
  const uint32_t* starts = head_starts_.data();
  const std::optional<std::string>* injected = injected_.data();
  const Shape* children = shape_.children.data();
  const rapidjson::Value* values = values_;
  const uint8_t* forms = forms_;
  const size_t count = shape_.names.size(), local_time = local_time_slot_;
  const uint8_t* as_is = as_is_.data();
  for (size_t i = 0; i < count; ++i) {
    // Most values of a report row: a string or number whose text is what the record wants.
    if (uint8_t taken = forms != nullptr ? forms[i] & as_is[i] : 0; taken != 0) {
      out.PaddedThenText(heads + starts[i], starts[i + 1] - starts[i], values[i].GetString(),
                         values[i].GetStringLength(), taken == kPlainForm,
                         (forms[i] & kPaddedForm) != 0);
      continue;
    }
    const rapidjson::Value* v = At(i);
    out.Padded(heads + starts[i], starts[i + 1] - starts[i]);
    if (injected[i]) {
      out.Raw(*injected[i]);
    } else if (v == nullptr) {
      out.Null();
    } else if (i == local_time && v->IsString()) {
      WriteLocalTime(*v, shape_.names[i], out);
    } else if (!WriteAsItIs(*v, children[i].type, out)) {
      WriteValue(*v, children[i], shape_.names[i], out);
    }
  }
  out.Raw("}");
}

void Transformer::WriteLocalTime(const rapidjson::Value& v, std::string_view path,
                                 JsonTokenSink& out) {
  std::optional<Timestamp> wall = ParseTimestamp(v.GetString());
  if (!wall) return Fail(path, v, "a local time", out);
  std::string text = local_zone_.FormatLocal(std::chrono::local_seconds{wall->time_since_epoch()});
  out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <typename Out>
void Transformer::Fail(std::string_view path, const rapidjson::Value& v, std::string_view expected,
                       Out& out) {
  Issue& issue = issues_[std::string(path)];
  if (issue.count++ == 0) {
    issue.example = ToJson(v);
    issue.expected = std::string(expected);
  }
  out.Null();
}

void Transformer::WriteAny(const rapidjson::Value& v, JsonWriter& out) {
  // Numbers arrive as digit strings; without a schema type there is nothing to convert to.
  v.Accept(out);
}

namespace {

// TikTok writes "-" for a metric that does not apply; "" is no value.
bool Blank(const rapidjson::Value& v) {
  if (!v.IsString()) return false;
  std::string_view text(v.GetString(), v.GetStringLength());
  return text.empty() || text == "-";
}

std::string_view Text(const rapidjson::Value& v) {
  return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}

template <typename Out>
void WriteText(std::string_view text, Out& out) {
  out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

}  // namespace

template <typename Out>
void Transformer::WriteValue(const rapidjson::Value& v, const Shape& shape, std::string_view path,
                             Out& out) {
  if (v.IsNull()) return out.Null(), void();
  switch (shape.type) {
    case ValueType::kString:
      return WriteString(v, out);
    case ValueType::kDateTime:
    case ValueType::kDate:
      return WriteTime(v, shape.type == ValueType::kDate, path, out);
    case ValueType::kInteger:
    case ValueType::kNumber:
      return WriteNumber(v, shape.type == ValueType::kInteger, path, out);
    case ValueType::kBoolean:
      return WriteBoolean(v, path, out);
    case ValueType::kAny:
    case ValueType::kObject:
    case ValueType::kArray:
      return WriteNested(v, shape, path, out);
  }
}

void Transformer::WriteNested(const rapidjson::Value& v, const Shape& shape, std::string_view path,
                              JsonWriter& out) {
  if (shape.type == ValueType::kObject) return WriteObject(v, shape, path, out);
  if (shape.type == ValueType::kArray) return WriteArray(v, shape, path, out);
  WriteAny(v, out);
}

// A nested value inside a record's text: a writer of its own, appending to the same text.
void Transformer::WriteNested(const rapidjson::Value& v, const Shape& shape, std::string_view path,
                              JsonTokenSink& out) {
  JsonWriter writer(out.buffer());
  WriteNested(v, shape, path, writer);
}

template <typename Out>
void Transformer::WriteString(const rapidjson::Value& v, Out& out) {
  if (v.IsString()) {
    WriteText(Text(v), out);
  } else if (v.IsBool()) {
    out.String(v.GetBool() ? "true" : "false");
  } else {
    WriteText(ToJson(v), out);
  }
}

template <typename Out>
void Transformer::WriteTime(const rapidjson::Value& v, bool date, std::string_view path, Out& out) {
  if (Blank(v)) return out.Null(), void();
  std::string_view text = Text(v);
  if (std::string_view day = date ? DateOfDay(text) : std::string_view(); !day.empty()) {
    return out.PlainString(day.data(), day.size()), void();
  }
  std::optional<Timestamp> t;
  if (v.IsString()) t = ParseTimestamp(text);
  if (!t && !date && !text.empty() && IsDigit(text[0])) t = ParseEpochSeconds(text);
  if (!t) return Fail(path, v, date ? "a date" : "a timestamp", out);
  std::string time = date ? FormatDate(*t) : FormatRfc3339(*t);
  out.PlainString(time.data(), time.size());  // digits, '-', ':', 'T' and 'Z' only
}

template <typename Out>
void Transformer::WriteNumber(const rapidjson::Value& v, bool integer, std::string_view path,
                              Out& out) {
  if (v.IsString()) {
    std::string_view text = Text(v);
    if (WriteNumberAsItIs(text, integer, out)) return;
    if (Blank(v)) return out.Null(), void();
    std::string token = NumberToken(text, integer);
    if (!token.empty() && Finite(token)) {
      out.RawValue(token.data(), token.size(), rapidjson::kNumberType);
      return;
    }
    if (!token.empty()) return Fail(path, v, "a finite number", out);
  } else if (v.IsBool()) {
    out.RawValue(v.GetBool() ? "1" : "0", 1, rapidjson::kNumberType);
    return;
  }
  Fail(path, v, integer ? "an integer" : "a number", out);
}

template <typename Out>
void Transformer::WriteBoolean(const rapidjson::Value& v, std::string_view path, Out& out) {
  if (v.IsBool()) return out.Bool(v.GetBool()), void();
  if (Blank(v)) return out.Null(), void();
  std::string_view text = Text(v);
  if (text == "true" || text == "1" || text == "True") return out.Bool(true), void();
  if (text == "false" || text == "0" || text == "False") return out.Bool(false), void();
  Fail(path, v, "a boolean", out);
}

void Transformer::WriteObject(const rapidjson::Value& v, const Shape& shape, std::string_view path,
                              JsonWriter& out) {
  if (!v.IsObject()) {
    if (Blank(v)) return out.Null(), void();
    return Fail(path, v, "an object", out);
  }
  out.StartObject();
  if (shape.names.empty()) {
    for (const auto& m : v.GetObject()) {
      out.Key(m.name.GetString(), m.name.GetStringLength());
      WriteAny(m.value, out);
    }
  }
  for (size_t i = 0; i < shape.names.size(); ++i) {
    const std::string& name = shape.names[i];
    const rapidjson::Value* value = FindMember(v, name);
    if (value == nullptr) continue;  // nested objects keep the keys they came with
    out.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    WriteValue(*value, shape.children[i], fmt::format("{}.{}", path, name), out);
  }
  out.EndObject();
}

void Transformer::WriteArray(const rapidjson::Value& v, const Shape& shape, std::string_view path,
                             JsonWriter& out) {
  if (!v.IsArray()) {
    if (Blank(v)) return out.Null(), void();
    return Fail(path, v, "an array", out);
  }
  out.StartArray();
  for (const auto& item : v.GetArray()) {
    if (shape.items.empty()) {
      WriteAny(item, out);
    } else {
      WriteValue(item, shape.items[0], path, out);
    }
  }
  out.EndArray();
}

}  // namespace tap
