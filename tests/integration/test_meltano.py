"""The example Meltano project (examples/meltano) with the real Meltano and real targets: Meltano
pip-installs the tap from this repository, discovers, selects, tests the config, and loads into
target-jsonl, MeltanoLabs target-postgres (twice, with state), pipelinewise-target-postgres and
target-csv. Settings reach the tap as environment variables, as Meltano users set them."""

import collections
import csv
import datetime
import json
import os
import re
from pathlib import Path

import pytest

from conftest import REPORT_ID_LIMIT, SOURCE, START_DATE, TAP, WORK, run

PROJECT = SOURCE / "examples" / "meltano"
MELTANO = os.environ["MELTANO"]
SYSTEM_DIR = WORK / "meltano-system"
ENTITIES = ["advertisers", "campaigns", "adgroups", "ads", "audiences", "smart_plus_campaigns",
            "smart_plus_adgroups", "smart_plus_ads", "gmv_max_stores", "gmv_max_campaigns"]
# The creative library, identities, pixels and Business Centers.
LIBRARY = ["creative_images", "creative_videos", "creative_music", "creative_portfolios",
           "spark_ads_posts", "identities", "pixels", "pixel_event_stats", "business_centers",
           "bc_advertisers"]
# Entities and library streams with every field; every report stream with a few metrics of each
# type (their keys and dimensions are automatic).
SELECT = [f"{s}.*" for s in ENTITIES + LIBRARY] + [
    f"*_insights_*.{m}" for m in ("spend", "impressions", "clicks", "ctr", "conversion", "cpc")
] + [f"gmv_max_*_insights_daily.{m}" for m in ("cost", "orders", "gross_revenue", "store_id")]


def catalog_streams():
    catalog = json.loads((SOURCE / "catalog" / "catalog.json").read_text())
    return {s["tap_stream_id"]: s for s in catalog["streams"]}


STREAMS = catalog_streams()


@pytest.fixture(scope="module")
def meltano(simulator, postgres, tmp_path_factory):
    """Runs meltano in the example project with this run's simulator, database and output dirs."""
    out = tmp_path_factory.mktemp("meltano-out")
    env = dict(os.environ)
    env.update({
        # Meltano's own files (.meltano: plugin venvs, system database with state) go to the
        # build folder, so the example project stays as committed.
        "MELTANO_SYS_DIR_ROOT": str(SYSTEM_DIR),
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "MELTANO_ENVIRONMENT": "dev",
        "CMAKE_BUILD_PARALLEL_LEVEL": "2",
        "TAP_TIKTOK_ADS_ACCESS_TOKEN": "sim-token",
        "TAP_TIKTOK_ADS_ADVERTISER_IDS": json.dumps(simulator.advertiser_ids()),
        "TAP_TIKTOK_ADS_START_DATE": START_DATE,
        "TAP_TIKTOK_ADS_API_BASE_URL": simulator.url,
        "TAP_TIKTOK_ADS_MAX_REQUESTS_PER_SECOND": "200",
        "TAP_TIKTOK_ADS_MAX_REQUESTS_PER_MINUTE": "12000",
        "TAP_TIKTOK_ADS__SELECT": json.dumps(SELECT),
        "TARGET_JSONL_DESTINATION_PATH": str(out / "jsonl"),
        "TARGET_CSV_OUTPUT_PATH": str(out / "csv"),
    })
    for plugin, database_key, schema in (("TARGET_POSTGRES", "DATABASE", "tiktok_ads"),
                                         ("TARGET_POSTGRES_PIPELINEWISE", "DBNAME", "tiktok_pw")):
        env.update({f"{plugin}_HOST": "127.0.0.1", f"{plugin}_PORT": str(postgres.port),
                    f"{plugin}_USER": postgres.user, f"{plugin}_PASSWORD": postgres.password,
                    f"{plugin}_{database_key}": postgres.database,
                    f"{plugin}_DEFAULT_TARGET_SCHEMA": schema})
    (out / "jsonl").mkdir()
    (out / "csv").mkdir()

    def meltano_cmd(*args, timeout=900):
        return run([MELTANO, "--log-level=warning", *args], cwd=PROJECT, env=env, timeout=timeout)

    # Fresh state for every session; the plugin venvs stay (Meltano reinstalls the tap below).
    (SYSTEM_DIR / "meltano.db").unlink(missing_ok=True)
    meltano_cmd("install", timeout=1800)
    meltano_cmd.out = out
    return meltano_cmd


