#include "tap/id_directory.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/unit/fake_api.h"

namespace tap {
namespace {

std::vector<ApiRequest> Listing(const std::string& advertiser) {
  ApiRequest regular{"ad/get/", {{"advertiser_id", advertiser}}};
  ApiRequest top_view{"ad/get/", {{"advertiser_id", advertiser}, {"filtering", "top_view"}}};
  return {regular, top_view};
}

TEST(IdDirectory, ListsEveryRequestsIdsOnceAndSharesThem) {
  FakeApi api([](const ApiRequest& r) {
    if (r.Param("filtering") == "top_view") {
      return Envelope(ListPage("list", R"([{"ad_id":"3"},{"ad_id":"1"}])", 1, 2, 1));
    }
    long long page = std::stoll(r.Param("page"));
    return Envelope(ListPage(
        "list", page == 1 ? R"([{"ad_id":"1"},{"ad_id":"2"}])" : R"([{"other":"x"}])", page, 3, 2));
  });
  IdDirectory directory;
  std::vector<std::thread> units;
  std::vector<IdDirectory::Ids> got(4);
  for (size_t i = 0; i < got.size(); ++i) {
    units.emplace_back([&, i] { got[i] = *directory.Get(api, Listing("7"), "ad_id"); });
  }
  for (std::thread& t : units) t.join();
  // Distinct, in listing order; a row without the id is not an id.
  EXPECT_EQ(*got[0], (std::vector<std::string>{"1", "2", "3"}));
  for (const auto& ids : got) EXPECT_EQ(ids, got[0]) << "one shared listing";
  EXPECT_EQ(api.requests().size(), 3u) << "two pages and the TopView request, once";
  ASSERT_TRUE(directory.Get(api, Listing("8"), "ad_id").ok());
  EXPECT_EQ(api.requests().size(), 6u) << "another advertiser is another listing";
}

TEST(IdDirectory, AFailedListingIsNotKept) {
  bool fail = true;
  FakeApi api([&](const ApiRequest&) {
    return fail ? Envelope("{}", 40001) : Envelope(ListPage("list", R"([{"ad_id":"1"}])", 1, 1, 1));
  });
  IdDirectory directory;
  EXPECT_FALSE(directory.Get(api, {Listing("7")[0]}, "ad_id").ok());
  fail = false;
  auto ids = directory.Get(api, {Listing("7")[0]}, "ad_id");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(**ids, std::vector<std::string>{"1"});
}

}  // namespace
}  // namespace tap
