#!/usr/bin/env bash
# Installs the Debian packages tap-tiktok-ads needs to build, test and benchmark (PostgreSQL and
# Python for the ecosystem tests; Google Benchmark, curl, GNU time and valgrind for `make bench`;
# faketime for the any-hour tests; clang-tidy for `make lint`; debootstrap for the test of
# `make wheel` in a minimal Debian root); does nothing when all are present. Used by `make deps`
# (and so by `make test` and `make demo`).
set -euo pipefail

packages=(
  cmake ninja-build g++ make pkg-config
  rapidjson-dev libcurl4-openssl-dev libfmt-dev tzdata
  libgtest-dev libcpp-httplib-dev zlib1g-dev
  clang-format clang-14 libclang-rt-14-dev
  dpkg-dev python3 python3-venv postgresql postgresql-client
  libbenchmark-dev curl time faketime libfaketime clang-tidy-14
  debootstrap valgrind
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
