#!/usr/bin/env bash
# The whole test suite: type check, then every test file with Node's built-in runner.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
tsc -p tsconfig.json --noEmit
echo "== tests"
mkdir -p test-output
files=("$@")
[ ${#files[@]} -eq 0 ] && files=("test/**/*.test.ts")
exec node --test --test-concurrency=2 --test-timeout=300000 "${files[@]}"
