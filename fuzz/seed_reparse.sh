#!/usr/bin/env bash
# Seeds corpus/reparse with every config under fixtures/, each edited just inside up to eight
# of its quotes (evenly spread): typing one character, deleting one, replacing one by a quote
# (the target's input format: two bytes of offset, little-endian, the characters deleted, the
# inserted length, the inserted bytes, then the text).
set -eu
cd "$(dirname "$0")"
. ./seed_common.sh
out=corpus/reparse
mkdir -p "$out"
fixture_configs |
while read -r number config; do
  quotes=$(grep -bo "[\"']" "$config" | cut -d: -f1 || true)
  count=$(echo "$quotes" | grep -c . || true)
  [ "$count" -gt 0 ] || continue
  step=$(( (count + 7) / 8 ))
  echo "$quotes" | awk -v step="$step" 'NR % step == 1 || step == 1' |
  while read -r quote; do
    offset=$((quote + 1))
    header=$(offset_header "$offset")
    for edit in "\\x00\\x01x" "\\x01\\x00" "\\x01\\x01\\x22"; do
      seed="$out/fixture-$number-$(basename "$config")-$offset-${#edit}"
      printf "$header$edit" > "$seed"
      cat "$config" >> "$seed"
    done
  done
done
echo "$(ls "$out" | wc -l) inputs in $out"
