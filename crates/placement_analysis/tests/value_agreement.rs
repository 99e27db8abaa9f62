//! placement-lint agrees with the pinned wrangler on the values it checks by form or range and
//! on the fields that depend on another field (PL350-PL369).
//!
//! Each case is a small config written in TOML (and the same config as JSONC, converted), with
//! the rule expected to report it, or none for a config wrangler accepts. The pinned wrangler
//! reads every file with no environment and with `--env staging`; then for each read:
//! - wrangler refuses it exactly when placement-lint reports an error in the scopes that read
//!   validates (the top level and `[previews]`; with `--env staging`, `[env.staging]` too), and
//!   the expected rule is among those errors;
//! - each wrangler warning on a case that expects a warning rule is matched by that rule.

mod support;

use std::path::Path;

use placement_analysis::syntax::{Format, Node, NodeKind, Table, parse};
use placement_analysis::{Diagnostic, Severity, check_config};
use serde_json::json;

/// What a case expects of placement-lint.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// wrangler accepts it (with no environment and with `--env staging`): no error.
    Accepted,
    /// wrangler refuses it; this rule reports the error.
    Error(&'static str),
    /// wrangler warns with a message containing the text; this rule reports the warning.
    Warning(&'static str, &'static str),
}

struct Case {
    label: &'static str,
    expect: Expect,
    toml: &'static str,
}

const fn case(label: &'static str, expect: Expect, toml: &'static str) -> Case {
    Case {
        label,
        expect,
        toml,
    }
}

use Expect::{Accepted, Error, Warning};

