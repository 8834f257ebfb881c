// Micro-benchmarks of the tap's hot path on one page of 1,000 daily ad report rows with the
// default-selected metrics: parse the response, type + select (Transformer) and format, and
// write the RECORD lines into a pipe. `make bench` runs them before the end-to-end benchmarks.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

#include "tap/json.h"
#include "tap/singer_writer.h"
#include "tap/streams.h"
#include "tap/transform.h"

namespace {

constexpr int kRows = 1000;

// The ad_insights_daily schema reduced to its default-selected properties (what a sync with
// the default catalog emits), and those metrics' names.
struct Report {
  rapidjson::Document schema;
  std::vector<std::string> metrics;
  std::vector<bool> integer;  // by metric: the schema types it as an integer
};

Report DefaultReport() {
  static const std::vector<tap::StreamDef> streams = tap::AllStreams({});
  const tap::StreamDef* def = nullptr;
  for (const auto& s : streams) {
    if (s.name == "ad_insights_daily") def = &s;
  }
  Report r;
  r.schema = def->Schema();
  auto& properties = r.schema["properties"];
  for (auto it = properties.MemberBegin(); it != properties.MemberEnd();) {
    std::string name = it->name.GetString();
    if (!def->PropertySelectedByDefault(name)) {
      it = properties.EraseMember(it);
      continue;
    }
    if (name != "advertiser_id" && name != "ad_id" && name != "stat_time_day") {
      r.metrics.push_back(name);
      r.integer.push_back(tap::CompileShape(it->value).type == tap::ValueType::kInteger);
    }
    ++it;
  }
  return r;
}

// One page as TikTok writes it: {"code":0,...,"data":{"list":[{dimensions, metrics}...]}}, every
// value a string of its metric's type (an integer's without a fraction, which would otherwise
// time the conversion of values the schema does not expect).
std::string Page(const Report& report) {
  const auto& metrics = report.metrics;
  std::string out = R"({"code":0,"message":"OK","request_id":"1","data":{"list":[)";
  for (int i = 0; i < kRows; ++i) {
    out += fmt::format(R"({}{{"dimensions":{{"ad_id":"{}","stat_time_day":"2026-01-{:02d} )"
                       R"(00:00:00"}},"metrics":{{)",
                       i ? "," : "", 1720000001000000007ULL + static_cast<unsigned>(i) * 11,
                       i % 28 + 1);
    for (size_t m = 0; m < metrics.size(); ++m) {
      std::string fraction = report.integer[m] ? "" : fmt::format(".{:03d}", (i + m) % 1000);
      out += fmt::format(R"({}"{}":"{}{}")", m ? "," : "", metrics[m], (i * 7 + m) % 997, fraction);
    }
    out += "}}";
  }
  out += R"(],"page_info":{"page":1,"page_size":1000,"total_number":1000,"total_page":1}}})";
  return out;
}

// A report row's two objects, read as one record (as the tap's sync does).
std::array<const rapidjson::Value*, 2> Parts(const rapidjson::Value& row) {
  return {&row["dimensions"], &row["metrics"]};
}

// One page of the default report, its transformer, and its RECORD lines.
struct Fixture {
  Report report = DefaultReport();
  std::string page = Page(report);
  tap::Transformer transformer{tap::CompileShape(report.schema)};

  Fixture() { transformer.SetInjected("advertiser_id", "7002238017842757640"); }

  // A value the schema does not expect takes the slow path of conversion and is counted as an
  // issue: the page would then time that path instead of a sync's.
  void CheckClean(benchmark::State& state) const {
    if (!transformer.issues().empty()) {
      state.SkipWithError(("unexpected value for " + transformer.issues().begin()->first).c_str());
    }
  }

