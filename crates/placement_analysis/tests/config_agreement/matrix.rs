//! The cases: every key the catalog knows, at every depth, at the top level and in
//! `[env.staging]`, each written valid and then mutated the ways users get it wrong (a value of
//! the wrong type, an unexpected key beside it, a removed, deprecated or experimental key, a
//! required key left out, a non-inherited key an environment does not repeat, a top-level-only
//! key in an environment, a route object without a zone, two keys that exclude each other).

use std::fmt;

use placement_analysis::schema::{Inheritance, Key, Shape, Status, Types};

use crate::value::{Value, remove, set};
use crate::wrangler::ExclusivePair;

/// What was done to the key under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mutation {
    /// Written with a value of an accepted type: the control.
    Valid,
    /// A value of a type the key does not take (`array` where an object is expected, ...).
    WrongType(&'static str),
    /// A key the object does not have, beside the valid ones.
    UnknownKey,
    /// A key wrangler removed (it refuses the config).
    Removed,
    /// A key wrangler deprecated (it warns).
    Deprecated,
    /// A key wrangler calls experimental (it warns).
    Experimental,
    /// An object without one of its required keys.
    RequiredDropped,
    /// A non-inherited key set at the top level but not in `[env.staging]`.
    EnvOmission,
    /// A key only the top level may set, written in `[env.staging]`.
    TopLevelOnlyInEnv,
    /// A route object with a pattern but no `zone_id`, `zone_name` or `custom_domain`.
    RouteWithoutZone,
    /// Two keys wrangler takes only one of.
    MutuallyExclusive,
}

impl fmt::Display for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mutation::Valid => f.write_str("valid value (control)"),
            Mutation::WrongType(written) => write!(f, "wrong type ({written} written)"),
            Mutation::UnknownKey => f.write_str("unknown key"),
            Mutation::Removed => f.write_str("removed key"),
            Mutation::Deprecated => f.write_str("deprecated key"),
            Mutation::Experimental => f.write_str("experimental key"),
            Mutation::RequiredDropped => f.write_str("required key dropped"),
            Mutation::EnvOmission => f.write_str("non-inherited key missing from env"),
            Mutation::TopLevelOnlyInEnv => f.write_str("top-level-only key in env"),
            Mutation::RouteWithoutZone => f.write_str("route object without zone"),
            Mutation::MutuallyExclusive => f.write_str("mutually exclusive keys"),
        }
    }
}

/// Where the mutated key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    TopLevel,
    /// In `env.staging`.
    Environment,
}

pub const ENVIRONMENT: &str = "staging";

/// The name of the unexpected key the matrix adds.
pub const UNKNOWN_KEY: &str = "agreement_unknown_field";

/// One config of the matrix, before it is written in a format.
#[derive(Debug, Clone)]
pub struct Case {
    pub mutation: Mutation,
    pub scope: Scope,
    /// The mutated key, as wrangler names it (`env.staging.build.command`, `routes[0].zone_id`).
    pub path: String,
    /// The whole config.
    pub root: Vec<(String, Value)>,
    /// Paths of the entries an error about this mutation belongs at (any one of them).
    pub anchors: Vec<Vec<String>>,
    /// wrangler accepts the config when it reads it but refuses to deploy it; the message its
    /// deploy command prints (checked to be in wrangler's source).
    pub deploy_error: Option<&'static str>,
}

/// What a case does to the object holding the key under test.
type Edit = dyn Fn(&mut Vec<(String, Value)>);

/// One step from a container to its child.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    /// The first item of an array.
    Item,
    /// An entry of a map of the user's names (`exports`, ...).
    Entry,
}

/// The name of the entry the matrix writes in maps of the user's names.
const MAP_ENTRY: &str = "SAMPLE";

/// How deep the walk goes below the top level or `env.staging`.
const MAX_DEPTH: usize = 5;

/// A valid value for a key: strings that wrangler checks the form of get a value of that form.
fn sample_string(key: &str, shape: Shape) -> Value {
    if let Some(first) = shape.enum_values().first() {
        return Value::str(first);
    }
    Value::str(match key {
        "compatibility_date" => "2025-01-01",
        "name" | "script_name" | "service" | "queue" | "bucket_name" | "database_name"
        | "index_name" | "dataset" | "namespace" | "workflow_name" | "pipeline" => {
            "agreement-sample"
        }
        "main" => "src/index.js",
        "pattern" => "example.com/*",
        "zone_name" => "example.com",
        "class_name" => "SampleClass",
        "binding" => "SAMPLE_BINDING",
        "crons" => "*/5 * * * *",
        "tag" => "v1",
        "rollout_kind" => "full_auto",
        "image" => "docker.io/cloudflare/sample:1",
        // Not a secret: a public key of the form wrangler checks for.
        "public_key" => {
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        }
        _ => "sample",
    })
}

