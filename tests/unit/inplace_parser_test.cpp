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

// Diverted rows (DivertRows): the layout of a report row, three properties.
const std::vector<std::string> kNames = {"ad_id", "spend", "name"};

// A row of the table as text: "T:" and its non-null values by property, or "D:" and the JSON
// of the document it was kept as.
std::string RowText(const RowTable& table, size_t i) {
  if (const rapidjson::Value* row = table.Document(i)) return "D:" + ToJson(*row);
  std::string out = "T:";
  const rapidjson::Value* values = table.Values(i);
  for (size_t slot = 0; slot < table.width(); ++slot) {
    if (!values[slot].IsNull()) out += " " + kNames[slot] + "=" + ToJson(values[slot]);
  }
  return out;
}

// A parse of `text` with its data.list rows diverted into a table of kNames.
struct DivertedParse {
  explicit DivertedParse(std::string& text) : parser(text.data(), text.size()) {
    parser.DivertRows(&layout, &table);
    result = parser.Parse(doc);
  }
  RowLayout layout{"list", {"dimensions", "metrics"}, kNames};
  RowTable table{layout.width()};
  rapidjson::Document doc;
  InPlaceParser parser;
  rapidjson::ParseResult result;
};

// `text` parsed with its data.list rows diverted: the document's JSON (or the error, as
// InPlace), then each row (RowText), or " (not diverted)".
std::string Diverted(std::string text, long long* mended = nullptr) {
  DivertedParse parse(text);
  if (mended != nullptr) *mended = parse.parser.mended();
  if (parse.result.IsError()) {
    return "error " + std::to_string(parse.result.Code()) + " at " +
           std::to_string(parse.result.Offset());
  }
  std::string out = ToJson(parse.doc);
  if (!parse.parser.diverted()) return out + " (not diverted)";
  for (size_t i = 0; i < parse.table.size(); ++i) out += "\n" + RowText(parse.table, i);
  return out;
}

std::string Page(const std::string& rows) {
  return R"({"code":0,"data":{"list":[)" + rows + R"(],"page_info":{"page":1}}})";
}

TEST(InPlaceParser, DivertsReportRowsIntoATableBySlot) {
  EXPECT_EQ(Diverted(Page(R"({"dimensions":{"ad_id":"1"},"metrics":{"spend":"2.5","name":"a",)"
                          R"("other":"x"}},{"dimensions":{"ad_id":"3"},"metrics":{"name":null,)"
                          R"("spend":4}}, {"metrics":{"spend":-1e3,"name":true}} ,{})")),
            R"({"code":"0","data":{"list":[],"page_info":{"page":"1"}}})"
            "\nT: ad_id=\"1\" spend=\"2.5\" name=\"a\""
            "\nT: ad_id=\"3\" spend=\"4\""
            "\nT: spend=\"-1e3\" name=true"
            "\nT:");
  EXPECT_EQ(Diverted(Page("")), R"({"code":"0","data":{"list":[],"page_info":{"page":"1"}}})");
}

// White space may stand between any two tokens of a row (the cursor looks for it only where
// the expected byte is not next): such rows still go to the table.
TEST(InPlaceParser, DivertsRowsWithWhiteSpaceBetweenTokens) {
  EXPECT_EQ(Diverted(Page(" \n{ \"dimensions\" :\t{ \"ad_id\" : \"1\" } ,\r\n \"metrics\" : "
                          "{ \"spend\" : 2.5 , \"name\" :  null , \"other\" : true } } , "
                          "{\"metrics\":{ } } , { } ")),
            R"({"code":"0","data":{"list":[],"page_info":{"page":"1"}}})"
            "\nT: ad_id=\"1\" spend=\"2.5\""
            "\nT:"
            "\nT:");
}

