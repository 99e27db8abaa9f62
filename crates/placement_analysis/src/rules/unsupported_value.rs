use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Node, Table};
use crate::value_sites::{tables_at, value_scopes};

declare_rule! {
    /// ## What it does
    /// Reports a value of the right type that wrangler does not support, at the top level, in
    /// `[previews]` and in every `[env.NAME]`:
    /// - `remote = false` on a `k2` binding (K2 bindings always reach the remote stream);
    /// - a container's `authorized_keys` or `trusted_user_ca_keys` entry whose `public_key` is
    ///   not an ED25519 key (`ssh-ed25519 ...`).
    ///
    /// ## Why is this bad?
    /// Wrangler refuses the config as it reads it: nothing deploys.
    ///
    /// ## Example
    /// ```toml
    /// [[k2]]
    /// binding = "EVENTS"
    /// stream = "events"
    /// remote = false
    /// ```
    /// ```jsonc
    /// { "containers": [{ "class_name": "Box", "image": "./Dockerfile",
    ///   "authorized_keys": [{ "name": "ops", "public_key": "ssh-rsa AAAAB3Nza..." }] }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[k2]]
    /// binding = "EVENTS"
    /// stream = "events"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: dropping `remote = false` changes what `wrangler dev` reaches, and a key is the
    /// author's to make.
    ///
    /// ## References
    /// - [Containers SSH](https://developers.cloudflare.com/containers/)
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static UNSUPPORTED_VALUE = {
        code: "PL356",
        name: "unsupported-value",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A value wrangler does not support (`remote = false` on K2, an SSH key that is not ED25519)",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in value_scopes(ctx) {
        for site in tables_at(scope.table, &["k2", "[]"]) {
            if let Some(remote) = site.table.get("remote")
                && remote.value.as_bool() == Some(false)
            {
                sink.report(
                    remote.value.span,
                    format!(
                        "`{}` is false, but K2 bindings always reach the remote stream: wrangler \
                         refuses the config",
                        site.path(scope, "remote")
                    ),
                )
                .with_help("remove `remote`, or set it to true")
                .with_environments(&scope.environments());
            }
        }
        for site in tables_at(scope.table, &["containers", "[]"]) {
            for (list, key) in ssh_keys(site.table) {
                let Some(public_key) = key.get("public_key") else {
                    continue;
                };
                if public_key
                    .value
                    .as_str()
                    .is_some_and(|text| !is_ed25519(text))
                {
                    sink.report(
                        public_key.value.span,
                        format!(
                            "`{}` is not an ED25519 key: wrangler refuses the config, which \
                             takes only `ssh-ed25519` public keys",
                            site.path(scope, &format!("{list}.public_key"))
                        ),
                    )
                    .with_help("make one with `ssh-keygen -t ed25519` and paste its `.pub` line")
                    .with_environments(&scope.environments());
                }
            }
        }
    }
}

/// The SSH key entries wrangler checks, with their paths (`authorized_keys[0]`): both lists,
/// or only `authorized_keys` for a Durable Object-managed container.
fn ssh_keys(container: &Table) -> Vec<(String, &Table)> {
    let durable_object_managed = container
        .get("scheduling_policy")
        .and_then(|entry| entry.value.as_str())
        == Some("durable_object");
    let lists: &[&str] = if durable_object_managed {
        &["authorized_keys"]
    } else {
        &["authorized_keys", "trusted_user_ca_keys"]
    };
    let mut keys = Vec::new();
    for list in lists {
        let Some(items) = container.get(list).and_then(|entry| entry.value.as_array()) else {
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            if let Some(table) = Node::as_table(item) {
                keys.push((format!("{list}[{index}]"), table));
            }
        }
    }
    keys
}

/// `public_key.toLowerCase().startsWith("ssh-ed25519")`.
fn is_ed25519(key: &str) -> bool {
    key.get(..11)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("ssh-ed25519"))
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_k2_remote_false_and_other_keys() {
        assert_rule(
            "PL356",
            Format::Toml,
            r#"[[k2]]
binding = "EVENTS"
stream = "events"
remote = false
         ^^^^^ PL356: `k2[0].remote` is false, but K2 bindings always reach the remote stream
[[k2]]
binding = "OK"
stream = "events"
remote = true
[[containers]]
class_name = "Box"
image = "./Dockerfile"
authorized_keys = [{ name = "a", public_key = "SSH-ED25519 AAAAC3" }, { name = "b", public_key = "ssh-rsa AAAAB3" }]
                                                                                                 ^^^^^^^^^^^^^^^^ PL356: `containers[0].authorized_keys[1].public_key` is not an ED25519 key
trusted_user_ca_keys = [{ public_key = "ecdsa-sha2-nistp256 AAAA" }]
                                       ^^^^^^^^^^^^^^^^^^^^^^^^^^ PL356: `containers[0].trusted_user_ca_keys[0].public_key`
[[containers]]
class_name = "Managed"
scheduling_policy = "durable_object"
trusted_user_ca_keys = [{ public_key = "not checked here" }]
[env.staging]
k2 = [{ binding = "E", stream = "s", remote = false }]
                                              ^^^^^ PL356: `env.staging.k2[0].remote`
"#,
        );
    }
}
