//! The catalog of every key wrangler knows, at every nesting level: its JSON types, its
//! description, whether environments inherit it, and whether wrangler calls it deprecated,
//! removed or experimental.
//!
//! `generated.rs` is produced by `scripts/generate-catalog.mjs` from the pinned wrangler's
//! `config-schema.json` and bundled validation code (`tests/schema_matches_wrangler.rs`
//! regenerates it and fails on any difference). It is a graph of [`Shape`]s in static arrays:
//! a shape is what a value may be (types, keys if an object, the shape of its items if an
//! array, the shape of its values if a map such as `env` or `vars`); `anyOf` alternatives are
//! merged into one shape.
//!
//! Walk it from [`Shape::root`] with [`Shape::child`] (one path segment at a time, as a rule
//! walks the syntax tree) or look a whole path up with [`lookup`] / [`shape_at`]:
//! `["env", "staging", "d1_databases", "[]", "binding"]`. Array steps may be written `"[]"`, as
//! an index, or left out (`["d1_databases", "binding"]`), and any name steps into a map.

mod generated;

use std::fmt;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::suggest;
use crate::syntax::{Node, NodeKind};

/// One shape, as generated.
#[doc(hidden)]
pub struct ShapeData {
    types: u8,
    /// `(first, count)` in `KEYS`.
    keys: (u16, u16),
    items: u16,
    values: u16,
    enum_values: &'static [&'static str],
    /// The JSON types wrangler's validation refuses here (`Types` bits), among those the schema
    /// does not allow.
    rejects: u8,
    /// `check::*` bits: what wrangler's validation checks here.
    checks: u8,
    /// Dotted paths below this object of which wrangler requires one.
    one_of: &'static [&'static str],
    /// Values wrangler renamed (old, new): it takes the old one with a warning.
    renamed_values: &'static [(&'static str, &'static str)],
}

/// One key of an object shape, as generated.
#[doc(hidden)]
pub struct KeyData {
    name: &'static str,
    shape: u16,
    description: u16,
    flags: u16,
    note: u16,
    replacement: &'static str,
}

const NONE: u16 = u16::MAX;

mod flag {
    pub const REQUIRED: u16 = 1;
    pub const INHERITABLE: u16 = 2;
    pub const NOT_INHERITABLE: u16 = 4;
    pub const TOP_LEVEL_ONLY: u16 = 8;
    pub const DEPRECATED: u16 = 16;
    pub const EXPERIMENTAL: u16 = 32;
    pub const REMOVED: u16 = 64;
    pub const VALIDATION_ONLY: u16 = 128;
    pub const WRANGLER_REQUIRED: u16 = 256;
    pub const WRANGLER_UNEXPECTED: u16 = 512;
}

/// What wrangler's validation checks at a place (`ShapeData::checks`), learnt by the generator
/// from wrangler itself (`scripts/catalog-probes.mjs`).
mod check {
    pub const ENUM: u8 = 1;
    pub const UNKNOWN_WARNED: u8 = 2;
    pub const UNKNOWN_REFUSED: u8 = 4;
    pub const NON_EMPTY: u8 = 8;
}

/// What wrangler does with a key an object of some shape does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownKeys {
    /// It warns ("Unexpected fields found in X field") and ignores the key.
    Warned,
    /// It ignores the key without a word.
    Ignored,
    /// It refuses the config.
    Refused,
}

/// The wrangler version the catalog was generated from.
pub const WRANGLER_VERSION: &str = generated::WRANGLER_VERSION;

/// The JSON types a value may have (a set).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Types(u8);