/// A valid value of `shape`; `object_first` picks the object form where a string would also do
/// (so that the walk can go inside it).
pub fn sample(key: &str, shape: Shape, object_first: bool) -> Value {
    sample_at(key, shape, object_first, 0)
}

/// Below this depth samples stop at scalars and empty containers (some shapes are recursive).
const MAX_SAMPLE_DEPTH: usize = 6;

fn sample_at(key: &str, shape: Shape, object_first: bool, depth: usize) -> Value {
    let types = shape.types();
    if depth > MAX_SAMPLE_DEPTH {
        return if types.contains(Types::OBJECT) {
            Value::Object(Vec::new())
        } else if types.contains(Types::ARRAY) {
            Value::Array(Vec::new())
        } else {
            sample_string(key, shape)
        };
    }
    if object_first && types.contains(Types::OBJECT) {
        return sample_object_at(shape, depth);
    }
    if !shape.enum_values().is_empty() || types.contains(Types::STRING) {
        return sample_string(key, shape);
    }
    if types.contains(Types::BOOLEAN) {
        return Value::Bool(true);
    }
    if types.accepts(Types::INTEGER) {
        return Value::Int(match key {
            "period" => 60,
            "rollout_step_percentage" => 10,
            _ => 1,
        });
    }
    if types.contains(Types::ARRAY) {
        return Value::Array(
            shape
                .items()
                .map(|items| vec![sample_at(key, items, true, depth + 1)])
                .unwrap_or_default(),
        );
    }
    if types.contains(Types::OBJECT) {
        return sample_object_at(shape, depth);
    }
    Value::str("sample")
}

/// An object of `shape` with its required keys.
fn sample_object(shape: Shape) -> Value {
    sample_object_at(shape, 0)
}

