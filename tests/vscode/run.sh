#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code: code-server 4.100.3 (VS Code
# 1.100.3) driven by Debian's Chromium. Installs what it needs (install.sh), then runs e2e.mjs.
# Usage: tests/vscode/run.sh PLATFORM_VSIX
#   PLATFORM_VSIX: editors/vscode/placement-lint-linux-x64.vsix, with the server bundled
#   (`bash editors/vscode/ci.sh target/debug/placement-lint` makes it).
# A failing run leaves screenshots and logs in tests/vscode/artefacts/ (gitignored).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vsix="${1:?usage: tests/vscode/run.sh path/to/placement-lint-linux-x64.vsix}"
vsix="$(cd "$(dirname "$vsix")" && pwd)/$(basename "$vsix")"
[[ -s "$vsix" ]] || { echo "no .vsix at $vsix" >&2; exit 2; }
bash "$here/install.sh"
# The TOML grammar, token by token, with VS Code's own tokenizer (no browser needed).
node "$here/grammar.mjs"
exec timeout 600 node "$here/e2e.mjs" "$vsix"