impl Types {
    pub const STRING: Types = Types(1);
    pub const NUMBER: Types = Types(2);
    pub const INTEGER: Types = Types(4);
    pub const BOOLEAN: Types = Types(8);
    pub const ARRAY: Types = Types(16);
    pub const OBJECT: Types = Types(32);
    pub const NULL: Types = Types(64);
    const NAMES: [(Types, &'static str); 7] = [
        (Types::STRING, "string"),
        (Types::NUMBER, "number"),
        (Types::INTEGER, "integer"),
        (Types::BOOLEAN, "boolean"),
        (Types::ARRAY, "array"),
        (Types::OBJECT, "object"),
        (Types::NULL, "null"),
    ];

    /// The JSON type of a value as written. A number is an `INTEGER` when written without a
    /// fraction or exponent (and accepted where a number is). A TOML datetime has no JSON
    /// type: the empty set, accepted nowhere (check what wrangler's TOML reader makes of it
    /// before reporting one).
    pub fn of(node: &Node) -> Types {
        match &node.kind {
            NodeKind::Table(_) => Types::OBJECT,
            NodeKind::Array(_) => Types::ARRAY,
            NodeKind::String(_) => Types::STRING,
            NodeKind::Number(written) => {
                let digits = written.trim_start_matches(['+', '-']).replace('_', "");
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    Types::INTEGER
                } else {
                    Types::NUMBER
                }
            }
            NodeKind::Bool(_) => Types::BOOLEAN,
            NodeKind::Null => Types::NULL,
            NodeKind::Datetime(_) => Types(0),
        }
    }

    /// Whether every type of `other` is in `self`.
    pub fn contains(self, other: Types) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// Whether a value of type `other` is accepted (an integer is a number).
    pub fn accepts(self, other: Types) -> bool {
        self.contains(other) || (other == Types::INTEGER && self.contains(Types::NUMBER))
    }

    /// Whether anything is accepted (the schema says nothing about the value).
    pub fn is_any(self) -> bool {
        Types::NAMES.iter().all(|(types, _)| self.contains(*types))
    }

    /// The type names, in schema order: `["string", "array"]`.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Types::NAMES
            .into_iter()
            .filter(move |(types, _)| self.contains(*types))
            .map(|(_, name)| name)
    }
}

impl fmt::Display for Types {
    /// `string`, `string or array`, `string, array or object`; `any value`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_any() {
            return f.write_str("any value");
        }
        let names: Vec<_> = self.names().collect();
        match names.split_last() {
            None => f.write_str("nothing"),
            Some((last, [])) => f.write_str(last),
            Some((last, rest)) => write!(f, "{} or {last}", rest.join(", ")),
        }
    }
}

impl fmt::Debug for Types {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Types({self})")
    }
}