def test_meltano_installs_the_tap_with_pip(meltano):
    installed = SYSTEM_DIR / "extractors" / "tap-tiktok-ads" / "venv" / "bin" / "tap-tiktok-ads"
    assert installed.exists(), "pip_url did not put tap-tiktok-ads into the plugin's venv"
    assert run([installed, "--version"]).stdout == run([TAP, "--version"]).stdout


def test_discover_select_and_config_test(meltano):
    catalog = json.loads(meltano("invoke", "tap-tiktok-ads", "--discover").stdout)
    assert sorted(s["tap_stream_id"] for s in catalog["streams"]) == sorted(STREAMS)

    listing = meltano("select", "tap-tiktok-ads", "--list", "--all").stdout
    for selection, attribute in (("automatic", "campaigns.campaign_id"),
                                 ("selected", "campaigns.objective_type"),
                                 ("automatic", "ad_insights_daily.stat_time_day"),
                                 ("selected", "ad_insights_daily.spend"),
                                 ("excluded", "ad_insights_daily.cpm")):
        assert re.search(rf"\[{selection}\s*\] {re.escape(attribute)}$", listing, re.M), attribute

    about = json.loads(meltano("invoke", "tap-tiktok-ads", "--about", "--format=json").stdout)
    assert about["capabilities"] == ["catalog", "discover", "state", "about"]

    result = meltano("config", "test", "tap-tiktok-ads")
    assert "Plugin configuration is valid" in result.stdout + result.stderr


def records_by_stream(directory):
    """target-jsonl's files: stream name -> list of records."""
    out = {}
    for path in Path(directory).glob("*.jsonl"):
        out[path.stem] = [json.loads(line) for line in path.read_text().splitlines() if line]
    return out


def key_of(stream, record):
    return tuple(str(record[k]) for k in STREAMS[stream]["key_properties"])


def test_run_into_jsonl_writes_every_selected_stream(meltano, simulator):
    meltano("run", "tap-tiktok-ads", "target-jsonl")
    written = records_by_stream(meltano.out / "jsonl")
    assert sorted(written) == sorted(STREAMS), set(STREAMS) ^ set(written)
    for stream, records in written.items():
        assert records, f"{stream}: no records"
        # One line per key: this run had no state, so nothing was re-read.
        keys = [key_of(stream, r) for r in records]
        assert len(keys) == len(set(keys)), stream
    assert set(written["campaigns"][0]) == set(STREAMS["campaigns"]["schema"]["properties"])
    assert set(written["ad_insights_daily"][0]) == {
        "advertiser_id", "ad_id", "stat_time_day", "spend", "impressions", "clicks", "ctr",
        "conversion", "cpc"}
    meltano.jsonl = written


# The requests that list every object: TopView ones only when asked for on their own, Promote
# ones (made in the TikTok app) only with their origin.
LISTINGS = ({}, {"buying_types": ["RESERVATION_TOP_VIEW"]}, {"campaign_system_origins": ["PROMOTE"]})


def expected_entities(simulator, endpoint):
    """What TikTok holds: objects of every advertiser, TopView and Promote ones included."""
    total = 0
    for advertiser in simulator.advertiser_ids():
        for filtering in LISTINGS:
            data = simulator.api(endpoint, advertiser_id=advertiser, page_size=1,
                                 filtering=filtering)
            total += data["page_info"]["total_number"]
    return total


def ad_ids(simulator, advertiser, filtering):
    data = simulator.api("ad/get/", advertiser_id=advertiser, page_size=100, filtering=filtering,
                         fields=["ad_id"])
    return [row["ad_id"] for row in data["list"]]


