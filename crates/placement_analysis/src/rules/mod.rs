//! Every rule, one file each, and the registry.

use std::sync::OnceLock;

use crate::context::{Context, Sink};
use crate::rule::Rule;
use crate::schema_walk::MakeVisitor;

pub mod analytics_call_blocks_response;
pub mod assets_fetch_smart_placement;
pub mod assets_with_site;
pub mod conflicting_fields;
pub mod container_export_mismatch;
pub mod custom_domain_inherited;
pub mod define_only_in_environment;
pub mod deprecated_key;
pub mod deprecated_value;
pub mod duplicate_binding_name;
pub mod duplicate_connect_handler;
pub mod duplicate_key;
pub mod durable_object_migrations;
pub mod empty_route;
pub mod experimental_key;
pub mod ignored_setting;
pub mod invalid_compatibility_date;
pub mod invalid_custom_domain;
pub mod invalid_durable_object_container;
pub mod invalid_export;
pub mod invalid_name;
pub mod invalid_preview_container;
pub mod invalid_route;
pub mod invalid_syntax;
pub mod invalid_utf8;
pub mod invalid_workflow_settings;
pub mod key_swallowed_by_table;
pub mod main_with_site_entry_point;
pub mod migrations_with_exports;
pub mod missing_dependent_field;
pub mod missing_required_key;
pub mod non_inherited_key_missing;
pub mod pages_middleware_smart_placement;
pub mod path_not_found;
pub mod placement_candidate;
pub mod placement_empty_target;
pub mod placement_global_backends_only;
pub mod placement_hint_removed;
pub mod placement_invalid_mode;
pub mod placement_malformed_target;
pub mod placement_missing_target;
pub mod placement_mode_conflict;
pub mod placement_multiple_targets;
pub mod placement_on_front_end;
pub mod placement_without_backend_calls;
pub mod placement_without_main;
pub mod project_file_not_read;
pub mod removed_key;
pub mod reserved_binding_name;
pub mod route_with_routes;
pub mod run_worker_first_smart_placement;
pub mod sampling_rate_out_of_range;
pub mod secret_in_vars;
pub mod shadowed_config_file;
pub mod smart_placement_without_fetch_handler;
pub mod smart_placement_without_functions;
pub mod source_parse_error;
pub mod unknown_key;
pub mod unsafe_binding_directly_supported;
pub mod unsupported_value;
pub mod value_out_of_range;
pub mod wrangler_too_old_for_placement;
pub mod wrong_type;

/// How a rule checks a config.
pub(crate) enum Check {
    /// On its own: it reads the context and reports through the sink, which stamps each
    /// diagnostic with the rule.
    Alone(fn(&Context<'_>, &mut Sink<'_>)),
    /// As a visitor of the schema walk, which runs once for all these rules.
    SchemaWalk(MakeVisitor),
    /// Outside the check of a config's text: discovery reports the shadowed config file, the
    /// decoding of a file's bytes its invalid UTF-8.
    Elsewhere,
}

