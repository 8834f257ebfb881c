#!/usr/bin/env bash
# `make lint`: function length (lizard: at most 60 lines of code in a function of tap/) and a
# curated clang-tidy (.clang-tidy) over tap/. Usage: scripts/lint.sh BUILD_DIR LIZARD
set -euo pipefail
build=$1
lizard=$2

long=$("$lizard" --csv tap/ | awk -F, '$1+0 > 60 {gsub(/"/, "", $8); print "  " $8 " (" $1 " lines, " $7 ")"}')
if [ -n "$long" ]; then
  echo "lint: functions longer than 60 lines of code (split them):" >&2
  echo "$long" >&2
  exit 1
fi
echo "lizard: no function in tap/ over 60 lines of code"

ls tap/*.cpp | xargs -P 2 -n 4 clang-tidy-14 -p "$build" --quiet \
  --extra-arg=-Wno-ambiguous-reversed-operator --extra-arg=-Wno-unknown-warning-option \
  > "$build/clang-tidy.log" 2>&1 || { grep -E "(warning|error):" "$build/clang-tidy.log" | head -40; exit 1; }
echo "clang-tidy: clean ($(grep -c '' .clang-tidy) lines of .clang-tidy)"