/// Objects whose keys depend on each other in ways the catalog does not say (one of two
/// fields, a field required by another's value): a sample wrangler accepts, by catalog path.
/// The mutations inside them start from it.
const SAMPLE_OBJECTS: &[(&str, &str)] = &[
    ("placement", r#"{"mode": "smart"}"#),
    (
        "durable_objects",
        r#"{"bindings": [{"name": "SAMPLE_DO", "class_name": "SampleClass", "script_name": "other-worker"}]}"#,
    ),
    (
        "route",
        r#"{"pattern": "example.com", "zone_name": "example.com"}"#,
    ),
    (
        "routes.[]",
        r#"{"pattern": "example.com", "zone_name": "example.com"}"#,
    ),
    ("observability", r#"{"enabled": true}"#),
    ("containers.[].observability", r#"{"enabled": true}"#),
    (
        "containers.[]",
        r#"{"class_name": "SampleClass", "image": "docker.io/cloudflare/sample:latest"}"#,
    ),
    (
        "exports.SAMPLE",
        r#"{"type": "durable-object", "storage": "sqlite"}"#,
    ),
    ("unsafe.capnp", r#"{"compiled_schema": "sample"}"#),
    (
        "vpc_networks.[]",
        r#"{"binding": "SAMPLE_BINDING", "tunnel_id": "sample"}"#,
    ),
    (
        "pipelines.[]",
        r#"{"binding": "SAMPLE_BINDING", "stream": "sample"}"#,
    ),
    ("ratelimits.[].simple", r#"{"limit": 10, "period": 60}"#),
];

/// Objects whose valid keys depend on another key's value (the `state` or `type` of an
/// export): the sample that holds the key after the path, by catalog path and key.
const SAMPLES_FOR_KEY: &[(&str, &[&str], &str)] = &[
    (
        "exports.SAMPLE",
        &["renamed_to"],
        r#"{"type": "durable-object", "state": "renamed", "renamed_to": "RenamedClass"}"#,
    ),
    (
        "exports.SAMPLE",
        &["transferred_to"],
        r#"{"type": "durable-object", "state": "transferred", "transferred_to": "other-worker"}"#,
    ),
    (
        "exports.SAMPLE",
        &["transfer_from"],
        r#"{"type": "durable-object", "state": "expecting-transfer", "storage": "sqlite", "transfer_from": "other-worker"}"#,
    ),
    ("exports.SAMPLE", &["cache"], r#"{"type": "worker"}"#),
    (
        "exports.SAMPLE",
        &[
            "name",
            "limits",
            "concurrency",
            "schedules",
            "default_retention",
            "jurisdiction",
        ],
        r#"{"type": "workflow", "name": "agreement-workflow"}"#,
    ),
];

/// The sample of an object that is to hold `key`: the one for that key if the object needs
/// one, else its usual sample.
fn sample_for(shape: Shape, key: Option<&str>) -> Value {
    let object = shape.object().unwrap_or(shape);
    if let Some(key) = key {
        let found = samples_for_key()
            .iter()
            .find(|(known, keys, _)| *known == object && keys.contains(&key));
        if let Some((_, _, sample)) = found {
            return sample.clone();
        }
    }
    sample_object(shape)
}

fn samples_for_key() -> &'static [(Shape, &'static [&'static str], Value)] {
    static SAMPLES: std::sync::OnceLock<Vec<(Shape, &'static [&'static str], Value)>> =
        std::sync::OnceLock::new();
    SAMPLES.get_or_init(|| {
        SAMPLES_FOR_KEY
            .iter()
            .flat_map(|(path, keys, json)| {
                let json: serde_json::Value = serde_json::from_str(json).expect("sample JSON");
                let value = from_json(&json);
                shapes_at(path)
                    .into_iter()
                    .map(move |shape| (shape, *keys, value.clone()))
            })
            .collect()
    })
}

/// The object shapes at a catalog path at the top level, in an environment and in `previews`
/// (they may be separate shapes of the catalog).
fn shapes_at(path: &str) -> Vec<Shape> {
    let mut shapes: Vec<Shape> = Vec::new();
    for prefix in ["", "env.staging.", "previews."] {
        let full = format!("{prefix}{path}");
        let segments: Vec<&str> = full.split('.').collect();
        if let Some(shape) = placement_analysis::schema::shape_at(&segments) {
            let shape = shape.object().unwrap_or(shape);
            if !shapes.contains(&shape) {
                shapes.push(shape);
            }
        }
    }
    assert!(!shapes.is_empty(), "the catalog has no {path}");
    shapes
}

fn from_json(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::String(text) => Value::str(text),
        serde_json::Value::Number(number) => Value::Int(number.as_i64().expect("integers only")),
        serde_json::Value::Bool(flag) => Value::Bool(*flag),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(key, value)| (key.clone(), from_json(value)))
                .collect(),
        ),
        serde_json::Value::Null => unreachable!("no nulls in samples"),
    }
}

fn sample_objects() -> &'static [(Shape, Value)] {
    static SAMPLES: std::sync::OnceLock<Vec<(Shape, Value)>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut samples: Vec<(Shape, Value)> = Vec::new();
        for (path, json) in SAMPLE_OBJECTS {
            let json: serde_json::Value = serde_json::from_str(json).expect("sample JSON");
            let value = from_json(&json);
            for shape in shapes_at(path) {
                if !samples.iter().any(|(known, _)| *known == shape) {
                    samples.push((shape, value.clone()));
                }
            }
        }
        samples
    })
}

fn sample_object_at(shape: Shape, depth: usize) -> Value {
    let object = shape.object().unwrap_or(shape);
    if let Some((_, sample)) = sample_objects().iter().find(|(known, _)| *known == object) {
        return sample.clone();
    }
    // A switch such as `ssh.enabled` is on in the sample: wrangler requires some of them, and
    // an object that is there but off says little.
    Value::Object(
        object
            .keys()
            .filter(|key| {
                key.is_required()
                    || (key.name() == "enabled" && key.shape().types().contains(Types::BOOLEAN))
            })
            .map(|key| {
                let value = sample_at(key.name(), key.shape(), false, depth + 1);
                (key.name().to_owned(), value)
            })
            .collect(),
    )
}

