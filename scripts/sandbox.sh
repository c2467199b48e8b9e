#!/usr/bin/env bash
# Sets this machine up, starts a local sandbox deployment and runs `wr doctor`
# on it. `bash scripts/sandbox.sh down` removes the sandbox again.
set -euo pipefail
cd "$(dirname "$0")/.."

action="${1:-up}"
bash scripts/setup.sh
node --import tsx scripts/sandbox.ts "$action"
[ "$action" = up ] || exit 0

cat >&2 <<'TXT'

sandbox: ready. Try, from this folder:
  ./bin/wr doctor --config .sandbox/wr.config.json
  ./bin/wr doctor --config .sandbox/wr.config.json --json
  ./bin/wr prune-credentials --config .sandbox/wr.config.json --dry-run
  ./bin/wr serve --config .sandbox/serve.config.json   # then see the README's sandbox section
  bash scripts/sandbox.sh down          # remove the sandbox

sandbox: wr doctor --config .sandbox/wr.config.json
TXT
# Warnings are expected here: the sandbox has an unused credential folder and
# an old whatsapp-web.js on purpose, so doctor's exit code does not fail setup.
./bin/wr doctor --config .sandbox/wr.config.json || true
