#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tests/simulator/sim_data.h"
#include "tests/simulator/sim_wire.h"

namespace sim {

/// The advertiser authorization flow of reference §1.3: the portal's authorization page hands
/// an auth code to the app's redirect URL, and POST /oauth2/access_token/ trades the code, once
/// and within its lifetime (an hour by default), for the long-term token.
class OAuth {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  OAuth(const SimConfig& config, std::vector<std::string> advertiser_ids,
        Clock clock = std::chrono::steady_clock::now);

  /// GET /portal/auth?app_id=&redirect_uri=&state=: the user has approved; where the browser
  /// goes next (redirect_uri with auth_code, code and state), or what is wrong (`error`).
  struct Redirect {
    std::string location;
    std::string error;
  };
  Redirect Authorize(const Params& params);

  /// POST /open_api/v1.3/oauth2/access_token/: the envelope's code, message and data.
  struct Answer {
    long code = 0;
    std::string message = "OK";
    std::string data_json = "{}";
  };
  Answer Exchange(std::string_view content_type, std::string_view body);

 private:
  struct Code {
    std::chrono::steady_clock::time_point issued;
    bool used = false;
  };
  Answer Grant(bool with_advertiser_ids) const;

  const SimConfig& config_;
  std::vector<std::string> advertiser_ids_;
  Clock clock_;
  std::mutex mutex_;  // guards codes_ and issued_
  std::map<std::string, Code> codes_;
  uint64_t issued_ = 0;
};

}  // namespace sim