/// Every rule in code order, with its check. A new rule is one file in this folder and one
/// line here.
pub(crate) static REGISTRY: &[(&Rule, Check)] = &[
    (
        &invalid_syntax::INVALID_SYNTAX,
        Check::Alone(invalid_syntax::check),
    ),
    (
        &shadowed_config_file::SHADOWED_CONFIG_FILE,
        Check::Elsewhere,
    ),
    (
        &unknown_key::UNKNOWN_KEY,
        Check::SchemaWalk(unknown_key::visitor),
    ),
    (
        &wrong_type::WRONG_TYPE,
        Check::SchemaWalk(wrong_type::visitor),
    ),
    (
        &duplicate_key::DUPLICATE_KEY,
        Check::Alone(duplicate_key::check),
    ),
    // Reported by the reader that decodes the file's bytes.
    (&invalid_utf8::INVALID_UTF8, Check::Elsewhere),
    (
        &project_file_not_read::PROJECT_FILE_NOT_READ,
        Check::Alone(project_file_not_read::check),
    ),
    (
        &placement_hint_removed::PLACEMENT_HINT_REMOVED,
        Check::Alone(placement_hint_removed::check),
    ),
    (
        &placement_mode_conflict::PLACEMENT_MODE_CONFLICT,
        Check::Alone(placement_mode_conflict::check),
    ),
    (
        &placement_invalid_mode::PLACEMENT_INVALID_MODE,
        Check::Alone(placement_invalid_mode::check),
    ),
    (
        &placement_missing_target::PLACEMENT_MISSING_TARGET,
        Check::Alone(placement_missing_target::check),
    ),
    (
        &placement_multiple_targets::PLACEMENT_MULTIPLE_TARGETS,
        Check::Alone(placement_multiple_targets::check),
    ),
    (
        &placement_empty_target::PLACEMENT_EMPTY_TARGET,
        Check::Alone(placement_empty_target::check),
    ),
    (
        &placement_malformed_target::PLACEMENT_MALFORMED_TARGET,
        Check::Alone(placement_malformed_target::check),
    ),
    (
        &key_swallowed_by_table::KEY_SWALLOWED_BY_TABLE,
        Check::Alone(key_swallowed_by_table::check),
    ),
    // Project rules: they read `ctx.project()` (the config alone for PL203 and PL205).
    (
        &source_parse_error::SOURCE_PARSE_ERROR,
        Check::Alone(source_parse_error::check),
    ),
    (
        &pages_middleware_smart_placement::PAGES_MIDDLEWARE_SMART_PLACEMENT,
        Check::Alone(pages_middleware_smart_placement::check),
    ),
    (
        &assets_fetch_smart_placement::ASSETS_FETCH_SMART_PLACEMENT,
        Check::Alone(assets_fetch_smart_placement::check),
    ),
    (
        &run_worker_first_smart_placement::RUN_WORKER_FIRST_SMART_PLACEMENT,
        Check::Alone(run_worker_first_smart_placement::check),
    ),
    (
        &smart_placement_without_fetch_handler::SMART_PLACEMENT_WITHOUT_FETCH_HANDLER,
        Check::Alone(smart_placement_without_fetch_handler::check),
    ),
    (
        &placement_without_main::PLACEMENT_WITHOUT_MAIN,
        Check::Alone(placement_without_main::check),
    ),
    (
        &wrangler_too_old_for_placement::WRANGLER_TOO_OLD_FOR_PLACEMENT,
        Check::Alone(wrangler_too_old_for_placement::check),
    ),
    (
        &analytics_call_blocks_response::ANALYTICS_CALL_BLOCKS_RESPONSE,
        Check::Alone(analytics_call_blocks_response::check),
    ),
    (
        &smart_placement_without_functions::SMART_PLACEMENT_WITHOUT_FUNCTIONS,
        Check::Alone(smart_placement_without_functions::check),
    ),
    (
        &placement_without_backend_calls::PLACEMENT_WITHOUT_BACKEND_CALLS,
        Check::Alone(placement_without_backend_calls::check),
    ),
    (
        &placement_candidate::PLACEMENT_CANDIDATE,
        Check::Alone(placement_candidate::check),
    ),
    (
        &placement_global_backends_only::PLACEMENT_GLOBAL_BACKENDS_ONLY,
        Check::Alone(placement_global_backends_only::check),
    ),
    (
        &placement_on_front_end::PLACEMENT_ON_FRONT_END,
        Check::Alone(placement_on_front_end::check),
    ),
    // Schema rules: visitors of `schema_walk`, driven by the key catalog.
    (
        &removed_key::REMOVED_KEY,
        Check::SchemaWalk(removed_key::visitor),
    ),
    (
        &deprecated_key::DEPRECATED_KEY,
        Check::SchemaWalk(deprecated_key::visitor),
    ),
    (
        &experimental_key::EXPERIMENTAL_KEY,
        Check::SchemaWalk(experimental_key::visitor),
    ),
    (
        &missing_required_key::MISSING_REQUIRED_KEY,
        Check::SchemaWalk(missing_required_key::visitor),
    ),
    // wrangler's checks across fields: inheritance, routes, fields that exclude each other.
    (
        &non_inherited_key_missing::NON_INHERITED_KEY_MISSING,
        Check::Alone(non_inherited_key_missing::check),
    ),
    (
        &invalid_route::INVALID_ROUTE,
        Check::Alone(invalid_route::check),
    ),
    (
        &route_with_routes::ROUTE_WITH_ROUTES,
        Check::Alone(route_with_routes::check),
    ),
    (&empty_route::EMPTY_ROUTE, Check::Alone(empty_route::check)),
    (
        &custom_domain_inherited::CUSTOM_DOMAIN_INHERITED,
        Check::Alone(custom_domain_inherited::check),
    ),
    (
        &invalid_custom_domain::INVALID_CUSTOM_DOMAIN,
        Check::Alone(invalid_custom_domain::check),
    ),
    (
        &assets_with_site::ASSETS_WITH_SITE,
        Check::Alone(assets_with_site::check),
    ),
    (
        &conflicting_fields::CONFLICTING_FIELDS,
        Check::Alone(conflicting_fields::check),
    ),
    (
        &migrations_with_exports::MIGRATIONS_WITH_EXPORTS,
        Check::Alone(migrations_with_exports::check),
    ),
    (
        &main_with_site_entry_point::MAIN_WITH_SITE_ENTRY_POINT,
        Check::Alone(main_with_site_entry_point::check),
    ),
    // Beyond wrangler's config validation: what fails at deploy or in `wrangler dev`.
    (
        &invalid_compatibility_date::INVALID_COMPATIBILITY_DATE,
        Check::Alone(invalid_compatibility_date::check),
    ),
    (
        &duplicate_binding_name::DUPLICATE_BINDING_NAME,
        Check::Alone(duplicate_binding_name::check),
    ),
    (
        &durable_object_migrations::DURABLE_OBJECT_MIGRATIONS,
        Check::Alone(durable_object_migrations::check),
    ),
    (
        &secret_in_vars::SECRET_IN_VARS,
        Check::Alone(secret_in_vars::check),
    ),
    (
        &sampling_rate_out_of_range::SAMPLING_RATE_OUT_OF_RANGE,
        Check::Alone(sampling_rate_out_of_range::check),
    ),
    (
        &path_not_found::PATH_NOT_FOUND,
        Check::Alone(path_not_found::check),
    ),
    (
        &invalid_export::INVALID_EXPORT,
        Check::Alone(invalid_export::check),
    ),
    (
        &invalid_name::INVALID_NAME,
        Check::Alone(invalid_name::check),
    ),
    (
        &value_out_of_range::VALUE_OUT_OF_RANGE,
        Check::Alone(value_out_of_range::check),
    ),
    (
        &missing_dependent_field::MISSING_DEPENDENT_FIELD,
        Check::Alone(missing_dependent_field::check),
    ),
    (
        &invalid_preview_container::INVALID_PREVIEW_CONTAINER,
        Check::Alone(invalid_preview_container::check),
    ),
    (
        &container_export_mismatch::CONTAINER_EXPORT_MISMATCH,
        Check::Alone(container_export_mismatch::check),
    ),
    (
        &invalid_workflow_settings::INVALID_WORKFLOW_SETTINGS,
        Check::Alone(invalid_workflow_settings::check),
    ),
    (
        &unsupported_value::UNSUPPORTED_VALUE,
        Check::Alone(unsupported_value::check),
    ),
    (
        &duplicate_connect_handler::DUPLICATE_CONNECT_HANDLER,
        Check::Alone(duplicate_connect_handler::check),
    ),
    (
        &reserved_binding_name::RESERVED_BINDING_NAME,
        Check::Alone(reserved_binding_name::check),
    ),
    (
        &invalid_durable_object_container::INVALID_DURABLE_OBJECT_CONTAINER,
        Check::Alone(invalid_durable_object_container::check),
    ),
    (
        &ignored_setting::IGNORED_SETTING,
        Check::Alone(ignored_setting::check),
    ),
    (
        &unsafe_binding_directly_supported::UNSAFE_BINDING_DIRECTLY_SUPPORTED,
        Check::Alone(unsafe_binding_directly_supported::check),
    ),
    (
        &define_only_in_environment::DEFINE_ONLY_IN_ENVIRONMENT,
        Check::Alone(define_only_in_environment::check),
    ),
    (
        &deprecated_value::DEPRECATED_VALUE,
        Check::Alone(deprecated_value::check),
    ),
];

/// The rules checked alone, in code order.
pub(crate) fn alone() -> impl Iterator<Item = (&'static Rule, fn(&Context<'_>, &mut Sink<'_>))> {
    REGISTRY.iter().filter_map(|(rule, check)| match check {
        Check::Alone(check) => Some((*rule, *check)),
        _ => None,
    })
}

/// The rules that visit the schema walk, in code order, for [`crate::schema_walk::walk_with_rules`].
pub(crate) fn schema_walk_visitors() -> &'static [(&'static Rule, MakeVisitor)] {
    static VISITORS: OnceLock<Vec<(&'static Rule, MakeVisitor)>> = OnceLock::new();
    VISITORS.get_or_init(|| {
        REGISTRY
            .iter()
            .filter_map(|(rule, check)| match check {
                Check::SchemaWalk(visitor) => Some((*rule, *visitor)),
                _ => None,
            })
            .collect()
    })
}
