"""The other two ways to install the tap: `cmake --install` and the Debian package from CPack."""

from conftest import BUILD, TAP, run


def test_cmake_install_puts_the_tap_and_its_docs_under_the_prefix(tmp_path):
    run(["cmake", "--install", BUILD, "--prefix", tmp_path / "prefix"])
    installed = tmp_path / "prefix" / "bin" / "tap-tiktok-ads"
    assert run([installed, "--version"]).stdout == run([TAP, "--version"]).stdout
    assert (tmp_path / "prefix" / "share" / "doc" / "tap-tiktok-ads" / "README.md").exists()


def test_cpack_builds_a_debian_package_that_runs(tmp_path):
    run(["cpack", "-G", "DEB", "-B", tmp_path, "--config", BUILD / "CPackConfig.cmake"])
    (deb,) = tmp_path.glob("tap-tiktok-ads_*.deb")
    depends = run(["dpkg-deb", "-f", deb, "Depends"]).stdout
    assert "libcurl" in depends and "tzdata" in depends, depends
    # Unpacked (not installed: tests do not change the machine), the binary runs.
    run(["dpkg-deb", "-x", deb, tmp_path / "root"])
    installed = tmp_path / "root" / "usr" / "bin" / "tap-tiktok-ads"
    assert run([installed, "--version"]).stdout == run([TAP, "--version"]).stdout
    about = run([installed, "--about"]).stdout
    assert "Capabilities:" in about