/// Every case; each is read at the top level, and each one with an `[env.staging]` also with
/// `--env staging`.
const CASES: &[Case] = &[
    // PL350 invalid-name
    case("worker name valid", Accepted, "name = \"orders_api-2\"\n"),
    case("worker name empty", Accepted, "name = \"\"\n"),
    case(
        "worker name upper case",
        Error("PL350"),
        "name = \"Orders\"\n",
    ),
    case(
        "worker name leading dash",
        Error("PL350"),
        "name = \"-orders\"\n",
    ),
    case(
        "worker name in env",
        Error("PL350"),
        "name = \"orders\"\n[env.staging]\nname = \"orders staging\"\n",
    ),
    case(
        "r2 bucket names valid",
        Accepted,
        "[[r2_buckets]]\nbinding = \"B\"\nbucket_name = \"abc\"\npreview_bucket_name = \"a-1\"\n",
    ),
    case(
        "r2 bucket name too short",
        Error("PL350"),
        "[[r2_buckets]]\nbinding = \"B\"\nbucket_name = \"ab\"\n",
    ),
    case(
        "r2 bucket name empty",
        Error("PL350"),
        "[[r2_buckets]]\nbinding = \"B\"\nbucket_name = \"\"\n",
    ),
    case(
        "r2 bucket name upper case in env",
        Error("PL350"),
        "[env.staging]\n[[env.staging.r2_buckets]]\nbinding = \"B\"\nbucket_name = \"Uploads\"\n",
    ),
    case(
        "r2 preview bucket name ends in dash",
        Error("PL350"),
        "[[r2_buckets]]\nbinding = \"B\"\nbucket_name = \"abc\"\npreview_bucket_name = \"abc-\"\n",
    ),
    case(
        "workflow name valid",
        Accepted,
        "[[workflows]]\nbinding = \"F\"\nname = \"_Flow-1\"\nclass_name = \"F\"\n",
    ),
    case(
        "workflow name with a space",
        Error("PL350"),
        "[[workflows]]\nbinding = \"F\"\nname = \"my flow\"\nclass_name = \"F\"\n",
    ),
    case(
        "workflow name too long in previews",
        Error("PL350"),
        "[[previews.workflows]]\nbinding = \"F\"\nname = \"a123456789a123456789a123456789a123456789a123456789a123456789abcde\"\nclass_name = \"F\"\n",
    ),
    case(
        "queue producer empty",
        Error("PL350"),
        "[[queues.producers]]\nbinding = \"Q\"\nqueue = \"\"\n",
    ),
    case(
        "queue producer named",
        Accepted,
        "[[queues.producers]]\nbinding = \"Q\"\nqueue = \"jobs\"\n",
    ),
    // PL351 value-out-of-range
    case(
        "connect ports valid",
        Accepted,
        "[[connect]]\nprotocol = \"tcp\"\nport = 1\n[[connect]]\nprotocol = \"udp\"\nport = 65535\n",
    ),
    case(
        "connect port zero",
        Error("PL351"),
        "[[connect]]\nprotocol = \"tcp\"\nport = 0\n",
    ),
    case(
        "connect port fractional in env",
        Error("PL351"),
        "[env.staging]\n[[env.staging.connect]]\nprotocol = \"tcp\"\nport = 80.5\n",
    ),
    case(
        "rate limit period 30",
        Error("PL351"),
        "[[ratelimits]]\nname = \"R\"\nnamespace_id = \"1\"\nsimple = { limit = 5, period = 30 }\n",
    ),
    case(
        "rate limit period 60",
        Accepted,
        "[[ratelimits]]\nname = \"R\"\nnamespace_id = \"1\"\nsimple = { limit = 5, period = 60 }\n",
    ),
    case(
        "max_delay too long",
        Error("PL351"),
        "[durable_objects]\ncode_update_strategy = { mode = \"deferred\", max_delay = 86401 }\n",
    ),
    case(
        "max_delay sub-millisecond",
        Error("PL351"),
        "[durable_objects]\ncode_update_strategy = { mode = \"deferred\", max_delay = 1.0005 }\n",
    ),
    case(
        "max_delay valid",
        Accepted,
        "[durable_objects]\ncode_update_strategy = { mode = \"deferred\", max_delay = 1.005 }\n",
    ),
    case(
        "container numbers valid",
        Accepted,
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nmax_instances = 3\nrollout_active_grace_period = 0\nrollout_step_percentage = [10, 50, 100]\nssh = { enabled = true, port = 22 }\nobservability = { enabled = true, target_instance_percentage = 50 }\n",
    ),
    case(
        "container rollout single step",
        Error("PL351"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nrollout_step_percentage = 15\n",
    ),
    case(
        "container rollout steps unordered",
        Error("PL351"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nrollout_step_percentage = [50, 20, 100]\n",
    ),
    case(
        "container rollout steps not ending at 100",
        Error("PL351"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nrollout_step_percentage = [20, 50]\n",
    ),
    case(
        "container rollout more steps than instances",
        Error("PL351"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nmax_instances = 1\nrollout_step_percentage = [50, 100]\n",
    ),
    case(
        "container negative max_instances in env",
        Error("PL351"),
        "name = \"w\"\n[env.staging]\n[[env.staging.containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nmax_instances = -1\n",
    ),
    case(
        "container negative grace period",
        Error("PL351"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nrollout_active_grace_period = -5\n",
    ),
    case(
        "container ssh port",
        Error("PL351"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nssh = { enabled = true, port = 70000 }\n",
    ),
    case(
        "container observability percentage",
        Error("PL351"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nobservability = { enabled = true, target_instance_percentage = 100 }\n",
    ),
    case(
        "container observability count",
        Error("PL351"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nobservability = { enabled = true, target_instance_count = 0 }\n",
    ),
    // PL352 missing-dependent-field
    case(
        "durable object environment without script_name",
        Error("PL352"),
        "[[durable_objects.bindings]]\nname = \"R\"\nclass_name = \"R\"\nenvironment = \"production\"\n",
    ),
    case(
        "durable object environment with script_name in env",
        Accepted,
        "[env.staging]\n[[env.staging.durable_objects.bindings]]\nname = \"R\"\nclass_name = \"R\"\nscript_name = \"chat\"\nenvironment = \"production\"\n",
    ),
    case(
        "durable object environment without script_name in env",
        Error("PL352"),
        "[env.staging]\n[[env.staging.durable_objects.bindings]]\nname = \"R\"\nclass_name = \"R\"\nenvironment = \"production\"\n",
    ),
    case(
        "container instance target with logs off",
        Error("PL352"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nobservability = { enabled = false, target_instance_count = 2 }\n",
    ),
    case(
        "container instance target with logs on",
        Accepted,
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nobservability = { logs = { enabled = true }, target_instance_count = 2 }\n",
    ),
    // PL353 invalid-preview-container
    case(
        "preview container with class only",
        Accepted,
        "name = \"w\"\n[[previews.containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\n",
    ),
    case(
        "preview container name",
        Error("PL353"),
        "name = \"w\"\n[[previews.containers]]\nname = \"box\"\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\n",
    ),
    case(
        "preview container name in env",
        Error("PL353"),
        "name = \"w\"\n[env.staging]\n[[env.staging.previews.containers]]\nname = \"box\"\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\n",
    ),
    case(
        "preview container durable object policy",
        Error("PL353"),
        "name = \"w\"\n[[previews.containers]]\nclass_name = \"Box\"\nscheduling_policy = \"durable_object\"\n",
    ),
    case(
        "preview containers sharing a class",
        Error("PL353"),
        "name = \"w\"\n[[previews.containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\n[[previews.containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:2\"\n",
    ),
    // PL354 container-export-mismatch
    case(
        "export names a missing container",
        Error("PL354"),
        "name = \"w\"\n[[containers]]\nname = \"sandbox\"\nimage = \"docker.io/library/nginx:1\"\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\ncontainer = \"sandbox-box\"\n",
    ),
    case(
        "export names its container",
        Accepted,
        "name = \"w\"\n[[containers]]\nname = \"sandbox\"\nimage = \"docker.io/library/nginx:1\"\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\ncontainer = \"sandbox\"\n",
    ),
    case(
        "export names a generated container name",
        Accepted,
        "name = \"w-app\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\n[exports.Box]\ntype = \"durable-object\"\nstorage = \"sqlite\"\ncontainer = \"w-app-box\"\n",
    ),
    case(
        "two exports name one container",
        Error("PL354"),
        "name = \"w\"\n[[containers]]\nname = \"sandbox\"\nimage = \"docker.io/library/nginx:1\"\n[exports.A]\ntype = \"durable-object\"\nstorage = \"sqlite\"\ncontainer = \"sandbox\"\n[exports.B]\ntype = \"durable-object\"\nstorage = \"sqlite\"\ncontainer = \"sandbox\"\n",
    ),
    case(
        "two containers with one name",
        Error("PL354"),
        "name = \"w\"\n[[containers]]\nname = \"a\"\nclass_name = \"A\"\nimage = \"docker.io/library/nginx:1\"\n[[containers]]\nname = \"a\"\nclass_name = \"B\"\nimage = \"docker.io/library/nginx:1\"\n",
    ),
    case(
        "two containers for one class",
        Error("PL354"),
        "name = \"w\"\n[[containers]]\nclass_name = \"A\"\nimage = \"docker.io/library/nginx:1\"\n[[containers]]\nname = \"other\"\nclass_name = \"A\"\nimage = \"docker.io/library/nginx:1\"\n",
    ),
    case(
        "container linked to nothing",
        Error("PL354"),
        "name = \"w\"\n[[containers]]\nname = \"lonely\"\nimage = \"docker.io/library/nginx:1\"\n",
    ),
    case(
        "container and export disagree",
        Error("PL354"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Cart\"\nimage = \"docker.io/library/nginx:1\"\n[[containers]]\nname = \"box\"\nclass_name = \"Till\"\nimage = \"docker.io/library/nginx:1\"\n[exports.Cart]\ntype = \"durable-object\"\nstorage = \"sqlite\"\ncontainer = \"box\"\n[exports.Till]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "container class without live export",
        Error("PL354"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Gone\"\nimage = \"docker.io/library/nginx:1\"\n[exports.Gone]\ntype = \"durable-object\"\nstorage = \"sqlite\"\nstate = \"deleted\"\n[exports.Live]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "container on legacy-kv",
        Error("PL354"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Old\"\nimage = \"docker.io/library/nginx:1\"\n[exports.Old]\ntype = \"durable-object\"\nstorage = \"legacy-kv\"\n",
    ),
    case(
        "env containers with inherited exports",
        Accepted,
        "name = \"w\"\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\ncontainer = \"w-sandbox-staging\"\n[env.staging]\n[[env.staging.containers]]\nclass_name = \"Sandbox\"\nimage = \"docker.io/library/nginx:1\"\n",
    ),
    case(
        "env without containers inherits a dangling export",
        Error("PL354"),
        "name = \"w\"\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\ncontainer = \"box\"\n[env.staging]\nvars = { A = \"1\" }\n",
    ),
    // PL356 unsupported-value
    case(
        "k2 remote false",
        Error("PL356"),
        "[[k2]]\nbinding = \"K\"\nstream = \"s\"\nremote = false\n",
    ),
    case(
        "k2 remote true",
        Accepted,
        "[[k2]]\nbinding = \"K\"\nstream = \"s\"\nremote = true\n",
    ),
    case(
        "k2 remote false in env",
        Error("PL356"),
        "[env.staging]\n[[env.staging.k2]]\nbinding = \"K\"\nstream = \"s\"\nremote = false\n",
    ),
    case(
        "ssh key rsa",
        Error("PL356"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nauthorized_keys = [{ name = \"ops\", public_key = \"ssh-rsa AAAAB3\" }]\n",
    ),
    case(
        "ssh ca key ecdsa",
        Error("PL356"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\ntrusted_user_ca_keys = [{ public_key = \"ecdsa-sha2-nistp256 AAAA\" }]\n",
    ),
    case(
        "ssh key ed25519 upper case",
        Accepted,
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\nauthorized_keys = [{ name = \"ops\", public_key = \"SSH-ED25519 AAAAC3\" }]\n",
    ),
    // PL357 duplicate-connect-handler
    case(
        "connect same protocol and port",
        Error("PL357"),
        "[[connect]]\nprotocol = \"tcp\"\nport = 6379\n[[connect]]\nprotocol = \"tcp\"\nport = 6379\n",
    ),
    case(
        "connect same port other protocol",
        Accepted,
        "[[connect]]\nprotocol = \"tcp\"\nport = 53\n[[connect]]\nprotocol = \"udp\"\nport = 53\n",
    ),
    case(
        "connect same protocol and port in env",
        Error("PL357"),
        "[env.staging]\n[[env.staging.connect]]\nprotocol = \"udp\"\nport = 53\n[[env.staging.connect]]\nprotocol = \"udp\"\nport = 53\n",
    ),
    // PL360 ignored-setting
    case(
        "empty account id",
        Warning("PL360", "empty string and will be ignored"),
        "account_id = \"\"\n",
    ),
    case(
        "empty account id in env",
        Warning("PL360", "empty string and will be ignored"),
        "account_id = \"abc\"\n[env.staging]\naccount_id = \"\"\n",
    ),
    case(
        "service remote with dev",
        Warning("PL360", "\"remote\" is ignored"),
        "[[services]]\nbinding = \"A\"\nservice = \"a\"\nremote = true\ndev = { plugin = { package = \"p\", name = \"n\" } }\n",
    ),
    case(
        "service remote without dev",
        Warning("PL360", "\"remote\" is ignored"),
        "[[services]]\nbinding = \"A\"\nservice = \"a\"\nremote = true\n",
    ),
    // PL361 unsafe-binding-directly-supported
    case(
        "unsafe kv binding",
        Warning("PL361", "is directly supported by wrangler"),
        "[[unsafe.bindings]]\nname = \"CACHE\"\ntype = \"kv_namespace\"\n",
    ),
    case(
        "unsafe binding of another type",
        Warning("PL361", "is directly supported by wrangler"),
        "[[unsafe.bindings]]\nname = \"X\"\ntype = \"secrets_store_secret\"\n",
    ),
    case(
        "unsafe r2 binding in env",
        Warning("PL361", "is directly supported by wrangler"),
        "[env.staging]\n[[env.staging.unsafe.bindings]]\nname = \"F\"\ntype = \"r2_bucket\"\n",
    ),
    // PL362 define-only-in-environment
    case(
        "define only in env",
        Warning("PL362", "but not on the top level"),
        "[define]\nA = \"1\"\n[env.staging.define]\nA = \"2\"\nB = \"3\"\n",
    ),
    case(
        "define overrides only",
        Warning("PL362", "but not on the top level"),
        "[define]\nA = \"1\"\n[env.staging.define]\nA = \"2\"\n",
    ),
    case(
        "define in env without top level",
        Warning("PL362", "but not on the top level"),
        "[env.staging.define]\nB = \"3\"\n",
    ),
    // PL355 invalid-workflow-settings
    case(
        "workflow settings valid",
        Accepted,
        "[[workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\nschedules = [\"0 * * * *\"]\nlimits = { steps = 100 }\nconcurrency = { limit = 5 }\ndefault_retention = { success_retention = \"3 days\", error_retention = 86400000 }\n",
    ),
    case(
        "workflow schedules empty list",
        Error("PL355"),
        "[[workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\nschedules = []\n",
    ),
    case(
        "workflow schedules empty string",
        Error("PL355"),
        "[[workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\nschedules = \"\"\n",
    ),
    case(
        "workflow schedule empty in list",
        Error("PL355"),
        "[[workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\nschedules = [\"0 * * * *\", \"\"]\n",
    ),
    case(
        "workflow steps zero",
        Error("PL355"),
        "[[workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\nlimits = { steps = 0 }\n",
    ),
    case(
        "workflow concurrency fractional",
        Error("PL355"),
        "[[workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\nconcurrency = { limit = 1.5 }\n",
    ),
    case(
        "workflow retention negative",
        Error("PL355"),
        "[[workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\ndefault_retention = { success_retention = -1 }\n",
    ),
    case(
        "workflow retention empty in env",
        Error("PL355"),
        "[env.staging]\n[[env.staging.workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\ndefault_retention = { error_retention = \"\" }\n",
    ),
    case(
        "workflow steps over production maximum",
        Warning("PL355", "exceeds the production maximum"),
        "[[workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\nlimits = { steps = 30000 }\n",
    ),
    case(
        "workflow steps at production maximum",
        Warning("PL355", "exceeds the production maximum"),
        "[[workflows]]\nbinding = \"F\"\nname = \"f\"\nclass_name = \"F\"\nlimits = { steps = 25000 }\n",
    ),
    // PL358 reserved-binding-name
    case(
        "pages kv binding named ASSETS",
        Error("PL358"),
        "pages_build_output_dir = \"./dist\"\n[[kv_namespaces]]\nbinding = \"ASSETS\"\nid = \"abc\"\n",
    ),
    case(
        "pages var named ASSETS in env",
        Error("PL358"),
        "pages_build_output_dir = \"./dist\"\n[env.staging.vars]\nASSETS = \"x\"\n",
    ),
    case(
        "worker kv binding named ASSETS",
        Accepted,
        "[[kv_namespaces]]\nbinding = \"ASSETS\"\nid = \"abc\"\n",
    ),
    case(
        "pages binding named otherwise",
        Accepted,
        "pages_build_output_dir = \"./dist\"\n[[kv_namespaces]]\nbinding = \"ASSET_CACHE\"\nid = \"abc\"\n",
    ),
    // PL359 invalid-durable-object-container
    case(
        "durable object container with a pinned image",
        Accepted,
        "name = \"w\"\n[[containers]]\nclass_name = \"Sandbox\"\nscheduling_policy = \"durable_object\"\nimages = { main = { image = \"registry.cloudflare.com/acct/repo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\" } }\nobservability = { enabled = true }\nunsafe = { configuration = { experimental_flags = [\"a\"] } }\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "durable object container with a Dockerfile build",
        Accepted,
        "name = \"w\"\n[[containers]]\nclass_name = \"Sandbox\"\nscheduling_policy = \"durable_object\"\nimages = { main = { dockerfile = \"./Dockerfile\", build_context = \".\", build_vars = { A = \"1\" } } }\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "durable object container with an unpinned image",
        Error("PL359"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Sandbox\"\nscheduling_policy = \"durable_object\"\nimages = { main = { image = \"docker.io/library/nginx:1\" } }\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "durable object container with both image kinds",
        Error("PL359"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Sandbox\"\nscheduling_policy = \"durable_object\"\nimages = { main = { dockerfile = \"./Dockerfile\", image = \"registry.cloudflare.com/acct/repo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\" } }\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "durable object container with empty images",
        Error("PL359"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Sandbox\"\nscheduling_policy = \"durable_object\"\nimages = {}\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "durable object container with max_instances",
        Error("PL359"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Sandbox\"\nscheduling_policy = \"durable_object\"\nmax_instances = 3\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "durable object container with instance targeting",
        Error("PL359"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Sandbox\"\nscheduling_policy = \"durable_object\"\nobservability = { enabled = true, target_instance_count = 2 }\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "durable object container with other unsafe settings",
        Error("PL359"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Sandbox\"\nscheduling_policy = \"durable_object\"\nunsafe = { configuration = { other = 1 } }\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    case(
        "durable object container with build vars on an image",
        Error("PL359"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Sandbox\"\nscheduling_policy = \"durable_object\"\nimages = { main = { image = \"registry.cloudflare.com/acct/repo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", build_vars = { A = \"1\" } } }\n[exports.Sandbox]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n",
    ),
    // PL363 deprecated-value
    case(
        "container instance type dev",
        Warning("PL363", "\"dev\" instance_type has been renamed"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\ninstance_type = \"dev\"\n",
    ),
    case(
        "container instance type standard",
        Warning("PL363", "\"standard\" instance_type has been renamed"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\ninstance_type = \"standard\"\n",
    ),
    case(
        "container instance type lite",
        Warning("PL363", "instance_type has been renamed"),
        "name = \"w\"\n[[containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\ninstance_type = \"lite\"\n",
    ),
    case(
        "unsafe metadata binding",
        Warning(
            "PL363",
            "The deployment object in the metadata binding is now deprecated",
        ),
        "[[unsafe.bindings]]\nname = \"META\"\ntype = \"metadata\"\n",
    ),
    // An environment's own `previews`
    case(
        "env previews container instance type dev",
        Warning("PL363", "\"dev\" instance_type has been renamed"),
        "name = \"w\"\n[env.staging]\n[[env.staging.previews.containers]]\nclass_name = \"Box\"\nimage = \"docker.io/library/nginx:1\"\ninstance_type = \"dev\"\n",
    ),
    case(
        "env previews r2 bucket name",
        Error("PL350"),
        "[env.staging]\n[[env.staging.previews.r2_buckets]]\nbinding = \"B\"\nbucket_name = \"B\"\n",
    ),
    case(
        "env previews rate limit period",
        Error("PL351"),
        "[env.staging]\n[[env.staging.previews.ratelimits]]\nname = \"R\"\nnamespace_id = \"1\"\nsimple = { limit = 5, period = 30 }\n",
    ),
];

/// Whether a read validates where `diagnostic` is: everything before the environment (every
/// case writes `[env.staging]` last), and the environment itself with `--env staging`.
fn read_by(diagnostic: &Diagnostic, text: &str, env: Option<&str>) -> bool {
    let env_start = text
        .find("[env.staging")
        .or_else(|| text.find("\"env\": {"))
        .unwrap_or(text.len());
    env.is_some() || diagnostic.span.start < env_start
}

/// The TOML case as JSONC, read with placement-lint's own parser, keys in the order written
/// (cases hold no dates).
fn to_jsonc(toml_text: &str) -> String {
    let parsed = parse(toml_text, Format::Toml);
    assert!(
        parsed.errors.is_empty(),
        "a case is valid TOML: {toml_text}"
    );
    let mut out = String::from("// converted from the TOML case\n");
    write_table(&parsed.root, &mut out);
    out.push('\n');
    out
}

fn write_table(table: &Table, out: &mut String) {
    out.push('{');
    for (index, entry) in table.entries().iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(&serde_json::to_string(&entry.key).unwrap());
        out.push_str(": ");
        write_node(&entry.value, out);
    }
    out.push('}');
}

fn write_node(node: &Node, out: &mut String) {
    match &node.kind {
        NodeKind::Table(table) => write_table(table, out),
        NodeKind::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_node(item, out);
            }
            out.push(']');
        }
        NodeKind::String(text) | NodeKind::Datetime(text) => {
            out.push_str(&serde_json::to_string(text).unwrap());
        }
        NodeKind::Number(text) => out.push_str(&text.replace('_', "")),
        NodeKind::Bool(value) => out.push_str(&value.to_string()),
        NodeKind::Null => out.push_str("null"),
    }
}

#[test]
fn value_checks_agree_with_wrangler() {
    if support::installed_wrangler("value_agreement").is_none() {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (index, case) in CASES.iter().enumerate() {
        for (file_name, text) in [
            ("wrangler.toml", case.toml.to_owned()),
            ("wrangler.jsonc", to_jsonc(case.toml)),
        ] {
            let dir = scratch.path().join(format!("{index:03}"));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(file_name);
            std::fs::write(&path, &text).unwrap();
            files.push((case, path, text));
        }
    }
    let mut requests = Vec::new();
    for (index, (case, path, _)) in files.iter().enumerate() {
        requests.push(json!({ "id": format!("{index}"), "file": path, "env": null }));
        if case.toml.contains("[env.staging") {
            requests.push(json!({ "id": format!("{index}"), "file": path, "env": "staging" }));
        }
    }
    let results = support::validate(scratch.path(), &requests);
    let mut failures = Vec::new();
    for (request, result) in requests.iter().zip(&results) {
        let index: usize = request["id"].as_str().unwrap().parse().unwrap();
        let (case, path, text) = &files[index];
        let env = request["env"].as_str();
        let diagnostics = check_config(path, text);
        let errors: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && read_by(d, text, env))
            .collect();
        let refused = !result["ok"].as_bool().unwrap_or(false);
        let warnings = result["warnings"].as_str().unwrap_or_default();
        let warned_by = |code: &str| {
            diagnostics
                .iter()
                .any(|d| d.code() == code && read_by(d, text, env))
        };
        let file = file_name(path);
        let problem = match case.expect {
            Warning(code, marker) if warnings.contains(marker) != warned_by(code) => Some(format!(
                "wrangler {} \"{marker}\", {code} {}",
                if warnings.contains(marker) {
                    "warns"
                } else {
                    "does not warn"
                },
                if warned_by(code) { "does" } else { "does not" }
            )),
            _ if refused == errors.is_empty() => Some(format!(
                "wrangler {} it, placement-lint reports {} error(s)",
                if refused { "refuses" } else { "accepts" },
                errors.len()
            )),
            Accepted if refused => {
                Some("wrangler refuses it, so the accepted case is wrong".to_owned())
            }
            Error(code) if refused && !errors.iter().any(|d| d.code() == code) => {
                Some(format!("wrangler refuses it, but not {code}"))
            }
            Error(code) if !refused && read_by_any_scope(case, env) => {
                Some(format!("wrangler accepts it, so the {code} case is wrong"))
            }
            _ => None,
        };
        if let Some(problem) = problem {
            failures.push(format!(
                "{} ({file}, env {:?}): {problem}\n  wrangler: {}\n  placement-lint: {:?}",
                case.label,
                env,
                result["errors"].as_str().unwrap_or_default().trim(),
                diagnostics
                    .iter()
                    .map(|d| format!("{} {}", d.code(), d.message))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreement(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whether a read should see the case's error: an error case written only in `[env.staging]`
/// is not read without `--env staging`.
fn read_by_any_scope(case: &Case, env: Option<&str>) -> bool {
    env.is_some() || !case.toml.contains("[env.staging")
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|name| name.to_str()).unwrap()
}
