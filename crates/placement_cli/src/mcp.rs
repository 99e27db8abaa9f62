//! `placement-lint mcp ROOT`: a Model Context Protocol server over stdio (the official Rust SDK,
//! `rmcp`), for coding agents. It serves one folder: every path a tool is given, every config it
//! finds, every project file and settings file it reads must lie inside that folder once links
//! are resolved. Its tools only read (check, explain a rule, preview fixes as a diff), unless
//! the server was started with `--allow-writes`, which adds `apply_fixes`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use placement_analysis::find_rule;
use placement_analysis::project::{DirEntry, PathKind, ProjectFiles, Unread};
use placement_io::settings::{SettingsMode, SettingsResolver};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{Value, json};

use crate::check::{CheckRun, FixMode, FixRequest};
use crate::output::{self, Sources};
use crate::selection::RuleSelection;
use crate::{CliError, DiskFiles, discover, exit, paths, settings};

/// `placement-lint mcp ROOT [--allow-writes]`: serves until the client closes the connection.
pub fn run(root: &Path, allow_writes: bool) -> Result<u8, CliError> {
    let root = std::fs::canonicalize(root).map_err(|error| {
        CliError::Usage(format!(
            "cannot serve `{}`: {}",
            root.display(),
            placement_io::describe_io(&error)
        ))
    })?;
    if !root.is_dir() {
        return Err(CliError::Usage(format!(
            "cannot serve `{}`: not a folder",
            root.display()
        )));
    }
    // Paths in answers are relative to the folder served (`paths::display` reads the working
    // directory once, so this comes first).
    std::env::set_current_dir(&root).map_err(CliError::Io)?;
    let server = Server {
        root: Arc::new(root),
        allow_writes,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Io)?;
    runtime.block_on(async move {
        let service = match server.serve(rmcp::transport::stdio()).await {
            Ok(service) => service,
            Err(error) => {
                eprintln!("placement-lint mcp: {error}");
                return Ok(1);
            }
        };
        match service.waiting().await {
            Ok(_) => Ok(exit::CLEAN),
            Err(error) => {
                eprintln!("placement-lint mcp: {error}");
                Ok(1)
            }
        }
    })
}

#[derive(Clone)]
struct Server {
    /// The folder served, canonical.
    root: Arc<PathBuf>,
    allow_writes: bool,
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let writes = if self.allow_writes {
            " `apply_fixes` writes the safe fixes (and the unsafe ones when asked) to disk."
        } else {
            " Nothing is written: the server was started without --allow-writes."
        };
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "placement-lint",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(format!(
                "placement-lint checks Cloudflare Wrangler configs (wrangler.toml, wrangler.json, \
                 wrangler.jsonc) and Pages projects for Smart Placement pitfalls, in every \
                 environment. Paths are relative to {}; paths outside it are refused. Use \
                 `check` for diagnostics (with locations, environments and fixes), \
                 `explain_rule` for a rule's documentation, `preview_fixes` for the fixes as a \
                 unified diff.{writes}",
                self.root.display()
            ))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let server = self.clone();
        let name = request.name.to_string();
        let arguments = request.arguments.unwrap_or_default();
        // Checking reads the disk and runs on every core: off the protocol's thread.
        tokio::task::spawn_blocking(move || server.call(&name, &arguments))
            .await
            .map_err(|error| ErrorData::internal_error(error.to_string(), None))?
            .map(CallToolResponse::from)
    }
}

fn schema(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(object) => Arc::new(object),
        _ => Arc::new(JsonObject::new()),
    }
}

const PATH_DESCRIPTION: &str = "A config file or a folder, relative to the folder served \
    (default: all of it). Folders are searched for every config, as `placement-lint check` does.";

