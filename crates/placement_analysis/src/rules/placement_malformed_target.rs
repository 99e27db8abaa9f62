use crate::catalog::{CLOUD_REGIONS, all_region_ids};
use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::edits::string_literal;
use crate::rule::{FixAvailability, declare_rule};
use crate::suggest::closest_owned;

declare_rule! {
    /// ## What it does
    /// Reports explicit placement targets that wrangler accepts but that cannot mean what they
    /// say: a `region` that is not `aws:`, `gcp:` or `azure:` followed by a real region id of that
    /// cloud (with a did-you-mean), a `host` without a port or with a scheme, and a `hostname`
    /// with a scheme, a path or a port.
    ///
    /// ## Why is this bad?
    /// `region` names a cloud region by provider and id (`aws:us-east-1`, `gcp:us-east4`,
    /// `azure:westeurope`); `mars-1` or a bare `us-east-1` deploy without a word but name no
    /// region Cloudflare knows. `host` is probed over TCP (layer 4) at `host:port`, so it needs the
    /// port the back end listens on; `hostname` is probed over HTTP (layer 7) and is a bare host
    /// name, without `https://`, a path or a port.
    ///
    /// ## Example
    /// ```toml
    /// [placement]
    /// region = "us-east-1"
    /// ```
    /// ```jsonc
    /// { "placement": { "hostname": "https://api.example.com/v1" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [placement]
    /// region = "aws:us-east-1"
    /// ```
    /// ```jsonc
    /// { "placement": { "hostname": "api.example.com" } }
    /// ```
    ///
    /// ## Fix safety
    /// Replacing the value with the suggestion is unsafe: it decides where the Worker runs.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    pub static PLACEMENT_MALFORMED_TARGET = {
        code: "PL107",
        name: "placement-malformed-target",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "A region that is no real cloud region, a host without a port, a hostname with a scheme, path or port",
    }
}

/// What is wrong with a target value, and the value to write instead when it can be known.
struct Problem {
    what: String,
    suggestion: Option<String>,
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for site in ctx.placements {
        for target in site.targets() {
            let Some(value) = target.value.as_str().filter(|v| !v.is_empty()) else {
                continue;
            };
            let problem = match target.key.as_str() {
                "region" => check_region(value),
                "host" => check_host(value),
                _ => check_hostname(value),
            };
            let Some(problem) = problem else { continue };
            let message = format!(
                "`{}` is {value:?}: {}{}",
                site.path(&target.key),
                problem.what,
                site.environments_suffix()
            );
            let help = match &problem.suggestion {
                Some(suggestion) => format!("write {}", string_literal(suggestion)),
                None => match target.key.as_str() {
                    "region" => "write a provider and a region id, such as \"aws:us-east-1\", \"gcp:europe-west1\" or \"azure:westeurope\"".to_owned(),
                    "host" => "add the port the back end listens on, such as \"db.example.com:5432\"".to_owned(),
                    _ => "write only the host name, such as \"api.example.com\"".to_owned(),
                },
            };
            let diagnostic = sink
                .report(target.value.span, message)
                .with_help(help)
                .with_environments(&site.environments);
            if let Some(suggestion) = problem.suggestion {
                diagnostic.with_fix(Fix::new(
                    format!("Replace with {}", string_literal(&suggestion)),
                    Applicability::Unsafe,
                    vec![Edit::replace(
                        target.value.span,
                        string_literal(&suggestion),
                    )],
                ));
            }
        }
    }
}

fn regions_of(provider: &str) -> Option<&'static [&'static str]> {
    CLOUD_REGIONS
        .iter()
        .find(|(name, _)| *name == provider)
        .map(|(_, regions)| *regions)
}

