#!/usr/bin/env bash
# Type-checks, bundles and packages the extension (offline: no VS Code download). Needs Node 20+
# and npm.
#   ci.sh                   placement-lint.vsix, for every platform (the server comes from the
#                           workspace, PATH or placementLint.server.path)
#   ci.sh BINARY [TARGET]   also placement-lint-TARGET.vsix (default linux-x64) with BINARY inside,
#                           which needs no separate install
set -euo pipefail
binary="${1:-}"
target="${2:-linux-x64}"
if [[ -n "$binary" ]]; then
  [[ -x "$binary" ]] || { echo "no executable placement-lint at $binary" >&2; exit 2; }
  binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
fi
cd "$(dirname "$0")"

# The .vsix lists its files; read them without unzip (not always installed).
listing() { python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; }
check_common() {
  local vsix="$1" files
  [[ -s "$vsix" ]] || { echo "$vsix was not produced" >&2; exit 1; }
  files="$(listing "$vsix")"
  for wanted in extension/dist/extension.js extension/syntaxes/toml.tmLanguage.json \
    extension/languages/toml.language-configuration.json; do
    grep -qx "$wanted" <<<"$files" || { echo "$wanted missing from $vsix" >&2; exit 1; }
  done
  if grep -q "node_modules" <<<"$files"; then echo "node_modules leaked into $vsix" >&2; exit 1; fi
}

rm -rf placement-lint*.vsix bin
# npm ci only when the lock changed since the last install here (a clean clone always installs).
if [[ ! -f node_modules/.installed-lock ]] || ! cmp -s package-lock.json node_modules/.installed-lock; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-lock
fi
npm run typecheck
npm run bundle
npm run package
check_common placement-lint.vsix
if listing placement-lint.vsix | grep -q "^extension/bin/"; then
  echo "a binary leaked into the platform-independent placement-lint.vsix" >&2
  exit 1
fi
echo "ok: $(du -h placement-lint.vsix | cut -f1) placement-lint.vsix"

if [[ -n "$binary" ]]; then
  mkdir -p bin
  # Debug builds carry DWARF that users have no use for.
  if command -v strip >/dev/null; then strip -o bin/placement-lint "$binary"; else cp "$binary" bin/placement-lint; fi
  chmod 755 bin/placement-lint
  trap 'rm -rf bin' EXIT
  npx vsce package --no-dependencies --skip-license --target "$target" --out "placement-lint-$target.vsix"
  check_common "placement-lint-$target.vsix"
  listing "placement-lint-$target.vsix" | grep -qx "extension/bin/placement-lint" ||
    { echo "the binary is missing from placement-lint-$target.vsix" >&2; exit 1; }
  echo "ok: $(du -h "placement-lint-$target.vsix" | cut -f1) placement-lint-$target.vsix"
fi
