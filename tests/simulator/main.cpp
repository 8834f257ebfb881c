// tiktok-simulator: serves the simulated TikTok API on loopback for tests, the demo and the
// benchmarks. Prints "listening on http://HOST:PORT" once ready; stops on SIGINT or SIGTERM.
#include <fmt/format.h>
#include <malloc.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tap/timestamp.h"
#include "tests/simulator/sim_server.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

const char kUsage[] =
    "Usage: tiktok-simulator [--host 127.0.0.1] [--port 0] [--seed 1] [--advertisers 3]\n"
    "         [--campaigns 4] [--adgroups 3] [--ads 3] [--audiences 5]\n"
    "         [--token sim-token] [--app-id ID] [--secret SECRET] [--auth-code-ttl 3600]\n"
    "         [--max-metrics 100] [--max-report-rows 200000] [--report-id-limit 20000]\n"
    "         [--promote-every 6] [--smart-plus-every 5] [--gmv-max-every 2] [--library 4]\n"
    "         [--business-centers 2] [--gmv-max-qps 8] [--gmv-max-qpm 240]\n"
    "         [--bc-only-advertisers 0]\n"
    "         [--latency-ms 0] [--fault-rate 0.0] [--request-log FILE] [--recent-days N]\n"
    "         [--now 2024-06-30T00:00:00Z]\n"
    "--campaigns is per advertiser, --adgroups per campaign, --ads per ad group.\n"
    "--promote-every N: one campaign in N is a Promote campaign (0: none).\n"
    "--smart-plus-every N: one auction campaign in N is an Upgraded Smart+ campaign (0: none).\n"
    "--gmv-max-every N: one advertiser in N has TikTok Shops with GMV Max campaigns (0: none).\n"
    "--gmv-max-qps N, --gmv-max-qpm N: the GMV Max report's own limits (TikTok's basic tier).\n"
    "--library N: about N creative assets, identities and pixels of each kind per advertiser.\n"
    "--bc-only-advertisers N: N more ad accounts reachable only through the first Business\n"
    "  Center (/oauth2/advertiser/get/ does not list them).\n"
    "--recent-days N: every object is created and last modified within the N days before\n"
    "today (default: created from 2023-01-01 over ~2.5 years).\n"
    "--auth-code-ttl S: an auth code from GET /portal/auth works once, for S seconds.\n"
    "--now pins the simulator's clock (reports end on that day); give it before --recent-days.\n"
    "--help prints this and what the simulator serves with the options given before it.\n";

int Usage() {
  std::fputs(kUsage, stderr);
  return 2;
}