impl Server {
    fn tools(&self) -> Vec<Tool> {
        let path = json!({ "type": "string", "description": PATH_DESCRIPTION });
        let selectors = |what: &str| {
            json!({
                "type": "array",
                "items": { "type": "string" },
                "description": format!("{what}: rule codes (PL101), code prefixes (PL1) or names")
            })
        };
        let unsafe_fixes = json!({
            "type": "boolean",
            "description": "Also the unsafe fixes (renames, removed targets), which change behaviour"
        });
        let read_only = ToolAnnotations::new().read_only(true).destructive(false);
        let mut tools = vec![
            Tool::new(
                "check",
                "Check Wrangler configs and their projects. Returns placement-lint's JSON report \
                 (version 1): each diagnostic's code, severity, message, help, file, 1-based \
                 range, the environments it affects, and its fix.",
                schema(json!({
                    "type": "object",
                    "properties": {
                        "path": path,
                        "select": selectors("Only these rules"),
                        "ignore": selectors("Not these rules"),
                    },
                    "additionalProperties": false,
                })),
            )
            .annotate(read_only.clone()),
            Tool::new(
                "explain_rule",
                "A rule's documentation: what it checks, why, examples, and its fix.",
                schema(json!({
                    "type": "object",
                    "properties": {
                        "rule": { "type": "string", "description": "A code (PL101) or name (placement-hint-removed)" },
                    },
                    "required": ["rule"],
                    "additionalProperties": false,
                })),
            )
            .annotate(read_only.clone()),
            Tool::new(
                "preview_fixes",
                "The fixes placement-lint would apply, as a unified diff; nothing is written.",
                schema(json!({
                    "type": "object",
                    "properties": { "path": path, "unsafe": unsafe_fixes },
                    "additionalProperties": false,
                })),
            )
            .annotate(read_only),
        ];
        if self.allow_writes {
            tools.push(
                Tool::new(
                    "apply_fixes",
                    "Apply the fixes to the files on disk (the safe ones; the unsafe ones too \
                     when `unsafe` is true) and return what was fixed and what is left.",
                    schema(json!({
                        "type": "object",
                        "properties": { "path": path, "unsafe": unsafe_fixes },
                        "additionalProperties": false,
                    })),
                )
                .annotate(ToolAnnotations::new().read_only(false).destructive(false)),
            );
        }
        tools
    }

    /// Runs a tool. A tool that fails (a path outside the folder, no config) answers with an
    /// error result the agent can read; an unknown tool or malformed arguments are protocol
    /// errors.
    fn call(&self, name: &str, arguments: &JsonObject) -> Result<CallToolResult, ErrorData> {
        let outcome = match name {
            "check" => self.check(arguments),
            "explain_rule" => explain_rule(arguments),
            "preview_fixes" => self.fixes(arguments, false),
            "apply_fixes" if self.allow_writes => self.fixes(arguments, true),
            "apply_fixes" => Err(ToolFailure::Refused(
                "writing is off: start the server with `placement-lint mcp --allow-writes`"
                    .to_owned(),
            )),
            _ => {
                return Err(ErrorData::invalid_params(
                    format!("unknown tool `{name}`"),
                    None,
                ));
            }
        };
        match outcome {
            Ok(result) => Ok(result),
            Err(ToolFailure::Arguments(message)) => Err(ErrorData::invalid_params(message, None)),
            Err(ToolFailure::Refused(message)) => {
                Ok(CallToolResult::error(vec![ContentBlock::text(message)]))
            }
        }
    }

    fn check(&self, arguments: &JsonObject) -> Result<CallToolResult, ToolFailure> {
        let path = string_argument(arguments, "path")?.unwrap_or(".");
        let select = strings_argument(arguments, "select")?;
        let ignore = strings_argument(arguments, "ignore")?;
        let run = self.run(path, &select, &ignore, FixRequest::OFF)?;
        Ok(CallToolResult::structured(json_report(&run)))
    }

