#!/usr/bin/env node
// Generates crates/placement_analysis/src/schema/generated.rs, the key catalog, from the pinned
// wrangler (tests/wrangler/node_modules/wrangler): the keys, types, enums and descriptions of
// its `config-schema.json`, plus what only its bundled validation code says (which keys
// environments inherit, deprecated, removed and experimental fields, keys it accepts that the
// schema omits). Every fact taken from the validation code is checked to still be there, and
// every deprecation message in it must be accounted for, so a wrangler upgrade that changes
// them fails here instead of drifting.
//
//   node scripts/generate-catalog.mjs            writes the file
//   node scripts/generate-catalog.mjs --stdout   prints it (the drift test compares)
//   WRANGLER_DIR=path/to/node_modules/wrangler   another install

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { probeCatalog, wranglerReader } from "./catalog-probes.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wranglerDir = process.env.WRANGLER_DIR ?? join(root, "tests/wrangler/node_modules/wrangler");
const output = join(root, "crates/placement_analysis/src/schema/generated.rs");

const schema = JSON.parse(readFileSync(join(wranglerDir, "config-schema.json"), "utf8"));
const version = JSON.parse(readFileSync(join(wranglerDir, "package.json"), "utf8")).version;
const source = readFileSync(join(wranglerDir, "wrangler-dist/cli.js"), "utf8");
const definitions = schema.definitions;

function fail(message) {
  throw new Error(`generate-catalog: ${message} (wrangler ${version})`);
}

// ---------------------------------------------------------------------------------------------
// Facts from the validation code.

/** The body of a top-level `function NAME(` in the bundle. */
function functionBody(name) {
  const start = source.indexOf(`\nfunction ${name}(`);
  if (start < 0) fail(`no function ${name} in wrangler-dist/cli.js`);
  const end = source.indexOf("\nfunction ", start + 1);
  return source.slice(start, end < 0 ? undefined : end);
}

