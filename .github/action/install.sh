#!/usr/bin/env bash
# The GitHub Action's install step: puts placement-lint on PATH for the following steps.
# Inputs (environment): INPUT_VERSION (`latest` or `X.Y.Z`), INPUT_INSTALL_FROM (`npm`,
# `release` or `path`), ACTION_REPOSITORY (owner/name whose releases hold the binaries).
set -euo pipefail

version=${INPUT_VERSION:-latest}
version=${version#v}
install_dir="${RUNNER_TEMP:?RUNNER_TEMP is set by GitHub Actions}/placement-lint"

# The release binary that runs on this runner: static musl builds on Linux run on any distribution.
release_target() {
  case "${RUNNER_OS:-}-${RUNNER_ARCH:-}" in
    Linux-X64) echo x86_64-unknown-linux-musl ;;
    Linux-ARM64) echo aarch64-unknown-linux-musl ;;
    macOS-X64) echo x86_64-apple-darwin ;;
    macOS-ARM64) echo aarch64-apple-darwin ;;
    Windows-X64) echo x86_64-pc-windows-msvc ;;
    Windows-ARM64) echo aarch64-pc-windows-msvc ;;
    *)
      echo "::error::placement-lint has no release binary for ${RUNNER_OS:-?} ${RUNNER_ARCH:-?}; use install-from: npm" >&2
      exit 1
      ;;
  esac
}

case "${INPUT_INSTALL_FROM:-npm}" in
  npm)
    mkdir -p "$install_dir"
    npm install --prefix "$install_dir" --no-save --no-audit --no-fund --loglevel=error \
      "placement-lint@$version"
    echo "$install_dir/node_modules/.bin" >>"$GITHUB_PATH"
    PATH="$install_dir/node_modules/.bin:$PATH"
    ;;
  release)
    target=$(release_target)
    archive="placement-lint-$target.tar.gz"
    [[ $target == *windows* ]] && archive="placement-lint-$target.zip"
    repository=${ACTION_REPOSITORY:-placement-lint/placement-lint}
    if [ "$version" = latest ]; then
      url="https://github.com/$repository/releases/latest/download/$archive"
    else
      url="https://github.com/$repository/releases/download/v$version/$archive"
    fi
    mkdir -p "$install_dir"
    curl --fail --silent --show-error --location --retry 3 --output "$install_dir/$archive" "$url"
    if [[ $archive == *.zip ]]; then
      # Git Bash's tar reads no zip; PowerShell is on every Windows runner. $env: is PowerShell's.
      # shellcheck disable=SC2016
      ARCHIVE="$install_dir/$archive" DESTINATION="$install_dir" pwsh -NoProfile -Command \
        'Expand-Archive -LiteralPath $env:ARCHIVE -DestinationPath $env:DESTINATION -Force'
    else
      tar -xzf "$install_dir/$archive" -C "$install_dir"
    fi
    echo "$install_dir" >>"$GITHUB_PATH"
    PATH="$install_dir:$PATH"
    ;;
  path) ;;
  *)
    echo "::error::install-from must be npm, release or path, not '$INPUT_INSTALL_FROM'" >&2
    exit 1
    ;;
esac

placement-lint --version
