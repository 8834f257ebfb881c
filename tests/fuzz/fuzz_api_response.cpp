// libFuzzer target: any response body must become records or a clear error: envelope checks,
// page_info, report rows read as dimensions + metrics, and typing by schema.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tap/api.h"
#include "tap/catalog.h"
#include "tap/json.h"
#include "tap/json_guard.h"
#include "tap/row_merge.h"
#include "tap/singer_writer.h"
#include "tap/transform.h"

namespace {

class OneResponse : public tap::Transport {
 public:
  std::string body;
  tap::HttpResponse Send(const tap::HttpRequest&) override { return {200, body, ""}; }
};

// The in-place parser of API pages reads what RapidJSON reads (numbers kept as strings), and
// refuses what it refuses. RapidJSON refuses a key given twice, which the page parser keeps;
// numbers past double range are quoted for RapidJSON, malformed ones too ("01e400").
void CheckParsersAgree(std::string_view read) {
  std::string text(read);
  if (!tap::IsValidUtf8(text) || tap::HasHugeNumbers(text)) return;
  tap::MendSurrogates(text);
  auto reference = tap::ParseJson(text, "page", /*numbers_as_strings=*/true);
  if (!reference.ok() &&
      reference.status().message().find("twice in one object") != std::string::npos) {
    return;
  }
  auto in_place = tap::ParseJsonInPlace(text, "page");
  if (reference.ok() != in_place.ok()) __builtin_trap();
  if (in_place.ok() && tap::ToJson(*in_place) != tap::ToJson(*reference)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<tap::StreamDef> streams = tap::AllStreams({});
  static const tap::Catalog catalog = tap::DefaultCatalog(streams);
  OneResponse transport;
  transport.body.assign(reinterpret_cast<const char*>(data), size);
  // The quick filter may say "maybe" wrongly, never "no" to a page with a number beyond double
  // range that is JSON once that number is quoted (on other text the parser fails either way).
  // The parser reads up to the first NUL byte, as RapidJSON's streams end there.
  std::string_view read(transport.body);
  read = read.substr(0, read.find('\0'));
  if (tap::HasHugeNumbers(read) && !tap::MayHoldHugeNumbers(transport.body) &&
      tap::ParseJson(tap::QuoteHugeNumbers(read), "page", true).ok()) {
    __builtin_trap();
  }
  CheckParsersAgree(read);
  tap::Api api(transport, "http://127.0.0.1/", tap::Secret("token"), 1);
  auto response = api.Get({"ad/get/", {{"advertiser_id", "1"}}});
  if (!response.ok()) return 0;
  tap::ReadPageInfo(response->data());
  const rapidjson::Value* list = tap::FindMember(response->data(), "list");
  if (list == nullptr || !list->IsArray()) return 0;
  for (const tap::CatalogStream& cs : catalog.streams) {
    if (cs.def->name != "ads" && cs.def->name != "ad_insights_daily") continue;
    tap::Transformer transformer(tap::CompileShape(cs.schema));
    std::string out;
    tap::RowMerge merge;
    for (const auto& row : list->GetArray()) {
      // As the sync reads a page's row: through the stream's row hook; reports also merged.
      tap::RowParts parts{};
      if (!cs.def->hooks.row(row, &parts)) continue;
      tap::SingerWriter::FormatRecord(&out, cs.def->name, transformer, parts,
                                      "2024-01-01T00:00:00Z");
      if (cs.def->report != nullptr) merge.Add(row);
    }
    for (const rapidjson::Value& row : merge.rows()) {
      const rapidjson::Value* parts[] = {&row};
      tap::SingerWriter::FormatRecord(&out, cs.def->name, transformer, parts,
                                      "2024-01-01T00:00:00Z");
    }
  }
  return 0;
}