const environmentBody = functionBody("normalizeAndValidateEnvironment");
const notInheritable = new Set(
  [...environmentBody.matchAll(/notInheritable\(\s*diagnostics,\s*topLevelEnv,\s*rawConfig,\s*rawEnv,\s*envName,\s*"([\w$-]+)"/g)].map(
    (match) => match[1],
  ),
);
if (notInheritable.size < 10) fail("found too few notInheritable(...) fields");

/** Whether the validation code inherits `key` from the top level. */
function inheritedInSource(key) {
  const call = new RegExp(`inheritable\\(\\s*diagnostics,\\s*topLevelEnv,\\s*[^"]*?"${key}"`);
  return call.test(source) || source.includes(`topLevelEnv?.${key} `);
}

/** wrangler's own words: the first group of `pattern` (a template literal's text) in the
 * validation code, unescaped, on one line. */
function wranglerText(pattern) {
  const match = source.match(pattern);
  if (!match) fail(`the validation code no longer matches ${pattern}`);
  return match[1].replace(/\\(.)/g, "$1").replace(/\s*\n\s*/g, " ").trim();
}

// Fields wrangler reports as removed or deprecated outside the schema, each with the text that
// proves it in the validation code. `path` is the chain of key names (array steps left out).
const VALIDATION_DEPRECATIONS = [
  { path: ["node_compat"], scopes: "environment", removed: true, needle: `"node_compat",\n    \`The "node_compat" field is no longer supported`, message: wranglerText(/`(The "node_compat" field is no longer supported(?:[^`\\]|\\.)*)`/) },
  { path: ["legacy_env"], scopes: "top", removed: true, needle: `The "legacy_env" field is no longer supported`, message: wranglerText(/dedent`\s*(The "legacy_env" field is no longer supported(?:[^`\\]|\\.)*)`/) },
  { path: ["containers", "instances"], replacement: "max_instances", needle: `"containers.instances" is deprecated. Use "containers.max_instances" instead.` },
  { path: ["containers", "durable_objects"], replacement: "class_name", needle: `"containers.durable_objects" is deprecated. Use the "class_name" field instead.` },
  { path: ["containers", "wrangler_ssh"], replacement: "ssh", needle: `"containers.wrangler_ssh" is deprecated. Use "containers.ssh" instead.` },
  { path: ["containers", "configuration"], needle: `"containers.configuration" is deprecated. Use top level "containers" fields instead.` },
  { path: ["containers", "constraints", "tier"], replacement: "tiers", needle: `"constraints.tier" has been deprecated in favor of "constraints.tiers".` },
  { path: ["queues", "producers", "delivery_delay"], needle: `The "delivery_delay" field in "\${field}" is deprecated and has no effect.` },
  { path: ["pipelines", "pipeline"], replacement: "stream", needle: `The "pipeline" field in "\${field}" bindings is deprecated. Use "stream" instead.` },
  { path: ["site", "entry-point"], needle: "`site.entry-point`,\n      `Delete the \\`site.entry-point\\` field, then add the top level \\`main\\` field to your configuration file", message: "Delete the `site.entry-point` field, then add the top level `main` field to your configuration file" },
];
// Deprecation messages about values, not keys: accounted for here, not catalogued as keys (the
// renamed `instance_type` values are catalogued on their shape, below).
const VALUE_DEPRECATIONS = [
  `The "dev" instance_type has been renamed to "lite"`,
  `The "standard" instance_type has been renamed to "standard-1"`,
  "The deployment object in the metadata binding is now deprecated.",
  `we're defaulting to "workers-site" for the deprecated`,
  "Delete the deprecated",
];
for (const entry of VALIDATION_DEPRECATIONS) {
  if (!source.includes(entry.needle)) fail(`the validation code no longer says: ${entry.needle}`);
  entry.message ??= entry.needle.replace(/\$\{field\}/g, entry.path.slice(0, -1).join("."));
}
// Every deprecation message of the config validation must be one of the above.
const validationStart = source.indexOf("// ../workers-utils/src/config/validation-helpers.ts");
const validationEnd = source.indexOf("// ../workers-utils/src/config/binding-local-support.ts");
if (validationStart < 0 || validationEnd < validationStart) fail("cannot find the config validation module");
for (const line of source.slice(validationStart, validationEnd).split("\n")) {
  if (!/deprecated|no longer supported/i.test(line) || !/["`]/.test(line)) continue;
  if (/function deprecated|__name\(deprecated|^\s*deprecated\($/.test(line)) continue;
  const known = [...VALIDATION_DEPRECATIONS.map((entry) => entry.needle.split("\n").pop()), ...VALUE_DEPRECATIONS];
  if (!known.some((needle) => line.includes(needle) || needle.includes(line.trim()))) {
    fail(`an unaccounted deprecation in the validation code: ${line.trim()}`);
  }
}

// `experimental(diagnostics, X, "path")` calls: the key path is the last string argument.
const experimentalPaths = [...source.matchAll(/experimental\(\s*diagnostics,\s*[^;]*?"([\w.$-]+)"\s*\)/g)].map((match) =>
  match[1].split("."),
);
if (experimentalPaths.length === 0) fail("found no experimental(...) fields");

// Keys the container validation accepts that the schema does not describe.
const containerKeys = (() => {
  const match = source.match(/Object\.keys\(containerAppOptional\),\s*\[([^\]]*)\]/);
  if (!match) fail("cannot find the accepted container keys");
  return [...match[1].matchAll(/"([\w$-]+)"/g)].map((m) => m[1]);
})();
const containerConfigurationKeys = (() => {
  const match = source.match(/Object\.keys\(containerAppOptional\.configuration\),\s*\[([^\]]*)\]/);
  if (!match) fail("cannot find the accepted container configuration keys");
  return [...match[1].matchAll(/"([\w$-]+)"/g)].map((m) => m[1]);
})();

// ---------------------------------------------------------------------------------------------
// Shapes: each schema node becomes a shape (types, keys, array items, map values, enum values),
// `anyOf` variants merged into one. Structurally equal shapes are shared.

const TYPE_BITS = { string: 1, number: 2, integer: 4, boolean: 8, array: 16, object: 32, null: 64 };
const ANY = Object.values(TYPE_BITS).reduce((a, b) => a | b, 0);
const FLAGS = {
  required: 1,
  inheritable: 2,
  notInheritable: 4,
  topLevelOnly: 8,
  deprecated: 16,
  experimental: 32,
  removed: 64,
  validationOnly: 128,
  // Set by the probes (catalog-probes.mjs): wrangler refuses the config without the key.
  wranglerRequired: 256,
  // Set by the probes: wrangler warns that the key is unexpected there (the schema has it).
  wranglerUnexpected: 512,
};

function deref(node) {
  const seen = new Set();
  while (node && node.$ref) {
    if (seen.has(node.$ref)) fail(`a $ref cycle at ${node.$ref}`);
    seen.add(node.$ref);
    const name = node.$ref.replace("#/definitions/", "");
    node = definitions[name];
    if (!node) fail(`dangling $ref ${name}`);
  }
  return node;
}

/** The `anyOf` variants of a node, flattened, with `$ref`s followed. */
function variants(node) {
  const resolved = deref(node);
  if (resolved?.anyOf) return resolved.anyOf.flatMap(variants);
  return [resolved ?? {}];
}

function description(node) {
  for (const candidate of [node, deref(node)]) {
    const text = candidate?.markdownDescription ?? candidate?.description;
    if (text) return text;
  }
  return "";
}

// Recursive definitions (`Json`) would expand forever: a shape id is reserved per definition.
const shapes = []; // { types, keys: [{ name, shape, description, flags, note }], items, values, enums }
const byDefinition = new Map();
const byStructure = new Map();

function shapeOf(node) {
  if (node?.$ref && !node.anyOf) {
    const name = node.$ref.replace("#/definitions/", "");
    if (byDefinition.has(name)) return byDefinition.get(name);
    const id = shapes.length;
    shapes.push(null);
    byDefinition.set(name, id);
    shapes[id] = buildShape(deref(node));
    return id;
  }
  return intern(buildShape(node));
}

function intern(shape) {
  const key = JSON.stringify(shape);
  if (byStructure.has(key)) return byStructure.get(key);
  const id = shapes.length;
  shapes.push(shape);
  byStructure.set(key, id);
  return id;
}

function buildShape(node) {
  let types = 0;
  const keys = new Map();
  const itemNodes = [];
  const valueNodes = [];
  const enums = new Set();
  // A key is required when every object alternative requires it (`route`'s `zone_id` is
  // required only in the alternative that has it).
  let objectVariants = 0;
  for (const variant of variants(node)) {
    const declared = variant.type === undefined ? [] : [variant.type].flat();
    if (declared.length === 0 && !variant.properties && !variant.items && variant.const === undefined && !variant.enum) {
      types |= ANY; // `{}`: anything
    }
    for (const type of declared) types |= TYPE_BITS[type] ?? 0;
    for (const value of [...(variant.enum ?? []), ...(variant.const === undefined ? [] : [variant.const])]) {
      if (typeof value === "string") {
        enums.add(value);
        types |= TYPE_BITS.string;
      } else if (typeof value === "boolean") types |= TYPE_BITS.boolean;
      else if (typeof value === "number") types |= TYPE_BITS.number;
    }
    if (variant.properties) {
      types |= TYPE_BITS.object;
      objectVariants += 1;
      const required = new Set(variant.required ?? []);
      for (const [name, property] of Object.entries(variant.properties)) {
        const existing = keys.get(name);
        if (existing) {
          existing.nodes.push(property);
          existing.requiredBy += required.has(name) ? 1 : 0;
        } else {
          keys.set(name, { nodes: [property], requiredBy: required.has(name) ? 1 : 0 });
        }
      }
    }
    if (variant.items) {
      types |= TYPE_BITS.array;
      itemNodes.push(...[variant.items].flat());
    }
    if (variant.additionalProperties !== undefined && variant.additionalProperties !== false) {
      types |= TYPE_BITS.object;
      valueNodes.push(variant.additionalProperties === true ? {} : variant.additionalProperties);
    }
  }
  return {
    types,
    keys: [...keys].map(([name, { nodes, requiredBy }]) => ({
      name,
      shape: nodes.length === 1 ? shapeOf(nodes[0]) : shapeOf({ anyOf: nodes }),
      description: nodes.map(description).find(Boolean) ?? "",
      flags: requiredBy === objectVariants ? FLAGS.required : 0,
      note: nodes.map((n) => n.deprecated).find(Boolean) ?? "",
      deprecatedInSchema: nodes.some((n) => n.deprecated !== undefined),
    })),
    items: itemNodes.length === 0 ? -1 : itemNodes.length === 1 ? shapeOf(itemNodes[0]) : shapeOf({ anyOf: itemNodes }),
    values: valueNodes.length === 0 ? -1 : valueNodes.length === 1 ? shapeOf(valueNodes[0]) : shapeOf({ anyOf: valueNodes }),
    enums: [...enums],
  };
}

// `PreviewsConfig` points some keys at a generated interface holding every inheritable field
// (an artefact of an indexed type in wrangler's source); wrangler validates them like the top
// level's, so they take the top level's shape.
const previews = structuredClone(definitions.PreviewsConfig);
for (const [name, property] of Object.entries(previews.properties)) {
  if (/^#\/definitions\/interface-/.test(property.$ref ?? "")) {
    const topLevel = definitions.RawConfig.properties[name];
    if (!topLevel) fail(`previews.${name} has no top-level counterpart`);
    previews.properties[name] = topLevel;
  }
}
definitions.PreviewsConfig = previews;

const rootShape = shapeOf({ $ref: "#/definitions/RawConfig" });
const environmentShape = shapeOf({ $ref: "#/definitions/RawEnvironment" });

// Shapes are shared; the facts below are about a key in its place, so a shape that gets one is
// copied first (copy-on-write) into its parent.
function ownShape(id) {
  const copy = structuredClone(shapes[id]);
  shapes.push(copy);
  return shapes.length - 1;
}

/** The key at `path` (key names; array items and map values are stepped through), made owned. */
function ownKey(path, from = rootShape, add = null) {
  let shapeId = from;
  let key = null;
  for (const [index, name] of path.entries()) {
    let shape = shapes[shapeId];
    while (shape.keys.length === 0 && (shape.items >= 0 || shape.values >= 0)) {
      const child = shape.items >= 0 ? "items" : "values";
      shape[child] = ownShape(shape[child]);
      shapeId = shape[child];
      shape = shapes[shapeId];
    }
    key = shape.keys.find((k) => k.name === name);
    if (!key) {
      if (!add || index !== path.length - 1) return null;
      key = { name, shape: intern({ types: ANY, keys: [], items: -1, values: -1, enums: [] }), description: "", flags: FLAGS.validationOnly, note: "" };
      shape.keys.push(key);
    }
    if (index < path.length - 1) {
      key.shape = ownShape(key.shape);
      shapeId = key.shape;
    }
  }
  return key;
}

// Inheritance, on the keys of the top level and of environments.
const environmentKeys = new Set(shapes[environmentShape].keys.map((key) => key.name));
for (const name of notInheritable) {
  if (!environmentKeys.has(name)) fail(`notInheritable field ${name} is not an environment key`);
}
for (const shapeId of [rootShape, environmentShape]) {
  for (const key of shapes[shapeId].keys) {
    if (!environmentKeys.has(key.name)) key.flags |= FLAGS.topLevelOnly;
    else if (notInheritable.has(key.name)) key.flags |= FLAGS.notInheritable;
    else if (inheritedInSource(key.name)) key.flags |= FLAGS.inheritable;
    else fail(`environment key ${key.name} is neither inheritable nor notInheritable in the validation code`);
  }
}

// Keys the container validation accepts beyond the schema, wherever containers are declared.
for (const shapeId of [rootShape, environmentShape, ...previewsRoot(["containers"])]) {
  for (const name of containerKeys) ownKey(["containers", name], shapeId, true);
  for (const name of containerConfigurationKeys) ownKey(["containers", "configuration", name], shapeId, true);
}

// What the container validation says those keys hold (the schema does not describe them), each
// with the code that proves it. `object` keeps the key's own keys (`configuration.image`, ...);
// `map` makes it an object of any keys; `sameAs` gives it the shape of a sibling key that
// wrangler validates it as.
const CONTAINER_KEY_SHAPES = [
  { name: "configuration", object: true, needle: '`"containers.configuration" should be an object`' },
  { name: "unsafe", map: true, needle: '`The field "containers.unsafe" should be an object but got' },
  {
    name: "wrangler_ssh",
    sameAs: "ssh",
    needle: 'validateContainerSshConfig(\n          diagnostics,\n          `${field}.wrangler_ssh`,',
  },
];
const anyShape = () => intern({ types: ANY, keys: [], items: -1, values: -1, enums: [] });
for (const entry of CONTAINER_KEY_SHAPES) {
  if (!source.includes(entry.needle)) fail(`the container validation no longer says: ${entry.needle}`);
  for (const shapeId of [rootShape, environmentShape, ...previewsRoot(["containers"])]) {
    // (Each `ownKey` copies the path it walks: the sibling is looked up before the key.)
    const sibling = entry.sameAs && ownKey(["containers", entry.sameAs], shapeId);
    if (entry.sameAs && !sibling) fail(`no containers.${entry.sameAs} for containers.${entry.name}`);
    const key = ownKey(["containers", entry.name], shapeId);
    if (!key) fail(`no containers.${entry.name}`);
    if (entry.object) {
      key.shape = ownShape(key.shape);
      shapes[key.shape].types = TYPE_BITS.object;
    } else if (entry.map) {
      key.shape = intern({ types: TYPE_BITS.object, keys: [], items: -1, values: anyShape(), enums: [] });
    } else {
      key.shape = sibling.shape;
    }
  }
}

// A Service Binding's `dev` (a plugin that serves it in local development): not in the schema,
// but validated by `validateServiceBinding` as the unsafe bindings' `dev` is described there.
const SERVICE_DEV_NEEDLE = '`"${field}.dev" should have an object "plugin" field but got';
if (!source.includes(SERVICE_DEV_NEEDLE)) fail(`the service binding validation no longer says: ${SERVICE_DEV_NEEDLE}`);
for (const shapeId of [rootShape, environmentShape, ...previewsRoot(["services"])]) {
  const pluginDev = ownKey(["unsafe", "bindings", "dev"], shapeId);
  if (!pluginDev) fail("no unsafe.bindings[].dev to take the shape of services[].dev from");
  const key = ownKey(["services", "dev"], shapeId, true);
  if (!key) fail("no services[] to add dev to");
  key.shape = pluginDev.shape;
}

// A Service Binding's `environment` (the target Worker's service environment, from before
// environments became separate Workers): not in the schema, but `validateServiceBinding` takes it
// as an optional string and the upload sends it on.
const SERVICE_ENVIRONMENT_NEEDLE = '`"${field}" bindings should have a string "environment" field but got';
if (!source.includes(SERVICE_ENVIRONMENT_NEEDLE)) {
  fail(`the service binding validation no longer says: ${SERVICE_ENVIRONMENT_NEEDLE}`);
}
for (const shapeId of [rootShape, environmentShape, ...previewsRoot(["services"])]) {
  const key = ownKey(["services", "environment"], shapeId, true);
  if (!key) fail("no services[] to add environment to");
  key.shape = intern({ types: TYPE_BITS.string, keys: [], items: -1, values: -1, enums: [] });
}

// A Service Binding's `cross_account_grant`: not in the schema and not validated, but the upload
// sends it on with the binding, so it is a key wrangler uses (of any type: nothing checks it).
const SERVICE_UPLOAD_GRANT = /services\.forEach\(\s*\(\{[^}]*\bcross_account_grant\b[^}]*\}\)\s*=>/;
if (!SERVICE_UPLOAD_GRANT.test(source)) fail("the service binding upload no longer sends cross_account_grant");
for (const shapeId of [rootShape, environmentShape, ...previewsRoot(["services"])]) {
  if (!ownKey(["services", "cross_account_grant"], shapeId, true)) fail("no services[] to add cross_account_grant to");
}

// Values wrangler renamed, with a warning ("The "dev" instance_type has been renamed to "lite""):
// the old value is still taken.
const renamedInstanceTypes = [...source.matchAll(/`The "([\w-]+)" instance_type has been renamed to "([\w-]+)"/g)].map(
  (match) => [match[1], match[2]],
);
if (renamedInstanceTypes.length === 0) fail("found no renamed instance_type values");
for (const shapeId of [rootShape, environmentShape, ...previewsRoot(["containers"])]) {
  const key = ownKey(["containers", "instance_type"], shapeId);
  if (!key) fail("no containers.instance_type");
  key.shape = ownShape(key.shape);
  for (const [old] of renamedInstanceTypes) {
    if (!shapes[key.shape].enums.includes(old)) fail(`the renamed instance_type "${old}" is not in the schema's values`);
  }
  shapes[key.shape].renamed = renamedInstanceTypes;
}

// Deprecated, removed and experimental keys: in the top level, environments and `previews`.
function inEveryScope(path, scopes, apply, add = false) {
  const roots = scopes === "top" ? [rootShape] : scopes === "environment" ? [rootShape, environmentShape] : [rootShape, environmentShape, ...previewsRoot(path)];
  let found = false;
  for (const shapeId of roots) {
    const key = ownKey(path, shapeId, add);
    if (key) {
      apply(key);
      found = true;
    }
  }
  if (!found) fail(`no key at ${path.join(".")}`);
}
function previewsRoot(path) {
  const previewsKey = shapes[rootShape].keys.find((key) => key.name === "previews");
  return previewsKey && shapes[previewsKey.shape].keys.some((key) => key.name === path[0]) ? [ownKey(["previews"]).shape] : [];
}
for (const entry of VALIDATION_DEPRECATIONS) {
  inEveryScope(entry.path, entry.scopes, (key) => {
    key.flags |= entry.removed ? FLAGS.removed : FLAGS.deprecated;
    key.note = entry.message;
    if (!key.description) key.description = entry.message;
    if (entry.replacement) key.replacement = entry.replacement;
  }, true);
}
for (const path of experimentalPaths) {
  const scopes = path.length === 1 ? "environment" : "all";
  const found = [];
  // A path below the top level ("local_dev.experimental_s3_credentials") is relative to a
  // binding entry: mark it wherever that chain of keys occurs.
  if (path.length === 1) inEveryScope(path, scopes, (key) => found.push(key));
  else {
    for (const shape of shapes) {
      for (const key of shape?.keys ?? []) {
        if (key.name !== path[0]) continue;
        let target = key;
        for (const name of path.slice(1)) target = target && shapes[target.shape].keys.find((k) => k.name === name);
        if (target) found.push(target);
      }
    }
  }
  if (found.length === 0) fail(`no key at experimental path ${path.join(".")}`);
  for (const key of found) key.flags |= FLAGS.experimental;
}
for (const shape of shapes) {
  for (const key of shape?.keys ?? []) if (key.deprecatedInSchema) key.flags |= FLAGS.deprecated;
}

// ---------------------------------------------------------------------------------------------
// What wrangler's validation does at each place, asked of wrangler itself (catalog-probes.mjs).
// The facts belong to a place, not to a shared shape, so the graph is first expanded into a
// tree (a recursive definition such as `Json` stays shared), then probed, then shapes that
// came out equal are shared again.

function expand(id, stack, environmentCopy) {
  if (id === environmentShape && environmentCopy !== undefined) return environmentCopy;
  if (stack.has(id)) return id;
  const inner = new Set(stack).add(id);
  const copy = structuredClone(shapes[id]);
  copy.keys = copy.keys.map((key) => ({ ...key, shape: expand(key.shape, inner, environmentCopy) }));
  if (copy.items >= 0) copy.items = expand(copy.items, inner, environmentCopy);
  if (copy.values >= 0) copy.values = expand(copy.values, inner, environmentCopy);
  shapes.push(copy);
  return shapes.length - 1;
}
const probedEnvironment = expand(environmentShape, new Set());
const probedRoot = expand(rootShape, new Set(), probedEnvironment);
const wrangler = await wranglerReader(wranglerDir);
const probeCount = probeCatalog(
  shapes,
  [
    // A Worker's name, as most configs have one (some checks depend on it: containers).
    { shape: probedRoot, wrap: (value) => ({ name: "probe-worker", ...value }), env: undefined, skip: new Set(["env"]) },
    { shape: probedEnvironment, wrap: (value) => ({ name: "probe-worker", env: { probe: value } }), env: "probe", skip: new Set() },
  ],
  wrangler.read,
);
wrangler.close();

const sharedBy = new Map();
const deduplicated = new Map();
function share(id, stack) {
  if (deduplicated.has(id)) return deduplicated.get(id);
  if (stack.has(id)) return id;
  const inner = new Set(stack).add(id);
  const shape = shapes[id];
  shape.keys = shape.keys.map((key) => ({ ...key, shape: share(key.shape, inner) }));
  if (shape.items >= 0) shape.items = share(shape.items, inner);
  if (shape.values >= 0) shape.values = share(shape.values, inner);
  const structure = JSON.stringify(shape);
  if (!sharedBy.has(structure)) sharedBy.set(structure, id);
  deduplicated.set(id, sharedBy.get(structure));
  return sharedBy.get(structure);
}
const finalEnvironment = share(probedEnvironment, new Set());
const finalRoot = share(probedRoot, new Set());

// Copy-on-write left shapes nothing points at: keep the reachable ones, in a stable order.
const order = [];
const renumber = new Map();
function reach(id) {
  if (id < 0 || renumber.has(id)) return;
  renumber.set(id, order.length);
  order.push(id);
  const shape = shapes[id];
  for (const key of shape.keys) reach(key.shape);
  reach(shape.items);
  reach(shape.values);
}
reach(finalRoot);
reach(finalEnvironment);
const reachable = order.map((id) => {
  const shape = shapes[id];
  const map = (child) => (child < 0 ? -1 : renumber.get(child));
  return { ...shape, keys: shape.keys.map((key) => ({ ...key, shape: map(key.shape) })), items: map(shape.items), values: map(shape.values) };
});

// ---------------------------------------------------------------------------------------------
// Rust output: flat static arrays indexed by u16; strings deduplicated.

const strings = [""];
const stringIds = new Map([["", 0]]);
function stringId(text) {
  if (!stringIds.has(text)) {
    stringIds.set(text, strings.length);
    strings.push(text);
  }
  return stringIds.get(text);
}

const rustString = (text) => JSON.stringify(text).replace(/\\u([0-9a-fA-F]{4})/g, "\\u{$1}");
const NONE = 65535;
const shapeLines = [];
const keyLines = [];
let keyCount = 0;
for (const shape of reachable) {
  const start = keyCount;
  for (const key of shape.keys) {
    keyLines.push(
      `    KeyData { name: ${rustString(key.name)}, shape: ${key.shape}, description: ${stringId(key.description)}, flags: ${key.flags}, note: ${stringId(key.note ?? "")}, replacement: ${rustString(key.replacement ?? "")} },`,
    );
    keyCount += 1;
  }
  const enums = `&[${shape.enums.map(rustString).join(", ")}]`;
  // `checks`: 1 a string outside the enum is refused; 2 an unexpected key is warned about;
  // 4 an unexpected key is refused; 8 an empty array is refused (see schema::Shape).
  const checks =
    (shape.enumChecked ? 1 : 0) | (shape.unknown === "warn" ? 2 : 0) | (shape.unknown === "error" ? 4 : 0) | (shape.nonEmpty ? 8 : 0);
  shapeLines.push(
    `    ShapeData { types: ${shape.types}, keys: (${start}, ${shape.keys.length}), items: ${shape.items < 0 ? NONE : shape.items}, values: ${shape.values < 0 ? NONE : shape.values}, enum_values: ${enums}, rejects: ${shape.rejects ?? 0}, checks: ${checks}, one_of: &[${(shape.oneOf ?? []).map(rustString).join(", ")}], renamed_values: &[${(shape.renamed ?? []).map(([from, to]) => `(${rustString(from)}, ${rustString(to)})`).join(", ")}] },`,
  );
}
if (reachable.length >= NONE || keyCount >= NONE || strings.length >= NONE) fail("the catalog outgrew u16 indices");

const text = `// @generated by scripts/generate-catalog.mjs from wrangler ${version}'s config-schema.json and
// validation code. Do not edit: run \`node scripts/generate-catalog.mjs\`.
// tests/schema_matches_wrangler.rs regenerates it and fails when it differs.

use super::{KeyData, ShapeData};

pub(super) const WRANGLER_VERSION: &str = ${rustString(version)};
pub(super) const ROOT: u16 = ${renumber.get(finalRoot)};
pub(super) const ENVIRONMENT: u16 = ${renumber.get(finalEnvironment)};

#[rustfmt::skip]
pub(super) static SHAPES: &[ShapeData] = &[
${shapeLines.join("\n")}
];

#[rustfmt::skip]
pub(super) static KEYS: &[KeyData] = &[
${keyLines.join("\n")}
];

#[rustfmt::skip]
pub(super) static STRINGS: &[&str] = &[
${strings.map((s) => `    ${rustString(s)},`).join("\n")}
];
`;

// wrangler may have started an update check in the background: exit without waiting for it,
// once the output is written.
if (process.argv.includes("--stdout")) process.stdout.write(text, () => process.exit(0));
else {
  writeFileSync(output, text);
  console.error(`wrote ${output}: ${reachable.length} shapes, ${keyCount} keys, ${strings.length} strings (${probeCount} probes of wrangler's validation)`);
  process.exit(0);
}
