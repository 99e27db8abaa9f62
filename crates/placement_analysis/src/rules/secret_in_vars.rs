use crate::context::{Context, Sink};
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::NodeKind;

declare_rule! {
    /// ## What it does
    /// Reports a var (`vars`, at the top level, in `[previews]` and in every `[env.NAME]`)
    /// whose name says it holds a credential and whose value looks like a real one. It never
    /// prints the value.
    ///
    /// The name, split into words at `_`, `-`, `.` and lower-to-upper case changes (`apiKey` is
    /// `API KEY`), must **end** with one of: `SECRET`, `SECRETS`, `TOKEN`, `TOKENS`, `PASSWORD`,
    /// `PASSWD`, `PASSPHRASE`, `CREDENTIAL`, `CREDENTIALS`, `APIKEY`, or `KEY` after `API`,
    /// `PRIVATE`, `SECRET`, `ACCESS`, `SIGNING`, `ENCRYPTION`, `AUTH`, `MASTER`, `ROLE` or
    /// `WEBHOOK`. So `GITHUB_TOKEN`, `JWT_SECRET`, `stripeApiKey` and `DB_PASSWORD` are
    /// reported, and `TOKEN_URL`, `SECRET_NAME`, `PASSWORD_MIN_LENGTH` and `KEY_ID` are not.
    ///
    /// Not reported, to keep false alarms rare:
    /// - names with a word saying the value is public: `PUBLIC`, `PUBLISHABLE` (`PUBLIC_KEY`,
    ///   `NEXT_PUBLIC_API_KEY`, `STRIPE_PUBLISHABLE_KEY`);
    /// - values that are not a string, empty, shorter than 8 characters, or placeholders:
    ///   one character repeated (`xxxxxxxx`), `<...>`, `${...}`, `{{...}}`, `__NAME__`, text
    ///   starting with `your` or `change`/`replace`, or containing `placeholder`, `example`,
    ///   `dummy`, `todo`, `changeme`, `change-me`, `change_me`.
    ///
    /// ## Why is this bad?
    /// Vars are plain text: in the config (usually committed), in the dashboard and in
    /// `wrangler deploy`'s output. Credentials belong in secrets, which are encrypted and never
    /// shown again: `wrangler secret put NAME`, and `.dev.vars` (not committed) for
    /// `wrangler dev`.
    ///
    /// ## Example
    /// ```toml
    /// [vars]
    /// API_URL = "https://api.example.com"
    /// API_TOKEN = "tok_live_8f2b1c9d0e7a"
    /// ```
    /// ```jsonc
    /// { "vars": { "API_URL": "https://api.example.com", "API_TOKEN": "tok_live_8f2b1c9d0e7a" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [vars]
    /// API_URL = "https://api.example.com"
    /// # API_TOKEN: `wrangler secret put API_TOKEN`, and `.dev.vars` locally
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the value must move to a secret (and be rotated if it was committed), which only
    /// the author can do.
    ///
    /// ## References
    /// - [Secrets](https://developers.cloudflare.com/workers/configuration/secrets/)
    /// - [Environment variables](https://developers.cloudflare.com/workers/configuration/environment-variables/)
    pub static SECRET_IN_VARS = {
        code: "PL323",
        name: "secret-in-vars",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "A var whose name and value look like a credential, in plain text",
    }
}

/// Last words that name a credential on their own.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
];

/// Words that make a final `KEY` a credential (`API_KEY`, `PRIVATE_KEY`).
const KEY_QUALIFIERS: &[&str] = &[
    "API",
    "PRIVATE",
    "SECRET",
    "ACCESS",
    "SIGNING",
    "ENCRYPTION",
    "AUTH",
    "MASTER",
    "ROLE",
    "WEBHOOK",
];

/// Words that say the value is meant to be public.
const PUBLIC_WORDS: &[&str] = &["PUBLIC", "PUBLISHABLE"];

/// Values shorter than this are not taken for credentials (`dev`, `test`, `none`).
const MIN_SECRET_LENGTH: usize = 8;

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        let Some(vars) = scope.table.get_table("vars") else {
            continue;
        };
        for entry in vars.entries() {
            let NodeKind::String(value) = &entry.value.kind else {
                continue;
            };
            if !is_credential_name(&entry.key) || is_placeholder(value) {
                continue;
            }
            let environments: Vec<String> =
                scope.environment().map(str::to_owned).into_iter().collect();
            sink.report(
                entry.key_span,
                format!(
                    "`{}` looks like a credential, stored in plain text: vars are visible in the \
                     config, the dashboard and deploy output",
                    scope.path(&format!("vars.{}", entry.key))
                ),
            )
            .with_help(format!(
                "remove it from `vars`, run `wrangler secret put {}{}`, and put it in \
                 `.dev.vars` for `wrangler dev`; rotate it if it was committed",
                entry.key,
                match &scope.kind {
                    ScopeKind::Env(name) => format!(" --env {name}"),
                    _ => String::new(),
                }
            ))
            .with_environments(&environments);
        }
    }
}

