//! Every rule, one file each, and the registry.

use crate::context::Context;
use crate::rule::Rule;

pub mod duplicate_key;
pub mod invalid_syntax;
pub mod key_swallowed_by_table;
pub mod placement_empty_target;
pub mod placement_hint_removed;
pub mod placement_invalid_mode;
pub mod placement_malformed_target;
pub mod placement_missing_target;
pub mod placement_mode_conflict;
pub mod placement_multiple_targets;
pub mod shadowed_config_file;
pub mod unknown_key;
pub mod wrong_type;

type Check = fn(&mut Context<'_>);

/// Every rule in code order, with the check that runs it on a parsed config (`None` for rules
/// reported elsewhere: syntax errors by the parser, shadowed files by discovery).
pub(crate) static REGISTRY: &[(&Rule, Option<Check>)] = &[
    (&invalid_syntax::INVALID_SYNTAX, None),
    (&shadowed_config_file::SHADOWED_CONFIG_FILE, None),
    (&unknown_key::UNKNOWN_KEY, Some(unknown_key::check)),
    (&wrong_type::WRONG_TYPE, Some(wrong_type::check)),
    (&duplicate_key::DUPLICATE_KEY, Some(duplicate_key::check)),
    (
        &placement_hint_removed::PLACEMENT_HINT_REMOVED,
        Some(placement_hint_removed::check),
    ),
    (
        &placement_mode_conflict::PLACEMENT_MODE_CONFLICT,
        Some(placement_mode_conflict::check),
    ),
    (
        &placement_invalid_mode::PLACEMENT_INVALID_MODE,
        Some(placement_invalid_mode::check),
    ),
    (
        &placement_missing_target::PLACEMENT_MISSING_TARGET,
        Some(placement_missing_target::check),
    ),
    (
        &placement_multiple_targets::PLACEMENT_MULTIPLE_TARGETS,
        Some(placement_multiple_targets::check),
    ),
    (
        &placement_empty_target::PLACEMENT_EMPTY_TARGET,
        Some(placement_empty_target::check),
    ),
    (
        &placement_malformed_target::PLACEMENT_MALFORMED_TARGET,
        Some(placement_malformed_target::check),
    ),
    (
        &key_swallowed_by_table::KEY_SWALLOWED_BY_TABLE,
        Some(key_swallowed_by_table::check),
    ),
];
