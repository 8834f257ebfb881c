#!/usr/bin/env bash
# Ecosystem tests with the real tools: singer-check-tap, Meltano (pip-installing the tap from this
# repository), target-jsonl, MeltanoLabs target-postgres, pipelinewise-target-postgres and
# target-csv, against a PostgreSQL server the tests start on loopback.
# Usage: tests/integration/run.sh BUILD_DIR [pytest args]
# Python packages go into BUILD_DIR/integration (from PyPI). Under CI (CI is set) a tool that
# cannot be installed fails the run; elsewhere the tests are skipped with a message.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
shift || true
work="$build/integration"
mkdir -p "$work"

unavailable() {
  if [ -n "${CI:-}" ]; then
    echo "FAILED: integration tests: $1 (required under CI)" >&2
    exit 1
  fi
  echo "SKIPPED: integration tests: $1" >&2
  exit 0
}

python=$(command -v python3) || unavailable "python3 is not installed"
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null ||
  unavailable "the PostgreSQL server is not installed (make deps installs it)"
command -v psql >/dev/null || unavailable "psql is not installed (make deps installs it)"

# One virtual environment per requirements file, rebuilt when the file changes.
venv() {
  local dir="$work/$1" requirements="$root/tests/integration/$2"
  if ! cmp -s "$requirements" "$dir/requirements.txt" 2>/dev/null; then
    rm -rf "$dir"
    echo "Installing $(grep -v '^#' "$requirements" | tr '\n' ' ')into $dir"
    "$python" -m venv "$dir" >/dev/null || unavailable "python3 cannot create a virtual environment"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$requirements" ||
      unavailable "pip could not install $requirements from PyPI"
    cp "$requirements" "$dir/requirements.txt"
  fi
}
venv venv requirements.txt
venv singer-tools requirements-singer-tools.txt

export TAP_BUILD="$build" TAP_SOURCE="$root" INTEGRATION_WORK="$work"
export SINGER_CHECK_TAP="$work/singer-tools/bin/singer-check-tap"
export MELTANO="$work/venv/bin/meltano"
cd "$root"
exec "$work/venv/bin/python" -m pytest -p no:cacheprovider -q "$root/tests/integration" "$@"