/// What a value at some place in the config may be.
#[derive(Clone, Copy)]
pub struct Shape {
    data: &'static ShapeData,
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shape")
            .field("types", &self.types())
            .field(
                "keys",
                &self.keys().map(|key| key.name()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl PartialEq for Shape {
    fn eq(&self, other: &Shape) -> bool {
        std::ptr::eq(self.data, other.data)
    }
}

/// For each shape's range of `KEYS`, by the range's first position: the position of each key
/// by its name (the first, if a name repeats), so that [`Shape::key`] is one hash lookup: the
/// rules look a key up for every entry of every table, and the root has about a hundred keys.
/// Shapes' ranges are disjoint or equal (a test checks it).
fn keys_by_name() -> &'static [Option<FxHashMap<&'static str, u16>>] {
    static BY_NAME: OnceLock<Vec<Option<FxHashMap<&'static str, u16>>>> = OnceLock::new();
    BY_NAME.get_or_init(|| {
        let mut by_name = vec![None; generated::KEYS.len()];
        for shape in generated::SHAPES {
            let (first, count) = shape.keys;
            // An empty range may start where another shape's keys do.
            if count == 0 {
                continue;
            }
            let range = usize::from(first)..usize::from(first) + usize::from(count);
            by_name[usize::from(first)].get_or_insert_with(|| {
                let mut positions = FxHashMap::default();
                for position in range.rev() {
                    let position = u16::try_from(position).expect("key positions are u16");
                    positions.insert(generated::KEYS[usize::from(position)].name, position);
                }
                positions
            });
        }
        by_name
    })
}

impl Shape {
    fn at(index: u16) -> Option<Shape> {
        (index != NONE).then(|| Shape {
            data: &generated::SHAPES[usize::from(index)],
        })
    }

    /// The whole config (wrangler's `RawConfig`).
    pub fn root() -> Shape {
        Shape::at(generated::ROOT).expect("the catalog has a root")
    }

    /// One `[env.NAME]` (wrangler's `RawEnvironment`).
    pub fn environment() -> Shape {
        Shape::at(generated::ENVIRONMENT).expect("the catalog has environments")
    }

    pub fn types(self) -> Types {
        Types(self.data.types)
    }

    /// The keys of an object shape, in the schema's order (empty for a map or a scalar).
    pub fn keys(self) -> impl ExactSizeIterator<Item = Key> + Clone {
        let (first, count) = self.data.keys;
        let first = usize::from(first);
        generated::KEYS[first..first + usize::from(count)]
            .iter()
            .map(|data| Key { data })
    }

    /// The key `name` of this object shape (the first, in the schema's order, if it repeats).
    pub fn key(self, name: &str) -> Option<Key> {
        let (first, count) = self.data.keys;
        if count == 0 {
            return None;
        }
        let position = keys_by_name()[usize::from(first)].as_ref()?.get(name)?;
        Some(Key {
            data: &generated::KEYS[usize::from(*position)],
        })
    }

    /// The shape of the items, when the value may be an array.
    pub fn items(self) -> Option<Shape> {
        Shape::at(self.data.items)
    }

    /// The shape of every value, when the value may be a map with names of the user's choosing
    /// (`env`, `vars`, `define`, ...).
    pub fn values(self) -> Option<Shape> {
        Shape::at(self.data.values)
    }

    /// The string values the schema enumerates (`enum` and `const`), if any.
    pub fn enum_values(self) -> &'static [&'static str] {
        self.data.enum_values
    }

    /// The JSON types wrangler's validation refuses here (an error), among the types the
    /// schema does not allow; a type outside [`Shape::types`] and outside this set is accepted
    /// by wrangler without a check.
    pub fn rejected_types(self) -> Types {
        Types(self.data.rejects)
    }

    /// The fields of this object of which wrangler requires at least one, with the right type
    /// (`["enabled", "logs.enabled", "traces.enabled", "issues.enabled"]` for `observability`),
    /// as dotted paths below it; empty when there is no such choice.
    pub fn one_of(self) -> &'static [&'static str] {
        self.data.one_of
    }

    /// The values wrangler renamed, as (old, new): it still takes the old one, with a warning
    /// (a container's `instance_type = "dev"`, now `"lite"`).
    pub fn renamed_values(self) -> &'static [(&'static str, &'static str)] {
        self.data.renamed_values
    }

    /// Whether wrangler refuses this array empty (`triggers.events[].targets`).
    pub fn must_not_be_empty(self) -> bool {
        self.data.checks & check::NON_EMPTY != 0
    }

    /// Whether wrangler refuses a string outside [`Shape::enum_values`] here.
    pub fn enum_is_checked(self) -> bool {
        self.data.checks & check::ENUM != 0
    }

    /// What wrangler does with a key this object shape does not list.
    pub fn unknown_keys(self) -> UnknownKeys {
        if self.data.checks & check::UNKNOWN_REFUSED != 0 {
            UnknownKeys::Refused
        } else if self.data.checks & check::UNKNOWN_WARNED != 0 {
            UnknownKeys::Warned
        } else {
            UnknownKeys::Ignored
        }
    }

    /// Whether an object of this shape accepts only its listed keys (an unknown key there is
    /// unexpected).
    pub fn is_closed(self) -> bool {
        self.values().is_none() && self.types().contains(Types::OBJECT)
    }

    /// One step down: a key, an array index (`"[]"` or digits) or a map entry. An array of
    /// objects is stepped through when the segment names one of its items' keys, so paths
    /// read from TOML headers (`[[d1_databases]]`) need no index.
    pub fn child(self, segment: &str) -> Option<Shape> {
        if is_index(segment) {
            return self.items();
        }
        if let Some(key) = self.key(segment) {
            return Some(key.shape());
        }
        if let Some(values) = self.values() {
            return Some(values);
        }
        self.items()
            .and_then(|items| items.key(segment))
            .map(Key::shape)
    }

    /// The key `name` here, or in this array's items (see [`Shape::child`]).
    pub fn key_through_arrays(self, name: &str) -> Option<Key> {
        self.key(name)
            .or_else(|| self.items().and_then(|items| items.key(name)))
    }

    /// Whether `name` is a key of wrangler's schema here (not one only its validation code
    /// knows, such as a removed key).
    pub fn has_schema_key(self, name: &str) -> bool {
        self.key(name).is_some_and(|key| !key.is_validation_only())
    }

    /// The shape holding keys for an object written here: this one, or the items of an array
    /// of objects (`[[d1_databases]]`).
    pub fn object(self) -> Option<Shape> {
        let holds_keys = |shape: Shape| shape.keys().len() > 0 || shape.values().is_some();
        if self.types().contains(Types::OBJECT) && holds_keys(self) {
            return Some(self);
        }
        self.items()
            .filter(|items| items.types().contains(Types::OBJECT) && holds_keys(*items))
    }

    /// The known key closest to a mistyped `name` ("did you mean"), never a removed one.
    pub fn closest_key(self, name: &str) -> Option<&'static str> {
        suggest::closest(
            name,
            self.keys()
                .filter(|key| !key.is_removed())
                .map(|key| key.name()),
        )
    }
}

