#!/usr/bin/env bash
# The whole test suite: type check, then every test file with Node's built-in runner.
# Files whose assertions carry a wall-clock bound from the issues (a killed recorder records again
# within 3 s, gaps to within 1 s, live analytics counting pedestrians while the test waits) run in a
# second phase, one file at a time: on 2 cores a neighbouring test file (a Chromium run, an int8
# calibration) would otherwise take the cores those bounds are about.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
tsc -p tsconfig.json --noEmit
# The web app: its API types come from the server's schemas (src/api/contract.ts), so a server change
# the web does not follow fails here.
tsc -p web/tsconfig.json --noEmit
mkdir -p test-output
if [ $# -gt 0 ]; then
  echo "== tests"
  exec node --test --test-concurrency=2 --test-timeout=300000 "$@"
fi
timed=(test/cluster/leases.test.ts test/cluster/cluster.test.ts test/cluster/edge-cut.test.ts test/cluster/edge-recording.test.ts test/cluster/link-stall.test.ts test/recorder/kill.test.ts test/recorder/gaps.test.ts test/recorder/recording.test.ts test/analytics/live/live-analytics.test.ts test/analytics/live/analysis-behind.test.ts)
mapfile -t rest < <(find test -name '*.test.ts' | sort | grep -vxF -f <(printf '%s\n' "${timed[@]}"))
echo "== tests (${#rest[@]} files, two at a time)"
status=0
node --test --test-concurrency=2 --test-timeout=300000 "${rest[@]}" || status=$?
echo "== timed tests (${#timed[@]} files, one at a time)"
node --test --test-concurrency=1 --test-timeout=300000 "${timed[@]}" || status=$?
exit $status
