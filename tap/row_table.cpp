#include "tap/row_table.h"

#include <algorithm>
#include <memory>

#include "tap/json.h"

namespace tap {

RowLayout::RowLayout(std::string list, std::vector<std::string> parts,
                     const std::vector<std::string>& names)
    : list_(std::move(list)), parts_(std::move(parts)), width_(names.size()) {
  // The first of two equal names is the property (as Transformer::Position finds it).
  for (size_t i = 0; i < names.size(); ++i) slots_.emplace(names[i], i);
}

size_t RowLayout::Slot(std::string_view name) const {
  auto it = slots_.find(name);
  return it != slots_.end() ? it->second : kNoSlot;
}

const rapidjson::Value* RowTable::Document(size_t i) const {
  if (i >= document_of_.size() || document_of_[i] == 0) return nullptr;
  return &documents_[document_of_[i] - 1];
}

const rapidjson::Value* RowTable::Values(size_t i) const {
  return blocks_[i / kRowsPerBlock] + (i % kRowsPerBlock) * width_;
}

std::string RowTable::Text(size_t i) const {
  if (const rapidjson::Value* row = Document(i)) return ToJson(*row);
  std::string text;
  const rapidjson::Value* values = Values(i);
  for (size_t slot = 0; slot < width_; ++slot) {
    const rapidjson::Value& v = values[slot];
    // A type mark before each value: "" and null, or "true" and true, differ.
    text += static_cast<char>('0' + v.GetType());
    if (v.IsString()) text.append(v.GetString(), v.GetStringLength());
    text += '\x1F';
  }
  return text;
}

const uint8_t* RowTable::Forms(size_t i) const {
  return form_blocks_[i / kRowsPerBlock].get() + (i % kRowsPerBlock) * width_;
}

RowTable::~RowTable() {
  std::allocator<rapidjson::Value> values;
  for (size_t b = 0; b < blocks_.size(); ++b) {
    size_t made = std::min(kRowsPerBlock, rows_ - b * kRowsPerBlock) * width_;
    std::destroy_n(blocks_[b], made);
    values.deallocate(blocks_[b], kRowsPerBlock * width_);
  }
}

void RowTable::AddRow() {
  if (rows_ % kRowsPerBlock == 0) {
    blocks_.reserve(blocks_.size() + 1);  // so that the push cannot throw and leak the block
    blocks_.push_back(std::allocator<rapidjson::Value>().allocate(kRowsPerBlock * width_));
    form_blocks_.push_back(std::make_unique_for_overwrite<uint8_t[]>(kRowsPerBlock * width_));
  }
  ++rows_;
  std::uninitialized_value_construct_n(LastValues(), width_);  // every value null
  std::fill_n(LastForms(), width_, uint8_t{0});
}

void RowTable::ClearLast() {
  rapidjson::Value* values = LastValues();
  for (size_t slot = 0; slot < width_; ++slot) values[slot].SetNull();
  std::fill_n(LastForms(), width_, uint8_t{0});
}

void RowTable::KeepDocument(rapidjson::Value&& row) {
  document_of_.resize(rows_, 0);
  documents_.push_back(std::move(row));
  document_of_[rows_ - 1] = static_cast<uint32_t>(documents_.size());
}

}  // namespace tap