def ad_report(simulator):
    """The simulator's complete daily ad report since START_DATE: (ad_id, day) -> (spend,
    conversion). Asked for a few ids at a time, below the simulator's id limit, so nothing is
    cut; Promote ads with their origin filter."""
    rows = {}
    end = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    promote_filter = {"field_name": "campaign_system_origins", "filter_type": "IN",
                      "filter_value": json.dumps(["PROMOTE"])}
    for advertiser in simulator.advertiser_ids():
        for listing in LISTINGS:
            ids = ad_ids(simulator, advertiser, listing)
            promote = "campaign_system_origins" in listing
            for i in range(0, len(ids), REPORT_ID_LIMIT // 2):
                filtering = [{"field_name": "ad_ids", "filter_type": "IN",
                              "filter_value": json.dumps(ids[i:i + REPORT_ID_LIMIT // 2])}]
                data = simulator.api(
                    "report/integrated/get/", advertiser_id=advertiser, report_type="BASIC",
                    data_level="AUCTION_AD", dimensions=["ad_id", "stat_time_day"],
                    metrics=["spend", "conversion"], start_date=START_DATE, end_date=end,
                    page_size=1000, filtering=filtering + ([promote_filter] if promote else []))
                assert data["page_info"]["total_page"] <= 1
                for row in data["list"]:
                    day = row["dimensions"]["stat_time_day"][:10]
                    rows[(row["dimensions"]["ad_id"], day)] = (
                        float(row["metrics"]["spend"]), int(row["metrics"]["conversion"]))
    return rows


def promote_ad_ids(simulator):
    return {ad for advertiser in simulator.advertiser_ids()
            for ad in ad_ids(simulator, advertiser, LISTINGS[2])}


def loaded_ad_report(postgres):
    return {(ad, day): (float(spend), int(conversion)) for ad, day, spend, conversion in
            postgres.sql("SELECT ad_id, stat_time_day, spend, conversion "
                         "FROM tiktok_ads.ad_insights_daily")}


def count(postgres, schema, table):
    return int(postgres.value(f"SELECT count(*) FROM {schema}.{table}"))


def test_two_runs_into_postgres_with_state_and_restated_days(meltano, simulator, postgres):
    before = simulator.requests()
    meltano("run", "tap-tiktok-ads", "target-postgres")
    first_requests = simulator.requests() - before

    # Every stream is a table holding exactly what the tap read: one row per key.
    for stream in STREAMS:
        assert count(postgres, "tiktok_ads", stream) == len(
            {key_of(stream, r) for r in meltano.jsonl[stream]}), stream
    # ... which is exactly the simulator's data.
    for stream, endpoint in (("campaigns", "campaign/get/"), ("adgroups", "adgroup/get/"),
                             ("ads", "ad/get/")):
        assert count(postgres, "tiktok_ads", stream) == expected_entities(simulator, endpoint)
    assert loaded_ad_report(postgres) == ad_report(simulator)
    # ... Promote ads' rows, and rows of ads beyond TikTok's id limit (read in id batches) among
    # them: the simulator cut every ad report, and all of its ads are in the table.
    loaded_ads = {ad for ad, _ in loaded_ad_report(postgres)}
    assert promote_ad_ids(simulator) & loaded_ads
    assert len(loaded_ads) > REPORT_ID_LIMIT * len(simulator.advertiser_ids())
    assert int(postgres.value(
        "SELECT count(*) FROM tiktok_ads.campaigns WHERE campaign_system_origin = 'PROMOTE'")) > 0

    # Key properties are primary keys; dates, timestamps and metrics keep their types.
    for stream, entry in STREAMS.items():
        primary_key = [c for (c,) in postgres.sql(
            "SELECT kcu.column_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.key_column_usage kcu USING (constraint_schema, "
            "constraint_name) WHERE tc.constraint_type = 'PRIMARY KEY' AND "
            f"tc.table_schema = 'tiktok_ads' AND tc.table_name = '{stream}' "
            "ORDER BY kcu.ordinal_position")]
        assert primary_key == entry["key_properties"], stream
    types = dict(postgres.sql(
        "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'tiktok_ads'"))
    assert types["ad_insights_daily.stat_time_day"] == "date"
    assert types["campaign_insights_hourly.stat_time_hour"].startswith("timestamp")
    assert types["campaigns.modify_time"].startswith("timestamp")
    assert types["ad_insights_daily.spend"] == "numeric"
    assert types["ad_insights_daily.impressions"] == "bigint"
    assert types["campaigns.campaign_id"] in ("text", "character varying")
    assert types["pixel_event_stats.stat_date"] == "date"
    assert types["pixel_event_stats.total_count"] == "bigint"
    assert types["creative_images.modify_time"].startswith("timestamp")
    assert types["pixels.create_time"].startswith("timestamp")  # epoch milliseconds from TikTok
    assert types["creative_videos.duration"] == "numeric"
    assert types["spark_ads_posts.user_info"] == "jsonb"
    assert types["pixels.events"] == "ARRAY"
    # Upgraded Smart+ ads' ad-level rows join to their ads: none is an orphan.
    assert count(postgres, "tiktok_ads", "smart_plus_ad_insights_daily") > 0
    assert int(postgres.value(
        "SELECT count(*) FROM tiktok_ads.smart_plus_ad_insights_daily r LEFT JOIN "
        "tiktok_ads.smart_plus_ads a ON a.smart_plus_ad_id = r.ad_id_v2 "
        "WHERE a.smart_plus_ad_id IS NULL")) == 0
    # GMV Max spend, by store: every campaign row names a store the advertiser has.
    assert count(postgres, "tiktok_ads", "gmv_max_campaign_insights_daily") > 0
    assert int(postgres.value(
        "SELECT count(*) FROM tiktok_ads.gmv_max_campaign_insights_daily r LEFT JOIN "
        "tiktok_ads.gmv_max_stores s USING (advertiser_id, store_id) "
        "WHERE s.store_id IS NULL")) == 0
    # Every ad account of the Business Centers, related to its BC.
    assert count(postgres, "tiktok_ads", "bc_advertisers") >= len(simulator.advertiser_ids())

    # TikTok restates recent days and an advertiser edits a campaign; the second run resumes from
    # the stored state: fewer requests, restated rows updated in place, the edit picked up.
    report_rows = count(postgres, "tiktok_ads", "ad_insights_daily")
    first_report = loaded_ad_report(postgres)
    simulator.control("restate")
    edited = simulator.control("modify", stream="campaigns", advertiser=0, count=1)["ids"]
    state = json.loads(meltano("state", "get", "dev:tap-tiktok-ads-to-target-postgres").stdout)
    assert state["singer_state"]["bookmarks"]["ad_insights_daily"]["partitions"]

    before = simulator.requests()
    meltano("run", "tap-tiktok-ads", "target-postgres")
    second_requests = simulator.requests() - before
    assert 0 < second_requests < first_requests
    assert count(postgres, "tiktok_ads", "ad_insights_daily") == report_rows
    restated = ad_report(simulator)
    assert restated != first_report
    assert loaded_ad_report(postgres) == restated
    modified = postgres.value(
        f"SELECT modify_time FROM tiktok_ads.campaigns WHERE campaign_id = '{edited[0]}'")
    assert modified >= datetime.datetime.utcnow().strftime("%Y-%m-%d"), modified


def test_pipelinewise_target_postgres_loads_the_same_streams(meltano, postgres):
    meltano("run", "tap-tiktok-ads", "target-postgres-pipelinewise")
    for stream in STREAMS:
        assert count(postgres, "tiktok_pw", stream) == len(
            {key_of(stream, r) for r in meltano.jsonl[stream]}), stream


def test_target_csv_writes_the_same_streams(meltano):
    meltano("run", "tap-tiktok-ads", "target-csv")
    rows = collections.Counter()
    for path in (meltano.out / "csv").glob("*.csv"):
        with path.open(newline="") as f:
            rows[path.stem] += sum(1 for _ in csv.DictReader(f))
    for stream in STREAMS:
        assert rows[stream] == len(meltano.jsonl[stream]), stream
