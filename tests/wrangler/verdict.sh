#!/usr/bin/env bash
# Prints the pinned wrangler's verdict (errors and warnings) on one config, with no environment
# and with each environment named after it:  tests/wrangler/verdict.sh path/to/wrangler.toml staging
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
file="$(realpath "$1")"
shift
cases="[{\"id\":\"(no env)\",\"file\":\"$file\",\"env\":null}"
for env in "$@"; do
  cases+=",{\"id\":\"--env $env\",\"file\":\"$file\",\"env\":\"$env\"}"
done
cases+="]"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
echo "$cases" | XDG_CONFIG_HOME="$scratch" WRANGLER_SEND_METRICS=false node "$here/validate.mjs" |
  node -e 'for (const r of JSON.parse(require("fs").readFileSync(0, "utf8"))) {
    console.log(`== ${r.id}: ${r.ok ? "accepted" : "REJECTED"}`);
    if (r.errors) console.log(r.errors);
    if (r.warnings) console.log(r.warnings.trimEnd());
  }'