/// The words of a name: split at `_`, `-`, `.`, spaces and lower-to-upper case changes,
/// upper-cased.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_uppercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn is_credential_name(name: &str) -> bool {
    // The last word is the name's end, separators after it aside: an ASCII name that does not
    // end with a credential word or `KEY` is none, with no need to split it (most names are
    // not; configs may hold thousands).
    let end = name.trim_end_matches(['_', '-', '.', ' ']);
    if name.is_ascii()
        && !SECRET_WORDS
            .iter()
            .chain(&["KEY"])
            .any(|word| ends_with_ignoring_case(end, word))
    {
        return false;
    }
    let words = words(name);
    if words
        .iter()
        .any(|word| PUBLIC_WORDS.contains(&word.as_str()))
    {
        return false;
    }
    match words.as_slice() {
        [.., last] if SECRET_WORDS.contains(&last.as_str()) => true,
        [.., qualifier, last] if last == "KEY" => KEY_QUALIFIERS.contains(&qualifier.as_str()),
        _ => false,
    }
}

fn ends_with_ignoring_case(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    if value.chars().count() < MIN_SECRET_LENGTH {
        return true;
    }
    let mut chars = value.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return true;
    }
    let wrapped = |open: &str, close: &str| value.starts_with(open) && value.ends_with(close);
    // `__NAME__` is a token a deploy script replaces (`"__BETTER_AUTH_SECRET__"`).
    if wrapped("<", ">")
        || wrapped("${", "}")
        || wrapped("{{", "}}")
        || wrapped("[", "]")
        || wrapped("__", "__")
    {
        return true;
    }
    let lower = value.to_lowercase();
    [
        "your", "change", "replace", "insert", "enter", "put-", "put_", "add-", "add_",
    ]
    .iter()
    .any(|prefix| lower.starts_with(prefix))
        || [
            "placeholder",
            "example",
            "dummy",
            "todo",
            "changeme",
            "change-me",
            "change_me",
            "redacted",
            "xxxx",
        ]
        .iter()
        .any(|word| lower.contains(word))
}

#[cfg(test)]
mod tests {
    use super::{is_credential_name, is_placeholder};
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn names_that_end_with_a_credential_word() {
        for name in [
            "GITHUB_TOKEN",
            "JWT_SECRET",
            "stripeApiKey",
            "DB_PASSWORD",
            "API_KEY",
            "apikey",
            "PRIVATE_KEY",
            "SUPABASE_SERVICE_ROLE_KEY",
            "aws-secret-access-key",
            "OAUTH_CLIENT_SECRET",
            "SMTP_PASSWD",
            "GOOGLE_CREDENTIALS",
            // Separators after the last word do not end it.
            "DB_PASSWORD_",
            "api.token.",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "TOKEN_URL",
            "OAUTH_TOKEN_ENDPOINT",
            "SECRET_NAME",
            "PASSWORD_MIN_LENGTH",
            "KEY_ID",
            "KV_KEY",
            "CACHE_KEY",
            "PUBLIC_KEY",
            "NEXT_PUBLIC_API_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            "TOKENIZER",
            "API_URL",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn placeholders_are_not_credentials() {
        for value in [
            "",
            "dev",
            "secret",
            "xxxxxxxxxxxx",
            "<your token>",
            "${API_TOKEN}",
            "{{ token }}",
            "your-api-key-here",
            "change-me-please",
            "REPLACE_WITH_TOKEN",
            "token-placeholder",
            "sk_test_example_123",
            "__BETTER_AUTH_SECRET__",
            "dev-signing-secret-change-me",
            "local_token_change_me",
        ] {
            assert!(is_placeholder(value), "{value:?}");
        }
        for value in [
            "tok_live_8f2b1c9d0e7a",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "__init__8f2b1c9d0e7a",
        ] {
            assert!(!is_placeholder(value), "{value:?}");
        }
    }

    #[test]
    fn fires_on_vars_in_every_scope_without_the_value() {
        let diagnostics = assert_rule(
            "PL323",
            Format::Toml,
            r#"[vars]
API_URL = "https://api.example.com"
API_TOKEN = "tok_live_8f2b1c9d0e7a"
^^^^^^^^^ PL323: `vars.API_TOKEN` looks like a credential
PASSWORD = ""
AUTH_SECRET = "__AUTH_SECRET__"
[env.staging.vars]
DB_PASSWORD = "s3cr3t-Pa55word"
^^^^^^^^^^^ PL323: `env.staging.vars.DB_PASSWORD`
TOKEN_URL = "https://auth.example.com/token"
"#,
        );
        assert!(
            diagnostics
                .iter()
                .all(|d| !d.message.contains("tok_live") && !d.message.contains("Pa55"))
        );
        assert_eq!(
            diagnostics[1].help.as_deref(),
            Some(
                "remove it from `vars`, run `wrangler secret put DB_PASSWORD --env staging`, and \
                 put it in `.dev.vars` for `wrangler dev`; rotate it if it was committed"
            )
        );
        assert_rule(
            "PL323",
            Format::Json,
            r#"{
  "vars": { "NEXT_PUBLIC_API_KEY": "pk_live_51H8xYz", "MAX_TOKENS": 4096, "HMAC_SECRET": "dev-hmac-secret-change-me" },
  "previews": { "vars": { "stripeSecretKey": "sk_live_51H8xYzAbC" } }
                          ^^^^^^^^^^^^^^^^^ PL323: `previews.vars.stripeSecretKey`
}
"#,
        );
    }
}
