use rustc_hash::FxHashMap;

use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::model::{Scope, ScopeKind};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;
use crate::syntax::{Entry, Table};

declare_rule! {
    /// ## What it does
    /// Reports containers and Durable Object `exports` that do not match, at the top level and
    /// in every `[env.NAME]` (with the `exports` it inherits):
    /// - two containers with one `name`, or two containers for one Durable Object `class_name`;
    /// - `exports.CLASS.container` naming no container of `containers`, or a container that
    ///   two exports name;
    /// - a container without `class_name` that no export names;
    /// - a container whose `class_name` and the export of that class disagree (the export names
    ///   another container, or another export names this one);
    /// - a container whose class has no live `durable-object` export, when the Worker declares
    ///   its Durable Objects in `exports`;
    /// - a container on a class whose export uses `legacy-kv` storage.
    ///
    /// A container's name is its `name`, or the one wrangler makes from the Worker's `name`
    /// and the class (`worker-class`, with `-ENV` in an environment).
    ///
    /// ## Why is this bad?
    /// A container runs beside one Durable Object, and wrangler links the two by these names as
    /// it reads the config; when the links do not hold it refuses the config.
    ///
    /// ## Example
    /// ```toml
    /// [[containers]]
    /// name = "sandbox"
    /// image = "./Dockerfile"
    ///
    /// [exports.Sandbox]
    /// type = "durable-object"
    /// container = "sandbox-box"
    /// ```
    /// ```jsonc
    /// { "containers": [
    ///   { "class_name": "Sandbox", "image": "./Dockerfile" },
    ///   { "class_name": "Sandbox", "image": "./Dockerfile.gpu" }
    /// ] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[containers]]
    /// name = "sandbox"
    /// image = "./Dockerfile"
    ///
    /// [exports.Sandbox]
    /// type = "durable-object"
    /// container = "sandbox"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which name or class is meant is the author's choice.
    ///
    /// ## References
    /// - [Containers configuration](https://developers.cloudflare.com/workers/wrangler/configuration/#containers)
    pub static CONTAINER_EXPORT_MISMATCH = {
        code: "PL354",
        name: "container-export-mismatch",
        severity: Error,
        fix: FixAvailability::None,
        summary: "Containers and Durable Object `exports` whose names or classes do not match",
    }
}

/// One container of a scope, as wrangler names it.
struct Container<'a> {
    index: usize,
    /// Its `name`, or the one wrangler generates.
    name: Option<String>,
    /// Where to report about the name: `name`, or `class_name` when the name is generated.
    name_span: Span,
    class_name: Option<(&'a str, &'a Entry)>,
    table: &'a Table,
}

/// One `durable-object` export.
struct Export<'a> {
    class: &'a str,
    fields: &'a Table,
    live: bool,
    container: Option<&'a Entry>,
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let root = ctx.model.root;
    let any_env_has_containers = ctx.model.scopes.iter().any(|scope| {
        matches!(scope.kind, ScopeKind::Env(_)) && scope.table.get("containers").is_some()
    });
    // wrangler skips the links where the containers are declared elsewhere.
    let top_level_skipped = root.get("containers").is_none() && any_env_has_containers;
    for scope in &ctx.model.scopes {
        let own_containers = scope.table.get("containers");
        let environments: Vec<String> = match &scope.kind {
            ScopeKind::Previews => continue,
            ScopeKind::TopLevel if top_level_skipped => continue,
            ScopeKind::Env(_) if own_containers.is_none() && root.get("containers").is_some() => {
                continue;
            }
            // An environment with neither of its own checks what the top level checks, which
            // reports it for the environment too.
            ScopeKind::Env(_)
                if !top_level_skipped
                    && own_containers.is_none()
                    && scope.table.get("exports").is_none() =>
            {
                continue;
            }
            ScopeKind::TopLevel => ctx
                .model
                .scopes
                .iter()
                .filter(|other| {
                    matches!(other.kind, ScopeKind::Env(_))
                        && other.table.get("containers").is_none()
                        && other.table.get("exports").is_none()
                })
                .filter_map(|other| other.environment().map(str::to_owned))
                .collect(),
            ScopeKind::Env(name) => vec![name.clone()],
        };
        let containers = match own_containers {
            None => Vec::new(),
            Some(entry) => match entry.value.as_array() {
                Some(items) => containers_of(ctx, scope, items),
                // Not an array: PL004's to report; wrangler checks no links.
                None => continue,
            },
        };
        let exports_entry = scope.table.get("exports").or_else(|| match scope.kind {
            ScopeKind::Env(_) => root.get("exports"),
            _ => None,
        });
        let exports = exports_entry
            .and_then(|entry| entry.value.as_table())
            .map(durable_object_exports)
            .unwrap_or_default();
        let mut links = Links {
            ctx,
            sink: &mut *sink,
            environments: &environments,
            prefix: scope.path("containers"),
            exports_prefix: match exports_entry {
                Some(_) if scope.table.get("exports").is_some() => scope.path("exports"),
                _ => "exports".to_owned(),
            },
        };
        links.check(&containers, &exports);
    }
}

