#include "tests/simulator/sim_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>

#include "tap/embedded_schemas.h"
#include "tap/http.h"
#include "tests/simulator/sim_gmv_max.h"
#include "tests/simulator/sim_library.h"
#include "tests/simulator/sim_reports.h"
#include "tests/simulator/sim_smart_plus.h"
#include "tests/simulator/sim_wire.h"

namespace sim {
namespace {

const char* StreamOf(Level level) {
  switch (level) {
    case Level::kCampaign:
      return "campaigns";
    case Level::kAdgroup:
      return "adgroups";
    case Level::kAd:
      return "ads";
  }
  return "";
}

const char* BuyingTypeName(BuyingType b) {
  switch (b) {
    case BuyingType::kAuction:
      return "AUCTION";
    case BuyingType::kReservationRf:
      return "RESERVATION_RF";
    case BuyingType::kReservationTopView:
      return "RESERVATION_TOP_VIEW";
  }
  return "AUCTION";
}

// Fields the API always returns; every other field is missing from some rows.
bool IsCore(std::string_view f) {
  static const std::set<std::string_view> core = {"advertiser_id",    "campaign_id",
                                                  "campaign_name",    "adgroup_id",
                                                  "adgroup_name",     "ad_id",
                                                  "ad_name",          "create_time",
                                                  "modify_time",      "operation_status",
                                                  "secondary_status", "budget",
                                                  "audience_id",      "name",
                                                  "cover_num",        "is_valid"};
  return core.count(f) != 0;
}

// §3.3: a Promote campaign comes with these fields only.
bool IsPromoteCampaignField(std::string_view f) {
  return f == "advertiser_id" || f == "campaign_id" || f == "create_time" || f == "campaign_name" ||
         f == "operation_status" || f == "secondary_status";
}

}  // namespace

namespace {

// The advertisers an authorization grants: all but those reachable through a Business Center only.
std::vector<std::string> AuthorizedIds(const SimData& data) {
  std::vector<std::string> ids;
  for (const Advertiser& adv : data.advertisers) {
    if (!adv.bc_only) ids.push_back(adv.id);
  }
  return ids;
}

}  // namespace

Simulator::Simulator(SimConfig config)
    : config_(std::move(config)),
      data_(Generate(config_)),
      oauth_(std::make_unique<OAuth>(config_, AuthorizedIds(data_))) {}

Reply Simulator::Authorize(const Params& params) {
  OAuth::Redirect redirect = oauth_->Authorize(params);
  if (!redirect.error.empty()) return Reply{400, redirect.error, "text/plain"};
  return Reply{302, "", "text/plain", {{"Location", redirect.location}}};
}

Reply Simulator::AccessToken(std::string_view content_type, std::string_view body) {
  Count("/open_api/v1.3/oauth2/access_token/", {});  // the body, with the secret, is not logged
  OAuth::Answer answer = oauth_->Exchange(content_type, body);
  return Reply{200, Envelope(answer.code, answer.message, answer.data_json)};
}

Simulator::~Simulator() {
  Stop();
  if (log_file_ != nullptr) std::fclose(log_file_);
}

int Simulator::Start(const std::string& host, int port) {
  server_ = std::make_unique<httplib::Server>();
  server_->set_tcp_nodelay(true);          // no 40 ms Nagle/delayed-ACK stall per response
  server_->set_keep_alive_max_count(100);  // like a real API front end, not every 5 requests
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Params params(req.params.begin(), req.params.end());
    bool api = req.path.rfind("/open_api/", 0) == 0;
    if (api && config_.latency_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(config_.latency_ms));
    }
    if (api && override_ && override_(req, res)) return;  // the test keeps its own count
    std::string fault = api ? PickFault(req.path, params) : "";
    if (!fault.empty()) {
      {
        std::lock_guard<std::mutex> lock(by_path_mutex_);
        Record(LoggedRequest{req.path, params, std::chrono::steady_clock::now(), fault});
      }
      if (fault == "stall") {
        std::this_thread::sleep_for(std::chrono::milliseconds(config_.stall_ms));
      } else if (fault == "reset") {
        // Promise a body, send half, then drop the connection.
        auto body = std::make_shared<std::string>(Envelope(
            0, "OK",
            R"({"list":[],"page_info":{"page":1,"page_size":10,"total_number":0,"total_page":0}})"));
        res.set_content_provider(body->size(), "application/json; charset=utf-8",
                                 [body](size_t offset, size_t, httplib::DataSink& sink) {
                                   if (offset == 0) sink.write(body->data(), body->size() / 2);
                                   return false;
                                 });
        return;
      } else if (fault.rfind("http", 0) == 0) {
        res.status = std::stoi(fault.substr(4));
        res.set_content("<html><body><h1>" + fault.substr(4) + " Bad Gateway</h1></body></html>",
                        "text/html");
        return;
      } else if (fault == "truncated") {
        std::string body = Envelope(0, "OK", R"({"list":[{"a":1}],"page_info":{"page":1}})");
        res.set_content(body.substr(0, body.size() / 2), "application/json; charset=utf-8");
        return;
      } else {  // a TikTok error code
        res.set_content(Envelope(std::stol(fault), "Simulated fault, retry later.", "{}"),
                        "application/json; charset=utf-8");
        return;
      }
    }
    bool has_token = req.has_header("Access-Token");
    Reply reply =
        req.path == "/portal/auth" && req.method == "GET" ? Authorize(params)
        : req.path == "/open_api/v1.3/oauth2/access_token/" && req.method == "POST"
            ? AccessToken(req.get_header_value("Content-Type"), req.body)
            : Handle(req.method, req.path, params,
                     has_token ? req.get_header_value("Access-Token") : std::string(), has_token);
    res.status = reply.status;
    // Moved, not copied: report pages run to megabytes.
    res.body = std::move(reply.body);
    res.set_header("Content-Type", reply.content_type);
    for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  };
  // Control paths are answered before the body is read: cpp-httplib refuses a POST without a
  // Content-Length (`curl -X POST .../_sim/restate`) with 400 once it reads the body.
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/_sim/", 0) != 0) return httplib::Server::HandlerResponse::Unhandled;
    Reply reply = Control(req.path, Params(req.params.begin(), req.params.end()));
    res.status = reply.status;
    res.set_content(reply.body, reply.content_type);
    return httplib::Server::HandlerResponse::Handled;
  });
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  int bound = port == 0 ? server_->bind_to_any_port(host.c_str())
                        : (server_->bind_to_port(host.c_str(), port) ? port : -1);
  if (bound < 0) return -1;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void Simulator::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

