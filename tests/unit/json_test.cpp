#include "tap/json.h"

#include <gtest/gtest.h>

#include <random>
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

TEST(Json, Utf8ValidPrefixStopsBeforeABadOrCutCharacter) {
  EXPECT_EQ(Utf8ValidPrefix(""), 0u);
  EXPECT_EQ(Utf8ValidPrefix("caf\xC3\xA9"), 5u);
  EXPECT_EQ(Utf8ValidPrefix("caf\xC3"), 3u);            // cut: the next chunk completes it
  EXPECT_EQ(Utf8ValidPrefix("ab\xF0\x9F\x98"), 2u);     // cut after three of four bytes
  EXPECT_EQ(Utf8ValidPrefix("ab\xFF cd"), 2u);          // invalid
  EXPECT_EQ(Utf8ValidPrefix("ab\xE0\x80\xAF cd"), 2u);  // overlong
  // A bad byte at every place of texts around the 64-byte blocks.
  for (size_t n = 1; n <= 200; ++n) {
    for (size_t at = 0; at < n; ++at) {
      std::string text(n, 'a');
      text[at] = '\xFF';
      EXPECT_EQ(Utf8ValidPrefix(text), at) << n << " " << at;
    }
  }
}

TEST(Json, Utf8CheckerTakesCharactersCutBetweenChunks) {
  auto check = [](const std::vector<std::string>& chunks) {
    Utf8Checker checker;
    std::string text;
    for (const std::string& chunk : chunks) checker.Grew(text += chunk);
    return checker.Valid(text);
  };
  EXPECT_TRUE(check({}));
  EXPECT_TRUE(check({"caf", "\xC3", "\xA9 ok"}));
  EXPECT_TRUE(check({"a\xF0", "\x9F", "\x98", "\x80"}));  // U+1F600 in four chunks
  EXPECT_FALSE(check({"caf\xC3"}));                       // ends cut
  EXPECT_FALSE(check({"a\xFF", "bcdef"}));                // invalid, then more
  EXPECT_FALSE(check({"a\xC3", "b"}));                    // a lead byte without its byte
  EXPECT_FALSE(check({"ok", "\xED\xA0\x80"}));            // a surrogate
}

TEST(Json, APageSeenToBeUtf8IsNotValidatedAgain) {
  // The caller's word is taken: the check was made as the bytes arrived (HTTP transport).
  std::string text = R"({"a":"x"})";
  long long replaced = -1;
  auto doc = ParseJsonInPlace(text, "page", &replaced, /*valid_utf8=*/true);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(replaced, 0);
  EXPECT_STREQ((*doc)["a"].GetString(), "x");
}

