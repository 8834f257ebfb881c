#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tap/http.h"
#include "tap/secret.h"
#include "tap/status.h"

namespace tap {

/// What `--exchange-auth-code` sends to POST /oauth2/access_token/ (reference §1.3).
struct AuthCodeExchange {
  std::string app_id;
  Secret secret;         // the app's secret: from a file or the environment, never argv
  Secret auth_code;      // single-use and valid for an hour; redacted like the others
  std::string api_root;  // as ResolveApiBaseUrl gives it, ending in "/open_api/v1.3/"
  long timeout_seconds = 60;
};

/// What TikTok grants: a long-term token (it does not expire until revoked) and the advertisers
/// the authorizing user gave it.
struct TokenGrant {
  Secret access_token;
  std::vector<std::string> advertiser_ids;
};

/// Checks the parts the user typed before anything is sent: a numeric app id, a secret and a
/// code without spaces. Errors are kUsage and name the option to fix.
Status CheckExchange(const AuthCodeExchange& exchange);

/// The app secret kept in `path` (surrounding white space and the final newline dropped); a
/// missing, unreadable or empty file is a kUsage error naming it.
Result<Secret> ReadSecretFile(const std::string& path);

/// The JSON body of the request.
std::string ExchangeBody(const AuthCodeExchange& exchange);

/// Reads TikTok's answer: the grant, or an error that says what to do (a used or expired code,
/// a wrong app id or secret, a host that is not the TikTok API). Never quotes the secret.
Result<TokenGrant> ReadGrant(const HttpResponse& response);

/// Sends the exchange over `transport` and reads the grant.
Result<TokenGrant> ExchangeAuthCode(const AuthCodeExchange& exchange, Transport& transport);

/// The grant as a JSON config fragment: {"access_token": ..., "advertiser_ids": [...]}.
std::string ConfigFragment(const TokenGrant& grant);

/// The stderr lines that say where the fragment goes (a config file, or Meltano's settings).
std::string WhereToPutIt(const TokenGrant& grant);

}  // namespace tap
