#!/usr/bin/env bash
# placement-lint's MCP server driven by the official MCP Python SDK (PyPI `mcp`, pinned), in a
# virtual environment under target/. Usage: tests/mcp/run.sh path/to/placement-lint
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="$(realpath "$1")"
venv="$PWD/target/mcp-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import mcp" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check mcp==2.3.0
fi
"$venv/bin/python" tests/mcp/client.py "$binary" fixtures/rules/PL101-placement-hint-removed/toml
