"""`make bench`: tap-tiktok-ads against the transfer floor (curl), the singer-io tap-tiktok-ads and
Airbyte's source-tiktok-marketing (both from PyPI), on the same simulated data, in one run. Prints
a table and writes bench/results.json.

Scenarios (each case run --repeats times; medians reported):
  throughput  the daily ad report of a large account (20 advertisers, >= 1,000,000 rows), no
              latency, rate limits out of the way: wall, CPU, peak RSS, rows/s, requests;
              Airbyte (about 300 rows/s) on one of its advertisers, against this tap on the same;
  requests    each tap's API requests for the same entity streams and daily ad report (20
              advertisers, 365 days), by endpoint, from the simulator's request log;
  latency     150 ms per response, default rate limits: wall time against the rate-limit bound
              (requests / max_requests_per_second);
  instructions this tap's instructions per report row under valgrind (cachegrind) for one
              advertiser of the throughput case: a count that, unlike CPU seconds, does not move
              with the machine's load, so that a change's effect can be told from noise;
  memory      peak RSS of this tap at 10x, 100x and 1000x data;
  core        what the sync core holds, at default settings (rate limits aside): peak RSS of
              (a) 200 advertisers from 2020-01-01 with the default catalog, for a bounded time,
              (b) every metric of ad_insights_daily for 20,000 ads over 30 days (bounded), and
              (c) STATE bytes against RECORD bytes for 300 advertisers.
Every process is measured with wait4(): its own CPU time and peak RSS, nothing of the simulator.
"""

import argparse
import collections
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "sim-token"
# The simulated accounts: ads per advertiser = campaigns x adgroups x ads.
SIZES = {
    #        advertisers, campaigns, adgroups, ads, days (daily rows = advertisers x ads x days)
    "large": dict(advertisers=20, campaigns=8, adgroups=6, ads=12, days=365),
    "tiny": dict(advertisers=2, campaigns=1, adgroups=2, ads=2, days=20),
}


# The core scenarios' accounts and time bounds, by --size.
CORE = {
    "large": dict(a_advertisers=200, a_seconds=30, b_ads=(20, 10, 100), b_seconds=120,
                  c_advertisers=300),
    "tiny": dict(a_advertisers=10, a_seconds=3, b_ads=(2, 5, 10), b_seconds=20, c_advertisers=20),
}


def median(values):
    return statistics.median(values) if values else None


class Simulator:
    def __init__(self, build, size, latency_ms, workdir):
        self.log = workdir / f"requests-{latency_ms}.log"
        self.log.unlink(missing_ok=True)
        args = [build / "tiktok-simulator", "--port", "0", "--latency-ms", str(latency_ms),
                "--request-log", self.log, "--audiences", "0",
                "--now", f"{LAST_DAY.isoformat()}T00:00:00Z"]
        for key in ("advertisers", "campaigns", "adgroups", "ads"):
            args += [f"--{key}", str(size[key])]
        if "recent_days" in size:  # every object active in the last days (after --now)
            args += ["--recent-days", str(size["recent_days"])]
        self.process = subprocess.Popen([str(a) for a in args], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if "listening on http://" not in line:
            sys.exit(f"bench: the simulator did not start: {line!r}")
        self.url = line.split("listening on ", 1)[1].strip()

    def stop(self):
        self.process.terminate()
        self.process.wait()

    def requests(self):
        with urllib.request.urlopen(self.url + "/_sim/stats") as response:
            return json.load(response)["requests"]

    def log_lines(self):
        return self.log.read_text().splitlines() if self.log.exists() else []

    def advertiser_ids(self):
        request = urllib.request.Request(
            self.url + "/open_api/v1.3/oauth2/advertiser/get/?app_id=7100000000000000001"
            "&secret=sim-app-secret", headers={"Access-Token": TOKEN})
        with urllib.request.urlopen(request) as response:
            return [a["advertiser_id"] for a in json.load(response)["data"]["list"]]


def measure(args, stdout=subprocess.DEVNULL, env=None, stderr_path=None, ok_codes=(0,)):
    """Runs one process under GNU time; returns its wall time, CPU time (user + system) and peak
    RSS. (Python's own wait4 would count the forked interpreter's pages as the child's RSS.)"""
    with tempfile.NamedTemporaryFile("r") as usage:
        stderr = open(stderr_path, "w") if stderr_path else subprocess.DEVNULL
        process = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", usage.name,
                                  *map(str, args)], stdout=stdout, stderr=stderr, env=env)
        if stderr_path:
            stderr.close()
        if process.returncode not in ok_codes:
            detail = Path(stderr_path).read_text()[-3000:] if stderr_path else ""
            sys.exit(f"bench: {' '.join(map(str, args))} exited {process.returncode}\n{detail}")
        wall, user, system, rss_kb = usage.read().split()[-4:]
    return {"wall_s": float(wall), "cpu_s": float(user) + float(system),
            "rss_mb": int(rss_kb) / 1024}


