#include "tap/api.h"

#include <gtest/gtest.h>

#include <deque>

namespace tap {
namespace {

// Answers requests from a queue and remembers what was asked.
class FakeTransport : public Transport {
 public:
  HttpResponse Send(const HttpRequest& request) override {
    requests.push_back(request);
    HttpResponse r = responses.front();
    responses.pop_front();
    return r;
  }
  std::deque<HttpResponse> responses;
  std::vector<HttpRequest> requests;
};

HttpResponse Ok(std::string body) { return HttpResponse{200, std::move(body), ""}; }

TEST(Api, BuildsUrlsWithJsonParametersAndTheTokenHeader) {
  FakeTransport transport;
  transport.responses.push_back(Ok(R"({"code":0,"message":"OK","data":{"list":[]}})"));
  Api api(transport, "https://host/open_api/v1.3/", Secret("tok-123456"), 30);
  ApiRequest request{"campaign/get/",
                     {{"advertiser_id", "7"},
                      {"fields", R"(["a","b"])"},
                      {"filtering", R"({"primary_status":"STATUS_ALL"})"}}};
  auto response = api.Get(request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  ASSERT_EQ(transport.requests.size(), 1u);
  EXPECT_EQ(transport.requests[0].url,
            "https://host/open_api/v1.3/campaign/get/?advertiser_id=7"
            "&fields=%5B%22a%22%2C%22b%22%5D"
            "&filtering=%7B%22primary_status%22%3A%22STATUS_ALL%22%7D");
  EXPECT_EQ(transport.requests[0].headers[0],
            (std::pair<std::string, std::string>{"Access-Token", "tok-123456"}));
  EXPECT_EQ(transport.requests[0].timeout_seconds, 30);
}

TEST(Api, NumbersKeepTheirDigits) {
  FakeTransport transport;
  transport.responses.push_back(
      Ok(R"({"code":0,"message":"OK","data":{"list":[{"id":1720000000000000007,"b":100.50}]}})"));
  Api api(transport, "http://h/", Secret("t"), 1);
  auto response = api.Get({"x/", {}});
  ASSERT_TRUE(response.ok());
  const auto& row = response->data()["list"][0];
  EXPECT_STREQ(row["id"].GetString(), "1720000000000000007");
  EXPECT_STREQ(row["b"].GetString(), "100.50");
}

struct CodeCase {
  long long code;
  ErrorKind kind;
};

TEST(ClassifyTikTokCode, EveryDocumentedCode) {
  for (const CodeCase& c : {CodeCase{0, ErrorKind::kOk},
                            CodeCase{20001, ErrorKind::kOk},
                            CodeCase{40100, ErrorKind::kRateLimited},
                            CodeCase{40133, ErrorKind::kRateLimited},
                            CodeCase{40016, ErrorKind::kRateLimited},
                            CodeCase{40132, ErrorKind::kRateLimited},
                            CodeCase{61000, ErrorKind::kRateLimited},
                            CodeCase{40102, ErrorKind::kAuth},
                            CodeCase{40104, ErrorKind::kAuth},
                            CodeCase{40105, ErrorKind::kAuth},
                            CodeCase{40001, ErrorKind::kSkipAdvertiser},
                            CodeCase{40007, ErrorKind::kSkipAdvertiser},
                            CodeCase{40300, ErrorKind::kSkipAdvertiser},
                            CodeCase{40302, ErrorKind::kSkipAdvertiser},
                            CodeCase{40067, ErrorKind::kQueryTooLarge},
                            CodeCase{50000, ErrorKind::kTransient},
                            CodeCase{50002, ErrorKind::kTransient},
                            CodeCase{51010, ErrorKind::kTransient},
                            CodeCase{52204, ErrorKind::kTransient},
                            CodeCase{60001, ErrorKind::kTransient},
                            CodeCase{40200, ErrorKind::kTransient},
                            CodeCase{40202, ErrorKind::kTransient},
                            CodeCase{40700, ErrorKind::kTransient},
                            CodeCase{40002, ErrorKind::kFatal},
                            CodeCase{40000, ErrorKind::kFatal},
                            CodeCase{40101, ErrorKind::kFatal}}) {
    EXPECT_EQ(ClassifyTikTokCode(c.code), c.kind) << c.code;
  }
}

TEST(Api, ErrorsQuoteTikTokAndNeverTheToken) {
  struct Case {
    HttpResponse response;
    ErrorKind kind;
    const char* message;
  };
  for (
      const Case& c : {
          Case{
              Ok(R"({"code":40105,"message":"Access token is incorrect or has been revoked.","request_id":"R1","data":{}})"),
              ErrorKind::kAuth,
              "TikTok API error 40105 on campaign/get/ (advertiser 7): Access token is incorrect "
              "or has been revoked. (request_id R1). The access token is expired"},
          Case{Ok(R"({"code":40100,"message":"Too many requests","request_id":"R2"})"),
               ErrorKind::kRateLimited, "TikTok API error 40100"},
          Case{Ok(R"({"code":40002,"message":"page_size: bad","request_id":"R3"})"),
               ErrorKind::kFatal, "page_size: bad (request_id R3)"},
          Case{HttpResponse{504, "<html>Gateway Timeout</html>", ""}, ErrorKind::kTransient,
               "HTTP 504 from campaign/get/ (advertiser 7)"},
          Case{HttpResponse{429, "", ""}, ErrorKind::kRateLimited, "HTTP 429"},
          Case{HttpResponse{404, "404 page not found", ""}, ErrorKind::kFatal,
               "HTTP 404 from campaign/get/"},
          Case{Ok(R"({"code":0,"message":"OK","data":{"li)"), ErrorKind::kTransient,
               "is not a JSON envelope"},
          Case{Ok(R"({"message":"OK"})"), ErrorKind::kTransient, "has no numeric 'code'"},
          Case{HttpResponse{0, "", "Connection reset by peer"}, ErrorKind::kTransient,
               "request to campaign/get/ (advertiser 7) failed: Connection reset by peer"},
      }) {
    FakeTransport transport;
    transport.responses.push_back(c.response);
    Api api(transport, "http://h/", Secret("tok-SECRET-1"), 1);
    auto response = api.Get({"campaign/get/", {{"advertiser_id", "7"}, {"secret", "app-secret"}}});
    ASSERT_FALSE(response.ok()) << c.message;
    EXPECT_EQ(response.status().kind(), c.kind) << c.message;
    EXPECT_NE(response.status().message().find(c.message), std::string::npos)
        << response.status().message();
    EXPECT_EQ(response.status().message().find("tok-SECRET-1"), std::string::npos);
    EXPECT_EQ(response.status().message().find("app-secret"), std::string::npos);
  }
}

TEST(Api, ModifiedAfterJoinsTheEntityFilteringOneSecondEarly) {
  tap::Timestamp t = *tap::ParseTimestamp("2024-03-01T00:00:00Z");
  EXPECT_EQ(WithModifiedAfter(EntityFiltering({"AUCTION"}, true), t),
            R"({"buying_types":["AUCTION"],"primary_status":"STATUS_ALL",)"
            R"("modified_after":"2024-02-29 23:59:59"})");
  EXPECT_EQ(WithModifiedAfter("{}", t), R"({"modified_after":"2024-02-29 23:59:59"})");
  EXPECT_EQ(WithModifiedAfter("", t), R"({"modified_after":"2024-02-29 23:59:59"})");
}

TEST(ReadPageInfo, ReadsNumbersKeptAsStrings) {
  FakeTransport transport;
  transport.responses.push_back(Ok(
      R"({"code":0,"data":{"list":[],"page_info":{"page":2,"page_size":1000,"total_number":2345,"total_page":3}}})"));
  Api api(transport, "http://h/", Secret("t"), 1);
  auto response = api.Get({"x/", {}});
  ASSERT_TRUE(response.ok());
  auto info = ReadPageInfo(response->data());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->page, 2);
  EXPECT_EQ(info->total_number, 2345);
  EXPECT_EQ(info->total_page, 3);
}

TEST(UrlEncode, Rfc3986) {
  EXPECT_EQ(UrlEncode("a b/[\"é\"]~-_."), "a%20b%2F%5B%22%C3%A9%22%5D~-_.");
}

}  // namespace
}  // namespace tap
