#include "tap/token_exchange.h"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

#include "tap/json.h"
#include "tap/log.h"

namespace tap {

namespace {

Status Usage(std::string text) { return Status::Error(ErrorKind::kUsage, std::move(text)); }

bool HasSpace(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0 || std::iscntrl(c) != 0; });
}

// What TikTok's code means here (reference §1.3 and §5), with what to do about it.
std::string CodeAdvice(long long code) {
  switch (code) {
    case 40110:
      return "the auth code was already used, was cancelled, or is over an hour old (a code works "
             "once, for one hour): authorize the app again and exchange the new code at once";
    case 40101:
      return "TikTok did not accept the app id, the secret or the auth code: check --app-id and "
             "the secret against the app's page in the TikTok for Business developer portal, "
             "and that the code was issued for this app";
    case 40002:
      return "TikTok refused the request's parameters";
    default:
      return "the exchange failed";
  }
}

Status Failure(const std::string& detail) {
  return Status::Error(ErrorKind::kAuth, "Could not exchange the auth code: " + detail);
}

// The envelope's error, or nullptr-equivalent Ok when its code is 0.
Status EnvelopeError(const rapidjson::Value& body) {
  const rapidjson::Value* code = FindMember(body, "code");
  if (code == nullptr || !code->IsInt64()) {
    return Failure("the answer is not a TikTok API envelope; check --api-base-url");
  }
  if (code->GetInt64() == 0) return Status::Ok();
  return Failure(fmt::format(
      "{} (TikTok error {}: {}; request_id {})", CodeAdvice(code->GetInt64()), code->GetInt64(),
      Log::Redact(StringMember(body, "message")), Echo(StringMember(body, "request_id"))));
}

Result<std::vector<std::string>> AdvertiserIds(const rapidjson::Value& data) {
  std::vector<std::string> ids;
  const rapidjson::Value* list = FindMember(data, "advertiser_ids");
  if (list == nullptr) return ids;  // return_advertiser_ids false, or none granted
  if (!list->IsArray()) return Failure("data.advertiser_ids in the answer is not a list");
  for (const rapidjson::Value& id : list->GetArray()) {
    if (id.IsString()) {
      ids.emplace_back(id.GetString(), id.GetStringLength());
    } else if (id.IsUint64()) {
      ids.push_back(std::to_string(id.GetUint64()));
    } else {
      return Failure("data.advertiser_ids in the answer holds a value that is not an id");
    }
  }
  return ids;
}

}  // namespace

Status CheckExchange(const AuthCodeExchange& exchange) {
  const std::string& id = exchange.app_id;
  if (id.empty()) return Usage("--app-id is required with --exchange-auth-code");
  if (id.size() > 32 ||
      !std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return Usage(fmt::format("--app-id must be the app's numeric id, not '{}'", Echo(id, 40)));
  }
  if (exchange.secret.empty()) {
    return Usage("the app secret is missing: give --secret-file FILE or set TAP_TIKTOK_ADS_SECRET");
  }
  if (HasSpace(exchange.secret.reveal())) {
    return Usage("the app secret holds spaces or control characters: check the secret file");
  }
  if (exchange.auth_code.empty() || HasSpace(exchange.auth_code.reveal())) {
    return Usage("--exchange-auth-code needs the auth_code from the authorization redirect URL");
  }
  return Status::Ok();
}

Result<Secret> ReadSecretFile(const std::string& path) {
  auto text = ReadTextFile(path, "secret file");
  if (!text.ok()) return Usage(text.status().message());
  std::string& secret = text.value();
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  secret.erase(std::find_if_not(secret.rbegin(), secret.rend(), space).base(), secret.end());
  secret.erase(secret.begin(), std::find_if_not(secret.begin(), secret.end(), space));
  if (secret.empty()) {
    return Usage(fmt::format("the secret file '{}' is empty: put the app secret in it", path));
  }
  return Secret(std::move(secret));
}

std::string ExchangeBody(const AuthCodeExchange& exchange) {
  return fmt::format(R"({{"app_id":{},"secret":{},"auth_code":{}}})", JsonQuote(exchange.app_id),
                     JsonQuote(exchange.secret.reveal()), JsonQuote(exchange.auth_code.reveal()));
}

Result<TokenGrant> ReadGrant(const HttpResponse& response) {
  if (!response.transport_error.empty()) {
    return Failure(fmt::format("the request did not complete: {}", response.transport_error));
  }
  if (response.status != 200) {
    return Failure(fmt::format("HTTP {} from the API host; check --api-base-url", response.status));
  }
  auto body = ParseJson(response.body, "the answer of /oauth2/access_token/");
  if (!body.ok()) return Failure(body.status().message() + "; check --api-base-url");
  if (Status s = EnvelopeError(*body); !s.ok()) return s;
  const rapidjson::Value* data = FindMember(*body, "data");
  TokenGrant grant;
  grant.access_token = Secret(data != nullptr ? StringMember(*data, "access_token") : "");
  if (grant.access_token.empty() || HasSpace(grant.access_token.reveal())) {
    return Failure("TikTok answered without an access token (data.access_token)");
  }
  auto ids = AdvertiserIds(*data);
  if (!ids.ok()) return ids.status();
  grant.advertiser_ids = std::move(ids).value();
  return grant;
}

Result<TokenGrant> ExchangeAuthCode(const AuthCodeExchange& exchange, Transport& transport) {
  if (Status s = CheckExchange(exchange); !s.ok()) return s;
  HttpRequest request;
  request.url = exchange.api_root + "oauth2/access_token/";
  request.headers.emplace_back("Accept", "application/json");
  request.json_body = ExchangeBody(exchange);
  request.timeout_seconds = exchange.timeout_seconds;
  request.max_body_bytes = size_t{1} << 20;
  return ReadGrant(transport.Send(request));
}

std::string ConfigFragment(const TokenGrant& grant) {
  return fmt::format("{{\n  \"access_token\": {},\n  \"advertiser_ids\": {}\n}}\n",
                     JsonQuote(grant.access_token.reveal()), JsonStringArray(grant.advertiser_ids));
}

std::string WhereToPutIt(const TokenGrant& grant) {
  std::string ids =
      grant.advertiser_ids.empty()
          ? "no advertiser ids (list them with the token, or set advertiser_ids)"
          : fmt::format("{} authorized advertiser id(s)", grant.advertiser_ids.size());
  return fmt::format(
      "The auth code was exchanged for a long-term access token (it lasts until the advertiser "
      "revokes it) and {}. The JSON on stdout is a config fragment: merge it into your config "
      "file (chmod 600), or under Meltano run\n"
      "  meltano config set tap-tiktok-ads access_token <the token>\n"
      "  meltano config set tap-tiktok-ads advertiser_ids '<the ids as a JSON list>'\n"
      "which keeps the token in .env, out of meltano.yml. Treat the token like a password.",
      ids);
}

}  // namespace tap
