#!/usr/bin/env bash
# Installs what is missing, builds, runs every test, and ends with one line:
#   tests: N passed, M failed
# N and M count Bazel test targets (the Catch2 unit tests) plus pytest cases (the
# integration and real-client compatibility suites under tests/). Exits non-zero if
# anything failed or did not build.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

./scripts/deps.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/kafka-cpp-test.XXXXXX")
trap 'rm -rf "$LOGDIR"' EXIT
passed=0
failed=0

echo "== build"
if ! bazel build //... >"$LOGDIR/build.log" 2>&1; then
  tail -n 60 "$LOGDIR/build.log"
  echo "build failed"
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
tail -n 3 "$LOGDIR/build.log"

echo "== unit tests (bazel test //...)"
bazel test //... --test_summary=short >"$LOGDIR/bazel-test.log" 2>&1
grep -E '^//' "$LOGDIR/bazel-test.log" | sed 's/^/  /'
grep -E -A30 '^FAIL:|==================== Test output' "$LOGDIR/bazel-test.log" | head -n 200 || true
bp=$(grep -cE '^//\S+\s+(\(cached\) )?PASSED' "$LOGDIR/bazel-test.log")
bf=$(grep -cE '^//\S+\s+(\(cached\) )?(FAILED|TIMEOUT|FLAKY|NO STATUS|INCOMPLETE)' "$LOGDIR/bazel-test.log")
if [[ $bp == 0 && $bf == 0 ]]; then bf=1; echo "  bazel test produced no results"; fi
passed=$((passed + bp))
failed=$((failed + bf))

echo "== integration and compatibility tests (pytest)"
# Debian's python3 sees the python3-* test peers; the first python3 on PATH may not.
/usr/bin/python3 -m pytest -q -rfEs --junitxml="$LOGDIR/pytest.xml" 2>&1 | tail -n 60
if [[ -f $LOGDIR/pytest.xml ]]; then
  read -r pt pf <<<"$(/usr/bin/python3 - "$LOGDIR/pytest.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
sk = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - sk, f)
PY
)"
  passed=$((passed + pt))
  failed=$((failed + pf))
else
  echo "  pytest did not run"
  failed=$((failed + 1))
fi

echo "tests: $passed passed, $failed failed"
[[ $failed == 0 ]]
