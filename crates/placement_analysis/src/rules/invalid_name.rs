use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Entry, Table};
use crate::value_sites::{tables_at, value_scopes};

declare_rule! {
    /// ## What it does
    /// Reports a name whose form wrangler refuses, at the top level, in `[previews]` and in
    /// every `[env.NAME]`:
    /// - the Worker `name`: lowercase letters, digits, `-` and `_`, not starting with `-`;
    /// - an R2 binding's `bucket_name` and `preview_bucket_name`: 3 to 63 lowercase letters,
    ///   digits and `-`, beginning and ending with a letter or digit;
    /// - a Workflow binding's `name`: 1 to 64 letters, digits, `_` and `-`, not starting with
    ///   `-`;
    /// - a queue producer's `queue`, when it is an empty string.
    ///
    /// ## Why is this bad?
    /// Wrangler checks these names as it reads the config and refuses it ("alphanumeric and
    /// lowercase with dashes only", "Bucket names must begin and end with an alphanumeric
    /// character", "Workflow names must be 1-64 characters long"): nothing deploys until the
    /// name is fixed.
    ///
    /// ## Example
    /// ```toml
    /// name = "Orders API"
    ///
    /// [[r2_buckets]]
    /// binding = "UPLOADS"
    /// bucket_name = "User_Uploads"
    /// ```
    /// ```jsonc
    /// { "workflows": [{ "binding": "CHECKOUT", "name": "checkout flow", "class_name": "Checkout" }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// name = "orders-api"
    ///
    /// [[r2_buckets]]
    /// binding = "UPLOADS"
    /// bucket_name = "user-uploads"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: a name says which Worker, bucket or Workflow is deployed or bound, so a rename
    /// is the author's choice.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    /// - [R2 bucket names](https://developers.cloudflare.com/r2/buckets/create-buckets/)
    pub static INVALID_NAME = {
        code: "PL350",
        name: "invalid-name",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A Worker, R2 bucket, Workflow or queue name whose form wrangler refuses",
    }
}

const WORKER_NAME_RULE: &str = "a Worker name may hold only lowercase letters, digits, `-` and `_`, and may not start with `-`";
const BUCKET_NAME_RULE: &str = "a bucket name is 3 to 63 lowercase letters, digits and `-`, beginning and ending with a letter or digit";
const WORKFLOW_NAME_RULE: &str =
    "a Workflow name is 1 to 64 letters, digits, `_` and `-`, and may not start with `-`";

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in value_scopes(ctx) {
        let mut report = |entry: &Entry, path: String, rule: &str| {
            sink.report(
                entry.value.span,
                format!(
                    "wrangler refuses this config: `{path}` is {}, but {rule}",
                    entry.value.describe()
                ),
            )
            .with_help("rename it in the config (and wherever the old name is used)")
            .with_environments(&scope.environments());
        };
        if !scope.is_previews()
            && let Some(entry) = scope.table.get("name")
            && let Some(name) = entry.value.as_str()
            && !is_worker_name(name)
        {
            report(entry, scope.path("name"), WORKER_NAME_RULE);
        }
        for site in tables_at(scope.table, &["r2_buckets", "[]"]) {
            for (key, entry) in invalid_bucket_names(site.table) {
                report(entry, site.path(scope, key), BUCKET_NAME_RULE);
            }
        }
        for site in tables_at(scope.table, &["workflows", "[]"]) {
            if let Some(entry) = site.table.get("name")
                && let Some(name) = entry.value.as_str()
                && !is_workflow_name(name)
            {
                report(entry, site.path(scope, "name"), WORKFLOW_NAME_RULE);
            }
        }
        for site in tables_at(scope.table, &["queues", "producers", "[]"]) {
            if let Some(entry) = empty_queue(site.table) {
                report(
                    entry,
                    site.path(scope, "queue"),
                    "a queue name may not be empty",
                );
            }
        }
    }
}

/// wrangler's `isValidName`: empty, or `[a-z0-9_][a-z0-9_-]*`.
fn is_worker_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        None => true,
        Some(first) => {
            (first.is_ascii_lowercase() || first.is_ascii_digit() || first == '_')
                && chars
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        }
    }
}

/// wrangler's `isValidR2BucketName`: `[a-z0-9][a-z0-9-]{1,61}[a-z0-9]`.
fn is_bucket_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (3..=63).contains(&bytes.len())
        && edge(&bytes[0])
        && edge(&bytes[bytes.len() - 1])
        && bytes.iter().all(|b| edge(b) || *b == b'-')
}

