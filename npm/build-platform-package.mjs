#!/usr/bin/env node
// Lays out the npm package of one platform's placement-lint binary:
//
//   node npm/build-platform-package.mjs TARGET BINARY OUT_DIR
//
// TARGET is a Rust target triple listed in npm/placement-lint/platforms.json, BINARY the built
// placement-lint (placement-lint.exe on Windows), OUT_DIR an empty or missing folder. The package
// takes its version, license and repository from the launcher package, so they never drift.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const launcherDir = join(dirname(fileURLToPath(import.meta.url)), "placement-lint");
const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));

function fail(message) {
  process.stderr.write(`build-platform-package: ${message}\n`);
  process.exit(2);
}

const [target, binary, outDir] = process.argv.slice(2);
if (!target || !binary || !outDir) fail("usage: build-platform-package.mjs TARGET BINARY OUT_DIR");

const platforms = readJson(join(launcherDir, "platforms.json"));
const platform = platforms.find((candidate) => candidate.target === target);
if (!platform) {
  fail(`unknown target ${target}; known: ${platforms.map((known) => known.target).join(", ")}`);
}
const launcher = readJson(join(launcherDir, "package.json"));

mkdirSync(outDir, { recursive: true });
if (readdirSync(outDir).length > 0) fail(`${outDir} is not empty`);

const binaryName = platform.os === "win32" ? "placement-lint.exe" : "placement-lint";
const manifest = {
  name: platform.package,
  version: launcher.version,
  description: `The ${target} binary of placement-lint (installed by the placement-lint package)`,
  license: launcher.license,
  repository: launcher.repository,
  homepage: launcher.homepage,
  files: [binaryName],
  os: [platform.os],
  cpu: [platform.cpu],
  ...(platform.libc ? { libc: [platform.libc] } : {}),
  // Package managers that keep packages zipped (Yarn PnP) must unpack it to run the binary.
  preferUnplugged: true,
};
writeFileSync(join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(
  join(outDir, "README.md"),
  `# ${platform.package}\n\nThe \`${target}\` binary of [placement-lint](${launcher.homepage}). ` +
    "Install `placement-lint` instead: it depends on this package on the platforms it fits.\n",
);
copyFileSync(binary, join(outDir, binaryName));
chmodSync(join(outDir, binaryName), 0o755);
