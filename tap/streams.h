#pragma once

#include <rapidjson/document.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "tap/api.h"
#include "tap/rate_buckets.h"
#include "tap/report_streams.h"
#include "tap/status.h"
#include "tap/timestamp.h"

namespace tap {

struct CatalogStream;
struct PlanContext;
struct Settings;
struct StreamRequests;
struct Partition;
class UnitReader;

/// A page's row as the objects the transformer reads as one record (an entity row is one
/// object; a report row is its dimensions and its metrics). Unused parts are nullptr.
using RowParts = std::array<const rapidjson::Value*, 2>;

/// The hooks a stream row carries: how its units are planned and how they are read.
struct StreamHooks {
  /// The requests every unit of the stream pages through, built once per sync.
  StreamRequests (*prepare)(const Settings& settings, const CatalogStream& stream);
  /// What one advertiser (or batch of advertisers) of the stream reads: a start time or a
  /// range of report dates.
  Partition (*partition)(const PlanContext& context, const CatalogStream& stream,
                         const std::string& advertiser_id);
  /// Reads one unit: pages, filters, merges; hands records to the reader's output.
  Status (*read)(UnitReader& reader);
  /// One row of a page as record parts; false when the row is not an object.
  bool (*row)(const rapidjson::Value& row, RowParts* parts);
};

/// Any stream the tap can sync: one row of the stream table (built-in entity streams, the
/// report table, custom reports). The generic sync reads every row the same way, through its
/// hooks; adding an ordinary stream is adding a row (plus schemas/<name>.json).
struct StreamDef {
  std::string name;
  std::vector<std::string> key_properties;
  std::string replication_key = {};       // empty: FULL_TABLE
  std::string replication_fallback = {};  // read when a row lacks replication_key (Smart+ ads)
  bool selected_by_default = true;
  std::string path = {};          // below /open_api/v1.3/, with the trailing slash
  std::string list_key = "list";  // the array of rows in the response's `data`
  int max_page_size = 1000;       // the endpoint's page_size (or id batch) maximum
  // > 1: advertisers go in batches as `advertiser_ids`; 0: the token's own data (Business
  // Center streams), one unit without an advertiser parameter.
  size_t advertisers_per_unit = 1;
  std::vector<std::string> injected = {};  // properties the rows lack and the tap fills in
  std::vector<std::pair<std::string, std::string>> params = {};  // sent with every request
  // The endpoint filters on `filtering.modified_after` (§3.2, ads): incremental units ask TikTok
  // for the objects modified since their start instead of reading every page.
  bool server_modified_after = false;
  StreamHooks hooks = {};
  const ReportStream* report = nullptr;  // report streams: their row of the report table
  // Entities whose details come from an endpoint of their own (GMV Max campaigns): the request
  // for one row's details (the unit's advertiser is added); its `data` joins the row's record.
  ApiRequest (*details)(const rapidjson::Value& row) = nullptr;
  // The endpoint has rate limits of its own (GMV Max reports): their values from the settings.
  EndpointLimit (*endpoint_limit)(const Settings& settings) = nullptr;

  /// The stream's full JSON Schema (from schemas/, or composed for reports).
  rapidjson::Document Schema() const;
  /// Whether discovery marks `property` selected by default (a report's long-tail metrics are
  /// available but not selected by default).
  bool PropertySelectedByDefault(std::string_view property) const;
  /// Whether the tap fills `property` in itself.
  bool Injects(std::string_view property) const;
  /// Whether the stream reads the token's data rather than an advertiser's.
  bool PerToken() const { return advertisers_per_unit == 0; }
};

/// The entity streams, in sync order.
const std::vector<StreamDef>& EntityStreams();

/// The stream row of a report stream (built-in or custom; `report` must outlive it).
StreamDef ReportStreamDef(const ReportStream& report);

/// Every stream: entity streams, the built-in reports, then `custom` reports (which must outlive
/// the result).
std::vector<StreamDef> AllStreams(const std::vector<ReportStream>& custom);

}  // namespace tap