/// Values of types `shape` does not take: the swaps users make (array and object, string and
/// number or boolean). The array holds a valid item and the object is the item itself, as in
/// `[kv_namespaces]` written for `[[kv_namespaces]]`.
fn wrong_values(key: &str, shape: Shape) -> Vec<(&'static str, Value)> {
    let types = shape.types();
    if types.is_any() {
        return Vec::new();
    }
    let mut wrong = Vec::new();
    if types.contains(Types::OBJECT) && !types.contains(Types::ARRAY) {
        wrong.push(("array", Value::Array(vec![sample_object(shape)])));
    }
    if types.contains(Types::ARRAY) && !types.contains(Types::OBJECT) {
        let item = shape
            .items()
            .map(|items| sample(key, items, true))
            .unwrap_or_else(|| Value::str("sample"));
        let item = match item {
            Value::Object(_) => item,
            scalar => Value::Object(vec![("item".to_owned(), scalar)]),
        };
        wrong.push(("object", item));
    }
    if (types.contains(Types::OBJECT) || types.contains(Types::ARRAY))
        && !types.contains(Types::STRING)
    {
        wrong.push(("string", Value::str("sample")));
    }
    if types.contains(Types::STRING) || !shape.enum_values().is_empty() {
        if !types.accepts(Types::INTEGER) {
            wrong.push(("number", Value::Int(1)));
        }
        if !types.contains(Types::BOOLEAN) {
            wrong.push(("boolean", Value::Bool(true)));
        }
    }
    if types.accepts(Types::INTEGER) && !types.contains(Types::STRING) {
        wrong.push(("string", Value::str("1")));
    }
    if types.contains(Types::BOOLEAN) && !types.contains(Types::STRING) {
        wrong.push(("string", Value::str("true")));
    }
    wrong.truncate(2);
    // A table the schema allows but wrangler refuses (`dev.container_engine`).
    if types.contains(Types::OBJECT) && shape.rejected_types().contains(Types::OBJECT) {
        wrong.push(("object", sample_object(shape)));
    }
    wrong
}

/// Builds the value of a container and everything under it down a path of steps, applying
/// `edit` to the innermost object.
fn build(shape: Shape, steps: &[Step], target: Option<&str>, edit: &Edit) -> Value {
    let Some((step, rest)) = steps.split_first() else {
        let mut object = sample_for(shape, target);
        if let Some(entries) = object.entries_mut() {
            edit(entries);
        }
        return object;
    };
    match step {
        Step::Key(name) => {
            let object = shape.object().unwrap_or(shape);
            let mut value = sample_for(object, Some(name));
            let child = object
                .key(name)
                .expect("the walk follows the catalog")
                .shape();
            let inner = build(child, rest, target, edit);
            if let Some(entries) = value.entries_mut() {
                set(entries, name, inner);
            }
            value
        }
        Step::Item => {
            let items = shape.items().expect("the walk steps into arrays");
            Value::Array(vec![build(items, rest, target, edit)])
        }
        Step::Entry => {
            let values = shape.values().expect("the walk steps into maps");
            Value::Object(vec![(
                MAP_ENTRY.to_owned(),
                build(values, rest, target, edit),
            )])
        }
    }
}

/// The path wrangler's messages use: `build.command`, `routes[0].zone_id`, `exports.SAMPLE`.
fn display_path(scope: Scope, steps: &[Step], last: Option<&str>) -> String {
    let mut path = match scope {
        Scope::TopLevel => String::new(),
        Scope::Environment => format!("env.{ENVIRONMENT}"),
    };
    let push_key = |path: &mut String, name: &str| {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
    };
    for step in steps {
        match step {
            Step::Key(name) => push_key(&mut path, name),
            Step::Item => path.push_str("[0]"),
            Step::Entry => push_key(&mut path, MAP_ENTRY),
        }
    }
    if let Some(last) = last {
        push_key(&mut path, last);
    }
    path
}

/// The path of entries in the written file (array items by index).
fn entry_path(scope: Scope, steps: &[Step], last: Option<&str>) -> Vec<String> {
    let mut path: Vec<String> = match scope {
        Scope::TopLevel => Vec::new(),
        Scope::Environment => vec!["env".to_owned(), ENVIRONMENT.to_owned()],
    };
    path.extend(steps.iter().map(|step| match step {
        Step::Key(name) => name.clone(),
        Step::Item => "0".to_owned(),
        Step::Entry => MAP_ENTRY.to_owned(),
    }));
    path.extend(last.map(str::to_owned));
    path
}

/// The configs every case starts from: a Worker with a `[env.staging]`.
fn base() -> Vec<(String, Value)> {
    vec![
        ("name".to_owned(), Value::str("agreement")),
        ("main".to_owned(), Value::str("src/index.js")),
        ("compatibility_date".to_owned(), Value::str("2025-01-01")),
        (
            "env".to_owned(),
            Value::Object(vec![(ENVIRONMENT.to_owned(), Value::Object(Vec::new()))]),
        ),
    ]
}