def count_records(args, env=None):
    """Records a sync writes (a separate, untimed run: the timed runs write to /dev/null)."""
    process = subprocess.Popen([str(a) for a in args], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env)
    records = sum(1 for line in process.stdout if line.startswith(b'{"type":"RECORD"')
                  or line.startswith(b'{"type": "RECORD"'))
    if process.wait() != 0:
        sys.exit(f"bench: {' '.join(map(str, args))} exited {process.returncode}")
    return records


def venv_with(venv, requirement):
    """The Python of a virtual environment at `venv` holding `requirement` from PyPI (made once
    per requirement)."""
    python = venv / "bin" / "python"
    stamp = venv / "requirement.txt"
    if not stamp.exists() or stamp.read_text() != requirement:
        print(f"bench: installing {requirement} into {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        requirement], check=True)
        stamp.write_text(requirement)
    return python


class Peer:
    """singer-io tap-tiktok-ads from PyPI, in its own virtual environment, via peer_launcher.py."""

    REQUIREMENT = "tap-tiktok-ads==1.2.1"

    def __init__(self, workdir):
        python = venv_with(workdir / "peer-venv", self.REQUIREMENT)
        self.python = python
        self.metrics = json.loads(subprocess.run(
            [python, "-c", "import json, tap_tiktok_ads.streams as s; "
             "print(json.dumps(s.AUCTION_FIELDS))"], check=True, capture_output=True,
            text=True).stdout)

    def command(self, config, catalog):
        return [self.python, ROOT / "bench" / "peer_launcher.py", "--config", config,
                "--catalog", catalog]

    def env(self, simulator):
        return dict(os.environ, TIKTOK_BASE_URL=simulator.url)

    def catalog(self, simulator, config, path, streams=("ad_insights",)):
        """The peer's own discovered catalog with `streams` selected."""
        out = subprocess.run(self.command(config, "/dev/null")[:-2] + ["--discover"],
                             env=self.env(simulator), check=True, capture_output=True)
        catalog = json.loads(out.stdout)
        catalog["streams"] = [s for s in catalog["streams"] if s["tap_stream_id"] in streams]
        for stream in catalog["streams"]:
            for entry in stream["metadata"]:
                if entry["breadcrumb"] == []:
                    entry["metadata"]["selected"] = True
        path.write_text(json.dumps(catalog))
        return path


class Airbyte:
    """Airbyte's source-tiktok-marketing from PyPI, in its own virtual environment, via
    airbyte_launcher.py, with its own `read` command and a configured catalog."""

    REQUIREMENT = "airbyte-source-tiktok-marketing==4.7.0"

    def __init__(self, workdir):
        self.python = venv_with(workdir / "airbyte-venv", self.REQUIREMENT)

    def command(self, *args):
        return [self.python, ROOT / "bench" / "airbyte_launcher.py", *args]

    def env(self, simulator):
        return dict(os.environ, TIKTOK_BASE_URL=simulator.url)

    @staticmethod
    def config(path, days, advertiser_id=None):
        """Its config for the simulator's app; without `advertiser_id`, every advertiser the
        token reaches (the peer lists them itself)."""
        credentials = {"auth_type": "oauth2.0", "access_token": TOKEN,
                       "app_id": "7100000000000000001", "secret": "sim-app-secret"}
        if advertiser_id:
            credentials["advertiser_id"] = advertiser_id
        return write_json(path, {"credentials": credentials, "start_date": start_date(days),
                                 "end_date": LAST_DAY.isoformat(), "include_deleted": False})

    def catalog(self, simulator, config, path, streams=("ads_reports_daily",)):
        """A configured catalog of `streams` from its discover: incremental where it offers it."""
        out = subprocess.run(self.command("discover", "--config", config),
                             env=self.env(simulator), check=True, capture_output=True, text=True)
        found = next(json.loads(line)["catalog"] for line in out.stdout.splitlines()
                     if line.startswith("{") and json.loads(line).get("type") == "CATALOG")
        configured = []
        for stream in found["streams"]:
            if stream["name"] in streams:
                mode = "incremental" if "incremental" in stream["supported_sync_modes"] \
                    else "full_refresh"
                configured.append({"stream": stream, "sync_mode": mode,
                                   "destination_sync_mode": "append"})
        return write_json(path, {"streams": configured})

    def read(self, config, catalog):
        return self.command("read", "--config", config, "--catalog", catalog)


def our_catalog(tap, metrics, path, streams=("ad_insights_daily",)):
    """This tap's discovered catalog with `streams` selected; their report fields limited to
    `metrics` (the ones a peer requests, where TikTok has them at that level)."""
    catalog = json.loads(subprocess.run([tap, "--discover"], check=True,
                                        capture_output=True).stdout)
    catalog["streams"] = [s for s in catalog["streams"] if s["tap_stream_id"] in streams]
    for stream in catalog["streams"]:
        report = stream["tap_stream_id"].endswith("_daily")
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = True
            elif report and entry["metadata"].get("inclusion") != "automatic":
                entry["metadata"]["selected"] = entry["breadcrumb"][-1] in metrics
    return write_json(path, catalog)


def write_json(path, value):
    path.write_text(json.dumps(value, indent=2))
    return path


def curl_floor(simulator, lines, workdir, concurrency):
    """The same requests as `lines` (from the simulator's request log) with curl, to /dev/null."""
    config = workdir / "curl.cfg"
    with config.open("w") as f:
        f.write(f'header = "Access-Token: {TOKEN}"\n')
        for line in lines:
            _, path, _, query = line.split("\t")
            f.write(f'url = "{simulator.url}{path}?{query}"\noutput = "/dev/null"\n')
    return measure_requests(simulator, ["curl", "--silent", "--show-error", "--fail", "--parallel",
                                        "--parallel-max", str(concurrency), "--config", config])


# Every run is pinned to one day, whatever the hour: the simulator's clock stands at 00:00 UTC of
# LAST_DAY, so no advertiser has a "today" after it in any time zone, and this tap's end_date is
# LAST_DAY. The singer-io tap ends at its own UTC "now", after LAST_DAY, where the simulator has
# no rows. So both taps read the same days at any hour (an advertiser east of UTC no longer has
# a day the other tap does not ask for).
LAST_DAY = datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)


