#include "tap/transform.h"

#include <gtest/gtest.h>

#include "tap/json.h"

namespace tap {
namespace {

// Converts `row` (parsed as the API client parses: numbers as strings) with `schema`.
std::string Convert(const char* schema_json, const char* row_json, Transformer** keep = nullptr) {
  auto schema = ParseJson(schema_json, "schema");
  EXPECT_TRUE(schema.ok());
  auto row = ParseJson(row_json, "row", /*numbers_as_strings=*/true);
  EXPECT_TRUE(row.ok());
  static std::unique_ptr<Transformer> transformer;
  transformer = std::make_unique<Transformer>(CompileShape(*schema));
  if (keep != nullptr) *keep = transformer.get();
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  EXPECT_TRUE(transformer->Write(*row, w));
  return buffer.GetString();
}

// The compiled shape of a test's schema.
Shape ShapeOf(const std::string& schema_json) {
  auto schema = ParseJson(schema_json, "schema");
  EXPECT_TRUE(schema.ok());
  return schema.ok() ? CompileShape(*schema) : Shape{};
}

// The record `transformer` writes for a table row: `values` by slot, with their `forms`.
std::string BoundRecord(Transformer& transformer, const rapidjson::Value* values,
                        const uint8_t* forms) {
  transformer.BindValues(values, forms);
  rapidjson::StringBuffer out;
  transformer.AppendBound(out);
  return out.GetString();
}

TEST(NumberToken, KeepsTikTokDigits) {
  EXPECT_EQ(NumberToken("20.000", false), "20.000");
  EXPECT_EQ(NumberToken("0.1", false), "0.1");
  EXPECT_EQ(NumberToken("5830", false), "5830");
  EXPECT_EQ(NumberToken("-1.5e3", false), "-1.5e3");
  EXPECT_EQ(NumberToken("007", false), "7");
  EXPECT_EQ(NumberToken(".5", false), "0.5");
  EXPECT_EQ(NumberToken("+3", false), "3");
  EXPECT_EQ(NumberToken("12345678901234567890123", false), "12345678901234567890123");
  EXPECT_EQ(NumberToken("5.000", true), "5");
  EXPECT_EQ(NumberToken("-0", true), "0");
  EXPECT_EQ(NumberToken("5.5", true), "");
  EXPECT_EQ(NumberToken("1e3", true), "");
  EXPECT_EQ(NumberToken("1.18%", false), "");
  EXPECT_EQ(NumberToken("abc", false), "");
  EXPECT_EQ(NumberToken("", false), "");
  EXPECT_EQ(NumberToken("-", false), "");
  EXPECT_EQ(NumberToken("1e", false), "");
}

constexpr const char* kSchema = R"({"type":"object","properties":{
  "id":{"type":"string"},
  "spend":{"type":["null","number"]},
  "clicks":{"type":["null","integer"]},
  "name":{"type":["null","string"]},
  "page_id":{"type":["null","string"]},
  "on":{"type":["null","boolean"]},
  "at":{"type":["null","string"],"format":"date-time"},
  "day":{"type":["null","string"],"format":"date"},
  "tags":{"type":["null","array"],"items":{"type":["null","string"]}},
  "spec":{"type":["null","object"],"properties":{"n":{"type":["null","integer"]},"s":{"type":["null","string"]}}},
  "free":{"type":["null","object"],"properties":{}},
  "missing":{"type":["null","string"]}}})";

TEST(Transformer, TypesEveryValueBySchema) {
  EXPECT_EQ(Convert(kSchema, R"({"id":"1720000000000000007","spend":"20.000","clicks":"69",
      "name":"Caf\u00e9","page_id":7100000000000000123,"on":"0","at":"2021-10-20 08:04:04",
      "day":"2024-03-01 00:00:00","tags":["a"],"spec":{"n":"3","s":"x","extra":1},
      "free":{"k":true},"unknown":"dropped"})"),
            R"({"id":"1720000000000000007","spend":20.000,"clicks":69,"name":"Caf\u00E9",)"
            R"("page_id":"7100000000000000123","on":false,"at":"2021-10-20T08:04:04Z",)"
            R"("day":"2024-03-01","tags":["a"],"spec":{"n":3,"s":"x"},"free":{"k":true},)"
            R"("missing":null})");
}

