#include "tap/pager.h"

#include <gtest/gtest.h>

#include "tests/unit/fake_api.h"

namespace tap {
namespace {

// Rows [{"id":"<page>-0"},{"id":"<page>-1"}] for every page up to `pages`; empty after.
std::string Rows(long long page, long long pages) {
  if (page > pages) return "[]";
  return fmt::format(R"([{{"id":"{0}-0"}},{{"id":"{0}-1"}}])", page);
}

long long PageOf(const ApiRequest& r) { return std::stoll(r.Param("page")); }

std::vector<std::string> ReadAll(FakeApi& api, std::string_view key, bool paged, Status* status) {
  std::vector<std::string> ids;
  *status = ReadPages(api, {"x/get/", {{"advertiser_id", "7"}}}, key, paged, [&](Page& page) {
    if (page.rows != nullptr) {
      for (const auto& row : page.rows->GetArray()) ids.emplace_back(row["id"].GetString());
    }
    return Status::Ok();
  });
  return ids;
}

TEST(Pager, ReadsEveryPagePageInfoAnnounces) {
  FakeApi api([](const ApiRequest& r) {
    return Envelope(ListPage("list", Rows(PageOf(r), 3), PageOf(r), 6, 3));
  });
  Status status;
  auto ids = ReadAll(api, "list", true, &status);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(ids, (std::vector<std::string>{"1-0", "1-1", "2-0", "2-1", "3-0", "3-1"}));
  ASSERT_EQ(api.requests().size(), 3u);
  EXPECT_EQ(api.requests()[2].Param("page"), "3");
  EXPECT_EQ(api.requests()[2].Param("advertiser_id"), "7");
}

TEST(Pager, EndsOnAnEmptyPage) {
  FakeApi api([](const ApiRequest& r) {
    return Envelope(ListPage("list", Rows(PageOf(r), 1), PageOf(r), 10, 5));
  });
  Status status;
  EXPECT_EQ(ReadAll(api, "list", true, &status).size(), 2u);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(api.requests().size(), 2u);
}

TEST(Pager, AnyListKeyAndUnpagedEndpoints) {
  FakeApi api([](const ApiRequest&) {
    return Envelope(R"({"pixels":[{"id":"p1"}]})");  // no page_info: one page
  });
  Status status;
  EXPECT_EQ(ReadAll(api, "pixels", false, &status), (std::vector<std::string>{"p1"}));
  EXPECT_TRUE(status.ok());
  ASSERT_EQ(api.requests().size(), 1u);
  EXPECT_EQ(api.requests()[0].Param("page"), "") << "unpaged endpoints get no page";
}

TEST(Pager, NoListIsEmptyOnlyWhenPageInfoSaysSo) {
  FakeApi empty([](const ApiRequest&) {
    return Envelope(R"({"page_info":{"page":1,"page_size":10,"total_number":0,"total_page":0}})");
  });
  Status status;
  EXPECT_TRUE(ReadAll(empty, "list", true, &status).empty());
  EXPECT_TRUE(status.ok());

  FakeApi broken([](const ApiRequest&) { return Envelope(R"({"rows":[]})"); });
  ReadAll(broken, "list", true, &status);
  EXPECT_EQ(status.kind(), ErrorKind::kFatal);
  EXPECT_EQ(status.message(), "the response of x/get/ for advertiser 7 has no data.list array");
}

// A later page without page_info used to end the pages early: silently short.
TEST(Pager, AMissingOrBadPageInfoIsAnErrorNotAnEnd) {
  for (std::string bad : {std::string(R"({"list":[{"id":"2-0"}]})"),
                          std::string(R"({"list":[{"id":"2-0"}],"page_info":{"total_page":-1}})"),
                          ListPage("list", R"([{"id":"2-0"}])", 2, 6, 900)}) {
    FakeApi api([&](const ApiRequest& r) {
      if (PageOf(r) == 2) return Envelope(bad);
      return Envelope(ListPage("list", Rows(PageOf(r), 3), PageOf(r), 6, 3));
    });
    Status status;
    ReadAll(api, "list", true, &status);
    EXPECT_EQ(status.kind(), ErrorKind::kTransient) << bad;
    EXPECT_NE(status.message().find("page 2 of x/get/ for advertiser 7"), std::string::npos)
        << status.message();
    EXPECT_EQ(api.requests().size(), 2u);
  }
  FakeApi negative([](const ApiRequest&) {
    return Envelope(R"({"list":[{"id":"1"}],"page_info":{"page":1,"total_page":-3}})");
  });
  Status status;
  ReadAll(negative, "list", true, &status);
  EXPECT_EQ(status.kind(), ErrorKind::kTransient) << "a malformed page_info on page 1 too";
}

TEST(Pager, APageRepeatingThePreviousOneIsAnError) {
  FakeApi api([](const ApiRequest& r) {
    return Envelope(ListPage("list", Rows(std::min(PageOf(r), 2LL), 9), PageOf(r), 18, 9));
  });
  Status status;
  ReadAll(api, "list", true, &status);
  EXPECT_EQ(status.kind(), ErrorKind::kTransient);
  EXPECT_NE(status.message().find("page 3 of x/get/ for advertiser 7 repeats the rows of page 2"),
            std::string::npos)
      << status.message();
}

// Pages read into tables (ApiRequest::rows) end and repeat as pages read into documents do.
TEST(Pager, PagesOfTablesEndAndRepeatAsDocumentsDo) {
  RowLayout layout("list", {"part"}, {"id"});
  auto rows = [](long long page, long long last) {
    if (page > last) return std::string("[]");
    return fmt::format(R"([{{"part":{{"id":"{0}-0"}}}},{{"part":{{"id":"{0}-1"}}}}])", page);
  };
  auto read = [&](FakeApi& api, Status* status) {
    std::vector<std::string> ids;
    ApiRequest request{"x/get/", {{"advertiser_id", "7"}}};
    request.rows = &layout;
    *status = ReadPages(api, request, "list", true, [&](Page& page) {
      EXPECT_NE(page.table(), nullptr);
      EXPECT_TRUE(page.rows->Empty());
      for (size_t i = 0; i < page.size(); ++i)
        ids.emplace_back(page.table()->Values(i)->GetString());
      return Status::Ok();
    });
    return ids;
  };
  FakeApi ending([&](const ApiRequest& r) {
    return Envelope(ListPage("list", rows(PageOf(r), 2), PageOf(r), 18, 9));
  });
  Status status;
  EXPECT_EQ(read(ending, &status), (std::vector<std::string>{"1-0", "1-1", "2-0", "2-1"}));
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(ending.requests().size(), 3u);
  FakeApi repeating([&](const ApiRequest& r) {
    return Envelope(ListPage("list", rows(std::min(PageOf(r), 2LL), 9), PageOf(r), 18, 9));
  });
  read(repeating, &status);
  EXPECT_NE(status.message().find("page 3 of x/get/ for advertiser 7 repeats the rows of page 2"),
            std::string::npos)
      << status.message();
}

// A server that always announces one more page is stopped at page 1's total, plus one.
TEST(Pager, PagesAreCappedByWhatPageOneAnnounced) {
  FakeApi api([](const ApiRequest& r) {
    long long p = PageOf(r);
    return Envelope(ListPage("list", Rows(p, 1000000), p, 6 + 2 * p, 3 + p));
  });
  Status status;
  auto ids = ReadAll(api, "list", true, &status);
  EXPECT_EQ(status.kind(), ErrorKind::kFatal);
  EXPECT_EQ(api.requests().size(), 5u) << "page 1 said 8 rows of 2: four pages, plus one";
  EXPECT_NE(status.message().find("page 6 of x/get/"), std::string::npos) << status.message();
}

TEST(Pager, ErrorsEndThePages) {
  FakeApi api([](const ApiRequest& r) {
    if (PageOf(r) == 2) return Envelope("{}", 40001);
    return Envelope(ListPage("list", Rows(PageOf(r), 3), PageOf(r), 6, 3));
  });
  Status status;
  EXPECT_EQ(ReadAll(api, "list", true, &status).size(), 2u);
  EXPECT_EQ(status.kind(), ErrorKind::kSkipAdvertiser);
  EXPECT_EQ(api.requests().size(), 2u);
}

}  // namespace
}  // namespace tap