def start_date(days):
    """The first of the `days` days that end on LAST_DAY, as the taps' configs take it."""
    return (LAST_DAY - datetime.timedelta(days=days - 1)).isoformat()


def ours_config(path, sim, ids, days, **settings):
    """A config of this tap for the simulator; rate limits out of the way unless `settings` say.
    Without Promote ads unless `settings` say: neither peer reads them (TikTok leaves them out
    unless asked), so both taps read the same rows."""
    config = {"access_token": TOKEN, "advertiser_ids": ids, "start_date": start_date(days),
              "end_date": LAST_DAY.isoformat(), "api_base_url": sim.url,
              "max_requests_per_second": 1000, "max_requests_per_minute": 60000,
              "include_promote_ads": False}
    config.update(settings)
    return write_json(path, config)


def peer_config(path, ids, days):
    return write_json(path, {"access_token": TOKEN, "accounts": ",".join(ids),
                             "start_date": start_date(days) + "T00:00:00Z"})


def measure_requests(sim, args, **kwargs):
    """measure(), plus the API requests the simulator served meanwhile."""
    before = sim.requests()
    run = measure(args, **kwargs)
    run["requests"] = sim.requests() - before
    return run


def throughput(args, tap, peer, sim, catalog, workdir):
    size = SIZES[args.size]
    ids = sim.advertiser_ids()
    ours_cmd = [tap, "--config", ours_config(workdir / "ours.json", sim, ids, size["days"]),
                "--catalog", catalog]
    config = peer_config(workdir / "peer.json", ids, size["days"])
    peer_cmd = peer.command(config, peer.catalog(sim, config, workdir / "peer-catalog.json"))
    rows = count_records(ours_cmd)

    results = {"ours": [], "curl": [], "peer": []}
    for i in range(args.repeats):
        log_before = len(sim.log_lines())
        results["ours"].append(measure_requests(sim, ours_cmd, stderr_path=workdir / "ours.log"))
        lines = [l for l in sim.log_lines()[log_before:] if "\t/open_api/" in l]
        results["curl"].append(curl_floor(sim, lines, workdir, 8))
        print(f"bench: throughput {i + 1}/{args.repeats}: ours "
              f"{results['ours'][-1]['wall_s']:.2f} s, curl {results['curl'][-1]['wall_s']:.2f} s",
              flush=True)
    results["peer"], peer_rows = peer_runs(args, sim, peer_cmd, peer.env(sim), workdir, "peer",
                                           "ad_insights")
    if peer_rows is not None and peer_rows != rows:
        sys.exit(f"bench: the taps disagree on the data: {rows} vs {peer_rows} rows")
    return summarize(results, rows)


def report_metrics(lines):
    """The metrics of the first daily report request in the simulator's log `lines`."""
    for line in lines:
        _, path, _, query = line.split("\t")
        if path.endswith("/report/integrated/get/"):
            return json.loads(urllib.parse.parse_qs(query)["metrics"][0])
    sys.exit("bench: the peer made no report request")