TEST(InPlaceParser, DecodesEscapedStringsOfATableRowInACopy) {
  long long mended = 0;
  std::string text =
      Page(R"({"dimensions":{"ad_id":"1"},"metrics":{"name":"Ad \"40\" \u00e9t\u00e9 \ud800"}})");
  EXPECT_EQ(Diverted(text, &mended), R"({"code":"0","data":{"list":[],"page_info":{"page":"1"}}})"
                                     "\nT: ad_id=\"1\" name=\"Ad \\\"40\\\" \\u00E9t\\u00E9 "
                                     "\\uFFFD\"");
  EXPECT_EQ(mended, 1);
}

// Whatever is not a row of the layout's shape is kept as the document RapidJSON would read, so
// that it is read as any other row is; a row that fails the table after reading an unpaired
// surrogate counts it once.
TEST(InPlaceParser, KeepsRowsOfAnotherShapeAsDocuments) {
  const std::vector<std::string> rows = {
      R"({"dimensions":{"ad_id":"1"},"metrics":{"spend":{"nested":"2"}}})",
      R"({"dimensions":{"ad_id":"1"},"metrics":{"spend":["2"]}})",
      R"({"dimensions":{"ad_id":"1"},"extra":"x"})",
      R"({"metrics":{"spend":"2"},"dimensions":{"ad_id":"1"}})",
      R"({"dimensions":{"ad_id":"1"},"dimensions":{"ad_id":"2"}})",
      R"({"dimensions":null,"metrics":{"spend":"2"}})",
      R"({"dimensions":{"ad\u005fid":"1"}})",
      R"({"dimen\u0073ions":{"ad_id":"1"}})",
      R"({"dimensions":{"ad_id":"\ud800"},"metrics":{"spend":{}}})",
      R"({"dimensions":{"ad_id":""},"metrics":{"name":"a b","spend":2,"other":"","x":[]}})",
      R"(17)",
      R"("row")",
      R"(null)",
      R"([{"dimensions":{"ad_id":"1"}}])",
  };
  for (const std::string& row : rows) {
    long long mended = 0;
    std::string want = InPlace(row);
    EXPECT_EQ(Diverted(Page(row), &mended),
              R"({"code":"0","data":{"list":[],"page_info":{"page":"1"}}})"
              "\nD:" +
                  want)
        << row;
    EXPECT_EQ(mended, row.find("\\ud800") != std::string::npos ? 1 : 0) << row;
  }
}

// Rows are read to the text's end without bounds checks, which the NUL after a std::string's
// text makes safe; a text followed by anything else has its rows read as documents.
TEST(InPlaceParser, ReadsRowsAsDocumentsWhenTheTextIsNotFollowedByNul) {
  const std::string row = R"({"dimensions":{"ad_id":"1"},"metrics":{"spend":"2"}})";
  std::string text = Page(row) + "}";
  RowLayout layout{"list", {"dimensions", "metrics"}, kNames};
  RowTable table{layout.width()};
  rapidjson::Document doc;
  InPlaceParser parser(text.data(), text.size() - 1);
  parser.DivertRows(&layout, &table);
  ASSERT_FALSE(parser.Parse(doc).IsError());
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(RowText(table, 0), "D:" + InPlace(row));
}

TEST(InPlaceParser, DivertsOnlyTheRootsFirstDataList) {
  const std::string row = R"({"dimensions":{"ad_id":"1"}})";
  EXPECT_EQ(
      Diverted(R"({"data":{"list":[)" + row + R"(],"list":[)" + row + R"(]},"data":{"list":[1]}})"),
      R"({"data":{"list":[],"list":[{"dimensions":{"ad_id":"1"}}]},"data":{"list":["1"]}})"
      "\nT: ad_id=\"1\"");
  // The first list is not an array: FindMember finds it, so no other is diverted.
  EXPECT_EQ(Diverted(R"({"data":{"list":null,"list":[)" + row + "]}}"),
            R"({"data":{"list":null,"list":[{"dimensions":{"ad_id":"1"}}]}} (not diverted))");
  EXPECT_EQ(Diverted(R"({"data":"x","data":{"list":[)" + row + "]}}"),
            R"({"data":"x","data":{"list":[{"dimensions":{"ad_id":"1"}}]}} (not diverted))");
  EXPECT_EQ(Diverted(R"([{"data":{"list":[1]}}])"), R"([{"data":{"list":["1"]}}] (not diverted))");
  EXPECT_EQ(Diverted(R"({"x":{"data":{"list":[1]}}})"),
            R"({"x":{"data":{"list":["1"]}}} (not diverted))");
  EXPECT_EQ(Diverted(R"({"data":{"x":{"list":[1]}}})"),
            R"({"data":{"x":{"list":["1"]}}} (not diverted))");
}

