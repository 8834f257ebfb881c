#include "tap/inplace_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tap/json.h"
#include "tap/json_guard.h"

namespace tap {
namespace {

// The in-place parse of `text`, written back as JSON; "error <code> at <offset>" on failure.
std::string InPlace(std::string text) {
  rapidjson::Document doc;
  InPlaceParser parser(text.data(), text.size());
  rapidjson::ParseResult result = parser.Parse(doc);
  if (result.IsError()) {
    return "error " + std::to_string(result.Code()) + " at " + std::to_string(result.Offset());
  }
  return ToJson(doc);
}

// RapidJSON's parse of the same text, numbers kept as strings (the reference).
std::string Reference(const std::string& text) {
  auto doc = ParseJson(text, "x", /*numbers_as_strings=*/true);
  return doc.ok() ? ToJson(*doc) : "error";
}

TEST(InPlaceParser, ReadsWhatRapidJsonReads) {
  const std::vector<std::string> texts = {
      R"({"code":0,"message":"OK","data":{"list":[{"dimensions":{"ad_id":"17"},)"
      R"("metrics":{"spend":"22.668","ctr":"-"}}],"page_info":{"page":1,"total_page":3}}})",
      R"([1,-2,0.5,-0.25e+3,1E9,0,-0,true,false,null,"",{},[]])",
      " \t\r\n{ \"a\" : [ 1 , \"b\" ] , \"c\" : { } } \n",
      R"({"s":"quote \" slash \\ solidus \/ \b\f\n\r\t end"})",
      R"({"u":"\u00e9t\u00E9 \u20AC \ud83d\ude00 \u0000 nul"})",
      "{\"utf8\":\"\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}",
      R"("a string alone")",
      "12",
      R"({"id":1720000000000000007,"list":[100.50,-3]})",
  };
  for (const std::string& text : texts) {
    EXPECT_EQ(InPlace(text), Reference(text)) << text;
  }
}

// Keys are first compared with the keys of the previous object at the same depth: whatever
// the next object's keys are, it reads what RapidJSON reads.
TEST(InPlaceParser, ReadsObjectsWhoseKeysDifferFromThePreviousObjects) {
  const std::vector<std::string> texts = {
      R"([{"ad_id":"1","spend":"2"},{"ad_id":"3","spend":"4"},{"ad_id":"5","spend":"6"}])",
      R"([{"ad_id":"1","spend":"2"},{"spend":"4","ad_id":"3"},{"ad":"5","spend_x":"6"}])",
      R"([{"ad_id":"1"},{"ad_id_long":"2"},{"ad":"3"},{"ad_id":"4","extra":"5"},{}])",
      // A key the previous object had escaped, then plain, then escaped again.
      R"([{"a\"b":"1"},{"a\"b":"2"},{"ab":"3"},{"ab":"4"},{"a\u0062":"5"},{"ab":"6"}])",
      R"([{"x\\":"1"},{"x\\":"2"},{"x\\\"":"3"}])",
      // Space before the colon, a key that ends where the text does.
      R"([{"k" : "1"},{"k"  :"2"},{"k":"3"}])",
      R"([{"dimensions":{"id":"1"},"metrics":{"m":"2"}},{"dimensions":{"id":"3"},"metrics":{"m":"4"}}])",
  };
  for (const std::string& text : texts) {
    EXPECT_EQ(InPlace(text), Reference(text)) << text;
  }
  // A key cut short where a known key was fails at the end of the text, as any unterminated
  // key does.
  EXPECT_EQ(InPlace(R"([{"key":"1"},{"ke)"), "error 11 at 17");
  EXPECT_EQ(InPlace(R"([{"key":"1"},{"ke"ke":"2"}])"), "error 5 at 18");
  EXPECT_EQ(InPlace(R"([{"k":"1"},{"k)"), "error 11 at 14");
}

