//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Lints Cloudflare Wrangler configuration for Smart Placement pitfalls.
#[derive(Debug, Parser)]
#[command(
    name = "placement-lint",
    version = crate::version::VERSION,
    about,
    args_conflicts_with_subcommands = true,
    after_help = "Run `placement-lint PATH` as a shorthand for `placement-lint check PATH`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check config files, project folders or any folder (the default command).
    Check(CheckArgs),
    /// Print a rule's documentation.
    Rule {
        /// The rule's code (PL101) or name (placement-hint-removed).
        code: String,
    },
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        output_format: RulesFormat,
    },
    /// Run the language server (LSP over stdin/stdout; logs on stderr).
    Server(ServerArgs),
    /// Serve the Model Context Protocol over stdin/stdout, for coding agents: tools to check,
    /// explain a rule and preview fixes, inside one folder.
    Mcp {
        /// The folder served; paths outside it are refused.
        root: PathBuf,
        /// Also offer `apply_fixes`, which writes fixes to disk.
        #[arg(long)]
        allow_writes: bool,
    },
    /// Print the settings that apply to a file, and the settings file each comes from.
    ShowSettings {
        /// A config file or a folder (its settings are those of a config in it).
        path: PathBuf,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Print the Workers of a tree, their Service Bindings and placements, as a graph.
    Graph(GraphArgs),
}

/// `placement-lint graph [PATH]`.
#[derive(Debug, Clone, Args)]
pub struct GraphArgs {
    /// A folder to search for configs, or config files. Defaults to the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Mermaid (pastes into a README or a GitHub comment), Graphviz DOT, or JSON.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

/// Where placement-lint's own settings come from.
#[derive(Debug, Clone, Default, Args)]
pub struct SettingsArgs {
    /// Use this settings file (placement-lint.toml, or a package.json with a
    /// "placement-lint" key) for every file, instead of each file's nearest one.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Read no settings file: the defaults and the command line only.
    #[arg(long)]
    pub isolated: bool,
}

/// The transport flags language clients add (vscode-languageclient appends `--stdio`). Only
/// stdio is served; the others are recognised so that they fail with a clear message rather than
/// a bare "unexpected argument".
#[derive(Debug, Clone, Default, Args)]
pub struct ServerArgs {
    /// Serve over stdin/stdout (the default; accepted because clients pass it).
    #[arg(long)]
    pub stdio: bool,
    /// The client's process id (accepted for clients that pass it; not used).
    #[arg(long = "clientProcessId", value_name = "PID")]
    pub client_process_id: Option<u32>,
    #[arg(long, hide = true, value_name = "PORT")]
    pub socket: Option<String>,
    #[arg(long, hide = true, value_name = "PORT")]
    pub port: Option<String>,
    #[arg(long, hide = true, value_name = "NAME")]
    pub pipe: Option<String>,
    #[arg(long = "node-ipc", hide = true)]
    pub node_ipc: bool,
}

impl ServerArgs {
    /// The transport asked for that this server does not offer.
    pub fn unsupported_transport(&self) -> Option<&'static str> {
        if self.socket.is_some() {
            Some("--socket")
        } else if self.port.is_some() {
            Some("--port")
        } else if self.pipe.is_some() {
            Some("--pipe")
        } else if self.node_ipc {
            Some("--node-ipc")
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    /// One line per diagnostic: `path:line:column: severity[CODE] message`.
    Concise,
    Json,
    Sarif,
    Github,
    /// GitLab's Code Quality report (JSON).
    Gitlab,
    /// JUnit XML: a test suite per config, a failing test case per diagnostic.
    Junit,
    /// Checkstyle XML.
    Checkstyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Config files (wrangler.toml, wrangler.json, wrangler.jsonc) or folders to search.
    /// Defaults to the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub output_format: OutputFormat,
    /// Apply safe fixes in place.
    #[arg(long)]
    pub fix: bool,
    /// Apply unsafe fixes too (implies --fix).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Only report these rules: codes, code prefixes (PL1) or names, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub select: Vec<String>,
    /// Never report these rules: codes, code prefixes or names, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub ignore: Vec<String>,
    /// Exit with status 1 when warnings are found, not only errors.
    #[arg(long)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Read the config's text from standard input and check it as the file PATH (its name
    /// sets the format; the files around PATH are read when it exists). With --fix, the
    /// fixed text goes to standard output and the report to standard error.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Print how many diagnostics each rule found, instead of the diagnostics.
    #[arg(long)]
    pub statistics: bool,
    /// Exit with status 0 even when problems are found (usage errors still exit with 2).
    #[arg(long, conflicts_with = "exit_non_zero_on_fix")]
    pub exit_zero: bool,
    /// Exit with status 1 when --fix changed a file, even if no problem is left.
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,
    /// Print the fixes as a unified diff and write nothing; exit with 1 when there are any
    /// (safe fixes; unsafe ones too with --unsafe-fixes).
    #[arg(long, conflicts_with_all = ["fix", "statistics"])]
    pub diff: bool,
    /// After the report, list the fixes applied and the fixes still available.
    #[arg(long)]
    pub show_fixes: bool,
    /// Write a `placement-lint-disable-next-line CODE -- TODO: reason` comment above every
    /// current finding in the configs, so that they pass from now on.
    #[arg(
        long,
        conflicts_with_all = ["fix", "unsafe_fixes", "diff", "stdin_filename", "statistics"]
    )]
    pub add_suppressions: bool,
}
