#!/usr/bin/env bash
# The GitHub Action's check step. Inputs (environment): INPUT_ARGS (paths and options, split on
# spaces), INPUT_OUTPUT_FORMAT (`github` or `human`), INPUT_SARIF_FILE (empty: no SARIF).
# Exits with placement-lint's status: 0 clean, 1 problems found, 2 usage error.
set -uo pipefail

read -r -a args <<<"${INPUT_ARGS:-.}"
format=${INPUT_OUTPUT_FORMAT:-github}
matcher="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/placement-lint-matcher.json"

case "$format" in
  github | human) ;;
  *)
    echo "::error::output-format must be github or human, not '$format'" >&2
    exit 2
    ;;
esac

if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  mkdir -p "$(dirname "$INPUT_SARIF_FILE")"
  placement-lint check --output-format sarif "${args[@]}" >"$INPUT_SARIF_FILE"
  sarif_status=$?
  # 1 only means problems were found, which the check below reports.
  if [ "$sarif_status" -gt 1 ]; then
    exit "$sarif_status"
  fi
  echo "sarif-file=$INPUT_SARIF_FILE" >>"${GITHUB_OUTPUT:-/dev/null}"
fi

if [ "$format" = human ]; then
  echo "::add-matcher::$matcher"
fi
placement-lint check --output-format "$format" "${args[@]}"
status=$?
if [ "$format" = human ]; then
  # Stop annotating the output of later steps.
  grep -o '"owner": "[^"]*"' "$matcher" | cut -d '"' -f 4 | while read -r owner; do
    echo "::remove-matcher owner=$owner::"
  done
fi
exit "$status"