fn environment_entries(root: &mut [(String, Value)]) -> &mut Vec<(String, Value)> {
    let env = root
        .iter_mut()
        .find(|(name, _)| name == "env")
        .and_then(|(_, value)| value.entries_mut())
        .expect("the base has env");
    env.iter_mut()
        .find(|(name, _)| name == ENVIRONMENT)
        .and_then(|(_, value)| value.entries_mut())
        .expect("the base has env.staging")
}

/// A config with `edit` applied to the object at `steps` below `scope` (about its key `target`). A top-level key that
/// environments do not inherit is also written (valid) in `env.staging`, so that only the
/// mutation is under test.
fn config(scope: Scope, steps: &[Step], target: Option<&str>, edit: &Edit) -> Vec<(String, Value)> {
    let mut root = base();
    let scope_shape = match scope {
        Scope::TopLevel => Shape::root(),
        Scope::Environment => Shape::environment(),
    };
    let built = build(scope_shape, steps, target, edit);
    let Value::Object(entries) = built else {
        unreachable!("scopes are objects")
    };
    match scope {
        Scope::TopLevel => {
            for (name, value) in entries {
                set(&mut root, &name, value);
            }
            // The environment repeats the key as the top level has it (mutation included), so
            // that it lacks nothing wrangler would warn about.
            let repeated: Vec<_> = root
                .iter()
                .filter(|(name, _)| {
                    Shape::root().key(name).map(Key::inheritance) == Some(Inheritance::NotInherited)
                        && Shape::environment().key(name).is_some()
                })
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            let env = environment_entries(&mut root);
            for (name, value) in repeated {
                set(env, &name, value);
            }
        }
        Scope::Environment => {
            let env = environment_entries(&mut root);
            for (name, value) in entries {
                set(env, &name, value);
            }
        }
    }
    root
}

struct Walk {
    cases: Vec<Case>,
}

impl Walk {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        mutation: Mutation,
        scope: Scope,
        steps: &[Step],
        last: Option<&str>,
        anchors: Vec<Vec<String>>,
        edit: &Edit,
    ) {
        self.cases.push(Case {
            mutation,
            scope,
            path: display_path(scope, steps, last),
            root: config(scope, steps, last, edit),
            anchors,
            deploy_error: None,
        });
    }

    /// The cases for every key of the object at `steps`, then for the objects inside them.
    fn object(&mut self, scope: Scope, object: Shape, steps: &mut Vec<Step>) {
        let here = entry_path(scope, steps, None);
        // An unexpected key in a closed object, and in the scope itself (a string there; a
        // number inside objects).
        if steps.is_empty() || object.is_closed() {
            let anchor = entry_path(scope, steps, Some(UNKNOWN_KEY));
            let value = if steps.is_empty() {
                Value::str("sample")
            } else {
                Value::Int(1)
            };
            self.push(
                Mutation::UnknownKey,
                scope,
                steps,
                Some(UNKNOWN_KEY),
                vec![anchor],
                &move |entries| {
                    set(entries, UNKNOWN_KEY, value.clone());
                },
            );
        }
        for key in object.keys() {
            let name = key.name();
            if steps.is_empty() && name == "env" {
                continue;
            }
            let anchor = entry_path(scope, steps, Some(name));
            let valid = sample(name, key.shape(), false);
            let mutation = match key.status() {
                Status::Removed { .. } => Mutation::Removed,
                Status::Deprecated { .. } => Mutation::Deprecated,
                Status::Current if key.is_experimental() => Mutation::Experimental,
                Status::Current => Mutation::Valid,
            };
            {
                let valid = valid.clone();
                self.push(
                    mutation,
                    scope,
                    steps,
                    Some(name),
                    vec![anchor.clone()],
                    &move |entries| {
                        set(entries, name, valid.clone());
                    },
                );
            }
            for (written, wrong) in wrong_values(name, key.shape()) {
                self.push(
                    Mutation::WrongType(written),
                    scope,
                    steps,
                    Some(name),
                    vec![anchor.clone()],
                    &move |entries| set(entries, name, wrong.clone()),
                );
            }
            if key.is_required() {
                self.push(
                    Mutation::RequiredDropped,
                    scope,
                    steps,
                    Some(name),
                    vec![here.clone()],
                    &|entries| {
                        remove(entries, name);
                    },
                );
            }
            // `placement` has its own agreement test (wrangler_agreement.rs), over every
            // combination of its fields, which depend on each other.
            if steps.len() < MAX_DEPTH && !key.is_removed() && name != "placement" {
                let shape = key.shape();
                steps.push(Step::Key(name.to_owned()));
                self.inside(scope, shape, steps);
                steps.pop();
            }
        }
    }

    /// Into a value: an object's keys, an array's items, a map's entries.
    fn inside(&mut self, scope: Scope, shape: Shape, steps: &mut Vec<Step>) {
        if steps.len() > MAX_DEPTH {
            return;
        }
        // A table wrangler refuses here whatever it holds (`dev.container_engine`, a string
        // for wrangler, a table for the schema) has nothing inside to test: the table itself is
        // a wrong type (`wrong_values`).
        if shape.keys().len() > 0
            && shape.types().contains(Types::OBJECT)
            && !shape.rejected_types().contains(Types::OBJECT)
        {
            self.object(scope, shape, steps);
        } else if let Some(items) = shape
            .items()
            .filter(|_| shape.types().contains(Types::ARRAY))
        {
            steps.push(Step::Item);
            self.inside(scope, items, steps);
            steps.pop();
        } else if let Some(values) = shape.values().filter(|values| values.object().is_some()) {
            steps.push(Step::Entry);
            self.inside(scope, values, steps);
            steps.pop();
        }
    }
}