fn is_index(segment: &str) -> bool {
    segment == "[]" || (!segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether environments take the top-level value of a key they do not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inheritance {
    /// An environment without the key uses the top level's.
    Inherited,
    /// Each environment must repeat it (bindings, `vars`, `define`, ...).
    NotInherited,
    /// Only valid at the top level (`env`, `site`, `dev`, `keep_vars`, ...).
    TopLevelOnly,
    /// A nested key: it goes with its table.
    Nested,
}

/// Whether wrangler still takes a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Current,
    /// Accepted with a warning: wrangler's message and, for an exact rename, the new name.
    Deprecated {
        message: &'static str,
        replacement: Option<&'static str>,
    },
    /// Refused: wrangler's message.
    Removed {
        message: &'static str,
    },
}

/// One key of an object in the catalog.
#[derive(Clone, Copy)]
pub struct Key {
    data: &'static KeyData,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("name", &self.name())
            .field("types", &self.shape().types())
            .finish()
    }
}

impl Key {
    fn has(self, flag: u16) -> bool {
        self.data.flags & flag != 0
    }

    pub fn name(self) -> &'static str {
        self.data.name
    }

    /// What its value may be.
    pub fn shape(self) -> Shape {
        Shape::at(self.data.shape).expect("generated keys point at shapes")
    }

    /// The schema's description (markdown), or wrangler's message for a key only its
    /// validation code knows; may be empty.
    pub fn description(self) -> &'static str {
        generated::STRINGS[usize::from(self.data.description)]
    }

    /// Whether its object must have it (the schema's `required`, when every alternative of the
    /// object requires it).
    pub fn is_required(self) -> bool {
        self.has(flag::REQUIRED)
    }

    pub fn inheritance(self) -> Inheritance {
        if self.has(flag::INHERITABLE) {
            Inheritance::Inherited
        } else if self.has(flag::NOT_INHERITABLE) {
            Inheritance::NotInherited
        } else if self.has(flag::TOP_LEVEL_ONLY) {
            Inheritance::TopLevelOnly
        } else {
            Inheritance::Nested
        }
    }

    pub fn status(self) -> Status {
        let message = generated::STRINGS[usize::from(self.data.note)];
        if self.has(flag::REMOVED) {
            Status::Removed { message }
        } else if self.has(flag::DEPRECATED) {
            let replacement = Some(self.data.replacement).filter(|name| !name.is_empty());
            Status::Deprecated {
                message,
                replacement,
            }
        } else {
            Status::Current
        }
    }

    pub fn is_removed(self) -> bool {
        self.has(flag::REMOVED)
    }

    /// Whether wrangler's validation refuses its object without it (learnt from wrangler;
    /// "one of X or Y" requirements are not counted).
    pub fn is_required_by_wrangler(self) -> bool {
        self.has(flag::WRANGLER_REQUIRED)
    }

    /// Whether wrangler warns that the field is unexpected where it is written, though the
    /// schema lists it there (`previews.secrets`); learnt from wrangler.
    pub fn is_unexpected_to_wrangler(self) -> bool {
        self.has(flag::WRANGLER_UNEXPECTED)
    }

    /// Whether wrangler warns that the field is experimental.
    pub fn is_experimental(self) -> bool {
        self.has(flag::EXPERIMENTAL)
    }

    /// Whether only wrangler's validation code accepts it (the schema does not describe it).
    pub fn is_validation_only(self) -> bool {
        self.has(flag::VALIDATION_ONLY)
    }
}