TEST(Transformer, NumbersWrittenAsNumberTokenWouldWriteThem) {
  // Values already in JSON form are copied; the others go through NumberToken: same output.
  constexpr const char* schema = R"({"type":"object","properties":{
      "n":{"type":["null","number"]},"i":{"type":["null","integer"]}}})";
  struct Case {
    const char* value;
    const char* number;
    const char* integer;
  } cases[] = {{"0", "0", "0"},          {"-0", "-0", "0"},      {"12.345", "12.345", "null"},
               {"-0.5", "-0.5", "null"}, {"007", "7", "7"},      {"12.", "12", "12"},
               {"5.000", "5.000", "5"},  {"1e3", "1e3", "null"}, {"-12", "-12", "-12"}};
  for (const Case& c : cases) {
    std::string row = std::string(R"({"n":")") + c.value + R"(","i":")" + c.value + R"("})";
    EXPECT_EQ(Convert(schema, row.c_str()),
              std::string(R"({"n":)") + c.number + R"(,"i":)" + c.integer + "}")
        << c.value;
  }
}

TEST(Transformer, DashAndEmptyBecomeNullForNonStrings) {
  EXPECT_EQ(Convert(R"({"type":"object","properties":{"a":{"type":["null","number"]},
      "b":{"type":["null","integer"]},"c":{"type":["null","string"],"format":"date-time"},
      "d":{"type":["null","string"]}}})",
                    R"({"a":"-","b":"","c":"","d":"-"})"),
            R"({"a":null,"b":null,"c":null,"d":"-"})");
}

TEST(Transformer, EpochSecondsAndOffsetsBecomeUtc) {
  EXPECT_EQ(Convert(R"({"type":"object","properties":{"a":{"type":"string","format":"date-time"},
      "b":{"type":"string","format":"date-time"}}})",
                    R"({"a":1630335591,"b":"2020-06-10T09:39:14+02:00"})"),
            R"({"a":"2021-08-30T14:59:51Z","b":"2020-06-10T07:39:14Z"})");
  // Pixels: create_time in epoch milliseconds.
  EXPECT_EQ(
      Convert(R"({"type":"object","properties":{"t":{"type":"string","format":"date-time"}}})",
              R"({"t":1581679723600})"),
      R"({"t":"2020-02-14T11:28:43Z"})");
}

TEST(Transformer, UnconvertibleValuesAreNullAndCounted) {
  Transformer* t = nullptr;
  EXPECT_EQ(Convert(R"({"type":"object","properties":{"n":{"type":["null","number"]},
      "i":{"type":["null","integer"]},"t":{"type":["null","string"],"format":"date-time"}}})",
                    R"({"n":"lots","i":"2.5","t":"0000-00-00"})", &t),
            R"({"n":null,"i":null,"t":null})");
  ASSERT_EQ(t->issues().size(), 3u);
  EXPECT_EQ(t->issues().at("n").example, "\"lots\"");
  EXPECT_EQ(t->issues().at("i").expected, "an integer");
}

// Outside double range, no reader could take the value: null and counted, never infinity.
TEST(Transformer, NumbersAndTimesOutOfRangeAreNullAndCounted) {
  Transformer* t = nullptr;
  std::string big(400, '9');
  std::string row = R"({"a":"1e400","b":1e400,"c":")" + big + R"(","d":"1e308","e":"-2e-400",)" +
                    R"("t":999999999999,"u":253402300799})";
  EXPECT_EQ(Convert(R"({"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"},
      "c":{"type":"integer"},"d":{"type":"number"},"e":{"type":"number"},
      "t":{"type":"string","format":"date-time"},"u":{"type":"string","format":"date-time"}}})",
                    row.c_str(), &t),
            R"({"a":null,"b":null,"c":null,"d":1e308,"e":-2e-400,"t":null,)"
            R"("u":"9999-12-31T23:59:59Z"})");
  ASSERT_EQ(t->issues().size(), 4u);
  EXPECT_EQ(t->issues().at("a").expected, "a finite number");
  EXPECT_EQ(t->issues().at("b").example, "\"1e400\"");
  EXPECT_EQ(t->issues().at("t").expected, "a timestamp");
}

