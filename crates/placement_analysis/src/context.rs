//! What a rule's check function sees, and how it reports.

use std::cell::OnceCell;
use std::path::Path;
use std::rc::Rc;

use crate::diagnostic::{Diagnostic, Fix, Related};
use crate::edits::TextLines;
use crate::model::ConfigModel;
use crate::placement::PlacementSite;
use crate::project::Project;
use crate::project::deployments::{Deployment, deployments};
use crate::rule::Rule;
use crate::span::{LineIndex, Span};
use crate::syntax::{Format, ParsedConfig};

pub struct Context<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub parsed: &'a ParsedConfig,
    pub model: ConfigModel<'a>,
    /// Every `placement` written in the file, with the environments that use it.
    /// Shared, so that a rule can hold them while it reports.
    pub placements: Rc<[PlacementSite<'a>]>,
    /// Each environment as it deploys, computed on first use by the project rules.
    deployments: OnceCell<Rc<[Deployment<'a>]>>,
    /// The files around the config, when checking a project (`None` for the config alone:
    /// the project rules then do nothing).
    pub project: Option<&'a Project>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        path: &'a Path,
        text: &'a str,
        lines: &'a LineIndex,
        parsed: &'a ParsedConfig,
    ) -> Self {
        let model = ConfigModel::new(&parsed.root);
        let placements: Rc<[PlacementSite<'a>]> = PlacementSite::collect(&model).into();
        Self {
            path,
            text,
            lines,
            parsed,
            model,
            placements,
            deployments: OnceCell::new(),
            project: None,
            diagnostics: Vec::new(),
        }
    }

    /// Every environment as it deploys (effective placement, `main`, `assets`), top level first.
    pub fn deployments(&self) -> Rc<[Deployment<'a>]> {
        self.deployments
            .get_or_init(|| deployments(&self.model, &self.placements).into())
            .clone()
    }

    pub fn format(&self) -> Format {
        self.parsed.format
    }

    pub fn source(&self) -> TextLines<'a> {
        TextLines {
            text: self.text,
            lines: self.lines,
        }
    }

    /// Reports a diagnostic at `span` in the config file with the rule's default severity;
    /// the returned reference sets help, environments, a fix or related locations.
    pub fn report(
        &mut self,
        rule: &'static Rule,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic {
            rule,
            severity: rule.severity,
            file: self.path.to_path_buf(),
            span,
            message: message.into(),
            help: None,
            environments: Vec::new(),
            fix: None,
            related: Vec::new(),
        });
        self.diagnostics.last_mut().expect("just pushed")
    }
}

impl Diagnostic {
    pub fn with_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_environments(&mut self, environments: &[String]) -> &mut Self {
        self.environments = environments.to_vec();
        self
    }

    pub fn with_fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_related(&mut self, related: Related) -> &mut Self {
        self.related.push(related);
        self
    }
}
