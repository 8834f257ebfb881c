#pragma once

#include <rapidjson/document.h>

#include <cstdio>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tap/json.h"
#include "tap/transform.h"

namespace tap {

/// Owns stdout: one Singer message per line, SCHEMA before any RECORD of its stream, output
/// buffered and flushed after every STATE. A failed write (the target went away) is remembered
/// and further output is dropped; the caller checks ok() and exits non-zero.
class SingerWriter {
 public:
  explicit SingerWriter(std::FILE* out);
  ~SingerWriter();
  SingerWriter(const SingerWriter&) = delete;
  SingerWriter& operator=(const SingerWriter&) = delete;

  void WriteSchema(std::string_view stream, const rapidjson::Value& schema,
                   const std::vector<std::string>& key_properties,
                   const std::vector<std::string>& bookmark_properties);

  /// Writes `row` through `transformer` as a RECORD of `stream`. False when the row is not an
  /// object. `time_extracted` is RFC 3339.
  bool WriteRecord(std::string_view stream, Transformer& transformer, const rapidjson::Value& row,
                   std::string_view time_extracted);

  /// Formats a RECORD line (with its newline) onto `out`, for a worker thread that prepares
  /// output; false when the row is not an object (nothing is appended then).
  static bool FormatRecord(std::string* out, std::string_view stream, Transformer& transformer,
                           std::span<const rapidjson::Value* const> row_parts,
                           std::string_view time_extracted);

  /// The same for the row `transformer` has bound (Transformer::Bind).
  static void FormatBound(std::string* out, std::string_view stream, Transformer& transformer,
                          std::string_view time_extracted);
  /// The same onto a buffer, where a worker's lines are formatted as they will be written.
  static void FormatBound(rapidjson::StringBuffer* out, std::string_view stream,
                          Transformer& transformer, std::string_view time_extracted);

  /// The text of a RECORD line before and after its record, for one stream and time_extracted:
  /// laid out once for the many lines that share it.
  struct RecordFrame {
    std::string head, tail;
  };
  static RecordFrame Frame(std::string_view stream, std::string_view time_extracted);
  /// FormatBound in a frame.
  static void FormatBound(rapidjson::StringBuffer* out, const RecordFrame& frame,
                          Transformer& transformer);

  /// Writes `count` RECORD lines of `stream` prepared by FormatRecord.
  void WriteRecordLines(std::string_view stream, std::string_view lines, long long count);

  /// Writes a STATE message whose value is the JSON text `state_json`, then flushes.
  void WriteState(const std::string& state_json);

  void Flush();
  bool ok() const { return ok_; }
  /// Why the first failed write failed ("No space left on device").
  std::string error() const;
  int error_code() const { return error_; }
  /// RECORDs written per stream.
  const std::map<std::string, long long, std::less<>>& record_counts() const { return counts_; }
  /// Bytes of RECORD lines written.
  long long record_bytes() const { return record_bytes_; }

 private:
  void Append(std::string_view text);
  void Failed();

  std::FILE* out_;
  std::string buffer_;
  rapidjson::StringBuffer scratch_;
  std::set<std::string, std::less<>> schemas_sent_;
  std::map<std::string, long long, std::less<>> counts_;
  long long record_bytes_ = 0;
  bool ok_ = true;
  int error_ = 0;  // errno of the first failed write
};

}  // namespace tap