// Every form of bad text, in typed strings and in pass-through objects: each line parses.
TEST(Transformer, EveryLineIsValidJsonWhateverTheText) {
  auto schema = ParseJson(R"({"type":"object","properties":{"s":{"type":["null","string"]},
      "o":{"type":["null","object"]},"a":{}}})",
                          "schema");
  ASSERT_TRUE(schema.ok());
  Transformer t(CompileShape(*schema));
  for (std::string form :
       {std::string(R"(lone\udc00low)"), std::string(R"(\ud800)"), std::string(R"(\ud800\u0041)"),
        std::string("bad \xC3\x28"), std::string("\xED\xA0\x80"), std::string("cut \xE2\x82"),
        std::string("\xFF\xFE"), std::string(R"(ok \ud83d\ude00)")}) {
    std::string page = R"({"s":")" + form + R"(","o":{")" + form + R"(":")" + form +
                       R"("},"a":[")" + form + R"("]})";
    auto row = ParseJsonInPlace(page, "page");
    ASSERT_TRUE(row.ok()) << form;
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    ASSERT_TRUE(t.Write(*row, w));
    auto back = ParseJson(buffer.GetString(), "line");
    ASSERT_TRUE(back.ok()) << form << " gave " << buffer.GetString();
    EXPECT_TRUE(IsValidUtf8((*back)["s"].GetString()));
  }
}

TEST(Transformer, InjectedValuesWin) {
  auto schema =
      ParseJson(R"({"properties":{"advertiser_id":{"type":"string"},"x":{"type":"string"}}})", "s");
  Transformer t(CompileShape(*schema));
  t.SetInjected("advertiser_id", "42");
  auto row = ParseJson(R"({"x":"y"})", "row", true);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  ASSERT_TRUE(t.Write(*row, w));
  EXPECT_STREQ(buffer.GetString(), R"({"advertiser_id":"42","x":"y"})");
  // Escaped as any string is (once, when injected).
  t.SetInjected("advertiser_id", "4\"2\xC3\xA9");
  rapidjson::StringBuffer escaped;
  JsonWriter e(escaped);
  ASSERT_TRUE(t.Write(*row, e));
  EXPECT_STREQ(escaped.GetString(), R"({"advertiser_id":"4\"2\u00E9","x":"y"})");
}

// A record is laid out by the Transformer itself (its keys and commas copied whole): inside a
// message it is one member like any other, and untyped values keep their nesting (and their
// numbers as the digit strings the API client reads).
TEST(Transformer, WritesARecordAsOneValueOfTheMessageAroundIt) {
  auto schema = ParseJson(
      R"({"properties":{"only":{"type":"string"},"any":{},"list":{"type":"array"}}})", "s");
  Transformer t(CompileShape(*schema));
  auto row = ParseJson(R"({"any":{"a":[1,{"b":null}]},"list":[true,"x"],"only":"o"})", "r", true);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("before");
  w.Int(1);
  w.Key("record");
  ASSERT_TRUE(t.Write(*row, w));
  w.Key("after");
  t.Write(*ParseJson("{}", "r", true), w);
  w.EndObject();
  EXPECT_STREQ(
      buffer.GetString(),
      R"({"before":1,"record":{"only":"o","any":{"a":["1",{"b":null}]},"list":[true,"x"]},)"
      R"("after":{"only":null,"any":null,"list":null}})");
  EXPECT_TRUE(w.IsComplete());
}

TEST(Transformer, KeysOfEveryLengthAreWrittenWhole) {
  // Member heads are copied as fixed blocks up to JsonTokenSink::kPadding bytes: keys on both
  // sides of it, first, between and last, and one that needs escaping.
  std::string schema = R"({"properties":{)", row = "{", expected = "{";
  std::vector<std::string> keys = {"a",
                                   std::string(28, 'b'),
                                   std::string(29, 'c'),
                                   std::string(31, 'd'),
                                   std::string(60, 'e'),
                                   "q\"uote",
                                   "z"};
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string key = JsonQuote(keys[i]), sep = i > 0 ? "," : "";
    schema += sep + key + R"(:{"type":"integer"})";
    row += sep + key + ":" + std::to_string(i);
    expected += sep + key + ":" + std::to_string(i);
  }
  EXPECT_EQ(Convert((schema + "}}").c_str(), (row + "}").c_str()), expected + "}");
}