def airbyte_side(args, tap, airbyte, sim, workdir):
    """Airbyte on the account's first advertiser over all its days (a run of all 20 would take
    over an hour at its pace), and this tap on the same advertiser with the metrics Airbyte asks
    for: the same rows, counted alike."""
    days, first = SIZES[args.size]["days"], sim.advertiser_ids()[:1]
    config = airbyte.config(workdir / "airbyte.json", days, first[0])
    cmd = airbyte.read(config, airbyte.catalog(sim, config, workdir / "airbyte-catalog.json"))
    results = {"ours_airbyte": [], "airbyte": []}
    log_before = len(sim.log_lines())
    results["airbyte"], airbyte_rows = peer_runs(args, sim, cmd, airbyte.env(sim), workdir,
                                                 "airbyte", "ads_reports_daily")
    if airbyte_rows is None:
        return None
    catalog = our_catalog(tap, report_metrics(sim.log_lines()[log_before:]),
                          workdir / "ours-airbyte-catalog.json")
    ours_cmd = [tap, "--config", ours_config(workdir / "ours-airbyte.json", sim, first, days),
                "--catalog", catalog]
    rows = count_records(ours_cmd)
    if rows != airbyte_rows:
        sys.exit(f"bench: this tap and Airbyte disagree on the data: {rows} vs {airbyte_rows} rows")
    for _ in range(args.repeats):
        results["ours_airbyte"].append(measure_requests(sim, ours_cmd,
                                                        stderr_path=workdir / "ours.log"))
    return summarize(results, rows)


def peer_runs(args, sim, cmd, env, workdir, name, stream):
    """A peer's timed runs (--peer-repeats) and how many records of `stream` its first run wrote
    (None without runs). The first run writes to a file so that its records can be counted (a run
    is minutes long; page-cache writes add well under 1 % to it); the others to /dev/null like
    ours."""
    runs, rows = [], None
    for i in range(args.peer_repeats):
        output = workdir / f"{name}-output.jsonl"
        with open(output if i == 0 else os.devnull, "wb") as out:
            runs.append(measure_requests(sim, cmd, stdout=out, env=env,
                                         stderr_path=workdir / f"{name}.log"))
        if i == 0:
            with open(output) as f:
                rows = records_by_stream(f)[stream]
            output.unlink()
        print(f"bench: throughput {name} {i + 1}/{args.peer_repeats}: {runs[-1]['wall_s']:.1f} s",
              flush=True)
    return runs, rows


RECORD_STREAM = re.compile(r'"type": ?"RECORD", ?(?:"record": ?\{)?"stream": ?"([^"]+)"')


def records_by_stream(lines):
    """RECORD lines by stream, in Singer's form (either spacing) or Airbyte's."""
    counts = collections.Counter()
    for line in lines:
        match = RECORD_STREAM.search(line, 0, 200)
        if match:
            counts[match.group(1)] += 1
    return counts


# The account of the request count: every tap reads the same entity streams and daily ad report
# of 20 advertisers, over 365 days and in a first sync from 2020-01-01 (before the advertisers
# were created). Few ads, so that the slowest peer finishes in minutes: the requests are set by
# advertisers, windows and streams; pages of 1,000 rows add the same to all.
REQUEST_ACCOUNT = {
    "large": dict(advertisers=20, campaigns=2, adgroups=1, ads=2),
    "tiny": dict(advertisers=2, campaigns=1, adgroups=1, ads=2),
}
REQUEST_CASES = {"large": (365, datetime.date(2020, 1, 1)), "tiny": (20,)}
# Each tap's names of those streams: advertisers, campaigns, ad groups, ads, daily ad report.
REQUEST_STREAMS = {
    "ours": ("advertisers", "campaigns", "adgroups", "ads", "ad_insights_daily"),
    "peer": ("advertisers", "campaigns", "adgroups", "ads", "ad_insights"),
    "airbyte": ("advertisers", "campaigns", "ad_groups", "ads", "ads_reports_daily"),
}


def counted_run(sim, cmd, env=None):
    """Runs `cmd` to the end; its API requests by endpoint (from the simulator's log) and its
    records by stream."""
    before = len(sim.log_lines())
    out = subprocess.run([str(a) for a in cmd], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} exited {out.returncode}\n{out.stderr[-3000:]}")
    paths = [line.split("\t")[1] for line in sim.log_lines()[before:] if "\t/open_api/" in line]
    endpoints = collections.Counter(p.removeprefix("/open_api/v1.3/") for p in paths)
    return {"endpoints": dict(endpoints), "requests": len(paths),
            "records": dict(records_by_stream(out.stdout.splitlines()))}


def request_case(sim, tap, peer, airbyte, days, workdir, with_peers):
    """Each tap's requests and records for the same streams over `days` days."""
    ids, out = sim.advertiser_ids(), {"days": days, "start_date": start_date(days)}
    catalog = our_catalog(tap, peer.metrics, workdir / "requests-catalog.json",
                          REQUEST_STREAMS["ours"])
    # "ours_same": without Promote and TopView objects, which neither peer reads.
    for case, extra in (("ours", True), ("ours_same", False)):
        config = ours_config(workdir / "requests-ours.json", sim, ids, days,
                             include_promote_ads=extra, include_topview=extra)
        out[case] = counted_run(sim, [tap, "--config", config, "--catalog", catalog])
    if with_peers:
        config = peer_config(workdir / "requests-peer.json", ids, days)
        catalog = peer.catalog(sim, config, workdir / "requests-peer-catalog.json",
                               REQUEST_STREAMS["peer"])
        out["peer"] = counted_run(sim, peer.command(config, catalog), peer.env(sim))
        config = airbyte.config(workdir / "requests-airbyte.json", days)
        catalog = airbyte.catalog(sim, config, workdir / "requests-airbyte-catalog.json",
                                  REQUEST_STREAMS["airbyte"])
        out["airbyte"] = counted_run(sim, airbyte.read(config, catalog), airbyte.env(sim))
    return out