std::string Simulator::Envelope(long code, std::string_view message, std::string_view data_json) {
  rapidjson::StringBuffer quoted;
  Writer w(quoted);
  Str(w, message);
  unsigned long long n = static_cast<unsigned long long>(requests_.load());
  return fmt::format(R"({{"code":{},"message":{},"request_id":"{:016X}{:016X}","data":{}}})", code,
                     std::string_view(quoted.GetString(), quoted.GetSize()), n,
                     Mix(config_.seed, n), data_json);
}

std::string Simulator::PickFault(std::string_view path, const Params& params) {
  if (config_.fault_rate <= 0) return "";
  uint64_t key = Mix(config_.seed, path);
  for (const auto& [k, v] : params) key = Mix(Mix(key, k), v);
  if (static_cast<double>(key % 10000) >= config_.fault_rate * 10000) return "";
  {
    std::lock_guard<std::mutex> lock(by_path_mutex_);
    if (!faulted_.insert(key).second) return "";  // already failed once: the retry succeeds
  }
  static const char* const kFaults[] = {
      "40100",   "40133",   "40016",   "40132",   "61000", "50000", "50002",
      "51010",   "52001",   "60001",   "40200",   "40202", "40700", "http429",
      "http500", "http502", "http503", "http504", "reset", "stall", "truncated"};
  return kFaults[Mix(key, 0xFA17) % (sizeof kFaults / sizeof kFaults[0])];
}

namespace {

// The query string of a request, percent-encoded, so a log line can be replayed (bench/).
std::string QueryString(const Params& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (key == "secret") continue;  // never written anywhere
    if (!out.empty()) out += '&';
    out += tap::UrlEncode(key) + '=' + tap::UrlEncode(value);
  }
  return out;
}

}  // namespace

void Simulator::Count(std::string_view path, const Params& params) {
  ++requests_;
  std::lock_guard<std::mutex> lock(by_path_mutex_);
  ++by_path_[std::string(path)];
  Record(LoggedRequest{std::string(path), params, std::chrono::steady_clock::now(), ""});
}

