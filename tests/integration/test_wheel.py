"""The self-contained wheel (`make wheel`) in a minimal Debian root: no compiler, no -dev
packages, no libcurl or libfmt, no tzdata. Installed with pip into a fresh venv there, its tap
syncs the simulator (running outside, on loopback) to the same records as the tap built here
with the system's time zones, and depends on nothing from the root but glibc."""

import json
import os
import shutil

import pytest

from conftest import BUILD, SOURCE, TAP, messages, run, write_json

ROOT = BUILD / "minimal-root" / "root"
VENV = "/opt/tap"
# What the wheel may take from the system: glibc's libraries.
SYSTEM_LIBS = ("linux-vdso.so", "libc.so", "libm.so", "libresolv.so", "libdl.so", "libpthread.so",
               "librt.so", "ld-linux-x86-64.so")


@pytest.fixture(scope="module")
def root(wheel):
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the minimal-root test needs root (debootstrap, chroot)")
        pytest.skip("the minimal-root test needs root (debootstrap, chroot)")
    run([SOURCE / "tests" / "integration" / "minimal_root.sh", ROOT], timeout=1800)
    assert not (ROOT / "usr" / "share" / "zoneinfo").exists()
    shutil.rmtree(ROOT / VENV.lstrip("/"), ignore_errors=True)
    shutil.copy(wheel, ROOT / "tmp" / wheel.name)
    (ROOT / "proc").mkdir(exist_ok=True)
    run(["mount", "-t", "proc", "proc", ROOT / "proc"])
    try:
        in_root("python3", "-m", "venv", VENV)
        in_root(f"{VENV}/bin/pip", "install", "-q", "--no-index", f"/tmp/{wheel.name}")
        yield ROOT
    finally:
        run(["umount", "-l", ROOT / "proc"], check=False)


def in_root(*args, check=True):
    """A command in the root, with a clean environment (no TZDIR or PATH from here)."""
    return run(["chroot", ROOT, "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=/root", *args],
               check=check)


def program():
    """The installed program's path inside the root."""
    (path,) = (ROOT / VENV.lstrip("/")).glob(
        "lib/python3*/site-packages/tap_tiktok_ads_native/bin/tap-tiktok-ads")
    return "/" + str(path.relative_to(ROOT))


def test_the_root_lacks_what_the_tap_builds_with(root):
    for missing in ("usr/bin/g++", "usr/bin/cc", "usr/include/curl", "usr/include/fmt",
                    "usr/share/zoneinfo"):
        assert not (root / missing).exists(), missing
    libs = run(["find", root / "usr" / "lib", "-name", "libcurl*", "-o", "-name", "libfmt*"]).stdout
    assert libs == "", libs


def test_only_glibc_comes_from_the_system(root):
    ldd = in_root("ldd", program()).stdout
    bundled = 0
    for line in ldd.splitlines():
        name = os.path.basename(line.split()[0])
        if "tap_tiktok_ads_native.libs/" in line:
            bundled += 1
        else:
            assert name.startswith(SYSTEM_LIBS), f"{line.strip()} comes from the system:\n{ldd}"
        assert "not found" not in line, ldd
    assert bundled >= 1 and "libcurl" in ldd, ldd
    assert "tap_tiktok_ads_native.libs/libz-tap.so.1" in ldd, ldd  # zlib too, not the root's
    assert "libstdc++" not in ldd and "libfmt" not in ldd, ldd


@pytest.fixture(scope="module")
def config(root, simulator):
    """The simulator's config in the root, with a pinned end so that runs read the same days."""
    values = simulator.config(end_date=run(["date", "-u", "-d", "yesterday", "+%F"]).stdout.strip())
    path = write_json(root / "tmp" / "config.json", values)
    os.chmod(path, 0o600)
    return path


def records(result):
    """RECORD messages of a run, as sorted (stream, record) JSON texts."""
    return sorted(json.dumps([m["stream"], m["record"]], sort_keys=True)
                  for m in messages(result.stdout) if m["type"] == "RECORD")


def bundled_zones():
    return ROOT / program().lstrip("/").replace("bin/tap-tiktok-ads", "share/zoneinfo")


def test_the_wheel_syncs_like_the_tap_built_here(config):
    here = run([TAP, "--config", config])
    there = in_root(f"{VENV}/bin/tap-tiktok-ads", "--config", "/tmp/config.json")
    assert "not a known time zone" not in there.stderr, there.stderr[-3000:]
    assert len(records(there)) > 100
    assert records(there) == records(here)
    # The simulated advertisers' zones (Los Angeles, Tokyo) came from the bundled copy.
    assert (bundled_zones() / "Asia" / "Tokyo").is_file()
    assert (bundled_zones() / "America" / "Los_Angeles").is_file()


def test_without_the_bundled_zones_the_tap_says_so(config):
    # The control for the test above: the root has no zoneinfo of its own, so the bundled copy
    # is what made the zones known. (end_date is pinned, so the records match either way.)
    zones = bundled_zones()
    hidden = zones.with_name("zoneinfo.hidden")
    zones.rename(hidden)
    try:
        result = in_root(f"{VENV}/bin/tap-tiktok-ads", "--config", "/tmp/config.json")
    finally:
        hidden.rename(zones)
    assert "'America/Los_Angeles' is not a known time zone" in result.stderr, result.stderr[-3000:]
    assert "report dates are read as UTC" in result.stderr
