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

// A report page read into a table (RowLayout, as the report reader asks for it) fails exactly
// where its document fails, and its rows give the records the document's rows give.
void CheckTableAgrees(std::string_view read, const tap::CatalogStream& cs) {
  tap::Transformer by_document(tap::CompileShape(cs.schema));
  tap::Transformer by_table(tap::CompileShape(cs.schema));
  tap::RowLayout layout("list", {"dimensions", "metrics"}, by_table.names());
  std::string a(read), b(read);
  std::unique_ptr<tap::RowTable> table;
  auto doc = tap::ParseJsonInPlace(a, "page");
  auto tabled = tap::ParseJsonInPlace(b, "page", nullptr, false, &layout, &table);
  if (doc.ok() != tabled.ok()) __builtin_trap();
  if (!doc.ok()) {
    if (doc.status().message() != tabled.status().message()) __builtin_trap();
    return;
  }
  const rapidjson::Value* data = doc->IsObject() ? tap::FindMember(*doc, "data") : nullptr;
  const rapidjson::Value* list = data != nullptr ? tap::FindMember(*data, "list") : nullptr;
  if (list == nullptr || !list->IsArray()) {
    if (table != nullptr) __builtin_trap();
    return;
  }
  if (table == nullptr || table->size() != list->Size()) __builtin_trap();
  for (size_t i = 0; i < table->size(); ++i) {
    std::string want, got;
    tap::RowParts parts{};
    bool object = cs.def->hooks.row((*list)[static_cast<rapidjson::SizeType>(i)], &parts);
    if (object) tap::SingerWriter::FormatRecord(&want, "s", by_document, parts, "t");
    if (const rapidjson::Value* row = table->Document(i)) {
      if (object != cs.def->hooks.row(*row, &parts)) __builtin_trap();
      if (object) tap::SingerWriter::FormatRecord(&got, "s", by_table, parts, "t");
    } else {
      if (!object) __builtin_trap();
      by_table.BindValues(table->Values(i), table->Forms(i));
      tap::SingerWriter::FormatBound(&got, "s", by_table, "t");
    }
    if (want != got) __builtin_trap();
  }
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
    if (cs.def->report != nullptr) CheckTableAgrees(read, cs);
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