/// The shape at a path from the root (`["env", "*", "build"]`), `[]` being the root.
pub fn shape_at<S: AsRef<str>>(path: &[S]) -> Option<Shape> {
    path.iter().try_fold(Shape::root(), |shape, segment| {
        shape.child(segment.as_ref())
    })
}

/// The key a path from the root ends with (`["observability", "logs", "enabled"]`). `None` for
/// names the catalog does not know, and for entries of maps (`vars.API_URL`, `env.staging`),
/// which are the user's names, not keys.
pub fn lookup<S: AsRef<str>>(path: &[S]) -> Option<Key> {
    let (last, parents) = path.split_last()?;
    shape_at(parents)?.key_through_arrays(last.as_ref())
}

#[cfg(test)]
mod tests {
    #[test]
    fn shapes_key_ranges_are_disjoint_or_equal_and_found_by_name() {
        let mut ranges: Vec<(u16, u16)> = super::generated::SHAPES
            .iter()
            .map(|shape| shape.keys)
            .filter(|&(_, count)| count > 0)
            .collect();
        ranges.sort_unstable();
        ranges.dedup();
        for pair in ranges.windows(2) {
            assert!(pair[0].0 + pair[0].1 <= pair[1].0, "{pair:?} overlap");
        }
        for index in 0..super::generated::SHAPES.len() {
            let shape = super::Shape::at(u16::try_from(index).unwrap()).unwrap();
            for key in shape.keys() {
                let found = shape.key(key.name()).expect("every key is found");
                let first = shape
                    .keys()
                    .find(|other| other.name() == key.name())
                    .unwrap();
                assert!(std::ptr::eq(found.data, first.data));
            }
            assert!(shape.key("no such key").is_none());
        }
    }

    use super::*;

    #[test]
    fn nested_keys_are_found_through_arrays_and_maps() {
        let binding = lookup(&["env", "staging", "d1_databases", "[]", "binding"]).unwrap();
        assert_eq!(binding.name(), "binding");
        assert!(binding.shape().types().contains(Types::STRING));
        assert!(!binding.description().is_empty());
        assert_eq!(binding.inheritance(), Inheritance::Nested);
        // The array step may be an index or left out.
        let same = lookup(&["d1_databases", "0", "binding"]).unwrap();
        assert_eq!(same.description(), binding.description());
        assert!(lookup(&["d1_databases", "binding"]).is_some());
        let enabled = lookup(&["observability", "logs", "enabled"]).unwrap();
        assert!(enabled.shape().types().contains(Types::BOOLEAN));
        assert!(lookup(&["vars", "API_URL"]).is_none());
        assert!(lookup(&["env", "staging"]).is_none());
        assert!(lookup(&["build", "no_such_key"]).is_none());
        assert_eq!(shape_at(&["env", "staging"]), Some(Shape::environment()));
    }

    #[test]
    fn inheritance_follows_wrangler() {
        let root = Shape::root();
        let inheritance = |name: &str| root.key(name).unwrap().inheritance();
        assert_eq!(inheritance("placement"), Inheritance::Inherited);
        assert_eq!(inheritance("build"), Inheritance::Inherited);
        assert_eq!(inheritance("vars"), Inheritance::NotInherited);
        assert_eq!(inheritance("d1_databases"), Inheritance::NotInherited);
        assert_eq!(inheritance("keep_vars"), Inheritance::TopLevelOnly);
        assert_eq!(
            Shape::environment().key("vars").unwrap().inheritance(),
            Inheritance::NotInherited
        );
    }

