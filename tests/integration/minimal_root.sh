#!/usr/bin/env bash
# A minimal Debian root for the wheel's test (test_wheel.py): `debootstrap --variant=minbase`
# plus python3-venv, without tzdata, from the Debian mirror this machine's apt uses. It has no
# compiler, no -dev package, no libcurl, no libfmt and no time-zone database: what a slim Python
# container has. Made once into ROOT (kept while this script is unchanged).
# Usage: tests/integration/minimal_root.sh ROOT
set -euo pipefail
root=$1
stamp="$root/.tap-minimal-root"
script_sum=$(sha256sum "$0" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$script_sum" ]; then
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "minimal_root.sh: debootstrap and chroot need root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "minimal_root.sh: install debootstrap (make deps)" >&2; exit 1; }

# The suite and mirror of this machine's own apt sources (deb822 or one-line format).
. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
  awk '/^URIs:/ {print $2}' | grep -v security | head -1 || true)
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    grep -v security | awk '{print $2}' | head -1 || true)
fi
[ -n "$mirror" ] || { echo "minimal_root.sh: no Debian mirror in /etc/apt sources" >&2; exit 1; }

rm -rf "$root"
mkdir -p "$(dirname "$root")"
echo "debootstrap --variant=minbase $suite from $mirror into $root"
debootstrap --variant=minbase --include=python3-venv --exclude=tzdata "$suite" "$root" "$mirror" \
  > "$root.log" 2>&1 || { tail -30 "$root.log"; exit 1; }
# tzdata is Priority: required; whatever pulled it in, the test needs a root without zones.
rm -rf "$root/usr/share/zoneinfo"
echo "$script_sum" > "$stamp"
