#include "tap/state.h"

#include <fmt/format.h>

#include "tap/json.h"
#include "tap/log.h"

namespace tap {
namespace {

Status Invalid(std::string_view stream, std::string text) {
  return Status::Error(ErrorKind::kInvalidInput,
                       fmt::format("bookmark of stream '{}': {}; fix or delete the state file to "
                                   "start from start_date",
                                   Echo(stream), text));
}

Result<Timestamp> BookmarkTime(std::string_view stream, const rapidjson::Value& v) {
  if (v.IsString()) {
    if (auto t = ParseTimestamp(v.GetString())) return *t;
  }
  return Invalid(stream, fmt::format("{} is not an RFC 3339 timestamp", Echo(ToJson(v))));
}

}  // namespace

State::State() { doc_.SetObject(); }

Result<State> State::Parse(const rapidjson::Value& value) {
  if (!value.IsObject()) {
    return Status::Error(
        ErrorKind::kInvalidInput,
        fmt::format("the state must be a JSON object, got {}", JsonTypeName(value)));
  }
  State state;
  state.doc_.CopyFrom(value, state.doc_.GetAllocator());
  const rapidjson::Value* bookmarks = FindMember(value, "bookmarks");
  if (bookmarks == nullptr || bookmarks->IsNull()) return state;
  if (!bookmarks->IsObject()) {
    return Status::Error(ErrorKind::kInvalidInput,
                         "the state's 'bookmarks' must be an object of streams");
  }
  for (const auto& member : bookmarks->GetObject()) {
    std::string stream(member.name.GetString(), member.name.GetStringLength());
    StreamBookmarks sb;
    if (Status s = ParseStream(stream, member.value, sb); !s.ok()) {
      state.unreadable_.emplace(stream, s);
    } else {
      state.bookmarks_[stream] = std::move(sb);
    }
  }
  return state;
}

Status State::CheckStreams(const std::vector<std::string>& known) const {
  for (const std::string& stream : known) {
    if (auto it = unreadable_.find(stream); it != unreadable_.end()) return it->second;
  }
  return Status::Ok();
}

void State::ForgetFuture(Timestamp now, std::vector<std::string>* warnings) {
  Timestamp latest = now + std::chrono::days(2);
  auto warn = [&](const std::string& stream, std::string_view partition, Timestamp t) {
    warnings->push_back(fmt::format(
        "bookmark of stream '{}'{} is {}, in the future: the partition is read as if it had no "
        "bookmark (from start_date)",
        Echo(stream), partition, FormatRfc3339(t)));
  };
  for (auto& [stream, sb] : bookmarks_) {
    if (sb.stream_wide && *sb.stream_wide > latest) {
      warn(stream, "", *sb.stream_wide);
      sb.stream_wide.reset();
      touched_.insert(stream);  // written anew, without it
    }
    for (auto it = sb.by_advertiser.begin(); it != sb.by_advertiser.end();) {
      if (it->second <= latest) {
        ++it;
        continue;
      }
      warn(stream, fmt::format(" for advertiser {}", Echo(it->first)), it->second);
      it = sb.by_advertiser.erase(it);
      touched_.insert(stream);
    }
  }
}

Status State::ParseStream(const std::string& stream, const rapidjson::Value& v,
                          StreamBookmarks& sb) {
  if (v.IsString()) {  // singer-io: one timestamp for the whole stream
    auto t = BookmarkTime(stream, v);
    if (!t.ok()) return t.status();
    sb.stream_wide = *t;
    return Status::Ok();
  }
  if (!v.IsObject()) {
    return Invalid(stream, fmt::format("expected an object, got {}", JsonTypeName(v)));
  }
  const rapidjson::Value* key = FindMember(v, "replication_key");
  if (key != nullptr && key->IsString()) sb.replication_key = key->GetString();
  const rapidjson::Value* partitions = FindMember(v, "partitions");
  const rapidjson::Value* stream_value = FindMember(v, "replication_key_value");
  bool sdk_shape = partitions != nullptr || key != nullptr || stream_value != nullptr ||
                   v.ObjectEmpty() || FindMember(v, "progress_markers") != nullptr;
  if (!sdk_shape) {
    // singer-io tap-tiktok-ads: {"<advertiser_id>": "<timestamp>", ...}
    for (const auto& adv : v.GetObject()) {
      if (std::string_view(adv.name.GetString()) == "version") continue;
      auto t = BookmarkTime(stream, adv.value);
      if (!t.ok()) return t.status();
      sb.by_advertiser[adv.name.GetString()] = *t;
    }
    return Status::Ok();
  }
  if (stream_value != nullptr && !stream_value->IsNull()) {
    auto t = BookmarkTime(stream, *stream_value);
    if (!t.ok()) return t.status();
    sb.stream_wide = *t;
  }
  if (partitions == nullptr) return Status::Ok();
  if (!partitions->IsArray()) return Invalid(stream, "'partitions' must be an array");
  for (const auto& p : partitions->GetArray()) {
    if (Status s = ParsePartition(stream, p, sb); !s.ok()) return s;
  }
  return Status::Ok();
}

Status State::ParsePartition(const std::string& stream, const rapidjson::Value& p,
                             StreamBookmarks& sb) {
  const rapidjson::Value* context = FindMember(p, "context");
  const rapidjson::Value* id = context ? FindMember(*context, "advertiser_id") : nullptr;
  const rapidjson::Value* pv = FindMember(p, "replication_key_value");
  if (id == nullptr || !id->IsString()) {
    return Invalid(stream, "every partition needs a context with an advertiser_id string");
  }
  if (pv == nullptr || pv->IsNull()) return Status::Ok();  // a partition that never completed
  const rapidjson::Value* pkey = FindMember(p, "replication_key");
  if (pkey != nullptr && pkey->IsString()) sb.replication_key = pkey->GetString();
  auto t = BookmarkTime(stream, *pv);
  if (!t.ok()) return t.status();
  sb.by_advertiser[id->GetString()] = *t;
  return Status::Ok();
}

Result<State> State::Load(const std::string& path) {
  auto read = ReadTextFile(path, "state file");
  if (!read.ok()) return read.status();
  const std::string& text = *read;
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return State();
  auto doc = ParseJson(text, fmt::format("state file '{}'", path));
  if (!doc.ok()) return doc.status();
  auto state = Parse(*doc);
  if (!state.ok()) {
    return Status::Error(ErrorKind::kInvalidInput, fmt::format("state file '{}' is invalid: {}",
                                                               path, state.status().message()));
  }
  return state;
}

std::optional<Timestamp> State::Bookmark(std::string_view stream,
                                         std::string_view advertiser_id) const {
  auto it = bookmarks_.find(stream);
  if (it == bookmarks_.end()) return std::nullopt;
  auto adv = it->second.by_advertiser.find(std::string(advertiser_id));
  if (adv != it->second.by_advertiser.end()) return adv->second;
  return it->second.stream_wide;
}

void State::SetBookmark(std::string_view stream, std::string_view advertiser_id,
                        std::string_view replication_key, Timestamp value) {
  StreamBookmarks& sb = bookmarks_[std::string(stream)];
  sb.replication_key = std::string(replication_key);
  auto [it, inserted] = sb.by_advertiser.emplace(std::string(advertiser_id), value);
  if (!inserted && it->second < value) it->second = value;
  touched_.insert(std::string(stream));
}

std::string State::ToJson() const {
  rapidjson::Document out;
  out.CopyFrom(doc_, out.GetAllocator());
  auto& a = out.GetAllocator();
  if (touched_.empty()) return tap::ToJson(out);
  if (!out.HasMember("bookmarks") || !out["bookmarks"].IsObject()) {
    out.RemoveMember("bookmarks");
    out.AddMember("bookmarks", rapidjson::Value(rapidjson::kObjectType), a);
  }
  rapidjson::Value& bookmarks = out["bookmarks"];
  for (const std::string& stream : touched_) {
    const StreamBookmarks& sb = bookmarks_.find(stream)->second;
    rapidjson::Value entry(rapidjson::kObjectType);
    if (sb.stream_wide) {
      entry.AddMember("replication_key", rapidjson::Value(sb.replication_key.c_str(), a), a);
      entry.AddMember("replication_key_value",
                      rapidjson::Value(FormatRfc3339(*sb.stream_wide).c_str(), a), a);
    }
    rapidjson::Value partitions(rapidjson::kArrayType);
    for (const auto& [advertiser, value] : sb.by_advertiser) {
      rapidjson::Value context(rapidjson::kObjectType);
      context.AddMember("advertiser_id", rapidjson::Value(advertiser.c_str(), a), a);
      rapidjson::Value p(rapidjson::kObjectType);
      p.AddMember("context", context, a);
      p.AddMember("replication_key", rapidjson::Value(sb.replication_key.c_str(), a), a);
      p.AddMember("replication_key_value", rapidjson::Value(FormatRfc3339(value).c_str(), a), a);
      partitions.PushBack(p, a);
    }
    entry.AddMember("partitions", partitions, a);
    if (auto it = bookmarks.FindMember(stream.c_str()); it != bookmarks.MemberEnd()) {
      it->value = entry;  // in place, so the state keeps its order from run to run
    } else {
      bookmarks.AddMember(rapidjson::Value(stream.c_str(), a), entry, a);
    }
  }
  return tap::ToJson(out);
}

}  // namespace tap
