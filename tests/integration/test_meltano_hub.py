"""The Meltano Hub definition (examples/meltano/hub/tap-tiktok-ads.yml) as a user meets it: a new
Meltano project, `meltano add --plugin-type extractor tap-tiktok-ads --from-ref <the file>`, which installs the
definition's pip_url (tap-tiktok-ads-native, resolved here to the wheel `make wheel` built, since
the tests reach no package index for it), then config, selection and a sync through Meltano."""

import json
import os

import pytest
import yaml

from conftest import SOURCE, START_DATE, TOKEN, messages, run

HUB_FILE = SOURCE / "examples" / "meltano" / "hub" / "tap-tiktok-ads.yml"
MELTANO = os.environ["MELTANO"]


@pytest.fixture(scope="module")
def project(tmp_path_factory, wheel, simulator):
    """A new project with the extractor added from the Hub definition."""
    root = tmp_path_factory.mktemp("hub")
    env = dict(os.environ, MELTANO_SEND_ANONYMOUS_USAGE_STATS="false")
    run([MELTANO, "init", "--no_usage_stats", "project"], cwd=root, env=env, timeout=300)
    path = root / "project"
    # The installer (uv under Meltano 4, pip before) finds tap-tiktok-ads-native in the wheel's
    # folder and looks nowhere else.
    install_env = dict(env, UV_NO_INDEX="1", UV_FIND_LINKS=str(wheel.parent),
                       PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheel.parent))
    # Meltano 4 reads `meltano add extractor NAME` as two plugins, "extractor" and NAME (adding
    # a stray utility): the type goes in --plugin-type.
    result = run([MELTANO, "add", "--plugin-type", "extractor", "tap-tiktok-ads", "--from-ref",
                  HUB_FILE], cwd=path, env=install_env, timeout=900)
    assert "utility" not in result.stdout, result.stdout
    env.update({
        "TAP_TIKTOK_ADS_ACCESS_TOKEN": TOKEN,
        "TAP_TIKTOK_ADS_ADVERTISER_IDS": json.dumps(simulator.advertiser_ids()),
        "TAP_TIKTOK_ADS_START_DATE": START_DATE,
        "TAP_TIKTOK_ADS_API_BASE_URL": simulator.url,
    })

    def meltano(*args, check=True):
        return run([MELTANO, *args], cwd=path, env=env, timeout=600, check=check)

    meltano.path = path
    return meltano


def test_the_project_holds_the_definition_as_published(project):
    extractor = yaml.safe_load((project.path / "meltano.yml").read_text())["plugins"]["extractors"][0]
    hub = yaml.safe_load(HUB_FILE.read_text())
    for key in ("name", "variant", "namespace", "pip_url", "executable", "capabilities",
                "settings_group_validation"):
        assert extractor[key] == hub[key], key
    assert [s["name"] for s in extractor["settings"]] == [s["name"] for s in hub["settings"]]


def test_meltano_knows_every_setting_and_hides_the_secrets(project):
    listing = project("config", "list", "--all", "tap-tiktok-ads").stdout
    for setting in yaml.safe_load(HUB_FILE.read_text())["settings"]:
        assert setting["name"] in listing, setting["name"]
    assert "Access Token: Long-term access token" in listing  # the label and description
    assert "TAP_TIKTOK_ADS_ACCESS_TOKEN" in listing
    assert TOKEN not in listing  # sensitive: shown redacted
    assert project("config", "test", "tap-tiktok-ads").returncode == 0


def test_the_installed_extractor_syncs_through_meltano(project):
    project("config", "set", "tap-tiktok-ads", "_select", json.dumps(["campaigns.*", "ads.*"]))
    result = project("invoke", "tap-tiktok-ads")
    out = messages(result.stdout)
    streams = {m["stream"] for m in out if m["type"] == "RECORD"}
    assert streams == {"campaigns", "ads"}, streams
    assert out[-1]["type"] == "STATE"
    # The tap's summary line reaches the user through Meltano's log.
    assert "INFO Success:" in result.stderr, result.stderr[-2000:]