// SetStringRef writes RapidJSON's layout itself: it must be byte for byte what SetString makes
// (the length and the flagged pointer; the 4 bytes between are RapidJSON's unused hash, left
// as they were by SetString).
TEST(Json, SetStringRefMakesWhatSetStringMakes) {
  const char text[] = "a string of the text";
  for (rapidjson::SizeType n : {0u, 1u, 8u, 13u, 20u}) {
    rapidjson::Value theirs, ours(true);
    theirs.SetString(rapidjson::StringRef(text, n));
    SetStringRef(ours, text, n);
    const auto* a = reinterpret_cast<const char*>(&theirs);
    const auto* b = reinterpret_cast<const char*>(&ours);
    EXPECT_EQ(std::memcmp(a, b, 4), 0) << n;
    EXPECT_EQ(std::memcmp(a + 8, b + 8, 8), 0) << n;
    EXPECT_TRUE(ours.IsString());
    EXPECT_EQ(ours.GetString(), text);
    EXPECT_EQ(ours.GetStringLength(), n);
    EXPECT_TRUE(ours == theirs);
  }
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

TEST(Json, ParseInPlaceMendsInvalidUtf8AndRejectsBrokenJson) {
  std::string bad_utf8 = "{\"a\":\"x\xC0\x80y\xFF\"}";
  long long replaced = 0;
  auto a = ParseJsonInPlace(bad_utf8, "the response of x", &replaced);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(replaced, 3);  // C0 and 80 are each invalid, and FF
  EXPECT_STREQ((*a)["a"].GetString(), "x\xEF\xBF\xBD\xEF\xBF\xBDy\xEF\xBF\xBD");
  std::string truncated = R"({"a":[1,2)";
  EXPECT_FALSE(ParseJsonInPlace(truncated, "t").ok());
}

// Every output line is parsed back: each form of bad text in, valid JSON out.
TEST(Json, EveryFormOfBadTextIsWrittenAsValidJson) {
  const std::vector<std::string> forms = {
      R"("lone\udc00low")",   R"("lone\ud800high")",   R"("\ud800")",
      R"("\ud800\u0041")",    R"("end\udbff")",        R"("pair\ud83d\ude00ok")",
      R"("\\udc00 escaped")", "\"bad \xC3\x28 utf8\"", "\"\xED\xA0\x80 encoded\"",
      "\"\xF4\x90\x80\x80\"", "\"cut \xE2\x82\""};
  for (const std::string& form : forms) {
    std::string page = R"({"list":[{"campaign_name":)" + form + "}]}";
    long long replaced = 0;
    auto doc = ParseJsonInPlace(page, "page", &replaced);
    ASSERT_TRUE(doc.ok()) << form << ": " << doc.status().message();
    std::string line = ToJson(*doc);
    auto back = ParseJson(line, "line");
    ASSERT_TRUE(back.ok()) << form << " gave " << line;
    EXPECT_TRUE(IsValidUtf8((*back)["list"][0]["campaign_name"].GetString())) << form;
  }
  std::string lone = R"({"s":"a\udc00b\ud800"})";
  long long replaced = 0;
  auto doc = ParseJsonInPlace(lone, "page", &replaced);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(replaced, 2);
  EXPECT_EQ(ToJson(*doc), R"({"s":"a\uFFFDb\uFFFD"})");
}

TEST(Json, TheWriterNeverLeavesABrokenString) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  std::string bad = "ok\xED\xB0\x80\xFF";
  w.String(bad.data(), static_cast<rapidjson::SizeType>(bad.size()));
  EXPECT_EQ(std::string(buffer.GetString()), R"("ok\uFFFD\uFFFD\uFFFD\uFFFD")");
}

TEST(Json, NestingIsLimitedInEveryParse) {
  std::string deep(100000, '[');
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  std::string copy = deep;
  auto page = ParseJsonInPlace(copy, "the response of x");
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().message(),
            "the response of x nests arrays or objects deeper than 256 levels");
  EXPECT_FALSE(ParseJson(deep, "state file 's.json'").ok());
  EXPECT_TRUE(ParseJson(ok, "ok").ok());
  std::string in_string = "[\"" + deep + "\"]";  // brackets inside a string do not nest
  EXPECT_TRUE(ParseJsonInPlace(in_string, "x").ok());
  std::string objects;
  for (int i = 0; i < 300; ++i) objects += R"({"a":)";
  EXPECT_FALSE(ParseJson(objects, "catalog").ok());
}

TEST(Json, NumbersBeyondDoubleRangeAreReadAsStrings) {
  std::string page = "{\"a\":1e400,\"b\":-" + std::string(400, '7') + ",\"c\":1e-400,\"d\":12}";
  auto doc = ParseJsonInPlace(page, "page");
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_STREQ((*doc)["a"].GetString(), "1e400");
  EXPECT_EQ((*doc)["b"].GetStringLength(), 401u);
  EXPECT_STREQ((*doc)["c"].GetString(), "1e-400");
  EXPECT_STREQ((*doc)["d"].GetString(), "12");
  EXPECT_EQ(QuoteHugeNumbers(R"(["1e999",1e999,[2E+301]])"), R"(["1e999","1e999",["2E+301"]])");
}