  // Parses a copy of the page in place (as the tap does) and formats every row onto `lines`.
  void Format(std::string* lines) {
    std::string text = page;
    auto doc = tap::ParseJsonInPlace(text, "page");
    for (auto& row : (*doc)["data"]["list"].GetArray()) {
      tap::SingerWriter::FormatRecord(lines, "ad_insights_daily", transformer, Parts(row),
                                      "2026-11-28T00:00:00Z");
    }
  }
};

void BM_ParsePage(benchmark::State& state) {
  Fixture f;
  std::string text;
  for (auto _ : state) {
    state.PauseTiming();
    text = f.page;  // parsed in place: each iteration needs a fresh copy
    state.ResumeTiming();
    auto doc = tap::ParseJsonInPlace(text, "page");
    benchmark::DoNotOptimize(doc->IsObject());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.page.size()));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ParsePage);

// Type and select every row and format its RECORD line (what a worker does per page).
void BM_TransformAndFormatPage(benchmark::State& state) {
  Fixture f;
  std::string lines, text;
  size_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    text = f.page;
    auto doc = tap::ParseJsonInPlace(text, "page");
    lines.clear();
    state.ResumeTiming();
    for (auto& row : (*doc)["data"]["list"].GetArray()) {
      tap::SingerWriter::FormatRecord(&lines, "ad_insights_daily", f.transformer, Parts(row),
                                      "2026-11-28T00:00:00Z");
    }
    bytes += lines.size();
  }
  f.CheckClean(state);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_TransformAndFormatPage);

// The report reader's path for one metric group: the page's rows parsed straight into a table
// of the record's slots (RowTable), then each row bound by slot and formatted.
void BM_ParsePageIntoTable(benchmark::State& state) {
  Fixture f;
  tap::RowLayout layout("list", {"dimensions", "metrics"}, f.transformer.names());
  std::string text;
  for (auto _ : state) {
    state.PauseTiming();
    text = f.page;
    state.ResumeTiming();
    std::unique_ptr<tap::RowTable> table;
    auto doc = tap::ParseJsonInPlace(text, "page", nullptr, false, &layout, &table);
    benchmark::DoNotOptimize(table->size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.page.size()));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ParsePageIntoTable);

void BM_FormatTablePage(benchmark::State& state) {
  Fixture f;
  tap::RowLayout layout("list", {"dimensions", "metrics"}, f.transformer.names());
  std::string lines, text;
  size_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    text = f.page;
    std::unique_ptr<tap::RowTable> table;
    auto doc = tap::ParseJsonInPlace(text, "page", nullptr, false, &layout, &table);
    lines.clear();
    state.ResumeTiming();
    for (size_t i = 0; i < table->size(); ++i) {
      f.transformer.BindValues(table->Values(i), table->Forms(i));
      tap::SingerWriter::FormatBound(&lines, "ad_insights_daily", f.transformer,
                                     "2026-11-28T00:00:00Z");
    }
    bytes += lines.size();
  }
  f.CheckClean(state);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_FormatTablePage);

// Writing a page of prepared RECORD lines into a pipe that another thread drains, as the main
// thread writes into `tap | target`.
void BM_WriteRecordLines(benchmark::State& state) {
  Fixture f;
  std::string lines;
  f.Format(&lines);
  int fds[2];
  if (pipe(fds) != 0) {
    state.SkipWithError("pipe() failed");
    return;
  }
  std::thread reader([fd = fds[0]] {
    char buffer[1 << 16];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
  });
  std::FILE* out = fdopen(fds[1], "w");
  {
    tap::SingerWriter writer(out);
    writer.WriteSchema("ad_insights_daily", f.report.schema, {"advertiser_id"}, {});
    for (auto _ : state) writer.WriteRecordLines("ad_insights_daily", lines, kRows);
    writer.Flush();
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * lines.size()));
    state.SetItemsProcessed(state.iterations() * kRows);
  }
  std::fclose(out);  // the reader sees end of file
  reader.join();
  close(fds[0]);
}
BENCHMARK(BM_WriteRecordLines);

}  // namespace

BENCHMARK_MAIN();
