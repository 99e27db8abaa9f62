#!/usr/bin/env node
// Runs the placement-lint binary of this platform. npm installs only the platform package whose
// `os`, `cpu` and `libc` match (they are optional dependencies of this package); this script finds
// it and runs its binary with the same arguments, standard streams and exit status.
"use strict";

const { spawnSync } = require("node:child_process");
const path = require("node:path");
const platforms = require("../platforms.json");

/** Exit status for "could not run at all", the CLI's status for usage errors. */
const CANNOT_RUN = 2;

/** "glibc", "musl", or undefined off Linux. */
function linuxLibc() {
  if (process.platform !== "linux") return undefined;
  // Node's diagnostic report names the glibc it runs on; a musl build of Node has none.
  process.report.excludeNetwork = true;
  const header = process.report.getReport().header;
  return header.glibcVersionRuntime ? "glibc" : "musl";
}

/**
 * The platform packages that can run here, best first. A static musl binary also runs on glibc
 * systems, so it is the fallback there; a glibc binary never runs on musl.
 */
function candidates() {
  const libc = linuxLibc();
  const matching = platforms.filter(
    (platform) => platform.os === process.platform && platform.cpu === process.arch,
  );
  const rank = (platform) => (platform.libc === undefined || platform.libc === libc ? 0 : 1);
  return matching
    .filter((platform) => libc !== "musl" || platform.libc === "musl")
    .sort((a, b) => rank(a) - rank(b));
}

function binaryName() {
  return process.platform === "win32" ? "placement-lint.exe" : "placement-lint";
}

/** The binary to run: $PLACEMENT_LINT_BINARY, or the first installed platform package's. */
function findBinary() {
  if (process.env.PLACEMENT_LINT_BINARY) return { binary: process.env.PLACEMENT_LINT_BINARY };
  const wanted = candidates();
  for (const platform of wanted) {
    try {
      const manifest = require.resolve(`${platform.package}/package.json`);
      return { binary: path.join(path.dirname(manifest), binaryName()) };
    } catch {
      // Not installed (another platform, or optional dependencies omitted): try the next.
    }
  }
  const here = `${process.platform}-${process.arch}${process.platform === "linux" ? ` (${linuxLibc()})` : ""}`;
  const problem =
    wanted.length === 0
      ? `placement-lint has no prebuilt binary for ${here}.`
      : `the package ${wanted.map((platform) => platform.package).join(" or ")} is not installed ` +
        `(npm installs it as an optional dependency of placement-lint on ${here}; ` +
        "it is left out by --omit=optional, --no-optional or a lockfile made on another platform).";
  return {
    error:
      `placement-lint: ${problem}\n` +
      "Reinstall placement-lint with optional dependencies, set PLACEMENT_LINT_BINARY to a " +
      "placement-lint binary, or build one with `cargo install --locked --git " +
      "https://github.com/placement-lint/placement-lint placement_cli`.",
  };
}

function main() {
  const found = findBinary();
  if (found.error) {
    process.stderr.write(`${found.error}\n`);
    return CANNOT_RUN;
  }
  const result = spawnSync(found.binary, process.argv.slice(2), {
    stdio: "inherit",
    windowsHide: true,
  });
  if (result.error) {
    process.stderr.write(`placement-lint: cannot run ${found.binary}: ${result.error.message}\n`);
    return CANNOT_RUN;
  }
  if (result.signal) {
    // End the same way, so that whoever waits on us sees the signal.
    process.kill(process.pid, result.signal);
    return 128;
  }
  return result.status;
}

process.exitCode = main();