fn check_region(value: &str) -> Option<Problem> {
    let not_a_region = "not a known cloud region, so explicit placement has nothing to aim at \
                        (wrangler does not check it)";
    match value.split_once(':') {
        Some((provider, id)) => {
            let provider_lower = provider.to_ascii_lowercase();
            let canonical = match provider_lower.as_str() {
                "aws" | "amazon" => "aws",
                "gcp" | "google" | "gcloud" => "gcp",
                "azure" | "az" | "microsoft" => "azure",
                _ => {
                    return Some(Problem {
                        what: format!(
                            "`{provider}` is not a cloud provider Cloudflare places by (\"aws\", \"gcp\" or \"azure\")"
                        ),
                        suggestion: closest_owned(value, all_region_ids()),
                    });
                }
            };
            let regions = regions_of(canonical).expect("known provider");
            let id_lower = id.to_ascii_lowercase();
            if canonical == provider && regions.contains(&id) {
                return None;
            }
            if regions.contains(&id_lower.as_str()) {
                return Some(Problem {
                    what: "provider and region ids are lowercase, as `aws:us-east-1`".to_owned(),
                    suggestion: Some(format!("{canonical}:{id_lower}")),
                });
            }
            Some(Problem {
                what: format!("`{id}` is not a {canonical} region id: {not_a_region}"),
                suggestion: closest_owned(&id_lower, regions.iter().map(|r| r.to_string()))
                    .map(|r| format!("{canonical}:{r}")),
            })
        }
        None => {
            let lower = value.to_ascii_lowercase();
            let owners: Vec<&str> = CLOUD_REGIONS
                .iter()
                .filter(|(_, regions)| regions.contains(&lower.as_str()))
                .map(|(provider, _)| *provider)
                .collect();
            let suggestion = match owners.as_slice() {
                [provider] => Some(format!("{provider}:{lower}")),
                _ => closest_owned(&lower, all_region_ids()),
            };
            Some(Problem {
                what: format!(
                    "a region needs its cloud provider as a prefix (`aws:`, `gcp:` or `azure:`); {not_a_region}"
                ),
                suggestion,
            })
        }
    }
}

/// The default port of a URL scheme people paste into `host`.
fn default_port(scheme: &str) -> Option<u16> {
    Some(match scheme.to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" => 5432,
        "mysql" | "mariadb" => 3306,
        "redis" | "rediss" => 6379,
        "mongodb" => 27017,
        "https" => 443,
        "http" => 80,
        _ => return None,
    })
}

/// Splits `host:port`, understanding `[ipv6]:port`.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    if let Some(rest) = authority.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((host, after)) => (host, after.strip_prefix(':')),
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (host, Some(port)),
        _ => (authority, None),
    }
}

/// Strips `scheme://`, user info, a path, query or fragment: the authority of a URL-ish value.
fn authority(value: &str) -> (Option<&str>, &str) {
    let (scheme, rest) = match value.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, value),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    (scheme, authority)
}

fn valid_port(port: &str) -> bool {
    port.parse::<u16>().is_ok_and(|port| port != 0)
}

fn check_host(value: &str) -> Option<Problem> {
    let (scheme, authority) = authority(value);
    let (host, port) = split_port(authority);
    let port_ok = port.is_some_and(valid_port);
    if scheme.is_none() && authority == value && port_ok && !host.is_empty() {
        return None;
    }
    let bracketed = |host: &str| {
        if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_owned()
        }
    };
    let suggestion = match (port_ok, scheme.and_then(default_port)) {
        (true, _) => Some(authority.to_owned()),
        (false, Some(default)) if port.is_none() && !host.is_empty() => {
            Some(format!("{}:{default}", bracketed(host)))
        }
        _ => None,
    };
    let what = if let Some(scheme) = scheme {
        format!(
            "`host` is probed over TCP at `host:port` and takes no scheme (`{scheme}://`) or path, so it does not name the back end as written"
        )
    } else if port.is_some() && !port_ok {
        "its port is not a number from 1 to 65535, so the TCP probe has nothing to connect to"
            .to_owned()
    } else if port.is_none() {
        "`host` is probed over TCP at `host:port` and needs the port the back end listens on (use `hostname` for an HTTP service)".to_owned()
    } else {
        "`host` takes `host:port` and nothing else".to_owned()
    };
    Some(Problem { what, suggestion })
}