// --help: the usage, then the credentials and accounts a tap config needs for these options.
int Help(const sim::SimConfig& config) {
  std::fputs(kUsage, stdout);
  sim::SimData data = sim::Generate(config);
  std::string authorized, bc_only;
  for (const sim::Advertiser& adv : data.advertisers) {
    std::string& list = adv.bc_only ? bc_only : authorized;
    list += (list.empty() ? "\"" : ", \"") + adv.id + "\"";
  }
  std::string bcs;
  for (const sim::BusinessCenter& bc : data.business_centers) {
    bcs += (bcs.empty() ? "\"" : ", \"") + bc.id + "\"";
  }
  std::printf(
      "\nServed with these options:\n"
      "  access_token:   %s\n"
      "  app_id:         %s\n"
      "  secret:         %s\n"
      "  advertiser_ids: [%s]\n"
      "  bc_ids:         [%s]%s%s%s\n"
      "An auth code for tap-tiktok-ads --exchange-auth-code (one use, within %d s): the\n"
      "  Location of GET /portal/auth?app_id=%s&redirect_uri=http://localhost/callback&state=x\n",
      config.access_token.c_str(), config.app_id.c_str(), config.secret.c_str(), authorized.c_str(),
      bcs.c_str(), bc_only.empty() ? "" : " (the first also holds [", bc_only.c_str(),
      bc_only.empty() ? "" : "])", config.auth_code_ttl_seconds, config.app_id.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Megabyte pages are built and freed per request: keep that memory instead of faulting fresh
  // zeroed pages in each time (as the tap does).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  sim::SimConfig config;
  std::string host = "127.0.0.1";
  std::string request_log;
  int port = 0;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--help" || arg == "-h") return Help(config);
    std::string value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Usage();
    }
    auto number = [&] { return std::atoi(value.c_str()); };
    if (arg == "--host") {
      host = value;
    } else if (arg == "--port") {
      port = number();
    } else if (arg == "--seed") {
      config.seed = std::strtoull(value.c_str(), nullptr, 10);
    } else if (arg == "--advertisers") {
      config.advertisers = number();
    } else if (arg == "--campaigns") {
      config.campaigns_per_advertiser = number();
    } else if (arg == "--adgroups") {
      config.adgroups_per_campaign = number();
    } else if (arg == "--ads") {
      config.ads_per_adgroup = number();
    } else if (arg == "--audiences") {
      config.audiences_per_advertiser = number();
    } else if (arg == "--max-metrics") {
      config.max_metrics_per_request = number();
    } else if (arg == "--max-report-rows") {
      config.max_report_rows = std::atol(value.c_str());
    } else if (arg == "--report-id-limit") {
      config.report_id_limit = std::atol(value.c_str());
    } else if (arg == "--promote-every") {
      config.promote_every = number();
    } else if (arg == "--smart-plus-every") {
      config.smart_plus_every = number();
    } else if (arg == "--gmv-max-every") {
      config.gmv_max_every = number();
    } else if (arg == "--gmv-max-qps") {
      config.gmv_max_qps = number();
    } else if (arg == "--gmv-max-qpm") {
      config.gmv_max_qpm = number();
    } else if (arg == "--library") {
      config.library_per_advertiser = number();
    } else if (arg == "--business-centers") {
      config.business_centers = number();
    } else if (arg == "--bc-only-advertisers") {
      config.bc_only_advertisers = number();
    } else if (arg == "--latency-ms") {
      config.latency_ms = number();
    } else if (arg == "--fault-rate") {
      config.fault_rate = std::atof(value.c_str());
    } else if (arg == "--request-log") {
      request_log = value;
    } else if (arg == "--now") {
      auto t = tap::ParseTimestamp(value);
      if (!t) return Usage();
      config.now = t->time_since_epoch().count();
    } else if (arg == "--recent-days") {
      // Created over the first half of the span, modified in the second: nothing after today.
      int n = std::max(number(), 2);
      auto today = std::chrono::floor<std::chrono::days>(
          std::chrono::sys_seconds{std::chrono::seconds{sim::SimNow(config)}});
      config.window_start = std::chrono::duration_cast<std::chrono::seconds>(
                                (today - std::chrono::days{n}).time_since_epoch())
                                .count();
      config.window_days = n / 2;
      config.modify_days = n - n / 2;
    } else if (arg == "--token") {
      config.access_token = value;
    } else if (arg == "--app-id") {
      config.app_id = value;
    } else if (arg == "--secret") {
      config.secret = value;
    } else if (arg == "--auth-code-ttl") {
      config.auth_code_ttl_seconds = number();
    } else {
      return Usage();
    }
  }
  if (host != "127.0.0.1" && host != "localhost" && host != "::1") {
    std::fputs("tiktok-simulator serves on loopback only\n", stderr);
    return 2;
  }
  sim::Simulator simulator(config);
  if (!request_log.empty() && !simulator.SetRequestLogFile(request_log)) {
    std::fprintf(stderr, "tiktok-simulator: cannot write the request log %s\n",
                 request_log.c_str());
    return 1;
  }
  int bound = simulator.Start(host, port);
  if (bound < 0) {
    std::fprintf(stderr, "tiktok-simulator: cannot listen on %s:%d\n", host.c_str(), port);
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::printf("listening on http://%s:%d\n", host.c_str(), bound);
  std::fflush(stdout);
  while (!g_stop) pause();
  simulator.Stop();
  return 0;
}
