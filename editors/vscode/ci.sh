#!/usr/bin/env bash
# Type-checks, bundles and packages the extension into placement-lint.vsix (offline: no VS Code
# download). Needs Node 20+ and npm.
set -euo pipefail
cd "$(dirname "$0")"
rm -f placement-lint.vsix
npm ci --no-audit --no-fund
npm run typecheck
npm run bundle
npm run package
[[ -s placement-lint.vsix ]] || { echo "placement-lint.vsix was not produced" >&2; exit 1; }
# The package holds the bundle and the manifest, and nothing from node_modules.
listing="$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' placement-lint.vsix)"
grep -q "extension/dist/extension.js" <<<"$listing" || { echo "bundle missing from the .vsix" >&2; exit 1; }
if grep -q "node_modules" <<<"$listing"; then echo "node_modules leaked into the .vsix" >&2; exit 1; fi
echo "ok: $(du -h placement-lint.vsix | cut -f1) placement-lint.vsix"
