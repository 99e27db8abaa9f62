// Reads Wrangler configs with the pinned wrangler's own validation and reports which it rejects.
//
// Input (a file named by the first argument, or stdin): a JSON array of
//   { "id": string, "file": path to a wrangler.toml / wrangler.json / wrangler.jsonc, "env": string | null }
// Output (stdout): a JSON array of { "id", "ok": boolean, "errors": string }, in input order.
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
console.warn = process.env.PLACEMENT_LINT_WRANGLER_VERBOSE ? toStderr : quiet;

const results = cases.map(({ id, file, env }) => {
  try {
    unstable_readConfig({ config: file, env: env ?? undefined }, { hideWarnings: true });
    return { id, ok: true, errors: "" };
  } catch (error) {
    return { id, ok: false, errors: String(error?.message ?? error) };
  }
});

Object.assign(console, original);
process.stdout.write(JSON.stringify(results) + "\n");
