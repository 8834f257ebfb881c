// tap-tiktok-ads: parses the command line and dispatches; all logic lives in the library.
#include <fcntl.h>
#include <fmt/format.h>
#include <malloc.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "tap/about.h"
#include "tap/api.h"
#include "tap/catalog.h"
#include "tap/cli.h"
#include "tap/engine.h"
#include "tap/env.h"
#include "tap/http.h"
#include "tap/json.h"
#include "tap/log.h"
#include "tap/meltano_run.h"
#include "tap/rate_limiter.h"
#include "tap/run_summary.h"
#include "tap/settings.h"
#include "tap/singer_writer.h"
#include "tap/state.h"
#include "tap/sync.h"
#include "tap/token_exchange.h"
#include "tap/version.h"

namespace {

std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signal = 0;

void OnSignal(int signal) {
  g_signal = signal;
  g_stop.store(true);  // lock-free: safe in a signal handler
}

// A file holding a credential (`holds`): say so when other users can read it.
void WarnIfReadableByOthers(std::string_view file, const std::string& path,
                            std::string_view holds) {
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && (info.st_mode & (S_IROTH | S_IRGRP)) != 0) {
    tap::LogWarning(
        "The {} '{}' holds {} and other users can read it; restrict it with: "
        "chmod 600 '{}'",
        file, path, holds, path);
  }
}

// The config; under Meltano its problems name the settings by Meltano's environment
// variables, not by the temporary file Meltano has deleted by the time the user reads them.
tap::Result<tap::Settings> LoadConfig(const std::string& path,
                                      const std::optional<tap::MeltanoRun>& meltano,
                                      std::vector<std::string>* warnings) {
  if (!meltano || !meltano->temporary_config) return tap::LoadSettings(path, warnings);
  std::string what = fmt::format("the Meltano config of {} (meltano config list {})",
                                 meltano->plugin, meltano->plugin);
  return tap::LoadSettings(
      path, warnings, [&](std::string_view key) { return meltano->Label(key); }, what);
}

int Fail(const tap::Status& status) {
  tap::LogCritical("{}", status.message());
  return status.kind() == tap::ErrorKind::kUsage ? 2 : 1;
}

void WriteSummary(const tap::Options& options, const tap::RunSummary& summary) {
  if (options.summary.empty()) return;
  if (tap::Status s = tap::WriteSummaryFile(options.summary, summary); !s.ok()) {
    tap::LogWarning("{}", s.message());
  }
}

// Ends a run: writes --summary first (so that the last stderr line stays the summary), then the
// summary line, then for a failure the CRITICAL line with what to do.
int Conclude(const tap::Options& options, tap::RunSummary summary,
             const tap::Status& failure = tap::Status::Ok()) {
  if (!failure.ok()) {
    summary.outcome = "failed";
    summary.message = failure.message();
    summary.exit_code = failure.kind() == tap::ErrorKind::kUsage ? 2 : 1;
  }
  WriteSummary(options, summary);
  if (failure.ok()) {
    tap::LogInfo("{}", tap::SummaryLine(summary));
    return summary.exit_code;
  }
  tap::RunSummary line = summary;
  line.message.clear();  // the CRITICAL line that follows says it
  if (summary.requests > 0 || !summary.records.empty()) tap::LogInfo("{}", tap::SummaryLine(line));
  return Fail(failure);
}

// What the finished sync did.
tap::RunSummary Summarize(const tap::Sync& sync, const tap::SingerWriter& writer,
                          const tap::Engine& engine, tap::Env::SteadyTime started, tap::Env& env) {
  tap::RunSummary s;
  for (const auto& [stream, count] : writer.record_counts()) s.records.emplace(stream, count);
  s.advertisers = sync.facts().advertisers;
  s.skipped = sync.facts().skipped;
  s.first_day = sync.facts().first_day;
  s.last_day = sync.facts().last_day;
  s.requests = engine.requests();
  s.retries = engine.retries();
  s.seconds = std::chrono::duration<double>(env.SteadyNow() - started).count();
  return s;
}

void PrintWarnings(const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) tap::LogWarning("{}", w);
}

// The --state file (none: an empty state), checked against the tap's streams, without
// bookmarks in the future.
tap::Result<tap::State> LoadState(const std::string& path,
                                  const std::vector<tap::StreamDef>& streams, tap::Timestamp now,
                                  std::vector<std::string>* warnings) {
  if (path.empty()) return tap::State();
  auto state = tap::State::Load(path);
  if (!state.ok()) return state.status();
  std::vector<std::string> names;
  for (const tap::StreamDef& stream : streams) names.push_back(stream.name);
  if (tap::Status s = state->CheckStreams(names); !s.ok()) {
    return tap::Status::Error(s.kind(),
                              fmt::format("state file '{}' is invalid: {}", path, s.message()));
  }
  state->ForgetFuture(now, warnings);
  return state;
}

