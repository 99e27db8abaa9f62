#!/usr/bin/env bash
# Seeds corpus/completion_cursor with every config under fixtures/, each with the cursor at a
# quarter, a half, three quarters and the end of its text (two bytes of offset, little-endian,
# then the text: the target's input format).
set -eu
cd "$(dirname "$0")"
. ./seed_common.sh
out=corpus/completion_cursor
mkdir -p "$out"
fixture_configs |
while read -r number config; do
  size=$(wc -c < "$config")
  for quarter in 1 2 3 4; do
    offset=$((size * quarter / 4))
    seed="$out/fixture-$number-$(basename "$config")-$quarter"
    printf "$(offset_header "$offset")" > "$seed"
    cat "$config" >> "$seed"
  done
done
echo "$(ls "$out" | wc -l) inputs in $out"
