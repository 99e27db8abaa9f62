use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::value_sites::{tables_at, value_scopes};

declare_rule! {
    /// ## What it does
    /// Reports an `unsafe.bindings` entry whose `type` wrangler supports directly (`kv_namespace`,
    /// `r2_bucket`, `d1_database`, `service`, `durable_object_namespace`, ...), at the top
    /// level, in `[previews]` and in every `[env.NAME]`.
    ///
    /// ## Why is this bad?
    /// `unsafe` bindings are passed to the upload untouched: wrangler does not check them, does
    /// not simulate them in `wrangler dev` as it does its own kinds, and warns ("The binding type
    /// X is directly supported by wrangler"). The supported table (`kv_namespaces`,
    /// `r2_buckets`, ...) gets all of that.
    ///
    /// ## Example
    /// ```toml
    /// [[unsafe.bindings]]
    /// name = "CACHE"
    /// type = "kv_namespace"
    /// namespace_id = "0f2ac74b498b48028cb68387c421e279"
    /// ```
    /// ```jsonc
    /// { "unsafe": { "bindings": [{ "name": "FILES", "type": "r2_bucket", "bucket_name": "files" }] } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[kv_namespaces]]
    /// binding = "CACHE"
    /// id = "0f2ac74b498b48028cb68387c421e279"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the fields of an unsafe binding are the upload API's, not wrangler's, so the
    /// rewrite is the author's.
    ///
    /// ## References
    /// - [Wrangler configuration: unsafe](https://developers.cloudflare.com/workers/wrangler/configuration/#unsafe)
    pub static UNSAFE_BINDING_DIRECTLY_SUPPORTED = {
        code: "PL361",
        name: "unsafe-binding-directly-supported",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "An `unsafe.bindings` entry of a type wrangler supports directly",
    }
}

/// The binding types `validateUnsafeBinding` says wrangler supports directly.
const SUPPORTED_TYPES: &[&str] = &[
    "plain_text",
    "secret_text",
    "json",
    "wasm_module",
    "data_blob",
    "text_blob",
    "browser",
    "analytics",
    "ai",
    "ai_search_namespace",
    "ai_search",
    "agent_memory",
    "kv_namespace",
    "durable_object_namespace",
    "d1_database",
    "r2_bucket",
    "service",
    "logfwdr",
    "mtls_certificate",
    "pipeline",
    "k2",
    "worker_loader",
    "vpc_service",
    "flagship",
    "vpc_network",
    "stream",
    "media",
    "artifacts",
];

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in value_scopes(ctx) {
        for site in tables_at(scope.table, &["unsafe", "bindings", "[]"]) {
            let Some(kind) = site.table.get("type") else {
                continue;
            };
            let Some(name) = kind.value.as_str() else {
                continue;
            };
            if !SUPPORTED_TYPES.contains(&name) {
                continue;
            }
            sink.report(
                kind.value.span,
                format!(
                    "`{}` is \"{name}\", a binding type wrangler supports directly: wrangler \
                     warns, and passes this unsafe binding on unchecked",
                    site.path(scope, "type")
                ),
            )
            .with_help(format!(
                "write it as a `{name}` binding in the table wrangler has for it"
            ))
            .with_environments(&scope.environments());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_supported_types_only() {
        assert_rule(
            "PL361",
            Format::Toml,
            r#"[[unsafe.bindings]]
name = "CACHE"
type = "kv_namespace"
       ^^^^^^^^^^^^^^ PL361: `unsafe.bindings[0].type` is "kv_namespace", a binding type wrangler supports directly
namespace_id = "0f2a"
[[unsafe.bindings]]
name = "SECRET"
type = "secrets_store_secret"
[env.staging]
unsafe = { bindings = [{ name = "F", type = "r2_bucket" }] }
                                            ^^^^^^^^^^^ PL361: `env.staging.unsafe.bindings[0].type`
"#,
        );
    }
}