/// The containers of a scope with the names wrangler gives them (`validateContainerApp`).
fn containers_of<'a>(
    ctx: &Context<'a>,
    scope: &Scope<'a>,
    items: &'a [crate::syntax::Node],
) -> Vec<Container<'a>> {
    let worker_name = scope
        .table
        .get("name")
        .or_else(|| ctx.model.root.get("name"))
        .and_then(|entry| entry.value.as_str())
        .filter(|name| !name.is_empty());
    items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let table = item.as_table()?;
            let class_name = table
                .get("class_name")
                .and_then(|entry| entry.value.as_str().map(|class| (class, entry)));
            let name_entry = table.get("name");
            let written = name_entry.and_then(|entry| entry.value.as_str());
            let durable_object_managed = table
                .get("scheduling_policy")
                .and_then(|entry| entry.value.as_str())
                == Some("durable_object");
            let (name, name_span) = match (written, class_name, worker_name) {
                (Some(name), _, _) if !name.is_empty() => {
                    (Some(name.to_owned()), name_entry?.value.span)
                }
                (_, Some((class, entry)), Some(worker))
                    if !(durable_object_managed && class.is_empty()) =>
                {
                    let mut name = format!("{worker}-{class}");
                    if let ScopeKind::Env(env) = &scope.kind {
                        name.push('-');
                        name.push_str(env);
                    }
                    (
                        Some(name.to_lowercase().replace(' ', "-")),
                        entry.value.span,
                    )
                }
                // A written name that is not a string, or none wrangler can make: PL004 and
                // PL304 report those.
                _ => (None, item.span),
            };
            Some(Container {
                index,
                name,
                name_span,
                class_name,
                table,
            })
        })
        .collect()
}

/// The `durable-object` exports, in order (`getDurableObjectExports`).
fn durable_object_exports(exports: &Table) -> Vec<Export<'_>> {
    exports
        .kept_entries()
        .filter_map(|(_, entry)| {
            let fields = entry.value.as_table()?;
            if fields.get("type")?.value.as_str()? != "durable-object" {
                return None;
            }
            let live = match fields.get("state") {
                None => true,
                Some(state) => {
                    matches!(state.value.as_str(), Some("created" | "expecting-transfer"))
                }
            };
            Some(Export {
                class: &entry.key,
                fields,
                live,
                container: fields.get("container"),
            })
        })
        .collect()
}

struct Links<'c, 's, 'a> {
    ctx: &'c Context<'a>,
    sink: &'c mut Sink<'s>,
    environments: &'c [String],
    /// `containers` or `env.NAME.containers`.
    prefix: String,
    /// `exports` or `env.NAME.exports`.
    exports_prefix: String,
}