// The app's rate limiter, and the own limits of every selected stream's endpoint that has some.
tap::RateBuckets Buckets(tap::RateLimiter& app, const tap::Catalog& catalog,
                         const tap::Settings& settings, tap::Env& env) {
  tap::RateBuckets buckets(app);
  for (const tap::CatalogStream& stream : catalog.streams) {
    if (stream.selected && stream.def->endpoint_limit != nullptr) {
      buckets.Add(stream.def->path, stream.def->endpoint_limit(settings), env);
    }
  }
  return buckets;
}

// Runs the sync with its engine and stdout writer, and concludes it.
int Extract(const tap::Options& options, const tap::Settings& settings, const tap::Catalog& catalog,
            tap::State& state, tap::SystemEnv& env) {
  tap::RateLimiter limiter(settings.max_requests_per_second, settings.max_requests_per_minute, env);
  tap::RetryPolicy policy;
  policy.max_retries = settings.max_retries;
  policy.rate_limit_base = policy.transient_base =
      std::chrono::milliseconds(static_cast<long long>(settings.retry_base_delay * 1000));
  policy.timeout_base = policy.transient_base * 5;  // 5 s by default: a timeout is not resent soon
  // As many pages parsed at once as there are cores; more would only hold memory.
  tap::PageSlots page_slots(static_cast<int>(std::max(2U, std::thread::hardware_concurrency())));
  tap::Engine engine(
      [&] {
        return tap::MakeCurlApiClient(settings.api_base_url, settings.access_token,
                                      settings.request_timeout, &page_slots, &g_stop,
                                      static_cast<size_t>(settings.max_response_mb) << 20);
      },
      policy, Buckets(limiter, catalog, settings, env), env, &g_stop);
  engine.SetRequestMetrics(settings.log_request_metrics);
  tap::SingerWriter writer(stdout);
  tap::Sync sync(settings, catalog, state, engine, writer, env, &g_stop);
  sync.SetProgressDetail([&engine] {
    return fmt::format("{} request(s), {} retried", engine.requests(), engine.retries());
  });
  auto started = env.SteadyNow();
  tap::Status status = sync.Run();
  writer.Flush();
  tap::RunSummary summary = Summarize(sync, writer, engine, started, env);
  if (!writer.ok()) {
    // A target that went away has said why itself; a full disk or an I/O error has not.
    if (writer.error_code() == EPIPE) {  // quietly, but the orchestrator learns it
      summary.outcome = "failed";
      summary.message = "stdout was closed (the target stopped reading)";
      summary.exit_code = 1;
      WriteSummary(options, summary);
      return 1;
    }
    return Conclude(options, summary,
                    tap::Status::Error(tap::ErrorKind::kFatal,
                                       fmt::format("cannot write to stdout: {}; the last STATE "
                                                   "written covers all stored work",
                                                   writer.error())));
  }
  if (g_signal != 0) {
    // Meltano stops a tap with SIGTERM and expects a clean exit; Sync::Run has written the
    // final STATE, covering all completed work, whenever the signal came.
    summary.outcome = "stopped";
    summary.message = g_signal == SIGINT ? "Stopped by SIGINT" : "Stopped by SIGTERM";
    summary.exit_code = g_signal == SIGINT ? 130 : 0;
    return Conclude(options, summary);
  }
  return Conclude(options, summary, status);
}

