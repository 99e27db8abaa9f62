use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;
use crate::syntax::{NodeKind, Table};
use crate::value_sites::{tables_at, value_scopes};

declare_rule! {
    /// ## What it does
    /// Reports what wrangler refuses in a Durable Object-managed container
    /// (`scheduling_policy = "durable_object"`), at the top level and in every `[env.NAME]`:
    /// - fields other than `name`, `class_name`, `scheduling_policy`, `images`,
    ///   `observability`, `ssh`, `authorized_keys` and `unsafe`;
    /// - an empty `class_name`;
    /// - `images` that is empty or holds more than 100 images; an image name longer than 128
    ///   characters; an image without exactly one of `dockerfile` and `image`, or with either
    ///   empty; an `image` that is not pinned by digest in the managed registry
    ///   (`registry.cloudflare.com/ACCOUNT/REPOSITORY@sha256:...`, `registry.fed.cloudflare.com`
    ///   with `compliance_region = "fedramp_high"`); `build_context` or `build_vars` that are
    ///   empty or not strings; other fields in an image;
    /// - `observability.target_instance_percentage` or `target_instance_count` (instance
    ///   targeting is not supported);
    /// - `unsafe` other than `configuration.experimental_flags`, a list of strings.
    ///
    /// ## Why is this bad?
    /// The Durable Object starts and stops these containers itself, so wrangler accepts only
    /// what that needs, and refuses the config otherwise: nothing deploys.
    ///
    /// ## Example
    /// ```toml
    /// [[containers]]
    /// class_name = "Sandbox"
    /// scheduling_policy = "durable_object"
    /// max_instances = 5
    /// images = { main = { image = "docker.io/library/nginx:1" } }
    /// ```
    /// ```jsonc
    /// { "containers": [{ "class_name": "Sandbox", "scheduling_policy": "durable_object",
    ///   "images": { "main": { "dockerfile": "./Dockerfile", "image": "registry.cloudflare.com/a/b@sha256:..." } } }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[containers]]
    /// class_name = "Sandbox"
    /// scheduling_policy = "durable_object"
    /// images = { main = { dockerfile = "./Dockerfile" } }
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which image or field to keep is the author's choice.
    ///
    /// ## References
    /// - [Containers configuration](https://developers.cloudflare.com/workers/wrangler/configuration/#containers)
    pub static INVALID_DURABLE_OBJECT_CONTAINER = {
        code: "PL359",
        name: "invalid-durable-object-container",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A Durable Object-managed container with fields, images or settings wrangler refuses",
    }
}

/// The fields a Durable Object-managed container may have.
const SUPPORTED_FIELDS: &[&str] = &[
    "name",
    "class_name",
    "scheduling_policy",
    "images",
    "observability",
    "ssh",
    "authorized_keys",
    "unsafe",
];
const MAX_IMAGES: usize = 100;
const MAX_IMAGE_NAME_LENGTH: usize = 128;

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in value_scopes(ctx) {
        let fedramp = scope
            .table
            .get("compliance_region")
            .or_else(|| ctx.model.root.get("compliance_region"))
            .and_then(|entry| entry.value.as_str())
            == Some("fedramp_high");
        let registry = if fedramp {
            "registry.fed.cloudflare.com"
        } else {
            "registry.cloudflare.com"
        };
        for site in tables_at(scope.table, &["containers", "[]"]) {
            let container = site.table;
            if container
                .get("scheduling_policy")
                .and_then(|entry| entry.value.as_str())
                != Some("durable_object")
            {
                continue;
            }
            let mut refuse = |span: Span, message: String| {
                sink.report(span, format!("wrangler refuses this config: {message}"))
                    .with_help(
                        "a Durable Object-managed container takes `name`, `class_name`, \
                         `images`, `observability` (logs only), `ssh`, `authorized_keys` and \
                         `unsafe.configuration.experimental_flags`",
                    )
                    .with_environments(&scope.environments());
            };
            let at = site.path(scope, "");
            for entry in container.entries() {
                if !SUPPORTED_FIELDS.contains(&entry.key.as_str()) {
                    refuse(
                        entry.key_span,
                        format!(
                            "`{at}` is a Durable Object-managed container, which does not take \
                             `{}`",
                            entry.key
                        ),
                    );
                }
            }
            if let Some(class_name) = container.get("class_name")
                && class_name.value.as_str() == Some("")
            {
                refuse(
                    class_name.value.span,
                    format!("`{at}.class_name` is empty; it names the Durable Object class"),
                );
            }
            if let Some(observability) = container.get_table("observability") {
                for key in ["target_instance_percentage", "target_instance_count"] {
                    if let Some(entry) = observability.get(key) {
                        refuse(
                            entry.key_span,
                            format!(
                                "`{at}.observability.{key}` is set, but a Durable \
                                 Object-managed container's observability only turns logs on \
                                 or off"
                            ),
                        );
                    }
                }
            }
            if let Some(images) = container.get("images") {
                images_problems(&at, &images.value, registry, &mut refuse);
            }
            if let Some(unsafe_settings) = container.get("unsafe") {
                unsafe_problems(&at, unsafe_settings, &mut refuse);
            }
        }
    }
}

