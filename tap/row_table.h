#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tap {

/// How the rows of a page's `data.<list>` array are read straight into a table (RowTable) instead
/// of a document: each row an object of `parts` (objects, in this order: a report row's
/// dimensions then metrics), whose members go to the slots of the record's properties by name.
/// Members of no slot are checked as JSON and dropped.
class RowLayout {
 public:
  RowLayout(std::string list, std::vector<std::string> parts,
            const std::vector<std::string>& names);

  const std::string& list() const { return list_; }
  const std::vector<std::string>& parts() const { return parts_; }
  size_t width() const { return width_; }
  /// The slot of property `name`, or kNoSlot.
  static constexpr size_t kNoSlot = static_cast<size_t>(-1);
  size_t Slot(std::string_view name) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::string list_;
  std::vector<std::string> parts_;
  size_t width_;
  std::unordered_map<std::string, size_t, Hash, std::equal_to<>> slots_;
};

/// What a value of a table row is known to be, found while its row was read (0: not known): a
/// JSON number as the Transformer writes a number as it is (no exponent, no leading zero, not
/// "-0"), and also an integer (only a value's first 15 bytes are looked at for these two); text
/// of printable ASCII only, which a JSON string holds as it is (no quote, backslash, control or
/// non-ASCII byte to escape). kPaddedForm: 32 bytes (JsonTokenSink::kPadding) can be read from
/// the value's text, inside the page's, whatever its length.
inline constexpr uint8_t kNumberForm = 1;
inline constexpr uint8_t kIntegerForm = 2;
inline constexpr uint8_t kPlainForm = 4;
inline constexpr uint8_t kPaddedForm = 8;

/// The rows of one page as a RowLayout reads them: each row its slots' values (string values
/// point into the page's text; a value the row lacks is null, which the Transformer reads the
/// same). A row of another shape (an escape in a string, a nested value, a member besides the
/// parts) is kept as the document it is, so that it is read exactly as any other row would be.
class RowTable {
 public:
  explicit RowTable(size_t width) : width_(width) {}
  RowTable(const RowTable&) = delete;
  RowTable& operator=(const RowTable&) = delete;
  ~RowTable();

  size_t size() const { return rows_; }
  size_t width() const { return width_; }
  /// Row `i` as a document when it did not fit the layout, else nullptr.
  const rapidjson::Value* Document(size_t i) const;
  /// Row `i`'s values by slot (width() of them); all null for a row kept as a document.
  const rapidjson::Value* Values(size_t i) const;
  /// Row `i`'s values' forms (kNumberForm, kIntegerForm, kPlainForm, kPaddedForm), by slot.
  const uint8_t* Forms(size_t i) const;
  /// Row `i` as text that two equal rows share and two different rows almost never do.
  std::string Text(size_t i) const;

  // For the parser.
  /// A new row of nulls, their forms 0.
  void AddRow();
  rapidjson::Value* LastValues() { return const_cast<rapidjson::Value*>(Values(rows_ - 1)); }
  uint8_t* LastForms() { return const_cast<uint8_t*>(Forms(rows_ - 1)); }
  /// The last row again all null (its values were not taken).
  void ClearLast();
  /// The last row is `row`, parsed as a document with allocator().
  void KeepDocument(rapidjson::Value&& row);
  rapidjson::MemoryPoolAllocator<>& allocator() { return pool_; }

 private:
  static constexpr size_t kRowsPerBlock = 64;  // blocks: rows are added without moving others
  size_t width_;
  size_t rows_ = 0;
  // Allocated whole, a row's values made (null) as the row is added: the row is then in cache
  // when the parser fills it, where making a block's at once (72 KiB for 71 properties) evicted
  // them (measured: 3 % of a sync's CPU, for 1 % of its instructions).
  std::vector<rapidjson::Value*> blocks_;
  std::vector<std::unique_ptr<uint8_t[]>> form_blocks_;
  std::vector<uint32_t> document_of_;  // by row: 0, or 1 + its index in documents_
  std::vector<rapidjson::Value> documents_;
  rapidjson::MemoryPoolAllocator<> pool_;
};

}  // namespace tap
