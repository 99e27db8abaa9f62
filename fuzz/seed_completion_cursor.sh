#!/usr/bin/env bash
# Seeds corpus/completion_cursor with every config under fixtures/, each with the cursor at a
# quarter, a half, three quarters and the end of its text (two bytes of offset, little-endian,
# then the text: the target's input format).
set -eu
cd "$(dirname "$0")"
out=corpus/completion_cursor
mkdir -p "$out"
find ../fixtures -name 'wrangler.toml' -o -name 'wrangler.json' -o -name 'wrangler.jsonc' |
  sort | nl -w1 -s' ' |
while read -r number config; do
  size=$(wc -c < "$config")
  [ "$size" -le 60000 ] || continue
  for quarter in 1 2 3 4; do
    offset=$((size * quarter / 4))
    seed="$out/fixture-$number-$(basename "$config")-$quarter"
    printf "\\x$(printf %02x $((offset & 255)))\\x$(printf %02x $((offset >> 8 & 255)))" > "$seed"
    cat "$config" >> "$seed"
  done
done
echo "$(ls "$out" | wc -l) inputs in $out"