    fn fixes(&self, arguments: &JsonObject, write: bool) -> Result<CallToolResult, ToolFailure> {
        let path = string_argument(arguments, "path")?.unwrap_or(".");
        let include_unsafe = bool_argument(arguments, "unsafe")?.unwrap_or(false);
        let mode = if include_unsafe {
            FixMode::SafeAndUnsafe
        } else {
            FixMode::Safe
        };
        let run = self.run(path, &[], &[], FixRequest { mode, write })?;
        let diff = output::fixes::diff(&run);
        let fixes: Vec<Value> = run
            .results
            .iter()
            .flat_map(|result| {
                result.fixes_applied.iter().map(|(code, title)| {
                    json!({ "file": paths::display(&result.path), "code": code, "title": title })
                })
            })
            .collect();
        // Files besides the configs that the fixes create or change (a `_routes.json`).
        let other_files: Vec<Value> = run
            .results
            .iter()
            .flat_map(|result| {
                result.other_files.iter().map(|file| {
                    json!({
                        "file": paths::display(&file.path),
                        "kind": if file.original.is_some() { "edit" } else { "create" },
                        "config": paths::display(&result.path),
                    })
                })
            })
            .collect();
        let summary = if diff.fixes == 0 {
            "No fixes to apply.".to_owned()
        } else if write {
            format!("Applied {} fix(es) in {} file(s).", diff.fixes, diff.files)
        } else {
            format!(
                "Would apply {} fix(es) in {} file(s); nothing was written.",
                diff.fixes, diff.files
            )
        };
        let structured = json!({
            "written": write && diff.fixes > 0,
            "fixes": fixes,
            "other_files": other_files,
            "diff": diff.text,
            "remaining": json_report(&run),
        });
        let mut result = CallToolResult::structured(structured);
        result.content = vec![ContentBlock::text(format!("{summary}\n{}", diff.text))];
        Ok(result)
    }

    /// Checks `path` (inside the folder served) as `placement-lint check` does, reading only
    /// files inside the folder.
    fn run(
        &self,
        path: &str,
        select: &[String],
        ignore: &[String],
        fix: FixRequest,
    ) -> Result<CheckRun, ToolFailure> {
        let target = self.resolve(path)?;
        let selection = RuleSelection::new(select, ignore).map_err(ToolFailure::Arguments)?;
        let mut discovery = discover::discover(std::slice::from_ref(&target), &self.root)
            .map_err(|error| ToolFailure::Refused(error.to_string()))?;
        // A config that is a link out of the folder is not read.
        discovery.configs.retain(|config| self.contains(config));
        discovery
            .shadowed
            .retain(|config, winner| self.contains(config) && self.contains(winner));
        if discovery.configs.is_empty() && discovery.shadowed.is_empty() {
            return Err(ToolFailure::Refused(format!(
                "no wrangler.toml, wrangler.json or wrangler.jsonc found in `{path}`"
            )));
        }
        let resolver = SettingsResolver::new(
            SettingsMode::NearestWithin(self.root.as_ref().clone()),
            Some(selection),
        );
        let resolved = settings::resolve_all(&resolver, &mut discovery).map_err(|failures| {
            let mut rendered = Vec::new();
            for failure in &failures {
                let _ = output::human::write_settings_failure(&mut rendered, failure, false);
            }
            ToolFailure::Refused(String::from_utf8_lossy(&rendered).into_owned())
        })?;
        let files = RootedFiles { root: &self.root };
        let run = crate::check::run(&discovery, &|config| resolved.of(config), fix, &files);
        if let Some(error) = run.errors.first() {
            return Err(ToolFailure::Refused(format!(
                "`{}`: {}",
                paths::display(&error.path),
                error.message
            )));
        }
        Ok(run)
    }

    /// A tool's path, made absolute and checked to lie inside the folder (links resolved).
    fn resolve(&self, path: &str) -> Result<PathBuf, ToolFailure> {
        let joined = self.root.join(path);
        let canonical = std::fs::canonicalize(&joined).map_err(|error| {
            ToolFailure::Refused(format!(
                "cannot read `{path}`: {}",
                placement_io::describe_io(&error)
            ))
        })?;
        if !canonical.starts_with(self.root.as_ref()) {
            return Err(ToolFailure::Refused(format!(
                "`{path}` is outside `{}`, the folder this server serves",
                self.root.display()
            )));
        }
        Ok(canonical)
    }