// A row read by slot (a RowTable row) is written as the same row read from its objects: a
// null value as an absent one, injected values and the key check alike.
TEST(Transformer, ARowBoundBySlotIsWrittenAsTheSameRowBoundFromObjects) {
  auto schema = ParseJson(
      R"({"type":"object","properties":{"advertiser_id":{"type":["null","string"]},)"
      R"("ad_id":{"type":["null","string"]},"spend":{"type":["null","number"]},)"
      R"("clicks":{"type":["null","integer"]},"day":{"type":["null","string"],"format":"date"}}})",
      "schema");
  ASSERT_TRUE(schema.ok());
  Transformer transformer(CompileShape(*schema));
  transformer.SetInjected("advertiser_id", "7");
  transformer.SetKeys({"advertiser_id", "ad_id"});
  auto row = ParseJson(R"({"ad_id":"1","spend":"2.50","clicks":"-","extra":"x"})", "row", true);
  ASSERT_TRUE(row.ok());
  rapidjson::StringBuffer from_objects, by_slot;
  const rapidjson::Value* parts[] = {&*row};
  ASSERT_TRUE(transformer.Bind(parts));
  transformer.AppendBound(from_objects);
  rapidjson::Value values[5];
  values[1].SetString("1");
  values[2].SetString("2.50");
  values[3].SetString("-");
  transformer.BindValues(values, nullptr);
  EXPECT_EQ(transformer.MissingKey(), "");
  transformer.AppendBound(by_slot);
  EXPECT_STREQ(by_slot.GetString(), from_objects.GetString());
  EXPECT_STREQ(by_slot.GetString(),
               R"({"advertiser_id":"7","ad_id":"1","spend":2.50,"clicks":null,"day":null})");
  values[1].SetNull();
  transformer.BindValues(values, nullptr);
  EXPECT_EQ(transformer.MissingKey(), "ad_id");
}

// A value known to be a number in the form written as it is (RowTable::Forms) is written as it
// is; one whose form is not known is checked as before.
TEST(Transformer, ANumberFormSkipsTheCheckNotTheConversion) {
  Transformer transformer(
      ShapeOf(R"({"type":"object","properties":{"spend":{"type":["null","number"]},)"
              R"("clicks":{"type":["null","integer"]}}})"));
  rapidjson::Value values[2];
  auto write = [&](const char* spend, const char* clicks, uint8_t spend_form, uint8_t clicks_form) {
    values[0].SetString(rapidjson::StringRef(spend));
    values[1].SetString(rapidjson::StringRef(clicks));
    const uint8_t forms[] = {spend_form, clicks_form};
    return BoundRecord(transformer, values, forms);
  };
  const uint8_t both = kNumberForm | kIntegerForm;
  EXPECT_EQ(write("2.50", "7", kNumberForm, both), R"({"spend":2.50,"clicks":7})");
  EXPECT_EQ(write("2.50", "7", 0, 0), R"({"spend":2.50,"clicks":7})");
  // A decimal in an integer slot is converted (5.000 -> 5), its number form notwithstanding.
  EXPECT_EQ(write("007", "5.000", 0, kNumberForm), R"({"spend":7,"clicks":5})");
}

// A string known to need no escaping (kPlainForm) is written between quotes as it is, the same
// text the escaping writer gives it; one not known is escaped as before.
TEST(Transformer, APlainStringIsWrittenAsTheEscapingWriterWritesIt) {
  auto schema =
      ParseJson(R"({"type":"object","properties":{"name":{"type":["null","string"]}}})", "schema");
  ASSERT_TRUE(schema.ok());
  Transformer transformer(CompileShape(*schema));
  auto write = [&](const std::string& name, uint8_t form) {
    rapidjson::Value value;
    value.SetString(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    return BoundRecord(transformer, &value, &form);
  };
  for (std::string name : {"", "Summer sale", "2025-01-31 00:00:00",
                           "a name that is longer than thirty-two bytes, by some way"}) {
    EXPECT_EQ(write(name, kPlainForm), write(name, 0)) << name;
    EXPECT_EQ(write(name, kPlainForm), R"({"name":")" + name + R"("})");
  }
  EXPECT_EQ(write("caf\xC3\xA9 \"x\"", 0), R"({"name":"caf\u00E9 \"x\""})");
}

