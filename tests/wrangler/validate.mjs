// Reads Wrangler configs with the pinned wrangler's own validation and reports which it rejects.
//
// Input (a file named by the first argument, or stdin): a JSON array of
//   { "id": string, "file": path to a wrangler.toml / wrangler.json / wrangler.jsonc, "env": string | null }
// Output (stdout): a JSON array of { "id", "ok": boolean, "errors": string, "warnings": string },
// in input order. `warnings` is what wrangler would print as its config warnings ("" for none).
//
// All cases run in one process because loading wrangler takes about a second and each read
// after that well under a millisecond. Callers should set XDG_CONFIG_HOME to a temporary folder
// and WRANGLER_SEND_METRICS=false so that nothing is written to or sent from the machine.
import { readFileSync } from "node:fs";
import { unstable_readConfig } from "wrangler";

const input = process.argv[2] ? readFileSync(process.argv[2], "utf8") : readFileSync(0, "utf8");
const cases = JSON.parse(input);
if (!Array.isArray(cases)) {
  throw new Error("expected a JSON array of {id, file, env} cases");
}

// wrangler logs through console; keep stdout for the results alone.
const toStderr = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
const quiet = () => {};
const original = { log: console.log, info: console.info, warn: console.warn, debug: console.debug };
console.log = quiet;
console.info = quiet;
console.debug = quiet;
// wrangler prints its config warnings through console.warn, synchronously inside readConfig;
// collect them per case.
let warned = [];
console.warn = (...args) => {
  warned.push(args.map(String).join(" "));
  if (process.env.PLACEMENT_LINT_WRANGLER_VERBOSE) toStderr(...args);
};

// Terminal colours are noise in a verdict.
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");

const results = cases.map(({ id, file, env }) => {
  warned = [];
  try {
    unstable_readConfig({ config: file, env: env ?? undefined }, { hideWarnings: false });
    return { id, ok: true, errors: "", warnings: plain(warned.join("\n")) };
  } catch (error) {
    return {
      id,
      ok: false,
      errors: plain(String(error?.message ?? error)),
      warnings: plain(warned.join("\n")),
    };
  }
});

Object.assign(console, original);
process.stdout.write(JSON.stringify(results) + "\n", () => {
  // Unexpected fields make wrangler start an update check in the background; do not wait for it.
  process.exit(0);
});