    fn contains(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|canonical| canonical.starts_with(self.root.as_ref()))
    }
}

/// Why a tool did not answer.
enum ToolFailure {
    /// Arguments of the wrong type: a protocol error.
    Arguments(String),
    /// The tool ran and refused (a path outside the folder, nothing found): an error result.
    Refused(String),
}

fn explain_rule(arguments: &JsonObject) -> Result<CallToolResult, ToolFailure> {
    let Some(code) = string_argument(arguments, "rule")? else {
        return Err(ToolFailure::Arguments("`rule` is required".to_owned()));
    };
    let Some(rule) = find_rule(code) else {
        return Err(ToolFailure::Refused(format!(
            "unknown rule `{code}`: a code such as PL101 or a name such as placement-hint-removed"
        )));
    };
    let docs = crate::rule_page(rule);
    let mut result = CallToolResult::structured(json!({
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.as_str(),
        "fix": rule.fix.describe(),
        "summary": rule.summary,
        "docs": rule.docs_text(),
        "url": rule.url(),
    }));
    result.content = vec![ContentBlock::text(docs)];
    Ok(result)
}

/// placement-lint's JSON report (version 1) of a run, as a value.
fn json_report(run: &CheckRun) -> Value {
    let mut buffer = Vec::new();
    let sources = Sources::new(run);
    output::json::write(&mut buffer, run, &sources)
        .ok()
        .and_then(|()| serde_json::from_slice(&buffer).ok())
        .unwrap_or(Value::Null)
}

fn string_argument<'a>(
    arguments: &'a JsonObject,
    key: &str,
) -> Result<Option<&'a str>, ToolFailure> {
    match arguments.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(ToolFailure::Arguments(format!("`{key}` must be a string"))),
    }
}

fn bool_argument(arguments: &JsonObject, key: &str) -> Result<Option<bool>, ToolFailure> {
    match arguments.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(_) => Err(ToolFailure::Arguments(format!("`{key}` must be a boolean"))),
    }
}

fn strings_argument(arguments: &JsonObject, key: &str) -> Result<Vec<String>, ToolFailure> {
    match arguments.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    ToolFailure::Arguments(format!("`{key}` must be an array of strings"))
                })
            })
            .collect(),
        Some(_) => Err(ToolFailure::Arguments(format!(
            "`{key}` must be an array of strings"
        ))),
    }
}

/// The disk, limited to the folder served: a project file outside it (a `main` of
/// `../../elsewhere.js`, a link out) is not read, and says so (PL007).
struct RootedFiles<'a> {
    root: &'a Path,
}

impl RootedFiles<'_> {
    fn inside(&self, path: &Path) -> Option<bool> {
        std::fs::canonicalize(path)
            .ok()
            .map(|canonical| canonical.starts_with(self.root))
    }
}

impl ProjectFiles for RootedFiles<'_> {
    fn read(&self, path: &Path) -> Option<String> {
        match self.inside(path) {
            Some(true) => DiskFiles.read(path),
            _ => None,
        }
    }

    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        match self.inside(path) {
            Some(true) => DiskFiles.read_or_skip(path),
            Some(false) => Err(Unread::Skipped(format!(
                "it is outside `{}`, the folder the MCP server serves",
                self.root.display()
            ))),
            None => Err(Unread::Missing),
        }
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        match self.inside(path) {
            Some(true) => DiskFiles.list_dir(path),
            _ => None,
        }
    }

    /// Whether a path exists is answered for paths outside the folder too (nothing is read):
    /// otherwise a `main` outside it would be reported missing (PL325) as well as unread.
    fn kind(&self, path: &Path) -> Option<PathKind> {
        DiskFiles.kind(path)
    }
}
