#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>
#include <vector>

#include "tap/status.h"

namespace tap {

/// The writer of every JSON line the tap emits: UTF-8 in, ASCII out (non-ASCII as \uXXXX).
using JsonWriter =
    rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>>;

/// Parses `text` as one JSON document. `what` names the input in the error ("config file
/// 'c.json'"). With `numbers_as_strings`, every number keeps its exact digits as a string value
/// (used for API responses, so ids and metrics never pass through a double).
Result<rapidjson::Document> ParseJson(std::string_view text, std::string_view what,
                                      bool numbers_as_strings = false);

/// Reads and parses a JSON file; a missing or unreadable file is an kInvalidInput error.
Result<rapidjson::Document> ReadJsonFile(const std::string& path, std::string_view what);

/// Reads a whole file; false when it cannot be opened.
bool ReadFile(const std::string& path, std::string* out);

/// Compact JSON text of `value`, non-ASCII escaped as \uXXXX (what Singer consumers expect).
std::string ToJson(const rapidjson::Value& value);

/// Multi-line JSON text of `value`, for files people read (catalogs).
std::string ToPrettyJson(const rapidjson::Value& value);

/// A JSON string literal for `text`, with quotes.
std::string JsonQuote(std::string_view text);

/// A JSON array of strings: ["a","b"].
std::string JsonStringArray(const std::vector<std::string>& items);

/// The member `key` of `object`, or nullptr when `object` is not an object or has no such key.
const rapidjson::Value* FindMember(const rapidjson::Value& object, std::string_view key);

/// A short description of a JSON value's type for error messages ("a string", "an array").
const char* JsonTypeName(const rapidjson::Value& value);

}  // namespace tap
