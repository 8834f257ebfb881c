#pragma once

#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tap/status.h"
#include "tap/timestamp.h"

namespace tap {

/// The Singer state: bookmarks read from --state, advanced as partitions complete, and written
/// back whole. Reads the Meltano SDK shape (per-advertiser partitions, or one stream-wide
/// bookmark) and the singer-io tap-tiktok-ads shape (advertiser id -> timestamp); writes the
/// SDK shape for every stream it touched and carries everything else forward unchanged.
class State {
 public:
  State();

  /// Validates a state value; no state at all is `{}`. Errors name the stream and say what to do.
  /// A stream's bookmark the tap cannot read is kept aside: it is an error only for a stream
  /// the tap has (CheckStreams); any other is carried forward unchanged, whatever its shape.
  static Result<State> Parse(const rapidjson::Value& value);
  /// Reads a state file. An empty file counts as no state.
  static Result<State> Load(const std::string& path);

  /// The first unreadable bookmark of a stream in `known`, or Ok.
  Status CheckStreams(const std::vector<std::string>& known) const;

  /// Forgets every bookmark after `now` (plus two days, for advertisers ahead of UTC), with a
  /// warning for each: a bookmark of 9999-12-31 would otherwise make every run extract nothing.
  void ForgetFuture(Timestamp now, std::vector<std::string>* warnings);

  /// The bookmark of one partition: its own, else the stream-wide one, else nullopt.
  std::optional<Timestamp> Bookmark(std::string_view stream, std::string_view advertiser_id) const;

  /// Records the bookmark of a completed partition. It never moves backwards.
  void SetBookmark(std::string_view stream, std::string_view advertiser_id,
                   std::string_view replication_key, Timestamp value);

  /// The complete state value as compact JSON.
  std::string ToJson() const;

 private:
  struct StreamBookmarks {
    std::string replication_key;
    std::optional<Timestamp> stream_wide;
    std::map<std::string, Timestamp> by_advertiser;
  };

  static Status ParseStream(const std::string& stream, const rapidjson::Value& value,
                            StreamBookmarks& out);
  static Status ParsePartition(const std::string& stream, const rapidjson::Value& partition,
                               StreamBookmarks& out);

  rapidjson::Document doc_;  // the input state, carried forward
  std::map<std::string, StreamBookmarks, std::less<>> bookmarks_;
  std::set<std::string, std::less<>> touched_;
  std::map<std::string, Status, std::less<>> unreadable_;  // by stream
};

}  // namespace tap
