#pragma once

#include <string>
#include <string_view>

#include "tests/simulator/sim_data.h"
#include "tests/simulator/sim_wire.h"

namespace sim {

/// Whether `endpoint` (below /open_api/v1.3/) is one of the creative library, identity, pixel
/// or Business Center endpoints (reference/tiktok_api.md §3.8, §3.9, §9.3).
bool IsLibraryEndpoint(std::string_view endpoint);

/// The id the API shows for `asset` (images "v0201/...", videos "v10033g...", the rest digits).
std::string LibraryAssetId(const Asset& asset);

/// Writes the value of ad or ad group field `field` when it names one of the advertiser's
/// library assets (video_id, image_ids, music_id, identity_id and identity_type, tiktok_item_id,
/// pixel_id), chosen by `row` (the same for every field of a row), so that the streams join as
/// TikTok's do; false (nothing written) for any other field or when the advertiser has no asset
/// of that kind.
bool WriteAssetReference(Writer& w, std::string_view field, const Advertiser& adv,
                         const SimData& data, uint64_t row);

/// The `data` object of a successful answer of library endpoint `endpoint`, read as strictly as
/// TikTok reads it: required parameters, page_size maxima, filtering fields, the odd list keys
/// (musics, creative_portfolios, identity_list, pixels), RFC 3339 creative asset times, pixel
/// create_time in epoch milliseconds, UTC pixel statistics of at most 10 pixels and 30 days.
/// Throws ApiError for a request TikTok would refuse.
std::string LibraryData(std::string_view endpoint, const SimData& data, const SimConfig& config,
                        const Params& params);

}  // namespace sim
