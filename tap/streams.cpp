#include "tap/streams.h"

namespace tap {

// Endpoint facts: reference/tiktok_api.md §3 (page_size maxima, buying types, filtering).
const std::vector<EntityStream>& EntityStreams() {
  static const std::vector<EntityStream> streams = {
      {.name = "advertisers",
       .path = "advertiser/info/",
       .shape = EndpointShape::kAdvertiserBatch,
       .key_properties = {"advertiser_id"},
       .max_page_size = 100,
       .takes_fields = true},
      {.name = "campaigns",
       .path = "campaign/get/",
       .shape = EndpointShape::kPaged,
       .key_properties = {"campaign_id"},
       .replication_key = "modify_time",
       .replication_fallback = "create_time",
       .max_page_size = 1000,
       .takes_fields = true,
       .split_top_view = true,
       .top_view_max_page_size = 100,
       .filters_deleted = true},
      {.name = "adgroups",
       .path = "adgroup/get/",
       .shape = EndpointShape::kPaged,
       .key_properties = {"adgroup_id"},
       .replication_key = "modify_time",
       .replication_fallback = "create_time",
       .max_page_size = 1000,
       .takes_fields = true,
       .split_top_view = true,
       .top_view_max_page_size = 100,
       .filters_deleted = true},
      {.name = "ads",
       .path = "ad/get/",
       .shape = EndpointShape::kPaged,
       .key_properties = {"ad_id"},
       .replication_key = "modify_time",
       .replication_fallback = "create_time",
       .max_page_size = 1000,
       .takes_fields = true,
       .split_top_view = true,
       .top_view_max_page_size = 100,
       .filters_deleted = true},
      {.name = "audiences",
       .path = "dmp/custom_audience/list/",
       .shape = EndpointShape::kPaged,
       .key_properties = {"advertiser_id", "audience_id"},
       .max_page_size = 100,
       .injects_advertiser_id = true},
  };
  return streams;
}

const EntityStream* FindEntityStream(std::string_view name) {
  for (const EntityStream& stream : EntityStreams()) {
    if (stream.name == name) return &stream;
  }
  return nullptr;
}

}  // namespace tap