fn check_hostname(value: &str) -> Option<Problem> {
    let (scheme, authority) = authority(value);
    let (host, port) = split_port(authority);
    let mut parts = Vec::new();
    if let Some(scheme) = scheme {
        parts.push(format!("a scheme (`{scheme}://`)"));
    }
    if authority.len() + scheme.map_or(0, |s| s.len() + 3) < value.len() {
        parts.push("a path".to_owned());
    }
    if port.is_some() {
        parts.push("a port".to_owned());
    }
    if parts.is_empty() {
        return None;
    }
    Some(Problem {
        what: format!(
            "`hostname` is a bare host name probed over HTTP, but this has {} (for a TCP back end on a port, use `host`)",
            parts.join(" and ")
        ),
        suggestion: (!host.is_empty()).then(|| host.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn regions() {
        assert!(check_region("aws:us-east-1").is_none());
        assert!(check_region("gcp:europe-west1").is_none());
        assert!(check_region("azure:westeurope").is_none());
        assert_eq!(
            check_region("us-east-1").unwrap().suggestion.as_deref(),
            Some("aws:us-east-1")
        );
        assert_eq!(
            check_region("aws:us-est-1").unwrap().suggestion.as_deref(),
            Some("aws:us-east-1")
        );
        assert_eq!(
            check_region("AWS:US-EAST-1").unwrap().suggestion.as_deref(),
            Some("aws:us-east-1")
        );
        assert_eq!(
            check_region("google:us-east4")
                .unwrap()
                .suggestion
                .as_deref(),
            Some("gcp:us-east4")
        );
        let unknown = check_region("mars-1").unwrap();
        assert!(
            unknown
                .what
                .starts_with("a region needs its cloud provider as a prefix")
        );
        assert_eq!(unknown.suggestion, None);
    }

    #[test]
    fn hosts() {
        assert!(check_host("db.example.com:5432").is_none());
        assert!(check_host("[2001:db8::1]:5432").is_none());
        assert_eq!(check_host("db.example.com").unwrap().suggestion, None);
        assert_eq!(
            check_host("postgres://user@db.example.com/app")
                .unwrap()
                .suggestion
                .as_deref(),
            Some("db.example.com:5432")
        );
        assert_eq!(
            check_host("tcp://db.example.com:6543")
                .unwrap()
                .suggestion
                .as_deref(),
            Some("db.example.com:6543")
        );
        let bad_port = check_host("db.example.com:99999").unwrap();
        assert!(
            bad_port
                .what
                .starts_with("its port is not a number from 1 to 65535")
        );
        assert_eq!(bad_port.suggestion, None);
    }

    #[test]
    fn hostnames() {
        assert!(check_hostname("api.example.com").is_none());
        assert_eq!(
            check_hostname("https://api.example.com/x")
                .unwrap()
                .suggestion
                .as_deref(),
            Some("api.example.com")
        );
        assert!(
            check_hostname("api.example.com:8443")
                .unwrap()
                .what
                .contains("a port")
        );
    }

    #[test]
    fn fires_in_toml_and_jsonc() {
        assert_rule(
            "PL107",
            Format::Toml,
            r#"[placement]
region = "mars-1"
         ^^^^^^^^ PL107
[env.a.placement]
host = "db.example.com"
       ^^^^^^^^^^^^^^^^ PL107
"#,
        );
        assert_rule(
            "PL107",
            Format::Json,
            r#"{ "placement": { "hostname": "https://api.example.com/v1" } }
                             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL107
"#,
        );
    }

    #[test]
    fn well_formed_targets_do_not_fire() {
        assert_rule(
            "PL107",
            Format::Toml,
            r#"[placement]
region = "aws:eu-central-1"
"#,
        );
        assert_rule(
            "PL107",
            Format::Json,
            r#"{ "env": { "a": { "placement": { "host": "10.0.0.5:3306" } } } }"#,
        );
    }

    #[test]
    fn fix_writes_the_suggestion() {
        assert_eq!(
            apply_fix(
                "PL107",
                Format::Toml,
                r#"[placement]
region = "us-east-1"
"#
            ),
            r#"[placement]
region = "aws:us-east-1"
"#
        );
        assert_eq!(
            apply_fix(
                "PL107",
                Format::Json,
                r#"{ "placement": { "hostname": "https://api.example.com/v1" } }"#
            ),
            r#"{ "placement": { "hostname": "api.example.com" } }"#
        );
    }
}
