#!/usr/bin/env bash
# Sets the machine up if needed, checks types and lint, runs every test, and
# ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

failed_steps=0
npm run --silent typecheck || failed_steps=$((failed_steps + 1))
npm run --silent lint || failed_steps=$((failed_steps + 1))

mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
vitest_status=$?

node scripts/test-summary.mjs test-results/vitest.json "$failed_steps"
summary_status=$?

if [ "$vitest_status" -ne 0 ] || [ "$summary_status" -ne 0 ] || [ "$failed_steps" -ne 0 ]; then
  exit 1
fi