int RunSync(const tap::Options& options) {
  std::vector<std::string> warnings;
  std::optional<tap::MeltanoRun> meltano = tap::DetectMeltano(options.config, std::getenv);
  auto settings = LoadConfig(options.config, meltano, &warnings);
  if (!settings.ok()) return Conclude(options, {}, settings.status());
  tap::Log::AddSecret(settings->access_token.reveal());
  tap::Log::AddSecret(settings->secret.reveal());
  tap::Log::SetLevel(settings->log_level);

  std::vector<tap::StreamDef> streams = tap::AllStreams(settings->custom_reports);
  tap::Catalog catalog;
  if (!options.catalog.empty()) {
    auto loaded = tap::LoadCatalog(options.catalog, streams, &warnings);
    if (!loaded.ok()) return Conclude(options, {}, loaded.status());
    catalog = std::move(loaded).value();
  } else {
    catalog = tap::DefaultCatalog(streams);
  }
  tap::SystemEnv env;
  auto state = LoadState(options.state, streams, env.WallNow(), &warnings);
  if (!state.ok()) return Conclude(options, {}, state.status());
  PrintWarnings(warnings);

  // Meltano's own temporary copy is deleted after the run, and the user cannot change its mode.
  if (!meltano || !meltano->temporary_config) {
    WarnIfReadableByOthers("config file", options.config, "your access token");
  }

  return Extract(options, *settings, catalog, *state, env);
}

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// --exchange-auth-code: trades an authorization's code for a long-term token and prints it as
// a config fragment on stdout; stderr says where it goes.
int ExchangeAuthCode(const tap::Options& options) {
  tap::AuthCodeExchange exchange;
  exchange.app_id = options.app_id.empty() ? Getenv("TAP_TIKTOK_ADS_APP_ID") : options.app_id;
  exchange.auth_code = tap::Secret(options.exchange_auth_code);
  tap::Log::AddSecret(options.exchange_auth_code);
  if (options.secret_file.empty()) {
    exchange.secret = tap::Secret(Getenv("TAP_TIKTOK_ADS_SECRET"));
  } else {
    auto secret = tap::ReadSecretFile(options.secret_file);
    if (!secret.ok()) return Fail(secret.status());
    exchange.secret = std::move(secret).value();
    WarnIfReadableByOthers("secret file", options.secret_file, "your app secret");
  }
  tap::Log::AddSecret(exchange.secret.reveal());
  auto root = tap::ResolveApiBaseUrl(options.api_base_url, options.sandbox);
  if (!root.ok()) return Fail(root.status());
  exchange.api_root = *root;
  tap::CurlTransport transport;
  auto grant = tap::ExchangeAuthCode(exchange, transport);
  if (!grant.ok()) return Fail(grant.status());
  tap::Log::AddSecret(grant->access_token.reveal());  // for stdout only
  std::string fragment = tap::ConfigFragment(*grant);
  std::fputs(fragment.c_str(), stdout);
  if (std::fflush(stdout) != 0) {
    return Fail(tap::Status::Error(tap::ErrorKind::kFatal, "cannot write the token to stdout"));
  }
  tap::LogInfo("{}", tap::WhereToPutIt(*grant));
  return 0;
}

int Main(const std::vector<std::string>& args) {
  auto options = tap::ParseCommandLine(args);
  if (!options.ok()) {
    std::fprintf(stderr, "tap-tiktok-ads: %s\nRun 'tap-tiktok-ads --help' for usage.\n",
                 options.status().message().c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(tap::UsageText().c_str(), stdout);
    return 0;
  }
  if (options->version) {
    std::printf("%s %s\n", tap::kTapName, tap::kTapVersion);
    return 0;
  }
  if (options->about) {
    std::fputs(tap::AboutText(options->format).c_str(), stdout);
    return 0;
  }
  if (!options->exchange_auth_code.empty()) return ExchangeAuthCode(*options);
  if (options->discover) {
    // Schemas are static: discovery needs no credentials and no network. Only the config's
    // custom reports add streams.
    std::vector<std::string> warnings;
    auto custom = tap::LoadCustomReports(options->config, &warnings);
    if (!custom.ok()) return Fail(custom.status());
    PrintWarnings(warnings);
    std::string text = tap::ToPrettyJson(tap::DiscoverCatalog(tap::AllStreams(*custom))) + "\n";
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  return RunSync(*options);
}

// With fd 0, 1 or 2 closed at start, the next file opened (libcurl's socket) would take its
// number and the output would go there. Each closed one is filled with /dev/null first; a
// closed stdout or stderr then fails the run, since a tap's output is on them.
bool StandardStreamsOpen() {
  bool open = true;
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    if (::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd) return false;
    if (fd > 0) open = false;
  }
  return open;
}

}  // namespace

int main(int argc, char** argv) {
  if (!StandardStreamsOpen()) {
    std::fputs(
        "CRITICAL tap-tiktok-ads: stdout or stderr is closed; run it with both open "
        "(a Singer tap writes its data to stdout and its log to stderr)\n",
        stderr);
    return 1;
  }
  // Page-sized buffers (response bodies, parsed pages, RECORD lines) are allocated and freed
  // per page on every worker. glibc's defaults give each thread its own arena and return freed
  // megabytes to the kernel, only to fault them in (zeroed) again on the next page: measured,
  // that was a fifth of the tap's CPU and most of its RSS. One arena (workers allocate a few
  // large blocks per page, so they hardly contend for it; two arenas each kept their own peak:
  // 50 MB against 42 MB at max_concurrency 8) and no trimming or mmap for page-sized blocks keep
  // the same memory in use.
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout shows up as a failed write instead
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  try {
    return Main(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::bad_alloc&) {
    tap::LogCritical("out of memory; lower max_concurrency or page_size and run again");
    return 1;
  } catch (const std::exception& e) {
    tap::LogCritical("internal error: {}. Please report this as a bug.", e.what());
    return 1;
  }
}
