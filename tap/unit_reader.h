#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "tap/api.h"
#include "tap/env.h"
#include "tap/id_directory.h"
#include "tap/output_queue.h"
#include "tap/pager.h"
#include "tap/plan.h"
#include "tap/reconciliation.h"
#include "tap/singer_writer.h"
#include "tap/transform.h"

namespace tap {

/// What the readers of one sync share (each may be nullptr: no bound, no sharing).
struct ReaderShared {
  PageSlots* merges = nullptr;  // bounds how many units merge metric groups at once
  IdDirectory* ids = nullptr;   // object ids for re-reading truncated reports, listed once
  /// Advertisers already read by the sync's own /advertiser/info/ calls (Accounts::rows).
  const std::map<std::string, std::string>* advertiser_rows = nullptr;
};

/// Reads one work unit on a worker thread. The stream's read hook drives it; the reader gives
/// the hook the page loop, the transformer and the output, and hands RECORD lines to the
/// output queue a slice at a time, so a page's output is never held whole.
class UnitReader {
 public:
  /// `signpost` is the sync's start: no entity bookmark moves past it.
  UnitReader(ApiClient& api, OutputQueue& out, Env& env, const WorkUnit& unit, const Shape& shape,
             Timestamp signpost, ReaderShared shared = {});

  /// Reads the unit with its stream's read hook.
  Status Run();

  const WorkUnit& unit() const { return unit_; }
  const StreamDef& def() const { return *unit_.stream->def; }
  Transformer& transformer() { return transformer_; }
  const Transformer& transformer() const { return transformer_; }
  ApiClient& api() { return api_; }
  Timestamp signpost() const { return signpost_; }
  /// Waits for the right to hold a merge (see the constructor).
  PageSlots::Slot AcquireMerge() {
    return shared_.merges != nullptr ? shared_.merges->Acquire() : PageSlots::Slot();
  }
  /// The ids `requests` (without an advertiser: the unit's is added) list (see IdDirectory::Get),
  /// listed once per run when the sync has a directory.
  Result<IdDirectory::Ids> ListedIds(const std::vector<ApiRequest>& requests,
                                     std::string_view id_field, std::string_view list_key = "list",
                                     bool paged = true);
  /// Whether series `series` of the unit can have rows (see SeriesRequest::probe).
  Result<bool> MayHaveRows(size_t series);
  /// The advertiser's row the sync read before planning (JSON text), or nullptr.
  const std::string* AdvertiserRow(const std::string& id) const;
  /// Reconciled report streams: the unit's daily spend (see ReconciledLevel).
  std::optional<SpendTally>& spend() { return spend_; }
  /// How pages whose rows are read into tables lay them out (ApiRequest::rows); unset: none.
  std::optional<RowLayout>& row_layout() { return row_layout_; }
  long long records() const { return records_; }
  const std::map<std::string, Transformer::Issue>& issues() const { return transformer_.issues(); }

  /// A page loop over `request` with the stream's list key; each page refreshes the records'
  /// time_extracted.
  Pager Pages(ApiRequest request);
  Status ReadPages(const ApiRequest& request, const std::function<Status(Page&)>& on_page);

  /// Reads `row` (through the stream's row hook) into the transformer; an error for a row that
  /// is not an object.
  Status Bind(const rapidjson::Value& row);
  /// Writes the bound row as a RECORD; an error when it lacks a key property.
  Status EmitBound();
  /// Bind, then EmitBound.
  Status Emit(const rapidjson::Value& row);
  /// Emits every row of every page of `request`.
  Status EmitPages(const ApiRequest& request);

  /// The records so far are complete up to `bookmark` (nullopt: nothing to move): hands them
  /// over with a checkpoint.
  void Checkpoint(std::optional<Timestamp> bookmark);
  /// The time_extracted of the records that follow: now.
  void StartPage();

 private:
  void Flush(bool checkpoint, std::optional<Timestamp> bookmark);

  ApiClient& api_;
  OutputQueue& out_;
  Env& env_;
  const WorkUnit& unit_;
  Transformer transformer_;
  Timestamp signpost_;
  ReaderShared shared_;
  std::optional<SpendTally> spend_;
  std::optional<RowLayout> row_layout_;
  // The text around this stream's records, with their time_extracted (StartPage).
  SingerWriter::RecordFrame frame_;
  OutputQueue::Piece piece_;
  long long records_ = 0;
};

// The read hooks of the stream table (StreamHooks::read and ::row).

/// Entity endpoints: every request of the series, page by page, each row marked with its
/// request's campaign_system_origin; incremental streams keep rows modified at or after the
/// unit's start (and rows whose modification time TikTok leaves out) and bookmark the newest.
Status ReadEntities(UnitReader& reader);
/// The advertisers stream: from the rows the sync read before planning, where it read them all;
/// else as ReadEntities.
Status ReadAdvertisers(UnitReader& reader);
bool EntityRow(const rapidjson::Value& row, RowParts* parts);
/// /tt_video/list/ rows: the members of `item_info`, then the row's own (auth_info, user_info,
/// video_info).
bool SparkPostRow(const rapidjson::Value& row, RowParts* parts);
/// /bc/get/ rows: the members of `bc_info`, then the row's own (user_role, ext_user_role).
bool BusinessCenterRow(const rapidjson::Value& row, RowParts* parts);

}  // namespace tap
