// What wrangler's config validation does at each place of the catalog, learnt by running it:
// the pinned wrangler's own `unstable_readConfig` reads small probe configs, each differing from
// a baseline in one value, and the errors and warnings it adds are the facts. Used by
// generate-catalog.mjs; the validation code is the authority and this asks it directly, so
// nothing here is a hand-kept list that could drift.
//
// Facts, per place (a key's value, an array's items, a map's values):
//   rejects        the JSON types wrangler refuses there (an error), among those the schema
//                  does not allow (a type the schema allows is never probed as wrong)
//   enumChecked    a string outside the schema's enum values is refused
//   unknown        for an object: what an unexpected key there gets: "warn" (wrangler's
//                  "Unexpected fields found in ... field"), "error", or "silent"
//   oneOf          for an object: the fields (dotted, relative) of which wrangler requires
//                  one ("X or Y is required")
//   nonEmpty       for an array: wrangler refuses it empty (and takes it with one item)
// and per key:
//   required       leaving the key out of its object is refused
//
// A place is probed in the scope wrangler validates it in: the top level (and `previews`) with
// no environment, and an environment's keys as `env.probe` with `--env probe` (wrangler only
// validates the environment it is asked for).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TYPE_BITS = { string: 1, number: 2, integer: 4, boolean: 8, array: 16, object: 32, null: 64 };
const ANY = Object.values(TYPE_BITS).reduce((a, b) => a | b, 0);
/** A value of each JSON type wrangler may be handed where the schema wants another. */
const WRONG_VALUES = [
  [TYPE_BITS.string, "probe-value"],
  [TYPE_BITS.number | TYPE_BITS.integer, 7],
  [TYPE_BITS.boolean, true],
  [TYPE_BITS.array, ["probe-value"]],
  [TYPE_BITS.object, {}],
  [TYPE_BITS.null, null],
];
const UNKNOWN_KEY = "zz_probe_field";
/**
 * Strings whose form wrangler checks, by key name: a probe value of any other form makes the
 * baseline itself refused, and then nothing below it can be learnt (a container's `image` must
 * be a Dockerfile path or an image reference with a tag; an SSH key must be ED25519).
 */
const WELL_FORMED = {
  image: "docker.io/cloudflare/probe:1",
  public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
  compatibility_date: "2025-01-01",
};
const ABSENT = Symbol("absent");

/** Loads the pinned wrangler and returns `read(config, env) -> { errors: Set, warnings: string }`. */
export async function wranglerReader(wranglerDir) {
  const scratch = mkdtempSync(join(tmpdir(), "catalog-probes-"));
  process.env.XDG_CONFIG_HOME ??= scratch;
  process.env.WRANGLER_SEND_METRICS = "false";
  // wrangler logs through console; the generator's stdout is the catalog.
  const warned = [];
  const quiet = () => {};
  const saved = { log: console.log, info: console.info, warn: console.warn, debug: console.debug };
  console.log = console.info = console.debug = quiet;
  console.warn = (...args) => warned.push(args.map(String).join(" "));
  const { unstable_readConfig } = await import(join(wranglerDir, "wrangler-dist/cli.js"));
  const file = join(scratch, "wrangler.json");
  const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");
  // One item per diagnostic: wrangler renders each as "- message", continued on indented lines.
  const lines = (text) => {
    const items = [];
    for (const line of plain(text).split("\n")) {
      const trimmed = line.trim();
      if (trimmed.startsWith("- ") || items.length === 0) items.push(trimmed);
      else if (trimmed) items[items.length - 1] += `\n${trimmed}`;
    }
    // The value wrangler echoes ("but got {...}") would make two probes' items differ.
    return new Set(items.filter(Boolean).map((item) => item.replace(/ (but )?got [\s\S]*$|Received [\s\S]*$/, "")));
  };
  const read = (config, env) => {
    writeFileSync(file, JSON.stringify(config));
    warned.length = 0;
    let errors = "";
    try {
      unstable_readConfig({ config: file, env }, { hideWarnings: false });
    } catch (error) {
      errors = String(error?.message ?? error);
    }
    return { errors: lines(errors), warnings: plain(warned.join("\n")) };
  };
  const close = () => {
    Object.assign(console, saved);
    rmSync(scratch, { recursive: true, force: true });
  };
  return { read, close };
}

/** Whether `after` has an error line `before` lacks. */
function addsError(before, after) {
  for (const line of after.errors) if (!before.errors.has(line)) return true;
  return false;
}

/**
 * Probes every place reachable from `scopes` (`[{ shape, wrap, env, skip }]`: `wrap(value)` puts a
 * scope's table into a whole config; `skip` names keys not to descend into) and records the
 * facts on the shapes and keys (which must not be shared between places: the caller expands
 * the graph into a tree first).
 */
