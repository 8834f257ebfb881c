#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/simulator/sim_data.h"
#include "tests/simulator/sim_oauth.h"
#include "tests/simulator/sim_wire.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sim {

/// An HTTP answer.
struct Reply {
  int status = 200;
  std::string body;
  // With a charset, cpp-httplib does not compress: its brotli is far slower than the tap.
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers = {};
};

/// The TikTok API for Business v1.3 as reference/tiktok_api.md describes it, for the endpoints
/// the tap reads: token checks (40104/40105), the trailing-slash rule, JSON-encoded query
/// parameters (40002 when malformed), page_size maxima, buying-type and status filtering,
/// ids above 2^53, TikTok's timestamp formats, errors as HTTP 200 with a non-zero code.
class Simulator {
 public:
  explicit Simulator(SimConfig config);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Serves on a background thread at host:port (0 picks a free port). Returns the port, or -1
  /// when it cannot bind.
  int Start(const std::string& host, int port);
  /// Stops serving and joins the thread.
  void Stop();

  /// A hostile server for tests: sees every API request first and answers it itself when it
  /// returns true, with anything HTTP allows (a stall, a bomb, an endless body, a forged page).
  /// Set it before Start().
  using Override = std::function<bool(const httplib::Request&, httplib::Response&)>;
  void SetOverride(Override override) { override_ = std::move(override); }

  /// Answers one request without HTTP.
  Reply Handle(std::string_view method, std::string_view path, const Params& params,
               std::string_view access_token_header, bool has_token_header);

  /// The authorization page, GET /portal/auth: a 302 to the app's redirect_uri with a new
  /// auth code (reference §1.3).
  Reply Authorize(const Params& params);
  /// POST /open_api/v1.3/oauth2/access_token/: trades an auth code, once, for the token.
  Reply AccessToken(std::string_view content_type, std::string_view body);

  /// Marks up to `count` live objects of `stream` ("campaigns", "adgroups", "ads",
  /// "smart_plus_ads", "creative_images", "creative_videos", "creative_music") of advertiser
  /// `advertiser` as
  /// modified at `when` (epoch seconds); returns their internal ids.
  std::vector<std::string> Modify(std::string_view stream, size_t advertiser, int count,
                                  int64_t when);

  /// Restates recent report days: conversion metrics of the last `restated_days` days change,
  /// as TikTok's do while attribution settles.
  void Restate() { ++generation_; }

  /// The data set. Not synchronised with Modify(): read it while no request is in flight.
  const SimData& data() const { return data_; }
  const SimConfig& config() const { return config_; }
  long long request_count() const { return requests_; }

  /// Every API request answered so far (control paths excluded), in arrival order.
  struct LoggedRequest {
    std::string path;
    Params params;
    std::chrono::steady_clock::time_point at;
    std::string fault;  // the injected fault, if any
  };
  std::vector<LoggedRequest> RequestLog();

  /// Also appends every API request to `path` as "<unix ms>\t<path>\t<fault or ->" lines, for
  /// tests that run the simulator as a separate process. False when it cannot be opened.
  bool SetRequestLogFile(const std::string& path);

 private:
  Reply Entities(Level level, const Params& params);
  Reply AdvertiserInfo(const Params& params);
  Reply Audiences(const Params& params);
  Reply AuthorizedAdvertisers(const Params& params);
  Reply Control(std::string_view path, const Params& params);
  static std::optional<AssetKind> LibraryKind(std::string_view stream);
  std::vector<std::string> ModifyAssets(const Advertiser& adv, AssetKind kind, int count,
                                        int64_t when);
  int AdvertiserIndex(std::string_view id) const;
  /// Counts a GMV Max report request against the endpoint's own limits (config gmv_max_qps,
  /// _qpm, _qpd); false (not counted) when one is reached.
  bool AdmitGmvMaxReport();
  /// The fault to inject for this request ("" for none): each distinct request is faulted at
  /// most once, chosen deterministically from the seed, so a retry succeeds.
  std::string PickFault(std::string_view path, const Params& params);
  std::string Envelope(long code, std::string_view message, std::string_view data_json);

  SimConfig config_;
  SimData data_;
  void Record(LoggedRequest request);  // caller holds by_path_mutex_
  /// Counts an answered API request and logs it (RequestLog, the request log file).
  void Count(std::string_view path, const Params& params);

  std::unique_ptr<OAuth> oauth_;
  std::shared_mutex mutex_;
  std::atomic<long long> requests_{0};
  std::atomic<int> generation_{0};
  std::map<std::string, long long> by_path_;
  std::vector<LoggedRequest> log_;
  std::set<uint64_t> faulted_;
  std::FILE* log_file_ = nullptr;
  std::mutex by_path_mutex_;  // guards by_path_, log_ and faulted_
  std::mutex gmv_mutex_;      // guards gmv_times_ and gmv_today_
  std::deque<std::chrono::steady_clock::time_point> gmv_times_;  // the last minute's
  long gmv_today_ = 0;
  Override override_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace sim