def request_counts(args, tap, peer, airbyte, workdir):
    """Each tap's API requests for the same data (REQUEST_ACCOUNT), from the simulator's log."""
    sim = Simulator(args.build, REQUEST_ACCOUNT[args.size], 0, workdir)
    try:
        cases = []
        for span in REQUEST_CASES[args.size]:
            days = span if isinstance(span, int) else (LAST_DAY - span).days + 1
            cases.append(request_case(sim, tap, peer, airbyte, days, workdir,
                                      args.peer_repeats > 0))
            print(f"bench: requests over {days} days counted", flush=True)
    finally:
        sim.stop()
    return {"account": REQUEST_ACCOUNT[args.size], "cases": cases}


def summarize(results, rows):
    out = {"rows": rows}
    for case, runs in results.items():
        if not runs:
            continue
        summary = {k: median([r[k] for r in runs]) for k in runs[0]}
        summary["rows_per_s"] = ratio(rows, summary["wall_s"]) if rows else None
        summary["runs"] = len(runs)
        out[case] = summary
    return out


def latency(args, tap, peer, catalog, workdir):
    """150 ms per response; each tap at its default pace against the bound."""
    size = dict(SIZES[args.size], advertisers=2, days=min(SIZES[args.size]["days"], 150))
    rps = 10
    sim = Simulator(args.build, size, 150, workdir)
    try:
        ids = sim.advertiser_ids()
        config = ours_config(workdir / "ours-latency.json", sim, ids, size["days"],
                             max_requests_per_second=rps, max_requests_per_minute=600)
        ours_cmd = [tap, "--config", config, "--catalog", catalog]
        out = {"latency_ms": 150, "max_requests_per_second": rps}
        runs = [measure_requests(sim, ours_cmd, stderr_path=workdir / "ours-latency.log")
                for _ in range(args.repeats)]
        out["ours"] = {k: median([r[k] for r in runs]) for k in runs[0]}
        out["ours"]["bound_s"] = out["ours"]["requests"] / rps
        if args.peer_repeats:
            config = peer_config(workdir / "peer-latency.json", ids, size["days"])
            peer_cmd = peer.command(config, peer.catalog(sim, config,
                                                         workdir / "peer-catalog.json"))
            run = measure_requests(sim, peer_cmd, env=peer.env(sim),
                                   stderr_path=workdir / "peer-latency.log")
            run["bound_s"] = run["requests"] / rps
            out["peer"] = run
    finally:
        sim.stop()
    return out


def instructions(args, tap, sim, catalog, workdir):
    """Instructions per report row of one advertiser's sync of the throughput case, counted by
    cachegrind (the whole process: start-up, receiving, parsing, writing). Two threads, so the
    count is that of a typical small sync."""
    size = SIZES[args.size]
    config = ours_config(workdir / "instructions.json", sim, sim.advertiser_ids()[:1],
                         size["days"], max_concurrency=2)
    counts = workdir / "cachegrind.out"
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={counts}",
           tap, "--config", config, "--catalog", catalog]
    rows = count_records(cmd)
    summary = [l for l in counts.read_text().splitlines() if l.startswith("summary:")]
    if rows == 0 or not summary:
        sys.exit(f"bench: cachegrind gave no count ({rows} rows; see {counts})")
    total = int(summary[0].split()[1])
    return {"rows": rows, "instructions": total, "per_row": total / rows}