// A malformed row fails the parse where the parse without a table fails: same error, same
// offset, whether it breaks in a part, in a value or between rows.
TEST(InPlaceParser, ADivertedPageFailsWhereItsDocumentFails) {
  const std::vector<std::string> rows = {
      R"({"dimensions":{"ad_id":"1"},"metrics":{"spend":"2"})",
      R"({"dimensions":{"ad_id":"1",},"metrics":{}})",
      R"({"dimensions":{"ad_id":01}})",
      R"({"dimensions":{"ad_id":1.}})",
      R"({"dimensions":{"ad_id":"bad \x"}})",
      R"({"dimensions":{"ad_id":"tab	"}})",
      R"({"dimensions":{"ad_id":tru}})",
      R"({"dimensions":{"ad_id" "1"}})",
      R"({"dimensions":{"ad_id":"1"}} {"dimensions":{}})",
      R"({"dimensions":{"ad_id":"1"}},)",
      R"({"dimensions":{"ad_id":"1"},})",
      R"({"dimensions":{"ad_id":"\u12G4"}})",
      R"({"dimensions":{"ad_id":"open)",
  };
  for (const std::string& row : rows) {
    std::string text = Page(row);
    std::string want = InPlace(text);
    ASSERT_EQ(want.rfind("error", 0), 0u) << row;
    EXPECT_EQ(Diverted(text), want) << row;
  }
  std::string deep = Page(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']'));
  DivertedParse parse(deep);
  EXPECT_TRUE(parse.result.IsError());
  EXPECT_TRUE(parse.parser.too_deep());
}

// Each value's number form (RowTable::Forms) is what IsJsonNumber-style checks give: claimed
// only for numbers written as they are, never for anything else; 0 where not known.
TEST(InPlaceParser, TableRowsKnowWhichValuesAreNumbersAsWritten) {
  const uint8_t both = kNumberForm | kIntegerForm;
  const std::vector<std::pair<std::string, uint8_t>> cases = {
      {R"("5")", both},
      {R"("0")", both},
      {R"("-12")", both},
      {R"("2.50")", kNumberForm},
      {R"("-0.5")", kNumberForm},
      {R"("0.0")", kNumberForm},
      {R"("5.000")", kNumberForm},
      {R"("123456789012345")", both},
      {R"("1234567890123456")", 0},  // more than 15 bytes: not known, checked when written
      {R"("-0")", 0},
      {R"("007")", 0},
      {R"("00.5")", 0},
      {R"("1.")", 0},
      {R"(".5")", 0},
      {R"("1e3")", 0},
      {R"("-")", 0},
      {R"("")", 0},
      {R"("1.2.3")", 0},
      {R"("+1")", 0},
      {R"("--1")", 0},
      {R"("1-")", 0},
      {R"("1 ")", 0},
      {R"("\u0031")", 0},
      {R"("\u00e9")", 0},
      {"\"\xC3\xA9\"", 0},
      {R"(2.50)", kNumberForm},
      {R"(-7)", both},
      {R"(1e3)", 0},
      {R"(true)", 0},
      {R"(null)", 0},
  };
  for (const auto& [value, form] : cases) {
    std::string text = Page(R"({"metrics":{"spend":)" + value + "}}");
    DivertedParse parse(text);
    ASSERT_FALSE(parse.result.IsError()) << value;
    ASSERT_EQ(parse.table.size(), 1u) << value;
    EXPECT_EQ(parse.table.Forms(0)[1] & both, form) << value;
  }
  // A key given twice keeps the form of its last value.
  std::string twice = Page(R"({"metrics":{"spend":"5","spend":"-"}})");
  DivertedParse parse(twice);
  EXPECT_EQ(parse.table.Forms(0)[1] & both, 0);
}