impl Links<'_, '_, '_> {
    fn refuse(&mut self, span: Span, message: String, related: Option<(Span, String)>) {
        let diagnostic = self
            .sink
            .report(span, format!("{message}: wrangler refuses the config"))
            .with_environments(self.environments);
        if let Some((span, message)) = related {
            diagnostic.with_related([Related {
                file: self.ctx.path.to_path_buf(),
                span,
                message,
            }]);
        }
    }

    fn check(&mut self, containers: &[Container<'_>], exports: &[Export<'_>]) {
        let prefix = self.prefix.clone();
        let exports_prefix = self.exports_prefix.clone();
        // Unique names.
        let mut by_name: FxHashMap<&str, &Container<'_>> = FxHashMap::default();
        for container in containers {
            let Some(name) = container.name.as_deref() else {
                continue;
            };
            match by_name.get(name) {
                Some(first) => self.refuse(
                    container.name_span,
                    format!(
                        "`{prefix}[{}]` is named \"{name}\", as `{prefix}[{}]` is; container \
                         names are unique",
                        container.index, first.index
                    ),
                    Some((
                        first.name_span,
                        "the first container with this name".to_owned(),
                    )),
                ),
                None => {
                    by_name.insert(name, container);
                }
            }
        }
        // One container per class.
        let mut classes: FxHashMap<&str, (usize, Span)> = FxHashMap::default();
        for container in containers {
            let Some((class, entry)) = container.class_name else {
                continue;
            };
            match classes.get_mut(class) {
                Some((count, first)) => {
                    *count += 1;
                    let first = *first;
                    self.refuse(
                        entry.value.span,
                        format!(
                            "`{prefix}[{}]` is a second container for the Durable Object \
                             \"{class}\"; a Durable Object has one container",
                            container.index
                        ),
                        Some((first, "the first container for this class".to_owned())),
                    );
                }
                None => {
                    classes.insert(class, (1, entry.value.span));
                }
            }
        }
        // Exports naming containers.
        let mut claims: FxHashMap<&str, Vec<&Export<'_>>> = FxHashMap::default();
        for export in exports.iter().filter(|export| export.live) {
            let Some(entry) = export.container else {
                continue;
            };
            let Some(name) = entry.value.as_str().filter(|name| !name.is_empty()) else {
                continue;
            };
            if !by_name.contains_key(name) {
                self.refuse(
                    entry.value.span,
                    format!(
                        "`{exports_prefix}.{}.container` names the container \"{name}\", but \
                         `{prefix}` has no container of that name",
                        export.class
                    ),
                    None,
                );
                continue;
            }
            let claimants = claims.entry(name).or_default();
            if let Some(first) = claimants.first() {
                let first_span = first
                    .container
                    .map(|e| e.value.span)
                    .unwrap_or(entry.value.span);
                self.refuse(
                    entry.value.span,
                    format!(
                        "the container \"{name}\" is named by `{exports_prefix}.{}.container` \
                         and `{exports_prefix}.{}.container`; a container backs one Durable \
                         Object",
                        first.class, export.class
                    ),
                    Some((first_span, "named here first".to_owned())),
                );
            }
            claimants.push(export);
        }
        let uses_exports = !exports.is_empty();
        for container in containers {
            let Some(name) = container.name.as_deref() else {
                continue;
            };
            let at = format!("{prefix}[{}]", container.index);
            let Some((class, class_entry)) = container.class_name else {
                // A class that is not a string is PL004's; with none, an export must name it.
                let named = exports
                    .iter()
                    .any(|export| export.container.and_then(|e| e.value.as_str()) == Some(name));
                if container.table.get("class_name").is_none() && !named {
                    self.refuse(
                        container.name_span,
                        format!(
                            "`{at}` (\"{name}\") is linked to no Durable Object: it has no \
                             `class_name` and no export's `container` names it"
                        ),
                        None,
                    );
                }
                continue;
            };
            if classes.get(class).is_some_and(|(count, _)| *count > 1) {
                continue;
            }
            let export = exports.iter().find(|export| export.class == class);
            let referenced = export.and_then(|export| export.container);
            if let Some(referenced) = referenced
                && let Some(other) = referenced.value.as_str()
                && other != name
            {
                self.refuse(
                    class_entry.value.span,
                    format!(
                        "`{at}` (\"{name}\") sets `class_name` to \"{class}\", but \
                         `{exports_prefix}.{class}.container` is \"{other}\"; a Durable Object \
                         and its container name each other"
                    ),
                    Some((
                        referenced.value.span,
                        "the export names this container".to_owned(),
                    )),
                );
                continue;
            }
            if let Some(claimants) = claims.get(name)
                && let [claimant] = claimants.as_slice()
                && claimant.class != class
            {
                let span = claimant
                    .container
                    .map(|e| e.value.span)
                    .unwrap_or(class_entry.value.span);
                self.refuse(
                    class_entry.value.span,
                    format!(
                        "`{at}` (\"{name}\") sets `class_name` to \"{class}\", but \
                         `{exports_prefix}.{}.container` names it; a Durable Object and its \
                         container name each other",
                        claimant.class
                    ),
                    Some((span, "another export names this container".to_owned())),
                );
                continue;
            }
            if uses_exports
                && !exports
                    .iter()
                    .any(|export| export.live && export.class == class)
            {
                self.refuse(
                    class_entry.value.span,
                    format!(
                        "`{at}` sets `class_name` to \"{class}\", but `{exports_prefix}` has no \
                         live `durable-object` entry for \"{class}\""
                    ),
                    None,
                );
                continue;
            }
            if let Some(export) = export
                && export.container.is_none()
                && let Some(storage) = export.fields.get("storage")
                && storage.value.as_str() == Some("legacy-kv")
            {
                self.refuse(
                    class_entry.value.span,
                    format!(
                        "`{at}` sets `class_name` to \"{class}\", whose export uses \
                         `legacy-kv` storage; containers need a Durable Object on SQLite storage"
                    ),
                    Some((storage.value.span, "the storage is set here".to_owned())),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_exports_naming_missing_or_shared_containers() {
        assert_rule(
            "PL354",
            Format::Toml,
            r#"name = "w"
[[containers]]
name = "sandbox"
image = "./Dockerfile"
[exports.Sandbox]
type = "durable-object"
container = "sandbox-box"
            ^^^^^^^^^^^^^ PL354: `exports.Sandbox.container` names the container "sandbox-box", but `containers` has no container of that name
[exports.Other]
type = "durable-object"
container = "sandbox"
[exports.Third]
type = "durable-object"
container = "sandbox"
            ^^^^^^^^^ PL354: the container "sandbox" is named by `exports.Other.container` and `exports.Third.container`
"#,
        );
    }

    #[test]
    fn fires_on_names_and_classes_used_twice() {
        assert_rule(
            "PL354",
            Format::Json,
            r#"{
  "name": "w",
  "containers": [
    { "name": "a", "class_name": "A", "image": "./Dockerfile" },
    { "name": "a", "class_name": "B", "image": "./Dockerfile" },
              ^^^ PL354: `containers[1]` is named "a", as `containers[0]` is
    { "class_name": "B", "image": "./Dockerfile" },
                    ^^^ PL354: `containers[2]` is a second container for the Durable Object "B"
    { "name": "lonely", "image": "./Dockerfile" }
              ^^^^^^^^ PL354: `containers[3]` ("lonely") is linked to no Durable Object
  ]
}
"#,
        );
    }

    #[test]
    fn fires_on_links_that_disagree() {
        assert_rule(
            "PL354",
            Format::Toml,
            r#"name = "Shop"
[[containers]]
class_name = "Cart"
             ^^^^^^ PL354: `containers[0]` ("shop-cart") sets `class_name` to "Cart", but `exports.Cart.container` is "box"
image = "./Dockerfile"
[[containers]]
name = "box"
class_name = "Till"
             ^^^^^^ PL354: `containers[1]` ("box") sets `class_name` to "Till", but `exports.Cart.container` names it
image = "./Dockerfile"
[[containers]]
class_name = "Gone"
             ^^^^^^ PL354: has no live `durable-object` entry for "Gone"
image = "./Dockerfile"
[[containers]]
class_name = "Old"
             ^^^^^ PL354: whose export uses `legacy-kv` storage
image = "./Dockerfile"
[exports.Cart]
type = "durable-object"
container = "box"
[exports.Till]
type = "durable-object"
[exports.Gone]
type = "durable-object"
state = "deleted"
[exports.Old]
type = "durable-object"
storage = "legacy-kv"
"#,
        );
    }

    #[test]
    fn environments_check_their_own_containers_and_inherited_exports() {
        assert_rule(
            "PL354",
            Format::Toml,
            r#"name = "w"
[exports.Sandbox]
type = "durable-object"
container = "w-sandbox-staging"
            ^^^^^^^^^^^^^^^^^^^ PL354: `exports.Sandbox.container` names the container "w-sandbox-staging", but `env.qa.containers` has no container of that name
[env.staging]
[[env.staging.containers]]
class_name = "Sandbox"
image = "./Dockerfile"
[env.qa]
vars = { A = "1" }
"#,
        );
    }

    #[test]
    fn quiet_when_the_links_hold() {
        assert_rule(
            "PL354",
            Format::Toml,
            r#"name = "w"
[[containers]]
class_name = "Sandbox"
image = "./Dockerfile"
[[containers]]
name = "gpu"
image = "./Dockerfile"
[exports.Sandbox]
type = "durable-object"
[exports.Render]
type = "durable-object"
container = "gpu"
"#,
        );
    }
}
