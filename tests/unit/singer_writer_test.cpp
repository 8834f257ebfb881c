#include "tap/singer_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tap/json.h"

namespace tap {
namespace {

std::string ReadAll(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, f)) out.append(buffer, n);
  return out;
}

TEST(SingerWriter, WritesOneMessagePerLine) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    SingerWriter writer(f);
    auto schema = ParseJson(R"({"type":"object","properties":{"id":{"type":"string"}}})", "s");
    writer.WriteSchema("ads", *schema, {"id"}, {"modify_time"});
    Transformer t(CompileShape(*schema));
    auto row = ParseJson(R"({"id":"7","x":1})", "row", true);
    ASSERT_TRUE(writer.WriteRecord("ads", t, *row, "2024-01-01T00:00:00Z"));
    writer.WriteState(R"({"bookmarks":{}})");
    EXPECT_EQ(writer.record_counts().at("ads"), 1);
    EXPECT_TRUE(writer.ok());
  }
  EXPECT_EQ(
      ReadAll(f),
      R"({"type":"SCHEMA","stream":"ads","schema":{"type":"object","properties":{"id":{"type":"string"}}},"key_properties":["id"],"bookmark_properties":["modify_time"]})"
      "\n"
      R"({"type":"RECORD","stream":"ads","record":{"id":"7"},"time_extracted":"2024-01-01T00:00:00Z"})"
      "\n"
      R"({"type":"STATE","value":{"bookmarks":{}}})"
      "\n");
  std::fclose(f);
}

TEST(SingerWriter, AFramedRecordLineIsTheSameLine) {
  auto schema = ParseJson(R"({"type":"object","properties":{"id":{"type":"string"}}})", "s");
  Transformer t(CompileShape(*schema));
  auto row = ParseJson(R"({"id":"7"})", "row", true);
  const rapidjson::Value* parts[] = {&*row};
  ASSERT_TRUE(t.Bind(parts));
  // A stream name that needs escaping, framed once and used for two lines.
  SingerWriter::RecordFrame frame = SingerWriter::Frame("a\"d\u00e9", "2024-01-01T00:00:00Z");
  rapidjson::StringBuffer framed, direct;
  SingerWriter::FormatBound(&framed, frame, t);
  SingerWriter::FormatBound(&framed, frame, t);
  SingerWriter::FormatBound(&direct, "a\"d\u00e9", t, "2024-01-01T00:00:00Z");
  std::string line = R"({"type":"RECORD","stream":"a\"d\u00E9","record":{"id":"7"},)"
                     R"("time_extracted":"2024-01-01T00:00:00Z"})"
                     "\n";
  EXPECT_EQ(std::string(framed.GetString(), framed.GetSize()), line + line);
  EXPECT_EQ(std::string(direct.GetString(), direct.GetSize()), line);
}

TEST(SingerWriter, RecordBeforeSchemaIsABug) {
  std::FILE* f = std::tmpfile();
  SingerWriter writer(f);
  auto schema = ParseJson(R"({"properties":{}})", "s");
  Transformer t(CompileShape(*schema));
  auto row = ParseJson("{}", "row", true);
  EXPECT_THROW(writer.WriteRecord("ads", t, *row, "x"), std::logic_error);
  std::fclose(f);
}

TEST(SingerWriter, AClosedOutputIsReportedNotFatal) {
  std::FILE* f = std::fopen("/dev/full", "w");
  if (f == nullptr) GTEST_SKIP() << "/dev/full is not available";
  SingerWriter writer(f);
  writer.WriteState("{}");
  EXPECT_FALSE(writer.ok());
  std::fclose(f);
}

}  // namespace
}  // namespace tap
