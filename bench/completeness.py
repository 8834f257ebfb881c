#!/usr/bin/env python3
"""Completeness at scale: one simulated account with more ads than TikTok's 20,000-id report
limit, Promote campaigns, and objects last modified long before start_date. The tap syncs it
twice: against a simulator that cuts reports as TikTok does (X-Tt-Ads-Throttle) and against one
that never cuts (the complete data). Prints whether the records are equal, orphan report ids,
the reconciliation line and the request counts of both runs.

  bench/completeness.py [--build build] [--campaigns 24 --adgroups 10 --ads 100]
"""
import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

STREAMS = ["campaigns", "adgroups", "ads", "advertiser_insights_daily", "ad_insights_daily"]
IDS = {"ad_insights_daily": ("ad_id", "ads")}


def start_simulator(build, args, limit, log):
    process = subprocess.Popen(
        [str(build / "tiktok-simulator"), "--port", "0", "--advertisers", "1", "--campaigns",
         str(args.campaigns), "--adgroups", str(args.adgroups), "--ads", str(args.ads),
         "--audiences", "0", "--now", "2025-03-01T00:00:00Z", "--report-id-limit", str(limit),
         "--request-log", str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if "listening on http://" not in line:
        sys.exit(f"completeness: the simulator did not start: {line!r}")
    return process, line.split("listening on ", 1)[1].strip()


def catalog(build, work):
    doc = json.loads(subprocess.run([str(build / "tap-tiktok-ads"), "--discover"], check=True,
                                    capture_output=True, text=True).stdout)
    for stream in doc["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] in STREAMS
    path = work / "catalog.json"
    path.write_text(json.dumps(doc))
    return path


def sync(build, url, work, name):
    config = work / f"{name}.json"
    config.write_text(json.dumps({
        "access_token": "sim-token", "app_id": "7100000000000000001",
        "secret": "sim-app-secret", "start_date": "2025-01-15", "end_date": "2025-02-13",
        "include_deleted": True, "api_base_url": url, "max_requests_per_second": 1000,
        "max_requests_per_minute": 60000}))
    result = subprocess.run([str(build / "tap-tiktok-ads"), "--config", str(config), "--catalog",
                             str(catalog(build, work))], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"completeness: the {name} sync failed:\n{result.stderr[-3000:]}")
    records = collections.defaultdict(set)
    for line in result.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            records[message["stream"]].add(json.dumps(message["record"], sort_keys=True))
    return records, result.stderr


def requests(log):
    counts = collections.Counter()
    for line in log.read_text().splitlines():
        counts[line.split("\t")[1].removeprefix("/open_api/v1.3/")] += 1
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--campaigns", type=int, default=24)
    parser.add_argument("--adgroups", type=int, default=10)
    parser.add_argument("--ads", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = {}
        for name, limit in (("cut", 20000), ("complete", 10**9)):
            log = work / f"{name}.log"
            process, url = start_simulator(args.build, args, limit, log)
            try:
                results[name] = sync(args.build, url, work, name) + (requests(log),)
            finally:
                process.terminate()
                process.wait()
        cut, err, cut_requests = results["cut"]
        complete, _, complete_requests = results["complete"]
        ads = {json.loads(r)["ad_id"] for r in cut["ads"]}
        promote = sum(json.loads(r)["campaign_system_origin"] == "PROMOTE" for r in cut["ads"])
        orphans = {json.loads(r)["ad_id"] for r in cut["ad_insights_daily"]} - ads
        print(f"ads: {len(ads)} ({promote} Promote); the simulator cut reports to 20,000 ids: "
              f"{'yes' if 'X-Tt-Ads-Throttle' in err else 'no'}")
        for stream in STREAMS:
            print(f"{stream}: {len(cut[stream])} records, "
                  f"{'equal to' if cut[stream] == complete[stream] else 'DIFFERENT FROM'} "
                  "the complete data")
        print(f"orphan ad ids in ad_insights_daily: {len(orphans)}")
        for line in err.splitlines():
            if "Reconciliation:" in line or "X-Tt-Ads-Throttle" in line:
                print(line)
        for name, counts in (("cut", cut_requests), ("complete", complete_requests)):
            print(f"requests ({name}): {sum(counts.values())} total, "
                  f"{counts['report/integrated/get/']} report, {counts['ad/get/']} ad/get")
        same = all(cut[s] == complete[s] for s in STREAMS) and not orphans
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
