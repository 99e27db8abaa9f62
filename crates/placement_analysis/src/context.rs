//! What a rule's check function sees (a read-only [`Context`], built once per check) and where
//! it reports ([`Sink`]).

use std::path::Path;
use std::sync::OnceLock;

use crate::date::Date;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::edits::{TextLines, remove_entry};
use crate::model::ConfigModel;
use crate::placement::PlacementSite;
use crate::project::deployments::Deployment;
use crate::project::{Project, ProjectFiles};
use crate::rule::Rule;
use crate::span::{LineIndex, Span};
use crate::syntax::{Format, ParsedConfig, Table};
use crate::value_sites::ValueScope;

/// Everything known about the config being checked, shared by every rule.
pub struct Context<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// The config's line index, built when first asked for (a fix's edit, a suppression
    /// comment): most checks need none, and a large config takes a while to index.
    pub(crate) lines: &'a OnceLock<LineIndex>,
    pub parsed: &'a ParsedConfig,
    pub model: &'a ConfigModel<'a>,
    /// Every `placement` written in the file, with the environments that use it.
    pub placements: &'a [PlacementSite<'a>],
    /// Every environment as it deploys (effective placement, `main`, `assets`), top level first.
    pub deployments: &'a [Deployment<'a>],
    /// The files around the config, when checking a project (`None` for the config alone:
    /// the project rules then do nothing), loaded on the first asking ([`Context::project`]).
    pub(crate) files: Option<&'a dyn ProjectFiles>,
    /// The project loaded from `files`: a large config's rules start on other threads while
    /// one thread loads it.
    pub(crate) project: OnceLock<Option<Project>>,
    /// Today's UTC date, when the caller gave one ([`crate::Inputs`]).
    pub today: Option<Date>,
    /// Facts several rules share, each listed on the first asking
    /// (the scopes the value rules go through).
    pub(crate) value_scopes: OnceLock<Vec<ValueScope<'a>>>,
}

impl<'a> Context<'a> {
    pub fn format(&self) -> Format {
        self.parsed.format
    }

    /// The project around the config: its sources, paths and Pages layout (`None` when only
    /// the config is checked). Loaded on the first asking, once.
    pub fn project(&self) -> Option<&Project> {
        self.project
            .get_or_init(|| {
                self.files.map(|files| {
                    Project::load(
                        self.path,
                        self.model,
                        self.placements,
                        self.deployments,
                        files,
                    )
                })
            })
            .as_ref()
    }

    /// The config's line index.
    pub fn lines(&self) -> &'a LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.text))
    }

    pub fn source(&self) -> TextLines<'a> {
        TextLines {
            text: self.text,
            lines: self.lines(),
        }
    }

    /// The fix "Remove `KEY`": removes `table.entries[index]` with its separator, or its whole
    /// lines, keeping the syntax valid.
    pub fn remove_entry_fix(
        &self,
        table: &Table,
        index: usize,
        applicability: Applicability,
    ) -> Fix {
        Fix::new(
            format!("Remove `{}`", table.entries()[index].key),
            applicability,
            vec![remove_entry(&self.source(), self.format(), table, index)],
        )
    }
}

/// Where one rule reports. Each diagnostic gets the rule's code and default severity; the
/// returned `&mut Diagnostic` sets help, environments, a fix or related locations.
pub struct Sink<'s> {
    rule: &'static Rule,
    config: &'s Path,
    diagnostics: &'s mut Vec<Diagnostic>,
}

impl<'s> Sink<'s> {
    pub(crate) fn new(
        rule: &'static Rule,
        config: &'s Path,
        diagnostics: &'s mut Vec<Diagnostic>,
    ) -> Self {
        Self {
            rule,
            config,
            diagnostics,
        }
    }

    /// Reports at `span` in the config file.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        let config = self.config;
        self.report_in(config, span, message)
    }

    /// Reports at `span` in another file of the project (a source file, `package.json`).
    pub fn report_in(
        &mut self,
        file: &Path,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let index = self.diagnostics.len();
        self.diagnostics
            .push(Diagnostic::new(self.rule, file, span, message));
        &mut self.diagnostics[index]
    }
}