    #[test]
    fn deprecated_removed_and_experimental_fields() {
        let removed = Shape::root().key("node_compat").unwrap();
        assert!(
            matches!(removed.status(), Status::Removed { message } if message.contains("nodejs_compat"))
        );
        let instances = lookup(&["containers", "[]", "instances"]).unwrap();
        assert!(matches!(
            instances.status(),
            Status::Deprecated {
                replacement: Some("max_instances"),
                ..
            }
        ));
        assert!(Shape::root().key("unsafe").unwrap().is_experimental());
        assert_eq!(
            Shape::root().key("placement").unwrap().status(),
            Status::Current
        );
    }

    #[test]
    fn suggestions_and_types() {
        let build = shape_at(&["build"]).unwrap();
        assert!(build.is_closed());
        assert_eq!(build.closest_key("comand"), Some("command"));
        assert!(!shape_at(&["vars"]).unwrap().is_closed());
        let mode = lookup(&["placement", "mode"]).unwrap();
        assert!(mode.shape().enum_values().contains(&"smart"));
        assert_eq!(
            Types(Types::STRING.0 | Types::ARRAY.0).to_string(),
            "string or array"
        );
        assert!(Types::NUMBER.accepts(Types::INTEGER));
        // The type of values as written, checked against a key's shape.
        let parsed = crate::syntax::parse(
            "[limits]\ncpu_ms = 50\n[build]\ncommand = [\"a\"]\n",
            crate::Format::Toml,
        );
        let cpu_ms = &parsed
            .root
            .get_table("limits")
            .unwrap()
            .get("cpu_ms")
            .unwrap()
            .value;
        assert_eq!(Types::of(cpu_ms), Types::INTEGER);
        let limits = lookup(&["limits", "cpu_ms"]).unwrap().shape().types();
        assert!(limits.accepts(Types::of(cpu_ms)));
        let command = &parsed
            .root
            .get_table("build")
            .unwrap()
            .get("command")
            .unwrap()
            .value;
        let expected = lookup(&["build", "command"]).unwrap().shape().types();
        assert!(!expected.accepts(Types::of(command)), "{expected}");
    }

    #[test]
    fn every_key_points_at_a_shape_and_every_path_ends() {
        // Walks the whole graph once: indices are in range and no shape is its own child
        // except through maps or arrays (recursive JSON values).
        let mut seen = vec![false; generated::SHAPES.len()];
        let mut stack = vec![Shape::root(), Shape::environment()];
        let mut keys = 0;
        while let Some(shape) = stack.pop() {
            let index = (shape.data as *const ShapeData as usize
                - generated::SHAPES.as_ptr() as usize)
                / std::mem::size_of::<ShapeData>();
            if std::mem::replace(&mut seen[index], true) {
                continue;
            }
            for key in shape.keys() {
                keys += 1;
                stack.push(key.shape());
            }
            stack.extend(shape.items());
            stack.extend(shape.values());
        }
        assert!(
            seen.iter().all(|seen| *seen),
            "every generated shape is reachable"
        );
        assert_eq!(keys, generated::KEYS.len());
    }
}

#[cfg(test)]
mod hand_kept_lists {
    //! `catalog.rs` keeps hand-written key lists the older rules use; they must name exactly the
    //! keys the schema gives each scope.
    use super::*;
    use crate::catalog;

    fn schema_keys(shape: Shape) -> Vec<&'static str> {
        let mut keys: Vec<_> = shape
            .keys()
            .filter(|key| !key.is_validation_only())
            .map(Key::name)
            .collect();
        keys.sort_unstable();
        keys
    }

    fn sorted(keys: &[&'static str]) -> Vec<&'static str> {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn placement_keys_equal_the_generated_catalog() {
        let at = |path: &[&str]| shape_at(path).and_then(Shape::object).unwrap();
        assert_eq!(
            sorted(catalog::PLACEMENT_KEYS),
            schema_keys(at(&["placement"]))
        );
    }
}
