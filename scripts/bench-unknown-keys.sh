#!/usr/bin/env bash
# Times `placement-lint check` on a wrangler.json with N unknown top-level keys (one in ten close
# to a real key, so that did-you-mean has work), for each N given (default 10000 100000 1000000),
# in the JSON and human outputs, and prints wall time and peak RSS. Uses the release binary.
# 1,000,000 keys make a file of about 20 MB, above the 10 MB limit: that run shows the refusal.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q -p placement_cli
binary="$PWD/target/release/placement-lint"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
printf '%-9s %-6s %9s %10s %12s\n' keys output seconds "peak RSS" "output bytes"
for keys in "${sizes[@]}"; do
  dir="$scratch/k$keys"
  mkdir -p "$dir"
  seq 0 $((keys - 1)) | awk 'BEGIN { printf "{\n  \"name\": \"w\"" }
    { if ($1 % 10 == 0) printf ",\n  \"nam%d\": %d", $1, $1; else printf ",\n  \"key_%d\": %d", $1, $1 }
    END { printf "\n}\n" }' > "$dir/wrangler.json"
  for format in json human; do
    /usr/bin/time -f "%e %M" -o "$scratch/time" \
      "$binary" check --output-format "$format" "$dir" > "$scratch/out" || true
    # (`time` adds a line before its figures when the status is not 0.)
    read -r seconds kib < <(tail -n 1 "$scratch/time")
    printf '%-9s %-6s %9s %7d MB %12d\n' "$keys" "$format" "$seconds" $((kib / 1024)) \
      "$(stat -c %s "$scratch/out")"
  done
done