// kPaddedForm lets a short value be copied as one block of 32 bytes: the record is the same,
// whatever the bytes after the value.
TEST(Transformer, APaddedValueIsWrittenAsAnyOther) {
  Transformer transformer(
      ShapeOf(R"({"type":"object","properties":{"name":{"type":["null","string"]},)"
              R"("spend":{"type":["null","number"]}}})"));
  auto write = [&](const std::string& name, const std::string& spend, bool padded) {
    // Each value followed by 40 bytes of other text, as a value inside a page is.
    std::string text = name + std::string(40, 'Z') + spend + std::string(40, 'Y');
    rapidjson::Value values[2];
    values[0].SetString(rapidjson::StringRef(text.data(), name.size()));
    values[1].SetString(rapidjson::StringRef(text.data() + name.size() + 40, spend.size()));
    const uint8_t extra = padded ? kPaddedForm : 0;
    const uint8_t forms[] = {static_cast<uint8_t>(kPlainForm | extra),
                             static_cast<uint8_t>(kNumberForm | extra)};
    return BoundRecord(transformer, values, forms);
  };
  for (std::string name : {"", "a", "Summer sale", "exactly thirty-two bytes of text",
                           "a name that is longer than thirty-two bytes, by some way"}) {
    EXPECT_EQ(write(name, "12.5", true), write(name, "12.5", false)) << name;
    EXPECT_EQ(write(name, "12.5", true), R"({"name":")" + name + R"(","spend":12.5})");
  }
}

// The form of a row's value never stands in for what the record must hold instead: an injected
// value, the local time a value is converted to, or a fallback value, whose form is not known.
TEST(Transformer, AFormNeverBypassesInjectionLocalTimeOrFallback) {
  const Shape shape =
      ShapeOf(R"({"type":"object","properties":{"id":{"type":["null","string"]},)"
              R"("hour":{"type":["null","string"]},"name":{"type":["null","string"]},)"
              R"("alias":{"type":["null","string"]}}})");
  // Each value terminated, as the parser leaves it, and followed by other text.
  const std::string after = '\0' + std::string(39, ' ');
  std::string text = "1" + after + "2026-01-02 03:00:00" + after + "a \"quoted\" alias" + after;
  rapidjson::Value values[4];
  values[0].SetString(rapidjson::StringRef(text.data(), 1));
  values[1].SetString(rapidjson::StringRef(text.data() + 41, 19));
  values[2].SetString(rapidjson::StringRef(text.data() + 1, 0));  // "", inside the text
  values[3].SetString(rapidjson::StringRef(text.data() + 100, 16));
  const uint8_t plain = kPlainForm | kPaddedForm;
  const uint8_t forms[] = {plain, plain, plain, 0};
  // The record with the values' forms, and without.
  auto write = [&](Transformer& transformer, const uint8_t* with) {
    return BoundRecord(transformer, values, with);
  };
  Transformer converted(shape);
  converted.SetInjected("id", "7");
  TimeZone zone = TimeZone::Utc();
  converted.SetLocalTime("hour", &zone);
  std::string record = write(converted, forms);
  EXPECT_EQ(record, write(converted, nullptr));
  EXPECT_NE(record.find(R"("id":"7")"), std::string::npos) << record;
  EXPECT_NE(record.find(R"("hour":"2026-01-02T03:00:00)"), std::string::npos) << record;

  Transformer fallback(shape);
  fallback.SetFallback("name", "alias");
  record = write(fallback, forms);
  EXPECT_EQ(record, write(fallback, nullptr));
  EXPECT_NE(record.find(R"("name":"a \"quoted\" alias")"), std::string::npos) << record;
  EXPECT_TRUE(ParseJson(record, "record").ok()) << record;
}

TEST(Transformer, RejectsRowsThatAreNotObjects) {
  auto schema = ParseJson(R"({"properties":{}})", "s");
  Transformer t(CompileShape(*schema));
  auto row = ParseJson("[1]", "row", true);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  EXPECT_FALSE(t.Write(*row, w));
}

}  // namespace
}  // namespace tap
