#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "tap/report_streams.h"

namespace tap {

/// How an entity endpoint is read.
enum class EndpointShape {
  kAdvertiserBatch,  // /advertiser/info/: advertiser_ids in batches, no pages
  kPaged,            // one advertiser per request series, page + page_size
};

/// One entity stream: everything the generic sync loop needs to read it. Adding a stream is
/// adding a row to EntityStreams(), plus its schemas/<name>.json.
struct EntityStream {
  std::string_view name;
  std::string_view path;  // below /open_api/v1.3/, with the trailing slash the API requires
  EndpointShape shape;
  std::vector<std::string_view> key_properties;
  std::string_view replication_key = {};       // empty: FULL_TABLE
  std::string_view replication_fallback = {};  // used when a row lacks replication_key
  int max_page_size = 1000;                    // the endpoint's page_size (or batch) maximum
  bool takes_fields = false;                   // the endpoint accepts a `fields` projection
  bool split_top_view = false;                 // RESERVATION_TOP_VIEW needs its own requests
  int top_view_max_page_size = 100;            // page_size maximum for those requests
  bool filters_deleted = false;                // primary_status filtering applies
  bool injects_advertiser_id = false;          // rows lack advertiser_id; the tap adds it
};

/// Every entity stream, in sync order.
const std::vector<EntityStream>& EntityStreams();

/// The stream named `name`, or nullptr.
const EntityStream* FindEntityStream(std::string_view name);

/// Any stream the tap can sync: an entity stream or a report stream (exactly one is set).
struct StreamDef {
  std::string name;
  std::vector<std::string> key_properties;
  std::string replication_key;  // empty: FULL_TABLE
  bool selected_by_default = true;
  const EntityStream* entity = nullptr;
  const ReportStream* report = nullptr;

  /// The stream's full JSON Schema (from schemas/).
  rapidjson::Document Schema() const;
  /// Whether discovery marks `property` selected by default (a report's long-tail metrics are
  /// available but not selected by default).
  bool PropertySelectedByDefault(std::string_view property) const;
};

/// Every stream: entity streams, the built-in reports, then `custom` reports (which must outlive
/// the result).
std::vector<StreamDef> AllStreams(const std::vector<ReportStream>& custom);

}  // namespace tap