TEST(Json, OnlyPagesThatMayHoldHugeNumbersAreScanned) {
  // Hex request ids put 'E' after digits on most pages: no exponent of a huge number.
  std::string page = R"({"request_id":"0000102B693196B9E90F20BD","data":{"x":"1029E45","y":1e9}})";
  EXPECT_FALSE(MayHoldHugeNumbers(page));
  EXPECT_FALSE(MayHoldHugeNumbers("[1e-999, 5E7, 3e+8]"));
  EXPECT_TRUE(MayHoldHugeNumbers(R"(["a 9e99"])"));  // a "maybe": the full scan says no
  EXPECT_FALSE(HasHugeNumbers(R"(["a 9e99"])"));
  // Wherever the token starts in the 16-byte blocks, a possible huge number is seen.
  for (size_t pad = 0; pad < 40; ++pad) {
    for (std::string token : {std::string("1e45"), std::string("2E+301"), std::string("9e00"),
                              std::string(300, '7') + "0"}) {
      std::string text = "[" + std::string(pad, ' ') + token + "]";
      EXPECT_TRUE(MayHoldHugeNumbers(text)) << text;
      EXPECT_EQ(HasHugeNumbers(text), token == "2E+301" || token.size() > 300) << text;
    }
    std::string near_limit = "[" + std::string(pad, ' ') + std::string(295, '1') + "e9]";
    EXPECT_TRUE(HasHugeNumbers(near_limit));
    EXPECT_TRUE(MayHoldHugeNumbers(near_limit));
  }
}

// What RapidJSON's own ASCII writer makes of `text` after RepairUtf8: the reference.
std::string RapidJsonQuote(std::string_view text) {
  long long replaced = 0;
  std::string valid = RepairUtf8(text, &replaced);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>> writer(buffer);
  writer.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
  return buffer.GetString();
}

TEST(Json, EscapingMatchesRapidJsonOnEveryKindOfText) {
  std::vector<std::string> texts = {"", "plain ascii only, longer than eight", "\x7F del"};
  for (int c = 0; c < 0x80; ++c)
    texts.push_back("ab" + std::string(1, static_cast<char>(c)) + "cdefghij");
  // Two-, three- and four-byte characters, and the invalid: a lone continuation, an overlong
  // form, a surrogate, a truncated sequence, a byte past U+10FFFF.
  for (std::string t : {"caf\xC3\xA9", "\xE2\x82\xAC euro", "\xF0\x9F\x98\x80 emoji", "x\x80y",
                        "\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\xF5\x80\x80\x80",
                        "\xF4\x8F\xBF\xBF", "Campaign 3 \xC3\xA9t\xC3\xA9 \"q\" \\ \n"}) {
    texts.push_back(t);
  }
  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    std::string t(random() % 24, ' ');
    for (char& c : t)
      c = static_cast<char>(random() % 4 == 0 ? random() % 256 : 'a' + random() % 26);
    texts.push_back(t);
  }
  for (const std::string& t : texts) {
    std::string out(6 * t.size() + 1, '?');
    char* end = EscapeJsonString(t.data(), t.size(), out.data());
    EXPECT_EQ('"' + std::string(out.data(), end) + '"', RapidJsonQuote(t)) << t;
  }
}

// A member written as it came: its head then its text, quoted or not, from a padded head table
// and padded text or not, heads and texts short or longer than the padding.
TEST(Json, PaddedThenTextWritesTheHeadThenTheText) {
  for (std::string head : {std::string(",\"a\":"), "," + std::string(40, 'k') + ":"}) {
    for (std::string text : {std::string(""), std::string("12.5"), std::string(45, 't')}) {
      for (bool quoted : {false, true}) {
        for (bool padded : {false, true}) {
          std::string heads = head + std::string(JsonTokenSink::kPadding, ' ');
          std::string page = text + std::string(padded ? JsonTokenSink::kPadding : 0, 'x');
          rapidjson::StringBuffer out;
          JsonTokenSink sink(out);
          sink.Raw("{");
          sink.PaddedThenText(heads.data(), head.size(), page.data(), text.size(), quoted, padded);
          sink.Raw("}");
          std::string q = quoted ? "\"" : "";
          EXPECT_EQ(std::string(out.GetString(), out.GetSize()), "{" + head + q + text + q + "}")
              << head << " " << text << " " << quoted << " " << padded;
        }
      }
    }
  }
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