// kPlainForm is claimed for text of printable ASCII only, at any length and wherever the
// non-ASCII byte is; never for an escaped string or a literal.
TEST(InPlaceParser, TableRowsKnowWhichStringsNeedNoEscaping) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {R"("")", true},
      {R"("Summer sale")", true},
      {R"("fifteen bytes..")", true},                  // the quote in the first 16 bytes
      {R"("sixteen bytes...")", true},                 // the quote just after them
      {"\"thirteen byte\xC3\xA9\"", false},            // 15 bytes, the last two not ASCII
      {R"("2025-01-31 00:00:00")", true},              // 19 bytes
      {R"("a name of exactly thirty-two b.")", true},  // 32 bytes
      {R"("a name that is longer than thirty-three bytes, by far")", true},
      {"\"caf\xC3\xA9\"", false},
      {"\"\xC3\xA9 at the start of a long name of many bytes\"", false},
      {"\"a long name of many bytes that ends with \xC3\xA9\"", false},
      {"\"a name of sixteen bytes then \xC3\xA9\"", false},
      {R"("tab\tescaped")", false},
      {R"("\u0041")", false},
      {R"(12.5)", true},
      {R"(true)", false},
      {R"(null)", false},
  };
  for (const auto& [value, plain] : cases) {
    // At the end of the text too, where fewer than 16 bytes follow the value.
    for (std::string text : {Page(R"({"metrics":{"spend":)" + value + "}}"),
                             R"({"data":{"list":[{"metrics":{"spend":)" + value + "}}]}}"}) {
      DivertedParse parse(text);
      ASSERT_EQ(parse.table.size(), 1u) << value;
      EXPECT_EQ((parse.table.Forms(0)[1] & kPlainForm) != 0, plain) << value;
    }
  }
}

// kPaddedForm: 32 bytes of the text can be read from the value's start, whatever its length.
TEST(InPlaceParser, TableRowsKnowWhichValuesHave32BytesOfTextFromTheirStart) {
  for (std::string value : {R"("")", R"("Summer sale")", R"(12.5)"}) {
    std::string tail = "}}]}}";  // after the value in the short text
    std::string short_text = R"({"data":{"list":[{"metrics":{"spend":)" + value + tail;
    std::string row = R"({"metrics":{"spend":)" + value + "}}";
    std::string long_text = Page(row + "," + row);
    EXPECT_GE(long_text.size() - long_text.find(value), 32u + 1);
    for (std::string text : {short_text, long_text}) {
      size_t after = text.size() - text.find(value) - (value[0] == '"' ? 1 : 0);
      DivertedParse parse(text);
      ASSERT_GE(parse.table.size(), 1u) << value;
      EXPECT_EQ((parse.table.Forms(0)[1] & kPaddedForm) != 0, after >= 32) << text;
    }
  }
}

// Plain values point into the text, terminated there like every value of a document.
TEST(InPlaceParser, TableValuesPointIntoTheTextTerminated) {
  std::string text = Page(R"({"dimensions":{"ad_id":"17"},"metrics":{"spend":2.50}})");
  DivertedParse parse(text);
  ASSERT_FALSE(parse.result.IsError());
  ASSERT_EQ(parse.table.size(), 1u);
  const rapidjson::Value* values = parse.table.Values(0);
  EXPECT_STREQ(values[0].GetString(), "17");
  EXPECT_STREQ(values[1].GetString(), "2.50");
  EXPECT_GE(values[0].GetString(), text.data());
  EXPECT_LT(values[0].GetString(), text.data() + text.size());
}

}  // namespace
}  // namespace tap
