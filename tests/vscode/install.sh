#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs: Debian's Chromium and the headers code-server's
# native modules build against (apt), then code-server and playwright-core pinned by
# package-lock.json (npm). Idempotent: a second run with everything in place does nothing.
# Notes on code-server here: ../../../shared/docs/vscode-testing.md in the lead's tree, and
# README.md next to this script.
set -euo pipefail
cd "$(dirname "$0")"

apt_packages=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo)
  echo "installing with apt: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# @vscode/ripgrep downloads `rg` from a host that is not reachable from CI; it first looks in its
# cache folder for the release tarball, so a tarball holding Debian's `rg` stands in for it.
ripgrep_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
ripgrep_tarball="$ripgrep_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -s "$ripgrep_tarball" ]]; then
  mkdir -p "$ripgrep_cache"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$ripgrep_tarball" -C "$staging" rg
  rm -rf "$staging"
fi

# npm ci only when the lock changed since the last install (it takes a minute or two).
stamp="node_modules/.installed-lock"
if [[ ! -f "$stamp" ]] || ! cmp -s package-lock.json "$stamp"; then
  # Root installs need unsafe-perm; node's headers come from /usr/include/node; node-pty's build
  # runs npx, which must not prompt.
  npm_config_unsafe_perm=true npm_config_nodedir=/usr npm_config_yes=true \
    npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
[[ -x node_modules/.bin/code-server ]] || { echo "code-server was not installed" >&2; exit 1; }