/// wrangler's `isValidWorkflowName`: at most 64 characters of `[a-zA-Z0-9_][a-zA-Z0-9_-]*`.
fn is_workflow_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    name.len() <= 64
        && (first.is_ascii_alphanumeric() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The bucket names of one R2 binding that wrangler refuses. As `validateR2Binding` does, the
/// form is checked only once the fields before it are well typed (an empty `bucket_name` is
/// refused either way).
fn invalid_bucket_names(binding: &Table) -> Vec<(&'static str, &Entry)> {
    let mut invalid = Vec::new();
    let binding_ok = binding
        .get("binding")
        .is_some_and(|entry| entry.value.as_str().is_some());
    let bucket = binding.get("bucket_name");
    let mut fields_ok = binding_ok;
    if let Some(entry) = bucket {
        match entry.value.as_str() {
            Some("") => {
                invalid.push(("bucket_name", entry));
                fields_ok = false;
            }
            Some(name) if fields_ok && !is_bucket_name(name) => {
                invalid.push(("bucket_name", entry));
                fields_ok = false;
            }
            Some(_) => {}
            None => fields_ok = false,
        }
    }
    if let Some(entry) = binding.get("preview_bucket_name")
        && let Some(name) = entry.value.as_str()
        && fields_ok
        && !is_bucket_name(name)
    {
        invalid.push(("preview_bucket_name", entry));
    }
    invalid
}

/// A producer's empty `queue`. `validateQueueBinding` stops at unexpected fields, so a
/// producer with any is not checked further.
fn empty_queue(producer: &Table) -> Option<&Entry> {
    const KNOWN: &[&str] = &["binding", "queue", "delivery_delay", "remote"];
    if producer
        .entries()
        .iter()
        .any(|entry| !KNOWN.contains(&entry.key.as_str()))
    {
        return None;
    }
    producer
        .get("queue")
        .filter(|entry| entry.value.as_str() == Some(""))
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_each_name_wrangler_refuses() {
        assert_rule(
            "PL350",
            Format::Toml,
            r#"name = "Orders API"
       ^^^^^^^^^^^^ PL350: wrangler refuses this config: `name` is "Orders API", but a Worker name may hold only lowercase letters
[[r2_buckets]]
binding = "UPLOADS"
bucket_name = "User_Uploads"
              ^^^^^^^^^^^^^^ PL350: `r2_buckets[0].bucket_name` is "User_Uploads", but a bucket name is 3 to 63
[[r2_buckets]]
binding = "OK"
bucket_name = "user-uploads"
preview_bucket_name = "-x"
                      ^^^^ PL350: `r2_buckets[1].preview_bucket_name`
[[workflows]]
binding = "FLOW"
name = "-flow"
       ^^^^^^^ PL350: `workflows[0].name` is "-flow", but a Workflow name is 1 to 64
class_name = "Flow"
[[queues.producers]]
binding = "Q"
queue = ""
        ^^ PL350: `queues.producers[0].queue` is "", but a queue name may not be empty

[env.staging]
name = "orders_api-staging"
[[env.staging.r2_buckets]]
binding = "UPLOADS"
bucket_name = "ab"
              ^^^^ PL350: `env.staging.r2_buckets[0].bucket_name`
[env.qa]
name = "-qa"
       ^^^^^ PL350: `env.qa.name`
"#,
        );
    }

    #[test]
    fn fires_in_jsonc_and_previews() {
        assert_rule(
            "PL350",
            Format::Json,
            r#"{
  "name": "orders",
  "previews": { "workflows": [{ "binding": "F", "name": "a b", "class_name": "F" }] },
                                                        ^^^^^ PL350: `previews.workflows[0].name`
  "env": { "staging": { "name": "Orders" } }
                                ^^^^^^^^ PL350: `env.staging.name`
}
"#,
        );
    }

    #[test]
    fn quiet_on_names_wrangler_accepts_or_does_not_reach() {
        assert_rule(
            "PL350",
            Format::Toml,
            r#"name = ""
[[r2_buckets]]
bucket_name = "Not_Checked_Without_Binding"
[[r2_buckets]]
binding = "B"
bucket_name = "abc"
preview_bucket_name = "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefgh"
[[workflows]]
binding = "F"
name = "_Flow-1"
class_name = "F"
[[queues.producers]]
binding = "Q"
queue = ""
unexpected = true
"#,
        );
    }
}