export function probeCatalog(shapes, scopes, read) {
  // A value wrangler accepts at a place, once a probe found one (see `visit`).
  const samples = new Map();
  const minimal = (id, depth = 0) => {
    if (samples.has(id)) return structuredClone(samples.get(id));
    const shape = shapes[id];
    if (shape.keys.length > 0 && shape.types & TYPE_BITS.object && depth < 8) {
      const object = {};
      for (const key of shape.keys) if (key.flags & 1) object[key.name] = sampleOf(key, depth + 1);
      return object;
    }
    if (shape.types & TYPE_BITS.string) return shape.enums[0] ?? "probe-value";
    if (shape.types & (TYPE_BITS.number | TYPE_BITS.integer)) return 1;
    if (shape.types & TYPE_BITS.boolean) return true;
    if (shape.types & TYPE_BITS.array) return [];
    if (shape.types & TYPE_BITS.object) return {};
    return null;
  };
  // A key's value: a well-formed string where wrangler checks the form, else the minimal one.
  const sampleOf = (key, depth = 0) =>
    key.name in WELL_FORMED && shapes[key.shape].types & TYPE_BITS.string
      ? WELL_FORMED[key.name]
      : minimal(key.shape, depth);
  // An object of shape `id` with its required keys only (not the sample found for it).
  const requiredOnly = (id) => {
    const object = {};
    for (const key of shapes[id].keys) if (key.flags & 1) object[key.name] = sampleOf(key);
    return object;
  };
  // The value of shape `id` with `leaf` placed at `steps` below it (ABSENT removes the last key).
  const place = (id, steps, leaf) => {
    if (steps.length === 0) return leaf;
    const [step, ...rest] = steps;
    const shape = shapes[id];
    if (step === "[]") return [place(shape.items, rest, leaf)];
    if (step === "*") return { probe: place(shape.values, rest, leaf) };
    const object = minimal(id);
    delete object[step];
    const key = shape.keys.find((k) => k.name === step);
    const value = place(key.shape, rest, leaf);
    if (value !== ABSENT) object[step] = value;
    return object;
  };

  let probes = 0;
  for (const scope of scopes) {
    const run = (steps, leaf) => {
      probes += 1;
      return read(scope.wrap(place(scope.shape, steps, leaf)), scope.env);
    };
    // The longest tail of wrangler's dotted path that names keys of object `id` and below.
    const relativePath = (id, parts) => {
      for (let start = 0; start < parts.length; start++) {
        let shapeId = id;
        const tail = parts.slice(start);
        const resolves = tail.every((name) => {
          const key = shapes[shapeId].keys.find((k) => k.name === name);
          if (key) shapeId = key.shape;
          return Boolean(key);
        });
        if (resolves) return tail;
      }
      return null;
    };
    // The parent's accepted value with every other current key set too, nested objects full.
    // With `at` (the object's steps), a key whose presence wrangler refuses there is left out
    // (a preview container's `name`): it would stop the validation before what is probed.
    const fullObjects = new Map();
    const fullObject = (parentId, except, depth = 0, at = null) => {
      const cached = at && fullObjects.get(parentId);
      const object = cached ? structuredClone(cached) : minimal(parentId);
      if (!cached) {
        const base = at && run(at, object);
        for (const key of shapes[parentId].keys) {
          if (key.flags & (16 | 32 | 64)) continue;
          const child = shapes[key.shape];
          const nested = child.keys.length > 0 && child.types & 32 && depth < 3;
          let value;
          if (nested) value = { ...fullObject(key.shape, undefined, depth + 1), ...object[key.name] };
          else if (!(key.name in object)) value = sampleOf(key);
          else continue;
          if (base && addsError(base, run(at, { ...object, [key.name]: value }))) continue;
          object[key.name] = value;
        }
        if (at) fullObjects.set(parentId, structuredClone(object));
      }
      delete object[except];
      // A deprecated key beside the key that replaces it is not read (`wrangler_ssh` beside
      // `ssh`): the replacement is left out too.
      const replacement = shapes[parentId].keys.find((key) => key.name === except)?.replacement;
      if (replacement) delete object[replacement];
      return object;
    };
    const visit = (id, steps, seen, parent) => {
      const shape = shapes[id];
      if (seen.has(id) || steps.length > 12) return;
      seen = new Set(seen).add(id);
      const leafName = steps.at(-1);
      let valid =
        leafName in WELL_FORMED && shape.types & TYPE_BITS.string ? WELL_FORMED[leafName] : minimal(id);
      let baseline = run(steps, valid);
      // `"observability.enabled" or "observability.logs.enabled" or ... is required.`: the
      // choices, as paths relative to this object.
      if (shape.keys.length > 0) {
        for (const item of baseline.errors) {
          // ... and `"containers.name" is required when "containers.class_name" is not defined`.
          const match =
            item.match(/^- ((?:"[^"]+" or )+"[^"]+") is required\.$/) ??
            item.match(/^- ("[^"]+" is required when "[^"]+") is not defined/);
          if (!match) continue;
          const choices = [...match[1].matchAll(/"([^"]+)"/g)].map((m) => relativePath(id, m[1].split(".")));
          if (choices.every(Boolean)) shape.oneOf = choices.map((path) => path.join("."));
        }
      }
      // An object whose required keys are not enough (`route` needs one of `zone_id`,
      // `zone_name` or `custom_domain`): add the optional key that takes errors away.
      if (shape.keys.length > 0 && baseline.errors.size > 0) {
        for (const key of shape.keys) {
          if (key.name in valid) continue;
          const candidate = { ...valid, [key.name]: sampleOf(key) };
          const result = run(steps, candidate);
          // Fewer errors and no new one: a preview container's `name` trades the missing
          // `image` for "cannot be set", which is no better.
          if (result.errors.size < baseline.errors.size && !addsError(baseline, result)) {
            valid = candidate;
            baseline = result;
            if (result.errors.size === 0) break;
          }
        }
      }
      // An array wrangler refuses empty (`triggers.events[].targets`): one item.
      if (shape.items >= 0 && Array.isArray(valid) && valid.length === 0 && baseline.errors.size > 0) {
        const candidate = [minimal(shape.items)];
        const result = run(steps, candidate);
        if (result.errors.size < baseline.errors.size && !addsError(baseline, result)) {
          valid = candidate;
          baseline = result;
          shape.nonEmpty = true;
        }
      }
      samples.set(id, valid);
      if (steps.length > 0 && (shape.types & ANY) !== ANY) {
        // Refused only if refused in a full object too: `observability.enabled = "x"` is an
        // error beside no other `enabled`, and accepted beside `logs.enabled = true` (one of
        // them must be a boolean), so it is not a type wrangler always refuses.
        const parentSteps = steps.slice(0, -1);
        // The value is tried beside its parent's sample, unless that sample refuses the key
        // whatever its value (a sibling it conflicts with: `unsafe.capnp.compiled_schema` beside
        // `base_path`); then beside the parent's required keys only.
        const conflicts = parent !== undefined && addsError(run(steps, ABSENT), baseline);
        const alone = conflicts
          ? (value) => run(parentSteps, { ...requiredOnly(parent), [steps.at(-1)]: value })
          : (value) => run(steps, value);
        const aloneBaseline = conflicts ? alone(valid) : baseline;
        const inFullObject = parent === undefined ? null : fullObject(parent, steps.at(-1), 0, parentSteps);
        const inFull = (value) => run(parentSteps, { ...inFullObject, [steps.at(-1)]: value });
        const fullBaseline = inFullObject && inFull(valid);
        // The full object says nothing when it refuses the valid value too: a sibling there
        // conflicts with the key (`unsafe.capnp.compiled_schema` beside `base_path`).
        const fullTells = Boolean(inFullObject) && !addsError(run(parentSteps, inFullObject), fullBaseline);
        // A type the schema allows that wrangler refuses all the same (`dev.container_engine`
        // as a table, a container's `unsafe` as a string): of several allowed types, the ones
        // that add an error to the best of them, beside no other key and in a full object.
        const allowed = [
          [TYPE_BITS.string, shape.enums[0] ?? WELL_FORMED[steps.at(-1)] ?? "probe-value"],
          [TYPE_BITS.number | TYPE_BITS.integer, 1],
          [TYPE_BITS.boolean, true],
          [TYPE_BITS.array, []],
          [TYPE_BITS.object, shape.keys.length > 0 ? minimal(id) : {}],
        ].filter(([bits]) => shape.types & bits);
        const runs =
          allowed.length > 1
            ? allowed.map(([bits, value]) => ({ bits, alone: alone(value), full: fullTells && inFull(value) }))
            : [];
        const best = runs.length > 0 ? runs.reduce((a, b) => (b.alone.errors.size < a.alone.errors.size ? b : a)) : null;
        // Other types are compared with the best allowed value: the sample may be of a form
        // wrangler refuses (a table for `dev.container_engine`), and every other value then
        // gets the same error.
        const [typeBaseline, typeFullBaseline] =
          best && best.alone.errors.size < aloneBaseline.errors.size
            ? [best.alone, best.full]
            : [aloneBaseline, fullBaseline];
        shape.rejects = 0;
        for (const [bits, value] of WRONG_VALUES) {
          if (shape.types & bits) continue;
          if (!addsError(typeBaseline, alone(value))) continue;
          if (fullTells && !addsError(typeFullBaseline, inFull(value))) continue;
          shape.rejects |= bits;
        }
        // Only an error about the type counts: a sample's value may be refused for itself
        // (`rollout_step_percentage = 1` is not one of its steps).
        const addsTypeError = (before, after) =>
          [...after.errors].some(
            (line) => !before.errors.has(line) && /of type |should be an? (object|array|string|number|boolean)\b/.test(line),
          );
        for (const candidate of runs) {
          if (candidate === best || !addsTypeError(best.alone, candidate.alone)) continue;
          if (fullTells && !addsTypeError(best.full, candidate.full)) continue;
          shape.rejects |= candidate.bits;
        }
        if (shape.enums.length > 0 && shape.types & TYPE_BITS.string) {
          shape.enumChecked = addsError(typeBaseline, alone("probe-value-not-listed"));
        }
      }
      if (shape.keys.length > 0 && shape.types & TYPE_BITS.object) {
        const withUnknown = run(steps, { ...valid, [UNKNOWN_KEY]: 1 });
        shape.unknown = addsError(baseline, withUnknown)
          ? "error"
          : withUnknown.warnings.includes(UNKNOWN_KEY) && !baseline.warnings.includes(UNKNOWN_KEY)
            ? "warn"
            : "silent";
        // The object's path as wrangler's messages write it (`triggers.events[0].targets[0]`).
        const objectPath = steps.reduce(
          (path, step) => (step === "[]" ? `${path}[0]` : `${path}${path ? "." : ""}${step === "*" ? "probe" : step}`),
          "",
        );
        for (const key of shape.keys) {
          if (steps.length === 0 && scope.skip.has(key.name)) continue;
          // Its own value first: the sample found there is the one to give the key below (an
          // array wrangler refuses empty gets an item).
          visit(key.shape, [...steps, key.name], seen, id);
          const absent = run([...steps, key.name], ABSENT);
          const present = run([...steps, key.name], sampleOf(key));
          // Required: leaving it out adds an error that names it, which giving it takes away.
          // "X or Y is required" and "either X or Y" name a choice, not this key alone (but
          // `should have a "protocol" field of "tcp" or "udp"` names the key).
          // Quoted (`"binding"`), at the end of a path (`containers.ssh.enabled must be`), in a
          // shape (`{from: string, to: string}`), or the object itself (`"triggers.events[0].
          // targets[0]" to be a workflow target`, when its `type` is left out).
          const names = (line) =>
            line.includes(`"${key.name}"`) ||
            line.includes(`.${key.name}"`) ||
            line.includes(`.${key.name} must`) ||
            line.includes(`{${key.name}: `) ||
            line.includes(`, ${key.name}: `) ||
            (objectPath !== "" && line.includes(`${objectPath}"`));
          const addsNamingError = (without, withKey, choice = /" or ".*\bis required\b|\beither\b/i) =>
            [...without.errors].some((line) => !withKey.errors.has(line) && names(line) && !choice.test(line));
          const required = addsNamingError(absent, present);
          // Not required when another key takes its place (`unsafe.capnp.compiled_schema` for
          // `base_path` and `source_schemas`).
          const replaced =
            required &&
            shapes[id].keys.some((other) => {
              if (other === key || other.name in valid || other.flags & (16 | 32 | 64)) return false;
              const without = { ...valid };
              delete without[key.name];
              // (Another key may name it in a conflict: "one of "base_path" or ...", a choice
              // of keys; `a "protocol" field of "tcp" or "udp"` is a choice of values.)
              const withOther = run(steps, { ...without, [other.name]: sampleOf(other) });
              const name = key.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
              const choiceOfKeys = new RegExp(`"${name}" or "|" or "${name}"|\\beither\\b`, "i");
              return !addsNamingError(withOther, present, choiceOfKeys);
            });
          if (required && !replaced) key.flags |= 256;
          // In the schema but not in wrangler's list for this place: `previews.secrets` gets
          // "Unexpected fields found in previews field".
          const unexpectedLine = (result) =>
            result.warnings
              .split("\n")
              .some((line) => line.includes("Unexpected fields found in") && line.includes(`"${key.name}"`));
          if (unexpectedLine(present) && !unexpectedLine(absent)) key.flags |= 512;
        }
      }
      if (shape.items >= 0) visit(shape.items, [...steps, "[]"], seen);
      if (shape.values >= 0) visit(shape.values, [...steps, "*"], seen);
    };
    visit(scope.shape, [], new Set());
  }
  return probes;
}