def memory(args, tap, sim, catalog, workdir, throughput_result):
    """Peak RSS of this tap as the data grows 10x, 100x and 1000x: the same advertisers over
    1/100, 1/10 and all of the throughput scenario's days (which is the 1000x point), and the
    1000x sync again with max_concurrency 2 (memory is set by the pages in flight)."""
    days = SIZES[args.size]["days"]
    ids = sim.advertiser_ids()
    points = []
    for factor, span in ((10, max(days // 100, 1)), (100, max(days // 10, 1))):
        cmd = [tap, "--config", ours_config(workdir / f"ours-{factor}.json", sim, ids, span),
               "--catalog", catalog]
        rows = count_records(cmd)
        runs = [measure(cmd) for _ in range(args.repeats)]
        points.append({"factor": factor, "rows": rows,
                       "rss_mb": median([r["rss_mb"] for r in runs])})
    points.append({"factor": 1000, "rows": throughput_result["rows"],
                   "rss_mb": throughput_result["ours"]["rss_mb"]})
    cmd = [tap, "--config",
           ours_config(workdir / "ours-c2.json", sim, ids, days, max_concurrency=2),
           "--catalog", catalog]
    runs = [measure(cmd) for _ in range(args.repeats)]
    low = {"factor": 1000, "rows": throughput_result["rows"], "max_concurrency": 2,
           "rss_mb": median([r["rss_mb"] for r in runs]),
           "wall_s": median([r["wall_s"] for r in runs])}
    return points, low


def bounded(seconds, cmd):
    """`cmd` stopped by SIGTERM after `seconds` (the tap then exits 0 with its final STATE)."""
    return ["timeout", "--signal=TERM", str(seconds), *cmd]


def all_metrics_catalog(tap, stream, path):
    catalog = json.loads(subprocess.run([tap, "--discover"], check=True, capture_output=True,
                                        text=True).stdout)
    catalog["streams"] = [s for s in catalog["streams"] if s["tap_stream_id"] == stream]
    for entry in catalog["streams"][0]["metadata"]:
        entry["metadata"]["selected"] = True
    return write_json(path, catalog)


def message_bytes(cmd):
    """Bytes of STATE and of RECORD lines a complete sync writes."""
    process = subprocess.Popen([str(a) for a in cmd], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    totals = {"state": 0, "record": 0}
    for line in process.stdout:
        if line.startswith(b'{"type":"STATE"'):
            totals["state"] += len(line)
        elif line.startswith(b'{"type":"RECORD"'):
            totals["record"] += len(line)
    if process.wait() != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} exited {process.returncode}")
    return totals


def core(args, tap, workdir):
    """Memory set by the work in flight, never by the account's size (see the module doc)."""
    c = CORE[args.size]
    out = {}
    sim = Simulator(args.build, dict(advertisers=c["a_advertisers"], campaigns=2, adgroups=1,
                                     ads=1), 0, workdir)
    try:
        config = ours_config(workdir / "core-a.json", sim, sim.advertiser_ids(), 1,
                             start_date="2020-01-01")
        run = measure(bounded(c["a_seconds"], [tap, "--config", config]), ok_codes=(0, 124))
        out["a"] = {"advertisers": c["a_advertisers"], "seconds": c["a_seconds"],
                    "rss_mb": run["rss_mb"]}
    finally:
        sim.stop()
    campaigns, adgroups, ads = c["b_ads"]
    sim = Simulator(args.build, dict(advertisers=1, campaigns=campaigns, adgroups=adgroups,
                                     ads=ads, recent_days=60), 0, workdir)
    try:
        config = ours_config(workdir / "core-b.json", sim, sim.advertiser_ids(), 30)
        catalog = all_metrics_catalog(tap, "ad_insights_daily", workdir / "core-b-catalog.json")
        cmd = [tap, "--config", config, "--catalog", catalog]
        run = measure(bounded(c["b_seconds"], cmd), ok_codes=(0, 124))
        out["b"] = {"ads": campaigns * adgroups * ads, "seconds": c["b_seconds"],
                    "rss_mb": run["rss_mb"], "wall_s": run["wall_s"]}
    finally:
        sim.stop()
    sim = Simulator(args.build, dict(advertisers=c["c_advertisers"], campaigns=1, adgroups=1,
                                     ads=2, recent_days=30), 0, workdir)
    try:
        config = ours_config(workdir / "core-c.json", sim, sim.advertiser_ids(), 30)
        totals = message_bytes([tap, "--config", config])
        out["c"] = {"advertisers": c["c_advertisers"], **totals,
                    "state_share": totals["state"] / max(totals["record"], 1)}
    finally:
        sim.stop()
    return out


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_kb = 0
    try:
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_kb / 2**20),
            "os": platform.platform(), "python": platform.python_version()}


def ratio(a, b):
    """a / b, with GNU time's 10 ms resolution as the smallest b."""
    return a / max(b, 0.01)


def fmt(value, digits=2):
    return "-" if value is None else f"{value:,.{digits}f}"


def request_table(counts, names):
    """The requests each tap made for the same data, by endpoint, with ours as a share."""
    if not counts or "cases" not in counts:
        return []
    lines, acct = [], counts["account"]
    heads = {"ours": "tap-tiktok-ads", "ours_same": "tap-tiktok-ads, the peers' data",
             "peer": names["peer"], "airbyte": names["airbyte"]}
    for case in counts["cases"]:
        taps = [t for t in ("ours", "ours_same", "peer", "airbyte") if t in case]
        lines += ["", f"Requests: {acct['advertisers']} advertisers from {case['start_date']} "
                  f"({case['days']} days); advertisers, campaigns, ad groups, ads and the daily ad "
                  "report", "",
                  "| endpoint | " + " | ".join(heads[t] for t in taps) + " |",
                  "|:---------|" + "---:|" * len(taps)]
        for endpoint in sorted({e for t in taps for e in case[t]["endpoints"]}):
            lines.append(f"| {endpoint} | " + " | ".join(
                str(case[t]["endpoints"].get(endpoint, 0)) for t in taps) + " |")
        lines.append("| **total** | " + " | ".join(f"**{case[t]['requests']}**" for t in taps)
                     + " |")
        stream = {"ours_same": REQUEST_STREAMS["ours"][-1]}
        rows = [case[t]["records"].get(stream.get(t) or REQUEST_STREAMS[t][-1], 0) for t in taps]
        lines.append("| daily ad report rows | " + " | ".join(f"{r:,}" for r in rows) + " |")
        if "peer" in case:
            mine = case["ours_same"]["requests"]
            lines.append("| the peers' data: ours / theirs | | | " + " | ".join(
                f"{ratio(mine, case[t]['requests']):.2f}" for t in ("peer", "airbyte")) + " |")
    return lines


def report(results):
    t = results["throughput"]
    lines = [f"Throughput: daily ad report, {t['rows']:,} rows, "
             f"{t['ours']['requests']:.0f} requests (medians of {t['ours']['runs']} runs; "
             f"peer: {t['peer']['runs'] if 'peer' in t else 0})", "",
             "| case | wall s | CPU s | peak RSS MB | rows/s | requests |",
             "|:-----|-------:|------:|------------:|-------:|---------:|"]
    names = {"ours": "tap-tiktok-ads (C++)", "curl": "curl floor (transfer only)",
             "peer": "singer-io tap-tiktok-ads 1.2.1",
             "airbyte": "Airbyte source-tiktok-marketing 4.7.0"}
    rows = [(names[case], t[case]) for case in ("ours", "curl", "peer") if case in t]
    a = results.get("airbyte")
    if a:
        lines[0] += f"; Airbyte: 1 advertiser, {a['rows']:,} rows, its metrics"
        rows += [("tap-tiktok-ads, Airbyte's advertiser and metrics", a["ours_airbyte"]),
                 (names["airbyte"], a["airbyte"])]
    for name, r in rows:
        lines.append(f"| {name} | {fmt(r['wall_s'])} | {fmt(r['cpu_s'])} | "
                     f"{fmt(r['rss_mb'], 1)} | {fmt(r['rows_per_s'], 0)} | {r['requests']:.0f} |")
    ins = results.get("instructions")
    if ins:
        lines += ["", f"Instructions (cachegrind, whole process, 1 advertiser, {ins['rows']:,} "
                  f"rows): {ins['per_row']:,.0f} per report row"]
    lines += request_table(results.get("requests"), names)
    lat = results["latency"]
    lines += ["", f"Latency: {lat['latency_ms']} ms per response, "
              f"max_requests_per_second {lat['max_requests_per_second']}", "",
              "| case | requests | bound s | wall s | wall / bound |",
              "|:-----|---------:|--------:|-------:|-------------:|"]
    for case in ("ours", "peer"):
        if case in lat:
            r = lat[case]
            lines.append(f"| {names[case]} | {r['requests']:.0f} | {fmt(r['bound_s'])} | "
                         f"{fmt(r['wall_s'])} | {fmt(ratio(r['wall_s'], r['bound_s']))} |")
    lines += ["", "Memory: peak RSS of tap-tiktok-ads by data size (default max_concurrency 8)", "",
              "| data | rows | peak RSS MB |", "|:-----|-----:|------------:|"]
    for p in results["memory"]:
        lines.append(f"| {p['factor']}x | {p['rows']:,} | {fmt(p['rss_mb'], 1)} |")
    low = results["memory_max_concurrency_2"]
    lines.append(f"| {low['factor']}x, max_concurrency 2 | {low['rows']:,} | "
                 f"{fmt(low['rss_mb'], 1)} (wall {fmt(low['wall_s'])} s) |")
    k = results["core"]
    lines += ["", "Sync core, default settings (rate limits aside)", "",
              "| scenario | figure |", "|:---------|-------:|",
              f"| (a) {k['a']['advertisers']} advertisers from 2020-01-01, default catalog, "
              f"first {k['a']['seconds']} s | {fmt(k['a']['rss_mb'], 1)} MB peak RSS |",
              f"| (b) every metric of ad_insights_daily, {k['b']['ads']:,} ads x 30 days, "
              f"first {k['b']['seconds']} s | {fmt(k['b']['rss_mb'], 1)} MB peak RSS |",
              f"| (c) {k['c']['advertisers']} advertisers, 30 days, default catalog | STATE "
              f"{k['c']['state']:,} B = {100 * k['c']['state_share']:.2f} % of RECORD "
              f"{k['c']['record']:,} B |"]
    lines += ["", "Targets:"]
    for name, ok, detail in results["targets"]:
        lines.append(f"- [{'x' if ok else ' '}] {name}: {detail}")
    return "\n".join(lines)


def rows_per_cpu_s(section, case):
    return ratio(section["rows"], section[case]["cpu_s"])


def targets(results):
    t, lat, mem = results["throughput"], results["latency"], results["memory"]
    out = []
    us_per_row = 1e6 * t["ours"]["cpu_s"] / t["rows"]
    out.append(("CPU <= 2.5 us per report row", us_per_row <= 2.5, f"{us_per_row:.2f} us"))
    if "peer" in t:
        r = ratio(rows_per_cpu_s(t, "ours"), rows_per_cpu_s(t, "peer"))
        out.append(("rows per CPU-second >= 100x the singer-io tap", r >= 100, f"{r:.0f}x"))
    a = results.get("airbyte")
    if a:
        r = ratio(rows_per_cpu_s(a, "ours_airbyte"), rows_per_cpu_s(a, "airbyte"))
        out.append(("rows per CPU-second ahead of Airbyte (its advertiser and metrics)", r > 1,
                    f"{r:.0f}x"))
    r = ratio(t["ours"]["cpu_s"], t["curl"]["cpu_s"])
    out.append(("CPU <= 5x the curl floor", r <= 5, f"{r:.2f}x"))
    worst = max(p["rss_mb"] for p in mem)
    out.append(("peak RSS <= 48 MB at every size", worst <= 48, f"max {worst:.1f} MB"))
    low = results["memory_max_concurrency_2"]["rss_mb"]
    out.append(("peak RSS <= 32 MB at max_concurrency 2", low <= 32, f"{low:.1f} MB"))
    for case in results.get("requests", {}).get("cases", []):
        for tap in ("peer", "airbyte"):
            if tap in case:
                ours, theirs = case["ours_same"]["requests"], case[tap]["requests"]
                out.append((f"fewer requests than {tap} for the same data from "
                            f"{case['start_date']}", ours < theirs,
                            f"{ours} vs {theirs} ({ratio(ours, theirs):.2f}x)"))
    r = ratio(lat["ours"]["wall_s"], lat["ours"]["bound_s"])
    # The tap spaces requests 1.1 s / (limit - 1) apart so that clock jitter never trips TikTok's
    # one-second window: its own pace is that much slower than the bound.
    rps = lat["max_requests_per_second"]
    paced = ratio(lat["ours"]["wall_s"], lat["ours"]["requests"] * 1.1 / max(rps - 1, 1))
    out.append(("latency scenario within 15% of the rate-limit bound", r <= 1.15,
                f"{r:.2f}x the bound; {paced:.2f}x the tap's own pace of 1.1 s / (limit - 1)"))
    k = results["core"]
    out.append((f"(a) {k['a']['advertisers']} advertisers from 2020-01-01: peak RSS <= 64 MB",
                k["a"]["rss_mb"] <= 64, f"{k['a']['rss_mb']:.1f} MB"))
    out.append((f"(b) every metric, {k['b']['ads']:,} ads x 30 days: peak RSS <= 96 MB",
                k["b"]["rss_mb"] <= 96, f"{k['b']['rss_mb']:.1f} MB"))
    out.append((f"(c) STATE bytes <= 5 % of RECORD bytes for {k['c']['advertisers']} advertisers",
                k["c"]["state_share"] <= 0.05, f"{100 * k['c']['state_share']:.2f} %"))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--peer-repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--only", choices=["all", "core"], default="all",
                        help="core: measure only the sync-core scenarios and update them in --out")
    args = parser.parse_args()
    args.build = args.build.resolve()
    tap = args.build / "tap-tiktok-ads"
    workdir = Path(tempfile.mkdtemp(prefix="tap-bench-"))
    (args.build / "bench").mkdir(parents=True, exist_ok=True)
    if args.only == "core":
        results = json.loads(args.out.read_text())
        results["core"] = core(args, tap, workdir)
        results["core_date"] = datetime.date.today().isoformat()
        results["targets"] = targets(results)
        print(report(results))
        args.out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nbench: core scenarios written to {args.out}")
        return
    peer, airbyte = Peer(args.build / "bench"), Airbyte(args.build / "bench")
    results = {"machine": machine(), "size": args.size, "date": datetime.date.today().isoformat()}
    catalog = our_catalog(tap, peer.metrics, workdir / "ours-catalog.json")
    # One large account serves the throughput and memory scenarios; latency has its own.
    sim = Simulator(args.build, SIZES[args.size], 0, workdir)
    try:
        results["throughput"] = throughput(args, tap, peer, sim, catalog, workdir)
        results["airbyte"] = airbyte_side(args, tap, airbyte, sim, workdir)
        results["instructions"] = instructions(args, tap, sim, catalog, workdir)
        results["memory"], results["memory_max_concurrency_2"] = memory(
            args, tap, sim, catalog, workdir, results["throughput"])
    finally:
        sim.stop()
    results["requests"] = request_counts(args, tap, peer, airbyte, workdir)
    results["latency"] = latency(args, tap, peer, catalog, workdir)
    results["core"] = core(args, tap, workdir)
    results["targets"] = targets(results)
    text = report(results)
    print(text)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nbench: results written to {args.out}")


if __name__ == "__main__":
    main()