void Simulator::Record(LoggedRequest request) {
  if (log_file_ != nullptr) {
    long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    std::fprintf(log_file_, "%lld\t%s\t%s\t%s\n", ms, request.path.c_str(),
                 request.fault.empty() ? "-" : request.fault.c_str(),
                 QueryString(request.params).c_str());
    std::fflush(log_file_);
  }
  log_.push_back(std::move(request));
}

bool Simulator::SetRequestLogFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(by_path_mutex_);
  if (log_file_ != nullptr) std::fclose(log_file_);
  log_file_ = std::fopen(path.c_str(), "a");
  return log_file_ != nullptr;
}

std::vector<Simulator::LoggedRequest> Simulator::RequestLog() {
  std::lock_guard<std::mutex> lock(by_path_mutex_);
  return log_;
}

bool Simulator::AdmitGmvMaxReport() {
  std::lock_guard<std::mutex> lock(gmv_mutex_);
  auto now = std::chrono::steady_clock::now();
  while (!gmv_times_.empty() && gmv_times_.front() <= now - std::chrono::minutes(1)) {
    gmv_times_.pop_front();
  }
  auto second = std::count_if(gmv_times_.begin(), gmv_times_.end(),
                              [&](auto t) { return t > now - std::chrono::seconds(1); });
  if (second >= config_.gmv_max_qps ||
      static_cast<long>(gmv_times_.size()) >= config_.gmv_max_qpm ||
      gmv_today_ >= config_.gmv_max_qpd) {
    return false;
  }
  gmv_times_.push_back(now);
  ++gmv_today_;
  return true;
}