/// `validateDurableObjectContainerImages`.
fn images_problems(
    at: &str,
    images: &crate::syntax::Node,
    registry: &str,
    refuse: &mut dyn FnMut(Span, String),
) {
    let Some(table) = images
        .as_table()
        .filter(|table| !table.entries().is_empty())
    else {
        refuse(
            images.span,
            format!("`{at}.images` must be a table of images, and not empty"),
        );
        return;
    };
    if table.entries().len() > MAX_IMAGES {
        refuse(
            images.span,
            format!(
                "`{at}.images` holds {} images, more than the {MAX_IMAGES} allowed",
                table.entries().len()
            ),
        );
    }
    for entry in table.entries() {
        let path = format!("{at}.images.{}", entry.key);
        if entry.key.is_empty() || entry.key.encode_utf16().count() > MAX_IMAGE_NAME_LENGTH {
            refuse(
                entry.key_span,
                format!("`{path}`: an image name is 1 to {MAX_IMAGE_NAME_LENGTH} characters"),
            );
        }
        let Some(image) = entry.value.as_table() else {
            refuse(
                entry.value.span,
                format!("`{path}` must be a table with either `dockerfile` or `image`"),
            );
            continue;
        };
        image_problems(&path, entry.key_span, image, registry, refuse);
    }
}

fn image_problems(
    path: &str,
    key_span: Span,
    image: &Table,
    registry: &str,
    refuse: &mut dyn FnMut(Span, String),
) {
    let dockerfile = image.get("dockerfile");
    let reference = image.get("image");
    if dockerfile.is_some() == reference.is_some() {
        refuse(
            reference.map_or(key_span, |entry| entry.key_span),
            format!("`{path}` must have exactly one of `dockerfile` and `image`"),
        );
    }
    let non_empty = |node: &crate::syntax::Node| node.as_str().is_some_and(|text| !text.is_empty());
    if let Some(entry) = dockerfile
        && !non_empty(&entry.value)
    {
        refuse(
            entry.value.span,
            format!("`{path}.dockerfile` must be a non-empty string"),
        );
    }
    if let Some(entry) = reference {
        match entry.value.as_str() {
            Some(text) if !text.is_empty() => {
                if !is_pinned_image(text, registry) {
                    refuse(
                        entry.value.span,
                        format!(
                            "`{path}.image` must be pinned by digest in the managed registry: \
                             \"{registry}/ACCOUNT/REPOSITORY@sha256:\" and 64 lowercase hex \
                             digits"
                        ),
                    );
                }
            }
            _ => refuse(
                entry.value.span,
                format!("`{path}.image` must be a non-empty string"),
            ),
        }
    }
    let dockerfile_build = dockerfile.is_some() && reference.is_none();
    if dockerfile_build {
        if let Some(entry) = image.get("build_context")
            && !non_empty(&entry.value)
        {
            refuse(
                entry.value.span,
                format!("`{path}.build_context` must be a non-empty string"),
            );
        }
        if let Some(entry) = image.get("build_vars") {
            let strings = entry.value.as_table().is_some_and(|vars| {
                vars.entries()
                    .iter()
                    .all(|var| matches!(var.value.kind, NodeKind::String(_)))
            });
            if !strings {
                refuse(
                    entry.value.span,
                    format!("`{path}.build_vars` must be a table of strings"),
                );
            }
        }
    }
    for entry in image.entries() {
        let supported = match entry.key.as_str() {
            "dockerfile" | "image" => true,
            "build_context" | "build_vars" => dockerfile_build,
            _ => false,
        };
        if !supported {
            refuse(
                entry.key_span,
                format!("`{path}` does not take `{}`", entry.key),
            );
        }
    }
}

/// `registry/ACCOUNT/REPOSITORY@sha256:<64 lowercase hex>`, each path part lowercase letters and
/// digits joined by `.`, `_`, `__` or dashes.
fn is_pinned_image(image: &str, registry: &str) -> bool {
    let Some(reference) = image
        .strip_prefix(registry)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return false;
    };
    let Some((repository, digest)) = reference.split_once("@sha256:") else {
        return false;
    };
    let digest_ok = digest.len() == 64
        && digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let parts: Vec<&str> = repository.split('/').collect();
    digest_ok && parts.len() >= 2 && parts.iter().all(|part| is_path_component(part))
}

/// `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`.
fn is_path_component(part: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !part.starts_with(alnum) || !part.ends_with(alnum) {
        return false;
    }
    part.split(alnum)
        .filter(|run| !run.is_empty())
        .all(|separator| {
            matches!(separator, "." | "_" | "__") || separator.chars().all(|c| c == '-')
        })
}

