#include "tap/json.h"

#include <gtest/gtest.h>

#include <string>

namespace tap {
namespace {

TEST(Json, IsValidUtf8AcceptsWellFormedTextOnly) {
  struct Case {
    std::string text;
    bool valid;
  } cases[] = {
      {"plain ascii", true},
      {"caf\xC3\xA9", true},               // é
      {"\xE2\x82\xAC 5", true},            // €
      {"\xF0\x9F\x98\x80", true},          // U+1F600
      {"\xF4\x8F\xBF\xBF", true},          // U+10FFFF, the last code point
      {"\xC0\x80", false},                 // overlong NUL
      {"\xE0\x80\xAF", false},             // overlong '/'
      {"\xED\xA0\x80", false},             // a UTF-16 surrogate
      {"\xF4\x90\x80\x80", false},         // above U+10FFFF
      {"\xE2\x82", false},                 // cut short
      {"\x80 stray continuation", false},  //
      {"\xC3\x28", false},                 // bad continuation
      {"\xFF", false},                     // never valid
  };
  for (const Case& c : cases) EXPECT_EQ(IsValidUtf8(c.text), c.valid) << c.text;
}

TEST(Json, NumbersWithVeryManyDigitsAreRead) {
  // RapidJSON 1.1's full-precision path read out of bounds on such a number (fuzz_settings).
  std::string text = "0." + std::string(400, '0') + "5690648327";
  auto doc = ParseJson(text, "config");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->IsNumber());
  auto huge = ParseJson(R"({"n":1e400})", "config");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("too big"), std::string::npos) << huge.status().message();
}

TEST(Json, ParseInPlaceKeepsNumbersAsTerminatedStrings) {
  std::string text = R"({"id":1720000000000000007,"list":[100.50,-3],"s":"a\"b"})";
  auto doc = ParseJsonInPlace(text, "test");
  ASSERT_TRUE(doc.ok());
  EXPECT_STREQ((*doc)["id"].GetString(), "1720000000000000007");
  EXPECT_STREQ((*doc)["list"][0].GetString(), "100.50");
  EXPECT_STREQ((*doc)["list"][1].GetString(), "-3");
  EXPECT_STREQ((*doc)["s"].GetString(), "a\"b");
}

TEST(Json, ParseInPlaceRejectsInvalidUtf8AndBrokenJson) {
  std::string bad_utf8 = "{\"a\":\"\xC0\x80\"}";
  auto a = ParseJsonInPlace(bad_utf8, "the response of x");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "the response of x is not valid JSON: invalid UTF-8");
  std::string truncated = R"({"a":[1,2)";
  EXPECT_FALSE(ParseJsonInPlace(truncated, "t").ok());
}

TEST(Json, WriterCopiesPlainStringsAndEscapesTheRest) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("plain");
  w.String("abc 123 ~");
  w.Key("escaped");
  w.String("quote\" backslash\\ tab\t");
  w.Key("caf\xC3\xA9");
  w.String("\xE2\x82\xAC");
  w.Key("empty");
  w.String("", 0);
  w.EndObject();
  EXPECT_EQ(std::string(buffer.GetString()),
            R"({"plain":"abc 123 ~","escaped":"quote\" backslash\\ tab\t","caf\u00E9":"\u20AC",)"
            R"("empty":""})");
}

}  // namespace
}  // namespace tap
