#include "tap/singer_writer.h"

#include <cerrno>
#include <cstring>

#include <stdexcept>

namespace tap {
namespace {

constexpr size_t kFlushBytes = 1 << 16;

void WriteStringArray(JsonWriter& w, const std::vector<std::string>& items) {
  w.StartArray();
  for (const std::string& item : items) {
    w.String(item.data(), static_cast<rapidjson::SizeType>(item.size()));
  }
  w.EndArray();
}

}  // namespace

SingerWriter::SingerWriter(std::FILE* out) : out_(out) { buffer_.reserve(kFlushBytes * 2); }

SingerWriter::~SingerWriter() { Flush(); }

void SingerWriter::Append(std::string_view text) {
  if (text.size() >= kFlushBytes) {
    // A block of RECORD lines from a worker goes out as it is, without another copy.
    Flush();
    if (ok_ && std::fwrite(text.data(), 1, text.size(), out_) != text.size()) Failed();
    return;
  }
  buffer_.append(text);
  if (buffer_.size() >= kFlushBytes) Flush();
}

void SingerWriter::Flush() {
  if (!buffer_.empty() && ok_) {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size()) Failed();
  }
  buffer_.clear();
  if (ok_ && std::fflush(out_) != 0) Failed();
}

void SingerWriter::Failed() {
  ok_ = false;
  error_ = errno;
}

std::string SingerWriter::error() const {
  return error_ != 0 ? std::strerror(error_) : "unknown error";
}

void SingerWriter::WriteSchema(std::string_view stream, const rapidjson::Value& schema,
                               const std::vector<std::string>& key_properties,
                               const std::vector<std::string>& bookmark_properties) {
  scratch_.Clear();
  JsonWriter w(scratch_);
  w.StartObject();
  w.Key("type");
  w.String("SCHEMA");
  w.Key("stream");
  w.String(stream.data(), static_cast<rapidjson::SizeType>(stream.size()));
  w.Key("schema");
  schema.Accept(w);
  w.Key("key_properties");
  WriteStringArray(w, key_properties);
  if (!bookmark_properties.empty()) {
    w.Key("bookmark_properties");
    WriteStringArray(w, bookmark_properties);
  }
  w.EndObject();
  Append(std::string_view(scratch_.GetString(), scratch_.GetSize()));
  Append("\n");
  schemas_sent_.emplace(stream);
  counts_.try_emplace(std::string(stream), 0);
}

bool SingerWriter::FormatRecord(std::string* out, std::string_view stream, Transformer& transformer,
                                std::span<const rapidjson::Value* const> row_parts,
                                std::string_view time_extracted) {
  if (!transformer.Bind(row_parts)) return false;
  FormatBound(out, stream, transformer, time_extracted);
  return true;
}

void SingerWriter::FormatBound(std::string* out, std::string_view stream, Transformer& transformer,
                               std::string_view time_extracted) {
  thread_local rapidjson::StringBuffer scratch;
  scratch.Clear();
  FormatBound(&scratch, stream, transformer, time_extracted);
  out->append(scratch.GetString(), scratch.GetSize());
}

// The message around the record is laid out here, like the record itself: no writer state for
// a line that has the same shape every time.
void SingerWriter::FormatBound(rapidjson::StringBuffer* out, std::string_view stream,
                               Transformer& transformer, std::string_view time_extracted) {
  FormatBound(out, Frame(stream, time_extracted), transformer);
}

SingerWriter::RecordFrame SingerWriter::Frame(std::string_view stream,
                                              std::string_view time_extracted) {
  RecordFrame frame;
  frame.head.append(R"({"type":"RECORD","stream":)");
  frame.head.append(JsonQuote(stream));
  frame.head.append(R"(,"record":)");
  frame.tail.append(R"(,"time_extracted":)");
  frame.tail.append(JsonQuote(time_extracted));
  frame.tail.append("}\n");
  return frame;
}

void SingerWriter::FormatBound(rapidjson::StringBuffer* out, const RecordFrame& frame,
                               Transformer& transformer) {
  JsonTokenSink line(*out);
  line.Raw(frame.head);
  transformer.AppendBound(*out);
  line.Raw(frame.tail);
}

void SingerWriter::WriteRecordLines(std::string_view stream, std::string_view lines,
                                    long long count) {
  auto sent = schemas_sent_.find(stream);
  if (sent == schemas_sent_.end()) {
    throw std::logic_error("RECORD before SCHEMA");  // a bug in the sync loop, not user input
  }
  Append(lines);
  counts_.find(stream)->second += count;
  record_bytes_ += static_cast<long long>(lines.size());
}

bool SingerWriter::WriteRecord(std::string_view stream, Transformer& transformer,
                               const rapidjson::Value& row, std::string_view time_extracted) {
  if (schemas_sent_.find(stream) == schemas_sent_.end()) {
    throw std::logic_error("RECORD before SCHEMA");
  }
  std::string line;
  const rapidjson::Value* parts[] = {&row};
  if (!FormatRecord(&line, stream, transformer, parts, time_extracted)) return false;
  WriteRecordLines(stream, line, 1);
  return true;
}

void SingerWriter::WriteState(const std::string& state_json) {
  Append("{\"type\":\"STATE\",\"value\":");
  Append(state_json);
  Append("}\n");
  Flush();
}

}  // namespace tap
