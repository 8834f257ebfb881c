"""singer-check-tap (singer-io/singer-tools) on syncs against the simulator, with and without the
state each sync produced."""

import json
import os
import re

from conftest import TAP, discover_all_selected, messages, run, write_json

CHECK = os.environ["SINGER_CHECK_TAP"]


def check(stdout, cwd):
    """singer-check-tap on a sync's output. Its --tap mode is not used: singer-tools 0.4.1 reads its
    summary before the reader thread has finished, so a tap that exits quickly makes it crash with
    AttributeError; reading stdin has no such race."""
    result = run([CHECK], input=stdout, cwd=cwd)
    assert "The output is valid" in result.stdout, result.stdout
    return result.stdout


def last_state(stdout):
    return [m for m in messages(stdout) if m["type"] == "STATE"][-1]["value"]


def test_default_streams_pass_with_and_without_their_state(simulator, tmp_path):
    config = write_json(tmp_path / "config.json", simulator.config())
    # Like singer-check-tap --tap: --config alone (the default-selected streams), then again with
    # the last STATE of that sync.
    first = run([TAP, "--config", config])
    summary = check(first.stdout, tmp_path)
    for stream in ("advertisers", "campaigns", "adgroups", "ads", "ad_insights_daily"):
        assert re.search(rf"\|\s*{stream}\s*\|\s*[1-9]", summary), (stream, summary)
    state = write_json(tmp_path / "state.json", last_state(first.stdout))
    assert json.loads(state.read_text())["bookmarks"]["campaigns"]["partitions"]
    second = run([TAP, "--config", config, "--state", state])
    check(second.stdout, tmp_path)


def test_every_stream_passes_the_checker_with_and_without_state(simulator, tmp_path):
    config = write_json(tmp_path / "config.json", simulator.config())
    catalog, streams = discover_all_selected(config, tmp_path / "catalog.json")
    assert len(streams) == 53  # 20 entity and library streams (3 Smart+, 2 GMV Max), 33 reports

    first = run([TAP, "--config", config, "--catalog", catalog], timeout=600)
    check(first.stdout, tmp_path)
    output = messages(first.stdout)
    with_records = {m["stream"] for m in output if m["type"] == "RECORD"}
    assert with_records == set(streams), set(streams) - with_records

    state = write_json(tmp_path / "state.json", last_state(first.stdout))
    second = run([TAP, "--config", config, "--catalog", catalog, "--state", state], timeout=600)
    check(second.stdout, tmp_path)
    # Resumed from state, the second sync sends fewer records than the first.
    count = lambda out: sum(1 for m in messages(out) if m["type"] == "RECORD")
    assert count(second.stdout) < count(first.stdout)