/// `validateDurableObjectContainerUnsafe`: only `configuration.experimental_flags`.
fn unsafe_problems(at: &str, entry: &crate::syntax::Entry, refuse: &mut dyn FnMut(Span, String)) {
    let Some(settings) = entry.value.as_table() else {
        // Not a table: PL004's to report.
        return;
    };
    let configuration = settings.get("configuration");
    let other = settings
        .entries()
        .iter()
        .find(|field| field.key != "configuration")
        .or_else(|| {
            configuration
                .and_then(|c| c.value.as_table())
                .and_then(|c| {
                    c.entries()
                        .iter()
                        .find(|field| field.key != "experimental_flags")
                })
        });
    if let Some(other) = other {
        refuse(
            other.key_span,
            format!(
                "`{at}.unsafe` takes only `configuration.experimental_flags` in a Durable \
                 Object-managed container, not `{}`",
                other.key
            ),
        );
        return;
    }
    if let Some(configuration) = configuration {
        let Some(configuration) = configuration.value.as_table() else {
            refuse(
                configuration.value.span,
                format!("`{at}.unsafe.configuration` must be a table"),
            );
            return;
        };
        if let Some(flags) = configuration.get("experimental_flags") {
            let strings = flags
                .value
                .as_array()
                .is_some_and(|items| items.iter().all(|item| item.as_str().is_some()));
            if !strings {
                refuse(
                    flags.value.span,
                    format!(
                        "`{at}.unsafe.configuration.experimental_flags` must be a list of strings"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_path_component, is_pinned_image};
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    const DIGEST: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn reads_pinned_images() {
        let registry = "registry.cloudflare.com";
        assert!(is_pinned_image(
            &format!("{registry}/acct/repo@sha256:{DIGEST}"),
            registry
        ));
        assert!(is_pinned_image(
            &format!("{registry}/acct/my__repo/sub.part@sha256:{DIGEST}"),
            registry
        ));
        assert!(!is_pinned_image(
            &format!("{registry}/repo@sha256:{DIGEST}"),
            registry
        ));
        assert!(!is_pinned_image(
            &format!("{registry}/acct/repo:1"),
            registry
        ));
        assert!(!is_pinned_image(
            &format!("docker.io/acct/repo@sha256:{DIGEST}"),
            registry
        ));
        assert!(!is_pinned_image(
            &format!("{registry}/acct/Repo@sha256:{DIGEST}"),
            registry
        ));
        assert!(is_path_component("a--b"));
        assert!(!is_path_component("a..b"));
        assert!(!is_path_component("a___b"));
        assert!(!is_path_component("-a"));
    }

    #[test]
    fn fires_on_what_wrangler_refuses() {
        assert_rule(
            "PL359",
            Format::Toml,
            r#"[[containers]]
class_name = "Sandbox"
scheduling_policy = "durable_object"
max_instances = 5
^^^^^^^^^^^^^ PL359: `containers[0]` is a Durable Object-managed container, which does not take `max_instances`
images = { main = { image = "docker.io/library/nginx:1" }, dev = { dockerfile = "./Dockerfile", build_context = "" } }
                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL359: `containers[0].images.main.image` must be pinned by digest
                                                                                                                ^^ PL359: `containers[0].images.dev.build_context` must be a non-empty string
observability = { enabled = true, target_instance_count = 2 }
                                  ^^^^^^^^^^^^^^^^^^^^^ PL359: only turns logs on or off
unsafe = { configuration = { experimental_flags = ["a"], other = 1 } }
                                                         ^^^^^ PL359: takes only `configuration.experimental_flags`
[[containers]]
class_name = "Regular"
image = "./Dockerfile"
max_instances = 5
[env.staging]
containers = [{ class_name = "", scheduling_policy = "durable_object", images = {} }]
                             ^^ PL359: `env.staging.containers[0].class_name` is empty
                                                                                ^^ PL359: `env.staging.containers[0].images` must be a table of images, and not empty
"#,
        );
    }

    #[test]
    fn the_catalog_rules_leave_these_containers_to_this_one() {
        // No `image` (PL304) and `images` (PL003) are right for a Durable Object-managed
        // container; a regular one still needs its `image`.
        let config = r#"[[containers]]
class_name = "Sandbox"
scheduling_policy = "durable_object"
images = { main = { dockerfile = "./Dockerfile" } }
[[containers]]
class_name = "Other"
"#;
        assert_rule("PL003", Format::Toml, config);
        assert_rule("PL359", Format::Toml, config);
        let header = "[[containers]]\nclass_name = \"Other\"";
        assert_rule(
            "PL304",
            Format::Toml,
            &config.replace(
                header,
                "[[containers]]\n^^^^^^^^^^^^^^ PL304: `containers[1]` has no `image`\nclass_name = \"Other\"",
            ),
        );
    }
}
