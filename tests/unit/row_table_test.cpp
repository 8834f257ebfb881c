#include "tap/row_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tap/json.h"

namespace tap {
namespace {

TEST(RowLayout, SlotsAreThePropertiesPositions) {
  RowLayout layout("list", {"dimensions", "metrics"}, {"ad_id", "spend", "ad_id"});
  EXPECT_EQ(layout.width(), 3u);
  EXPECT_EQ(layout.Slot("ad_id"), 0u) << "the first of two equal names, as Transformer::Position";
  EXPECT_EQ(layout.Slot("spend"), 1u);
  EXPECT_EQ(layout.Slot("clicks"), RowLayout::kNoSlot);
  EXPECT_EQ(layout.list(), "list");
}

// Rows are added in blocks without moving earlier ones; a row kept as a document is found by
// its index, its values all null.
TEST(RowTable, RowsKeepTheirPlaceAndDocumentsTheirRow) {
  RowTable table(2);
  std::vector<const rapidjson::Value*> first_values;
  for (int i = 0; i < 200; ++i) {
    table.AddRow();
    rapidjson::Value* values = table.LastValues();
    first_values.push_back(values);
    EXPECT_TRUE(values[0].IsNull() && values[1].IsNull());
    EXPECT_EQ(table.LastForms()[0], 0);
    table.LastForms()[0] = kNumberForm;
    SetStringRef(values[0], "id", 2);
    if (i == 70) {
      table.ClearLast();
      auto row = ParseJson(R"({"kept":"1"})", "row");
      ASSERT_TRUE(row.ok());
      rapidjson::Value copy(*row, table.allocator());
      table.KeepDocument(std::move(copy));
    }
  }
  ASSERT_EQ(table.size(), 200u);
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(table.Values(i), first_values[i]);
    EXPECT_EQ(table.Document(i) != nullptr, i == 70) << i;
  }
  EXPECT_TRUE(table.Values(70)[0].IsNull());
  EXPECT_EQ(table.Forms(70)[0], 0) << "cleared with its values";
  EXPECT_EQ(table.Forms(69)[0], kNumberForm);
  EXPECT_EQ(table.Text(70), R"({"kept":"1"})");
}

// Text tells rows apart by their values' types, not only by their text.
TEST(RowTable, TextTellsTypesApart) {
  RowTable table(1);
  auto add = [&] {
    table.AddRow();
    return table.LastValues();
  };
  add();                          // null
  SetStringRef(add()[0], "", 0);  // ""
  add()[0].SetBool(true);         // true
  SetStringRef(add()[0], "true", 4);
  std::vector<std::string> texts;
  for (size_t i = 0; i < table.size(); ++i) texts.push_back(table.Text(i));
  for (size_t i = 0; i < texts.size(); ++i) {
    for (size_t j = i + 1; j < texts.size(); ++j) EXPECT_NE(texts[i], texts[j]) << i << " " << j;
  }
  RowTable same(1);
  same.AddRow();
  SetStringRef(same.LastValues()[0], "", 0);
  EXPECT_EQ(same.Text(0), table.Text(1));
}

}  // namespace
}  // namespace tap
