"""Fixtures for the ecosystem tests: the bundled TikTok simulator, a PostgreSQL server on loopback
and helpers to run the tap, Meltano and singer-check-tap. run.sh sets the environment."""

import datetime
import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

BUILD = Path(os.environ["TAP_BUILD"])
SOURCE = Path(os.environ["TAP_SOURCE"])
WORK = Path(os.environ["INTEGRATION_WORK"])
TAP = BUILD / "tap-tiktok-ads"
SIMULATOR = BUILD / "tiktok-simulator"
TOKEN = "sim-token"
APP_ID = "7100000000000000001"
APP_SECRET = "sim-app-secret"
# Every object of the simulated accounts is created and modified within these days, so a sync
# from START_DATE holds all of them; longer than the 7 days of lookback and of restatement, so a
# second sync reads less than the first.
RECENT_DAYS = 12
START_DATE = (datetime.date.today() - datetime.timedelta(days=RECENT_DAYS)).isoformat()
# The simulated TikTok cuts reports to their newest REPORT_ID_LIMIT ids (TikTok's 20,000, made
# small), so the tap's batched re-read is exercised; one campaign in three is a Promote campaign.
REPORT_ID_LIMIT = 10
PROMOTE_EVERY = 3
# One auction campaign in two (of the rest) is an Upgraded Smart+ campaign, so that both
# advertisers are likely to have some.
SMART_PLUS_EVERY = 2


def run(args, timeout=600, check=True, **kwargs):
    """Runs a command; on failure the assertion shows its output."""
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kwargs
    )
    if check:
        assert result.returncode == 0, (
            f"{' '.join(map(str, args))} exited {result.returncode}\n"
            f"--- stdout (tail)\n{result.stdout[-4000:]}\n--- stderr (tail)\n{result.stderr[-6000:]}"
        )
    return result


def messages(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


class Simulator:
    """tiktok-simulator in its own process, with a request log."""

    def __init__(self, workdir, advertisers=2, campaigns=6, adgroups=2, ads=2, audiences=3):
        self.request_log = workdir / "requests.log"
        self.process = subprocess.Popen(
            [SIMULATOR, "--port", "0", "--advertisers", str(advertisers), "--campaigns",
             str(campaigns), "--adgroups", str(adgroups), "--ads", str(ads), "--audiences",
             str(audiences), "--recent-days", str(RECENT_DAYS), "--request-log",
             self.request_log, "--report-id-limit", str(REPORT_ID_LIMIT), "--promote-every",
             str(PROMOTE_EVERY), "--smart-plus-every", str(SMART_PLUS_EVERY)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        line = self.process.stdout.readline()
        assert "listening on http://" in line, f"simulator did not start: {line!r}"
        self.url = line.split("listening on ", 1)[1].strip()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def requests(self):
        """API requests served so far (control endpoints not counted)."""
        with urllib.request.urlopen(self.url + "/_sim/stats") as response:
            return json.load(response)["requests"]

    def control(self, path, **params):
        query = urllib.parse.urlencode(params)
        request = urllib.request.Request(f"{self.url}/_sim/{path}?{query}", method="POST")
        with urllib.request.urlopen(request) as response:
            return json.load(response)

    def api(self, path, **params):
        """One GET of the TikTok API, JSON-encoding list and object parameters as TikTok wants."""
        query = urllib.parse.urlencode(
            {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in params.items()}
        )
        request = urllib.request.Request(
            f"{self.url}/open_api/v1.3/{path}?{query}", headers={"Access-Token": TOKEN}
        )
        with urllib.request.urlopen(request) as response:
            body = json.load(response)
        assert body["code"] == 0, body
        return body["data"]

    def advertiser_ids(self):
        data = self.api("oauth2/advertiser/get/", app_id=APP_ID, secret=APP_SECRET)
        return [a["advertiser_id"] for a in data["list"]]

    def config(self, **extra):
        config = {
            "access_token": TOKEN,
            "advertiser_ids": self.advertiser_ids(),
            "start_date": START_DATE,
            "api_base_url": self.url,
            "max_requests_per_second": 200,
            "max_requests_per_minute": 12000,
        }
        config.update(extra)
        return config


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    sim = Simulator(tmp_path_factory.mktemp("simulator"))
    yield sim
    sim.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (trust authentication), started by the tests."""

    def __init__(self):
        bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        assert bindirs, "PostgreSQL server binaries not found under /usr/lib/postgresql"
        self.bin = Path(bindirs[-1])
        self.dir = Path(tempfile.mkdtemp(prefix="tap-tiktok-ads-pg-"))
        self.port = free_port()
        self.user = "tap"
        self.password = "unused-with-trust"
        self.database = "tap"
        # initdb refuses to run as root: the cluster then belongs to the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.dir, "postgres")
        data = self.dir / "data"
        run(self.as_owner + [self.bin / "initdb", "-D", data, "-U", self.user, "-A", "trust",
                             "--no-sync", "-E", "UTF8"])
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")
        run(self.as_owner + [self.bin / "pg_ctl", "-D", data, "-o", options, "-l",
                             self.dir / "server.log", "-w", "-t", "60", "start"])
        self.sql(f"CREATE DATABASE {self.database}", database="postgres")

    def stop(self):
        run(self.as_owner + [self.bin / "pg_ctl", "-D", self.dir / "data", "-m", "fast", "-w",
                             "stop"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def sql(self, statement, database=None):
        """Rows of a statement, each a tuple of strings (psql's unaligned output)."""
        result = run(["psql", "-h", "127.0.0.1", "-p", self.port, "-U", self.user, "-d",
                      database or self.database, "-X", "-A", "-t", "-F", "\t", "-v",
                      "ON_ERROR_STOP=1", "-c", statement])
        return [tuple(line.split("\t")) for line in result.stdout.splitlines() if line]

    def value(self, statement):
        rows = self.sql(statement)
        assert len(rows) == 1 and len(rows[0]) == 1, rows
        return rows[0][0]


@pytest.fixture(scope="session")
def postgres():
    server = Postgres()
    yield server
    server.stop()


def write_json(path, value):
    path.write_text(json.dumps(value, indent=2))
    return path


def discover_all_selected(config_path, out_path):
    """The discovered catalog with every stream selected (fields at their defaults)."""
    catalog = json.loads(run([TAP, "--config", config_path, "--discover"]).stdout)
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = True
    return write_json(out_path, catalog), [s["tap_stream_id"] for s in catalog["streams"]]


@pytest.fixture(scope="session")
def wheel():
    """The self-contained wheel `make wheel` builds (scripts/wheel.sh), built once per session."""
    out = BUILD / "wheel"
    run([SOURCE / "scripts" / "wheel.sh", out], timeout=1800)
    (path,) = (out / "dist").glob("tap_tiktok_ads_native-*-manylinux_*_x86_64.whl")
    return path
