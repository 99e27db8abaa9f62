# Shared by the seed scripts (sourced, not run): the fixtures' configs and the offset header.

# Prints "NUMBER PATH" for every config under fixtures/ small enough to seed with (numbered in
# path order, so that seed names are stable).
fixture_configs() {
  find ../fixtures -name 'wrangler.toml' -o -name 'wrangler.json' -o -name 'wrangler.jsonc' |
    sort | nl -w1 -s' ' |
  while read -r number config; do
    if [ "$(wc -c < "$config")" -le 60000 ]; then echo "$number $config"; fi
  done
}

# The printf escapes of OFFSET as two bytes, little-endian (the targets' input format).
offset_header() {
  printf '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255))
}
