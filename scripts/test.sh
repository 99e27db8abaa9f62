#!/usr/bin/env bash
# Runs every test: the Rust workspace (with the pinned wrangler installed, so that the agreement
# tests compare with wrangler's own validation), then the editor tests.
set -euo pipefail
cd "$(dirname "$0")/.."

export WRANGLER_SEND_METRICS=false
if [ ! -d tests/wrangler/node_modules/wrangler ]; then
  npm ci --prefix tests/wrangler --no-audit --no-fund --loglevel=error
fi
export PLACEMENT_LINT_REQUIRE_WRANGLER=1

cargo test --workspace --locked