TEST(InPlaceParser, FindsEveryEscapeWhereverItFallsInA16ByteBlock) {
  for (size_t before = 0; before < 40; ++before) {
    for (const std::string& escape : {std::string(R"(\")"), std::string(R"(\u00e9)"),
                                      std::string(R"(\n)"), std::string("\"")}) {
      std::string value = std::string(before, 'x') + escape + std::string(before % 7, 'y');
      if (escape == "\"") value = std::string(before, 'x');  // the plain string, any length
      std::string text = R"({"k":")" + value + R"(","n":12})";
      EXPECT_EQ(InPlace(text), Reference(text)) << text;
    }
  }
}

TEST(InPlaceParser, RefusesWhatIsNotJson) {
  const std::vector<std::string> texts = {
      "",
      " ",
      "{",
      "{\"a\"}",
      "{\"a\":}",
      "{\"a\":1,}",
      "[1,]",
      "[1 2]",
      "{a:1}",
      "\"open",
      "\"bad \\x\"",
      "\"\\u12G4\"",
      "\"\\u12\"",
      "01",
      "1.",
      "1e",
      "-",
      ".5",
      "tru",
      "nul",
      "{} {}",
      "\"tab\there\"",
      "[\"\\",
      "+1",
      "{\"a\":1 \"b\":2}",
      "[1}",
      "{\"a\":1]",
  };
  for (const std::string& text : texts) {
    EXPECT_NE(InPlace(text).rfind("error", 0), std::string::npos) << text;
    EXPECT_EQ(Reference(text), "error") << text;
  }
}

TEST(InPlaceParser, SaysWhereTheTextStopsBeingJson) {
  EXPECT_EQ(
      InPlace(R"({"a":[1,2)"),
      "error " + std::to_string(rapidjson::kParseErrorArrayMissCommaOrSquareBracket) + " at 9");
  EXPECT_EQ(InPlace(R"({"a" 1})"),
            "error " + std::to_string(rapidjson::kParseErrorObjectMissColon) + " at 5");
  EXPECT_EQ(InPlace("{} x"),
            "error " + std::to_string(rapidjson::kParseErrorDocumentRootNotSingular) + " at 3");
}

TEST(InPlaceParser, KeepsNumbersPastDoubleRangeAsTheirDigits) {
  std::string digits(400, '7');
  EXPECT_EQ(InPlace("[1e400,-" + digits + "]"), "[\"1e400\",\"-" + digits + "\"]");
}

TEST(InPlaceParser, ReadsALoneSurrogateAsTheReplacementCharacter) {
  EXPECT_EQ(InPlace(R"(["a\ud800b","\udc00"])"), "[\"a\\uFFFDb\",\"\\uFFFD\"]");
  std::string text = R"(["\ud800\u0041","\ud83d\ude00","\udfff"])";
  rapidjson::Document doc;
  InPlaceParser parser(text.data(), text.size());
  ASSERT_FALSE(parser.Parse(doc).IsError());
  EXPECT_EQ(parser.mended(), 2);  // the pair in the middle is a character
  EXPECT_STREQ(doc[0].GetString(),
               "\xEF\xBF\xBD"
               "A");
}

TEST(InPlaceParser, StopsPastTheDepthLimit) {
  std::string deep(kMaxJsonDepth + 1, '[');
  deep += std::string(kMaxJsonDepth + 1, ']');
  rapidjson::Document doc;
  InPlaceParser parser(deep.data(), deep.size());
  EXPECT_TRUE(parser.Parse(doc).IsError());
  EXPECT_TRUE(parser.too_deep());
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  InPlaceParser fine(ok.data(), ok.size());
  EXPECT_FALSE(fine.Parse(doc).IsError());
}

TEST(InPlaceParser, TerminatesEveryStringAndNumberWhereItEnds) {
  std::string text = R"({"id":17,"name":"a\"b","n":[3,4]})";
  rapidjson::Document doc;
  InPlaceParser parser(text.data(), text.size());
  ASSERT_FALSE(parser.Parse(doc).IsError());
  EXPECT_STREQ(doc["id"].GetString(), "17");
  EXPECT_STREQ(doc["name"].GetString(), "a\"b");
  EXPECT_STREQ(doc["n"][0].GetString(), "3");
  EXPECT_STREQ(doc["n"][1].GetString(), "4");
}

}  // namespace
}  // namespace tap
