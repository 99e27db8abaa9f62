// Checks the TOML grammar of the extension (editors/vscode/syntaxes/toml.tmLanguage.json) token
// by token with VS Code's own tokenizer (vscode-textmate and vscode-oniguruma, which code-server
// ships), on the constructs a wrangler.toml uses. Run by run.sh before the browser test.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vscodeModules = join(here, "node_modules", "code-server", "lib", "vscode", "node_modules");
const require = createRequire(join(vscodeModules, "noop.js"));
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const grammarPath = join(here, "..", "..", "editors", "vscode", "syntaxes", "toml.tmLanguage.json");
const wasm = readFileSync(join(vscodeModules, "vscode-oniguruma", "release", "onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new textmate.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async () => textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath),
});
const grammar = await registry.loadGrammar("source.toml.placement-lint");

/** Every token of `text`: its line, its columns, its text and its scopes. */
function tokenize(text) {
  const tokens = [];
  let state = textmate.INITIAL;
  text.split("\n").forEach((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      tokens.push({ line: index + 1, start: token.startIndex, end: token.endIndex, text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

const sample = `# comment
name = "api" # trailing
"quoted key".bare = 'literal'
compatibility_flags = [
  "nodejs_compat", # why
  'x',
]
placement = { mode = "smart", region = "aws:us-east-1" }
workers_dev = false
port = 8_080
ratio = -1.5e3
when = 2025-06-01T10:00:00Z
script = """
multi "line" \\n
"""
raw = '''
C:\\path
'''
[env.staging.placement]
mode = "targeted"
[[d1_databases]]
binding = "DB"`;

const expectations = [
  [1, "# comment", "comment.line.number-sign.toml"],
  [2, "name", "support.type.property-name.toml"],
  [2, '"api"', "string.quoted.double.basic.line.toml"],
  [2, "# trailing", "comment.line.number-sign.toml"],
  [3, '"quoted key"', "string.quoted.double.key.toml"],
  [3, "bare", "support.type.property-name.toml"],
  [3, "'literal'", "string.quoted.single.literal.line.toml"],
  [4, "compatibility_flags", "support.type.property-name.toml"],
  [5, '"nodejs_compat"', "string.quoted.double.basic.line.toml"],
  [5, "# why", "comment.line.number-sign.toml"],
  [6, "'x'", "string.quoted.single.literal.line.toml"],
  [7, "]", "punctuation.definition.array.end.toml"],
  [8, "mode", "support.type.property-name.toml"],
  [8, '"smart"', "string.quoted.double.basic.line.toml"],
  [8, "region", "support.type.property-name.toml"],
  [8, "}", "punctuation.definition.table.inline.end.toml"],
  [9, "false", "constant.language.boolean.toml"],
  [10, "8_080", "constant.numeric.toml"],
  [11, "-1.5e3", "constant.numeric.toml"],
  [12, "2025-06-01T10:00:00Z", "constant.other.time.datetime.toml"],
  [14, "\\n", "constant.character.escape.toml"],
  [17, "C:\\path", "string.quoted.triple.literal.block.toml"],
  [19, "env", "entity.name.type.table.toml"],
  [19, "placement", "entity.name.type.table.toml"],
  [20, "mode", "support.type.property-name.toml"],
  [21, "d1_databases", "entity.name.type.array-table.toml"],
  [22, "binding", "support.type.property-name.toml"],
  [22, '"DB"', "string.quoted.double.basic.line.toml"],
];

const tokens = tokenize(sample);
const lines = sample.split("\n");
const failures = [];
for (const [line, text, scope] of expectations) {
  // Every token of the text (a string is its quotes and its content) carries the scope.
  const start = lines[line - 1].indexOf(text);
  const covering = tokens.filter((token) => token.line === line && token.start < start + text.length && token.end > start);
  if (start < 0 || covering.length === 0 || !covering.every((token) => token.scopes.includes(scope))) {
    const got = covering.map((token) => `\`${token.text}\`: ${token.scopes.slice(1).join(" ")}`).join(" | ");
    failures.push(`line ${line} \`${text}\`: wanted ${scope}, got ${got || "no such text"}`);
  }
}
// Nothing is left unscoped but whitespace and punctuation.
const stray = tokens.filter((token) => token.scopes.length === 1 && /[A-Za-z0-9"']/.test(token.text));
for (const token of stray) {
  failures.push(`line ${token.line} \`${token.text}\` has no scope`);
}
if (failures.length > 0) {
  console.log(`FAIL the TOML grammar:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`ok   the TOML grammar scopes ${expectations.length} tokens of a wrangler.toml as expected`);
