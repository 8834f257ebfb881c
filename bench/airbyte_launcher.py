"""Runs Airbyte's source-tiktok-marketing (PyPI) against the bundled simulator instead of TikTok.

The peer is a declarative manifest whose url_base is https://business-api.tiktok.com (or the
sandbox host); the CDK sends every request as a prepared request through requests.Session.send,
so this launcher rewrites those prefixes to TIKTOK_BASE_URL there and changes nothing else
about how the peer fetches, parses or writes. A request to any other host is refused before it
is sent, so a benchmark never leaves the machine.
Usage: python airbyte_launcher.py read --config CONFIG --catalog CATALOG (the peer's own arguments)
"""

import os
import sys

import requests

TIKTOK = ("https://business-api.tiktok.com", "https://sandbox-ads.tiktok.com")
BASE = os.environ["TIKTOK_BASE_URL"].rstrip("/")
_send = requests.Session.send


def _to_simulator(self, request, **kwargs):
    for prefix in TIKTOK:
        if request.url.startswith(prefix):
            request.url = BASE + request.url[len(prefix):]
    if not request.url.startswith(BASE + "/"):
        raise RuntimeError(f"airbyte_launcher: refusing {request.url.split('?')[0]}: "
                           "only the simulator at TIKTOK_BASE_URL is reachable")
    return _send(self, request, **kwargs)


requests.Session.send = _to_simulator

from source_tiktok_marketing.run import run  # noqa: E402  (after the patch)

if __name__ == "__main__":
    sys.argv = ["source-tiktok-marketing", *sys.argv[1:]]
    run()
