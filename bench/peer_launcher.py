"""Runs the singer-io tap-tiktok-ads (PyPI) against the bundled simulator instead of TikTok.

The peer hard-codes https://business-api.tiktok.com; every request it makes goes through a
requests.Session, so this launcher rewrites that prefix to TIKTOK_BASE_URL and changes nothing
else about how the peer fetches, parses or writes. One more fix-up: the peer's start-up token
check calls `user/info` without the trailing slash that the simulator (like the API reference)
requires, so the slash is added to that one URL.
Usage: python peer_launcher.py --config CONFIG [--catalog CATALOG] (the peer's own arguments)
"""

import os
import sys

import requests

TIKTOK = "https://business-api.tiktok.com"
BASE = os.environ["TIKTOK_BASE_URL"].rstrip("/")
_request = requests.Session.request


def _to_simulator(self, method, url, *args, **kwargs):
    if url.startswith(TIKTOK):
        url = BASE + url[len(TIKTOK):]
        if url.endswith("/user/info"):
            url += "/"
    return _request(self, method, url, *args, **kwargs)


requests.Session.request = _to_simulator

from tap_tiktok_ads import main  # noqa: E402  (after the patch, as the peer builds its session)

if __name__ == "__main__":
    sys.exit(main())