int Simulator::AdvertiserIndex(std::string_view id) const {
  for (size_t i = 0; i < data_.advertisers.size(); ++i) {
    if (data_.advertisers[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

Reply Simulator::Handle(std::string_view method, std::string_view path, const Params& params,
                        std::string_view token, bool has_token) {
  if (path.rfind("/_sim/", 0) == 0) return Control(path, params);
  Count(path, params);

  constexpr std::string_view kRoot = "/open_api/v1.3/";
  static const std::set<std::string_view> known = {"campaign/get/",
                                                   "adgroup/get/",
                                                   "ad/get/",
                                                   "advertiser/info/",
                                                   "dmp/custom_audience/list/",
                                                   "oauth2/advertiser/get/",
                                                   "user/info/",
                                                   "report/integrated/get/"};
  std::string_view below = path.rfind(kRoot, 0) == 0 ? path.substr(kRoot.size()) : "";
  bool served =
      path.rfind(kRoot, 0) == 0 && (known.count(below) != 0 || IsLibraryEndpoint(below) ||
                                    IsSmartPlusEndpoint(below) || IsGmvMaxEndpoint(below));
  if (!served || method != "GET") {
    // The real API answers an unknown path, or one without its trailing slash, like this.
    return Reply{404, "404 page not found", "text/plain"};
  }
  std::string_view endpoint = path.substr(kRoot.size());
  for (const auto& [key, value] : params) {
    if (params.count(key) > 1) {
      return Reply{200, Envelope(40002, fmt::format("{}: Duplicate parameter.", key), "{}")};
    }
  }
  if (!has_token) {
    return Reply{200, Envelope(40104,
                               "Access token is null, you should set it in http header with key "
                               "Access-Token.",
                               "{}")};
  }
  if (token != config_.access_token) {
    return Reply{200, Envelope(40105, "Access token is incorrect or has been revoked.", "{}")};
  }
  std::shared_lock<std::shared_mutex> lock(mutex_);
  try {
    if (endpoint == "campaign/get/") return Entities(Level::kCampaign, params);
    if (endpoint == "adgroup/get/") return Entities(Level::kAdgroup, params);
    if (endpoint == "ad/get/") return Entities(Level::kAd, params);
    if (endpoint == "advertiser/info/") return AdvertiserInfo(params);
    if (endpoint == "dmp/custom_audience/list/") return Audiences(params);
    if (IsLibraryEndpoint(endpoint)) {
      return Reply{200, Envelope(0, "OK", LibraryData(endpoint, data_, config_, params))};
    }
    if (endpoint == "gmv_max/report/get/" && !AdmitGmvMaxReport()) {
      // Its own limit (§9.3), answered as TikTok answers rate limits: HTTP 200, code 40100.
      return Reply{200, Envelope(40100,
                                 "Too many requests. The request frequency of GMV Max reports "
                                 "exceeds the limit of your app.",
                                 "{}")};
    }
    if (IsGmvMaxEndpoint(endpoint)) {
      return Reply{200, Envelope(0, "OK", GmvMaxData(endpoint, data_, SimNow(config_), params))};
    }
    if (IsSmartPlusEndpoint(endpoint)) {
      return Reply{200, Envelope(0, "OK", SmartPlusData(endpoint, data_, params))};
    }
    if (endpoint == "user/info/") {
      // The token's user (the singer-io tap checks the token here before a sync).
      return Reply{200, Envelope(0, "OK",
                                 R"({"core_user_id":"7100000000000000777","display_name":)"
                                 R"("Simulated User","email":"user@example.invalid",)"
                                 R"("avatar_url":null,"create_time":1672531200})")};
    }
    if (endpoint == "report/integrated/get/") {
      int64_t now = SimNow(config_);
      try {
        ReportPage page = IntegratedReport(data_, config_, generation_, now, params);
        Reply reply{200, Envelope(0, "OK", page.data)};
        if (page.truncated) {
          reply.headers.emplace_back(
              "X-Tt-Ads-Throttle",
              fmt::format("The report covers more than {} ids; only the newest {} by create time "
                          "are returned. Filter by ids to get the rest.",
                          config_.report_id_limit, config_.report_id_limit));
        }
        return reply;
      } catch (const ReportError& e) {
        return Reply{200, Envelope(e.code, e.message, "{}")};
      }
    }
    return AuthorizedAdvertisers(params);
  } catch (const ApiError& e) {
    return Reply{200, Envelope(e.code, e.message, "{}")};
  }
}

Reply Simulator::Entities(Level level, const Params& params) {
  const Advertiser& adv = RequiredAdvertiser(data_, params);
  long long page = ParseInt(params, "page", 1, 1, 99999);
  long long page_size = ParseInt(params, "page_size", 10, 1, 1000);
  const char* stream = StreamOf(level);
  const rapidjson::Value& props = SchemaProperties(stream);

  std::vector<std::string> fields;
  rapidjson::Document fields_doc = ParseJsonParam(params, "fields");
  if (!fields_doc.IsNull()) {
    fields = StringList(fields_doc, "fields", 1000);
    for (const std::string& f : fields) {
      if (!props.HasMember(f.c_str())) {
        throw ApiError{40002, fmt::format("fields: Invalid field: {}.", f)};
      }
    }
  } else {
    for (const auto& m : props.GetObject()) fields.emplace_back(m.name.GetString());
  }
  ParseJsonParam(params, "exclude_field_types_in_response");

  // filtering: an object (§3.2).
  std::set<BuyingType> buying = {BuyingType::kAuction, BuyingType::kReservationRf};
  std::string primary = "STATUS_NOT_DELETE";
  std::set<uint64_t> campaign_ids, adgroup_ids, ad_ids;
  int64_t modified_after = -1;
  bool promote = false;  // §9.1: campaign_system_origins defaults to TT_ADS_PLATFORM
  rapidjson::Document filtering = ParseJsonParam(params, "filtering");
  if (!filtering.IsNull()) {
    if (!filtering.IsObject()) throw ApiError{40002, "filtering: Not a valid dict."};
    for (const auto& m : filtering.GetObject()) {
      std::string key = m.name.GetString();
      if (key == "buying_types") {
        buying.clear();
        std::vector<std::string> values = StringList(m.value, "filtering.buying_types", 3);
        for (const std::string& v : values) {
          if (v == "AUCTION") {
            buying.insert(BuyingType::kAuction);
          } else if (v == "RESERVATION_RF") {
            buying.insert(BuyingType::kReservationRf);
          } else if (v == "RESERVATION_TOP_VIEW") {
            buying.insert(BuyingType::kReservationTopView);
          } else {
            throw ApiError{40002, fmt::format("filtering.buying_types: Invalid value {}.", v)};
          }
        }
        if (buying.count(BuyingType::kReservationTopView) != 0 && buying.size() > 1) {
          throw ApiError{40002,
                         "filtering.buying_types: RESERVATION_TOP_VIEW cannot be used together "
                         "with other buying types."};
        }
      } else if (key == "primary_status" && m.value.IsString()) {
        primary = m.value.GetString();
        static const std::set<std::string> allowed = {
            "STATUS_NOT_DELETE",      "STATUS_ALL",
            "STATUS_DELETE",          "STATUS_DELIVERY_OK",
            "STATUS_DISABLE",         "STATUS_NOT_DELIVERY",
            "STATUS_TIME_DONE",       "STATUS_RF_CLOSED",
            "STATUS_FROZEN",          "STATUS_DELIVERY_PARTIAL",
            "STATUS_DELIVERY_CATALOG"};
        if (allowed.count(primary) == 0) {
          throw ApiError{40002,
                         fmt::format("filtering.primary_status: Invalid value {}.", primary)};
        }
      } else if (key == "secondary_status" && m.value.IsString()) {
        std::string v = m.value.GetString();
        if (v.size() > 4 && v.compare(v.size() - 4, 4, "_ALL") == 0) {
          primary = "STATUS_ALL";
        } else if (v.find("NOT_DELETE") != std::string::npos) {
          primary = "STATUS_NOT_DELETE";
        } else if (v.size() > 7 && v.compare(v.size() - 7, 7, "_DELETE") == 0) {
          primary = "STATUS_DELETE";
        } else {
          throw ApiError{40002, fmt::format("filtering.secondary_status: Invalid value {}.", v)};
        }
      } else if (key == "campaign_ids" || key == "adgroup_ids" || key == "ad_ids") {
        if ((key == "adgroup_ids" && level == Level::kCampaign) ||
            (key == "ad_ids" && level != Level::kAd)) {
          throw ApiError{40002, fmt::format("filtering.{}: Unknown field.", key)};
        }
        auto& target = key == "campaign_ids"  ? campaign_ids
                       : key == "adgroup_ids" ? adgroup_ids
                                              : ad_ids;
        for (const std::string& id : StringList(m.value, "filtering." + key, 100)) {
          target.insert(std::strtoull(id.c_str(), nullptr, 10));
        }
      } else if (key == "modified_after" && level == Level::kAd && m.value.IsString()) {
        std::string v = m.value.GetString();
        struct tm tm {};
        if (strptime(v.c_str(), "%Y-%m-%d %H:%M:%S", &tm) == nullptr) {
          throw ApiError{40002, "filtering.modified_after: Not a valid datetime."};
        }
        modified_after = timegm(&tm);
      } else if (key == "campaign_system_origins") {
        std::vector<std::string> values = StringList(m.value, "filtering." + key, 2);
        // Whether both origins may share a request is not documented: refused here, so the
        // tap must use one request per origin (which always works).
        if (values.size() != 1 || (values[0] != "PROMOTE" && values[0] != "TT_ADS_PLATFORM")) {
          throw ApiError{40002,
                         "filtering.campaign_system_origins: Must be [\"PROMOTE\"] or "
                         "[\"TT_ADS_PLATFORM\"]."};
        }
        promote = values[0] == "PROMOTE";
      } else if (key == "objective_type" || key == "creation_filter_start_time" ||
                 key == "creation_filter_end_time") {
        // Accepted; the simulated objects do not vary on these.
      } else {
        throw ApiError{40002, fmt::format("filtering.{}: Unknown field.", key)};
      }
    }
  }
  bool top_view = buying.count(BuyingType::kReservationTopView) != 0;
  if (top_view && page_size > 100) {
    throw ApiError{40002,
                   "page_size: Must be less than or equal to 100 when filtering by "
                   "RESERVATION_TOP_VIEW."};
  }

  const std::vector<Entity>& all = level == Level::kCampaign  ? data_.campaigns
                                   : level == Level::kAdgroup ? data_.adgroups
                                                              : data_.ads;
  const std::vector<uint32_t>& mine = level == Level::kCampaign  ? adv.campaigns
                                      : level == Level::kAdgroup ? adv.adgroups
                                                                 : adv.ads;
  std::vector<const Entity*> matched;
  for (uint32_t index : mine) {
    const Entity& e = all[index];
    if (buying.count(e.buying_type) == 0 || e.promote != promote) continue;
    bool keep = primary == "STATUS_ALL" || (primary == "STATUS_DELETE" && e.deleted) ||
                (primary == "STATUS_NOT_DELETE" && !e.deleted) ||
                (primary == "STATUS_DELIVERY_OK" && !e.deleted && e.enabled) ||
                (primary == "STATUS_DISABLE" && !e.deleted && !e.enabled);
    if (!keep) continue;
    if (!campaign_ids.empty() && campaign_ids.count(data_.campaigns[e.campaign].id) == 0) continue;
    if (!adgroup_ids.empty() && adgroup_ids.count(data_.adgroups[e.adgroup].id) == 0) continue;
    if (!ad_ids.empty() && ad_ids.count(e.id) == 0) continue;
    if (modified_after >= 0 && e.has_modify_time && e.modify_time < modified_after) continue;
    matched.push_back(&e);
  }

  const std::string prefix = level == Level::kCampaign  ? "CAMPAIGN"
                             : level == Level::kAdgroup ? "ADGROUP"
                                                        : "AD";
  std::string body = ListData("list", matched.size(), page, page_size, [&](Writer& w, size_t i) {
    const Entity& e = *matched[i];
    const Entity& camp = data_.campaigns[e.campaign];
    const Entity& group = data_.adgroups[e.adgroup];
    w.StartObject();
    for (const std::string& f : fields) {
      uint64_t h = Mix(e.id, f);
      if (f == "campaign_system_origin") {
        if (e.promote) {  // returned for Promote objects only
          w.Key(f.c_str());
          Str(w, "PROMOTE");
        }
        continue;
      }
      if (e.promote && level == Level::kCampaign && !IsPromoteCampaignField(f)) continue;
      if (!IsCore(f) && h % 9 == 0) continue;  // conditional fields are often absent
      if (f == "modify_time" && !e.has_modify_time) continue;
      w.Key(f.c_str());
      if (f == "advertiser_id") {
        Str(w, adv.id);
      } else if (f == "campaign_id") {
        Str(w, std::to_string(camp.id));
      } else if (f == "campaign_name") {
        Str(w, fmt::format("Campaign {} \xC3\xA9t\xC3\xA9", camp.id % 100000));  // non-ASCII too
      } else if (f == "adgroup_id") {
        Str(w, std::to_string(group.id));
      } else if (f == "adgroup_name") {
        Str(w, fmt::format("Ad group {}", group.id % 100000));
      } else if (f == "ad_id") {
        Str(w, std::to_string(e.id));
      } else if (f == "ad_name") {
        Str(w, fmt::format("Ad \"{}\"", e.id % 100000));
      } else if (f == "create_time") {
        Str(w, TikTokTime(e.create_time));
      } else if (f == "modify_time") {
        Str(w, TikTokTime(e.modify_time));
      } else if (f == "operation_status") {
        Str(w, e.deleted ? "DELETE" : e.enabled ? "ENABLE" : "DISABLE");
      } else if (f == "secondary_status") {
        Str(w, fmt::format("{}_STATUS_{}", prefix,
                           e.deleted   ? "DELETE"
                           : e.enabled ? "DELIVERY_OK"
                                       : "DISABLE"));
      } else if (f == "budget") {
        // TikTok sends budgets as JSON numbers with varying decimals.
        Raw(w, fmt::format("{}.{}", 50 + h % 5000, h % 3 == 0 ? "0" : h % 3 == 1 ? "5" : "25"));
      } else if (f == "page_id" || f == "tracking_pixel_id" || f == "product_set_id") {
        Raw(w, std::to_string(7100000000000000000ULL + h % 1000000));  // ints in the API
      } else if (f == "buying_type") {
        Str(w, BuyingTypeName(e.buying_type));
      } else if (level != Level::kCampaign && WriteAssetReference(w, f, adv, data_, e.id)) {
        // A video, image, identity, post or pixel of the advertiser's library.
      } else {
        Generic(w, props[f.c_str()], f, h, e.create_time);
      }
    }
    w.EndObject();
  });
  return Reply{200, Envelope(0, "OK", body)};
}

Reply Simulator::AdvertiserInfo(const Params& params) {
  rapidjson::Document ids_doc = ParseJsonParam(params, "advertiser_ids");
  if (ids_doc.IsNull()) throw ApiError{40002, "advertiser_ids: Missing data for required field."};
  std::vector<std::string> ids = StringList(ids_doc, "advertiser_ids", 100);
  const rapidjson::Value& props = SchemaProperties("advertisers");
  std::vector<std::string> fields;
  rapidjson::Document fields_doc = ParseJsonParam(params, "fields");
  if (!fields_doc.IsNull()) {
    fields = StringList(fields_doc, "fields", 100);
    for (const std::string& f : fields) {
      if (!props.HasMember(f.c_str()))
        throw ApiError{40002, fmt::format("fields: Invalid field: {}.", f)};
    }
  } else {
    for (const auto& m : props.GetObject()) fields.emplace_back(m.name.GetString());
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("list");
  w.StartArray();
  for (const std::string& id : ids) {
    int index = AdvertiserIndex(id);
    if (index < 0)
      throw ApiError{40001, fmt::format("No permission to operate advertiser {}.", id)};
    const Advertiser& adv = data_.advertisers[static_cast<size_t>(index)];
    w.StartObject();
    for (const std::string& f : fields) {
      uint64_t h = Mix(std::strtoull(adv.id.c_str(), nullptr, 10), f);
      w.Key(f.c_str());
      if (f == "advertiser_id") {
        Str(w, adv.id);
      } else if (f == "name") {
        Str(w, adv.name);
      } else if (f == "timezone") {
        Str(w, adv.timezone);
      } else if (f == "display_timezone") {
        Str(w, adv.display_timezone);
      } else if (f == "currency") {
        Str(w, adv.currency);
      } else if (f == "create_time") {
        Raw(w, std::to_string(adv.create_time));  // epoch seconds, an integer
      } else if (f == "balance") {
        Raw(w, fmt::format("{}.{:02d}", h % 100000, h % 100));
      } else if (f == "status") {
        Str(w, "STATUS_ENABLE");
      } else if (f == "role") {
        Str(w, "ROLE_ADVERTISER");
      } else if (f == "language") {
        Str(w, h % 2 == 0 ? "en" : "");
      } else if (f == "license_url") {
        w.Null();
      } else {
        Generic(w, props[f.c_str()], f, h, adv.create_time);
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Reply{200, Envelope(0, "OK", std::string_view(buffer.GetString(), buffer.GetSize()))};
}

Reply Simulator::Audiences(const Params& params) {
  const Advertiser& adv = RequiredAdvertiser(data_, params);
  long long page = ParseInt(params, "page", 1, 1, 99999);
  long long page_size = ParseInt(params, "page_size", 10, 1, 100);
  std::set<uint64_t> only;
  rapidjson::Document ids_doc = ParseJsonParam(params, "custom_audience_ids");
  if (!ids_doc.IsNull()) {
    for (const std::string& id : StringList(ids_doc, "custom_audience_ids", 100)) {
      only.insert(std::strtoull(id.c_str(), nullptr, 10));
    }
  }
  std::vector<const Audience*> matched;
  for (uint32_t index : adv.audiences) {
    const Audience& a = data_.audiences[index];
    if (only.empty() || only.count(a.id) != 0) matched.push_back(&a);
  }
  const rapidjson::Value& props = SchemaProperties("audiences");
  static const char* const kTypes[] = {"Customer File Audience", "Lookalike Audience",
                                       "Engagement Audience", "Website Traffic Audience"};
  std::string body = ListData("list", matched.size(), page, page_size, [&](Writer& w, size_t i) {
    const Audience& a = *matched[i];
    w.StartObject();
    for (const auto& m : props.GetObject()) {
      std::string_view f = m.name.GetString();
      if (f == "advertiser_id") continue;  // the list does not carry it
      uint64_t h = Mix(a.id, f);
      bool lookalike = a.id % 4 == 1;
      if (f == "lookalike_spec" && !lookalike) continue;
      if (!IsCore(f) && f != "lookalike_spec" && h % 9 == 0) continue;
      w.Key(f.data(), static_cast<rapidjson::SizeType>(f.size()));
      if (f == "audience_id") {
        Str(w, std::to_string(a.id));
      } else if (f == "name") {
        Str(w, fmt::format("Audience {}", a.id % 10000));
      } else if (f == "audience_type") {
        Str(w, kTypes[a.id % 4]);
      } else if (f == "create_time") {
        Str(w, TikTokTime(a.create_time));
      } else if (f == "expired_time") {
        Str(w, TikTokTime(a.create_time + 365LL * 86400));
      } else if (f == "owner_id") {
        Str(w, adv.id);
      } else {
        Generic(w, m.value, f, h, a.create_time);
      }
    }
    w.EndObject();
  });
  return Reply{200, Envelope(0, "OK", body)};
}

Reply Simulator::AuthorizedAdvertisers(const Params& params) {
  if (Param(params, "app_id").empty() || Param(params, "secret").empty()) {
    throw ApiError{40002, "app_id and secret: Missing data for required field."};
  }
  if (Param(params, "app_id") != config_.app_id || Param(params, "secret") != config_.secret) {
    throw ApiError{40101, "Invalid app_id or secret."};
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("list");
  w.StartArray();
  for (const Advertiser& adv : data_.advertisers) {
    if (adv.bc_only) continue;  // reachable through its Business Center only
    w.StartObject();
    w.Key("advertiser_id");
    Str(w, adv.id);
    w.Key("advertiser_name");
    Str(w, adv.name);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Reply{200, Envelope(0, "OK", std::string_view(buffer.GetString(), buffer.GetSize()))};
}

std::vector<std::string> Simulator::Modify(std::string_view stream, size_t advertiser, int count,
                                           int64_t when) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  std::vector<std::string> ids;
  if (advertiser >= data_.advertisers.size()) return ids;
  Advertiser& adv = data_.advertisers[advertiser];
  if (auto kind = LibraryKind(stream)) return ModifyAssets(adv, *kind, count, when);
  std::vector<Entity>* all = stream == "campaigns"        ? &data_.campaigns
                             : stream == "adgroups"       ? &data_.adgroups
                             : stream == "ads"            ? &data_.ads
                             : stream == "smart_plus_ads" ? &data_.smart_plus_ads
                                                          : nullptr;
  if (all == nullptr) return ids;
  const std::vector<uint32_t>& mine = stream == "campaigns"  ? adv.campaigns
                                      : stream == "adgroups" ? adv.adgroups
                                      : stream == "ads"      ? adv.ads
                                                             : adv.smart_plus_ads;
  for (uint32_t index : mine) {
    Entity& e = (*all)[index];
    if (e.deleted || e.promote || e.buying_type == BuyingType::kReservationTopView) continue;
    if (static_cast<int>(ids.size()) >= count) break;
    e.modify_time = when;
    e.has_modify_time = true;
    ids.push_back(std::to_string(e.id));
  }
  return ids;
}

std::optional<AssetKind> Simulator::LibraryKind(std::string_view stream) {
  if (stream == "creative_images") return AssetKind::kImage;
  if (stream == "creative_videos") return AssetKind::kVideo;
  if (stream == "creative_music") return AssetKind::kMusic;
  return std::nullopt;
}

std::vector<std::string> Simulator::ModifyAssets(const Advertiser& adv, AssetKind kind, int count,
                                                 int64_t when) {
  std::vector<std::string> ids;
  for (uint32_t index : adv.library[static_cast<size_t>(kind)]) {
    if (static_cast<int>(ids.size()) >= count) break;
    data_.assets[index].modify_time = when;
    ids.push_back(std::to_string(data_.assets[index].id));
  }
  return ids;
}

Reply Simulator::Control(std::string_view path, const Params& params) {
  if (path == "/_sim/stats") {
    std::lock_guard<std::mutex> lock(by_path_mutex_);
    std::string body = fmt::format(R"({{"requests":{},"by_path":{{)", requests_.load());
    bool first = true;
    for (const auto& [p, n] : by_path_) {
      body += fmt::format(R"({}"{}":{})", first ? "" : ",", p, n);
      first = false;
    }
    return Reply{200, body + "}}"};
  }
  if (path == "/_sim/restate") {
    Restate();
    return Reply{200, fmt::format(R"({{"generation":{}}})", generation_.load())};
  }
  if (path == "/_sim/modify") {
    int64_t when = SimNow(config_);
    std::vector<std::string> ids =
        Modify(Param(params, "stream"),
               static_cast<size_t>(std::atoi(Param(params, "advertiser").c_str())),
               std::atoi(Param(params, "count").c_str()), when);
    std::string body = "{\"ids\":[";
    for (size_t i = 0; i < ids.size(); ++i) body += (i ? ",\"" : "\"") + ids[i] + "\"";
    return Reply{200, body + "]}"};
  }
  return Reply{404, "404 page not found", "text/plain"};
}

}  // namespace sim