/// Every case of the matrix (before formats).
pub fn cases(exclusive_pairs: &[ExclusivePair]) -> Vec<Case> {
    let mut walk = Walk { cases: Vec::new() };
    walk.object(Scope::TopLevel, Shape::root(), &mut Vec::new());
    walk.object(Scope::Environment, Shape::environment(), &mut Vec::new());

    for key in Shape::root().keys() {
        let name = key.name();
        let shape = key.shape();
        match key.inheritance() {
            Inheritance::NotInherited => {
                let value = sample(name, shape, false);
                let mut root = base();
                set(&mut root, name, value);
                walk.cases.push(Case {
                    mutation: Mutation::EnvOmission,
                    scope: Scope::Environment,
                    path: name.to_owned(),
                    root,
                    anchors: vec![
                        vec!["env".to_owned(), ENVIRONMENT.to_owned()],
                        vec![name.to_owned()],
                    ],
                    deploy_error: None,
                });
            }
            Inheritance::TopLevelOnly
                if name != "env" && Shape::environment().key(name).is_none() =>
            {
                let value = sample(name, shape, false);
                let mut root = base();
                set(environment_entries(&mut root), name, value);
                walk.cases.push(Case {
                    mutation: Mutation::TopLevelOnlyInEnv,
                    scope: Scope::Environment,
                    path: format!("env.{ENVIRONMENT}.{name}"),
                    root,
                    anchors: vec![vec![
                        "env".to_owned(),
                        ENVIRONMENT.to_owned(),
                        name.to_owned(),
                    ]],
                    deploy_error: None,
                });
            }
            _ => {}
        }
    }

    for scope in [Scope::TopLevel, Scope::Environment] {
        // `route` as an object, and a `routes` item, with a pattern and nothing that names the zone.
        let route = Value::Object(vec![("pattern".to_owned(), Value::str("example.com/*"))]);
        for (key, value) in [
            ("route", route.clone()),
            ("routes", Value::Array(vec![route.clone()])),
        ] {
            let anchor = entry_path(scope, &[], Some(key));
            walk.push(
                Mutation::RouteWithoutZone,
                scope,
                &[],
                Some(key),
                vec![anchor],
                &move |entries| {
                    set(entries, key, value.clone());
                },
            );
        }
        for pair in exclusive_pairs {
            let (first, second) = (pair.first, pair.second);
            let holder = if scope == Scope::TopLevel {
                Shape::root()
            } else {
                Shape::environment()
            };
            let (Some(first_key), Some(second_key)) = (holder.key(first), holder.key(second))
            else {
                continue;
            };
            let first_value = sample(first, first_key.shape(), false);
            let second_value = sample(second, second_key.shape(), false);
            let anchors = vec![
                entry_path(scope, &[], Some(first)),
                entry_path(scope, &[], Some(second)),
            ];
            walk.push(
                Mutation::MutuallyExclusive,
                scope,
                &[],
                Some(second),
                anchors,
                &move |entries| {
                    set(entries, first, first_value.clone());
                    set(entries, second, second_value.clone());
                },
            );
            let case = walk.cases.last_mut().expect("just pushed");
            case.path = format!("{} + {}", display_path(scope, &[], Some(first)), second);
            case.deploy_error = pair.deploy_error;
        }
    }
    walk.cases
}
