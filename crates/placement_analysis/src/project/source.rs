//! What the project rules need to know about one JavaScript or TypeScript file.
//!
//! The file is parsed with oxc, the facts are copied out into plain owned values and the syntax
//! tree is dropped right away. Working on the tree (never on the text) is what keeps comments
//! and string contents from ever firing a rule.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, ArrayExpressionElement, ArrowFunctionBody, ArrowFunctionExpression, Class,
    ClassElement, Declaration, ExportDefaultDeclarationKind, Expression, Function, FunctionBody,
    ImportDeclarationSpecifier, ModuleExportName, ObjectExpression, ObjectPropertyKind, Program,
    Statement,
};
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType};

use crate::span::Span;
use crate::syntax::SyntaxError;

/// The file extensions of sources the project rules read.
pub const SOURCE_EXTENSIONS: &[&str] = &["js", "mjs", "ts", "mts", "jsx", "tsx"];

/// How deep a chain of `const a = b` aliases is followed inside one file.
const MAX_ALIAS_DEPTH: usize = 8;

/// One parsed source file with its text and facts.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub facts: SourceFacts,
}

/// Everything the rules use from a module, independent of the syntax tree.
#[derive(Debug, Clone, Default)]
pub struct SourceFacts {
    /// The first syntax error, if the file does not parse (the other facts are then whatever the
    /// parser could recover).
    pub parse_error: Option<SyntaxError>,
    /// Every module specifier the file loads, in document order, without duplicates: static
    /// imports, `export ... from`, and `import("...")` with a literal. Type-only imports are left
    /// out: they load nothing at run time.
    pub imports: Vec<String>,
    /// Named and default exports (`default` for the default one).
    pub exports: Vec<Export>,
    /// `export * from "..."` sources (they forward every name but `default`).
    pub star_exports: Vec<String>,
    /// `addEventListener("fetch", ...)` registrations (service-worker syntax).
    pub fetch_listeners: Vec<Handler>,
    /// `<something>.NAME.fetch(...)` and `NAME.fetch(...)` calls, by `NAME`.
    pub binding_fetches: Vec<BindingFetch>,
}

#[derive(Debug, Clone)]
pub struct Export {
    pub name: String,
    /// The export statement.
    pub span: Span,
    pub value: ExportValue,
}

#[derive(Debug, Clone)]
pub enum ExportValue {
    /// An object literal or a class: a module Worker's handler object or an entrypoint.
    Object(WorkerObject),
    /// A function, or an array of functions (a Pages middleware chain).
    Function(Handler),
    /// A value taken from another module: `export { default } from "./app"`, or an imported
    /// binding exported again.
    Forward { specifier: String, name: String },
    /// Anything the analysis cannot see into (`new Hono()`, a call's result).
    Opaque,
}

/// A handler object (`export default { fetch() {} }`) or class.
#[derive(Debug, Clone)]
pub struct WorkerObject {
    pub is_class: bool,
    /// The superclass, when it is a plain name (`WorkerEntrypoint`).
    pub base: Option<String>,
    /// Whether every member is known: no spread, no computed key, no superclass that is not a
    /// plain name.
    pub complete: bool,
    pub fetch: Option<Handler>,
    /// The other handlers defined (`scheduled`, `queue`, RPC methods), for messages.
    pub members: Vec<String>,
}

/// A function that handles requests, with the awaited analytics calls found in its own body.
#[derive(Debug, Clone, Default)]
pub struct Handler {
    pub span: Span,
    pub blocking_calls: Vec<BlockingCall>,
}

/// `await fetch("https://http-intake.logs.datadoghq.com/...")` on the request's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingCall {
    /// The `fetch(...)` call.
    pub span: Span,
    /// The service's name (`Datadog`).
    pub service: &'static str,
    pub host: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingFetch {
    pub binding: String,
    /// The whole call.
    pub span: Span,
}

/// Analytics and logging services, by host name suffix: Smart Placement does not consider
/// them, and a response that waits for them is slower wherever the Worker runs.
const ANALYTICS_HOSTS: &[(&str, &str)] = &[
    ("datadoghq.com", "Datadog"),
    ("datadoghq.eu", "Datadog"),
    ("ddog-gov.com", "Datadog"),
    ("browser-intake-datadoghq.com", "Datadog"),
    ("newrelic.com", "New Relic"),
    ("nr-data.net", "New Relic"),
    ("honeycomb.io", "Honeycomb"),
    ("grafana.net", "Grafana"),
    ("amplitude.com", "Amplitude"),
    ("tinybird.co", "Tinybird"),
    ("segment.io", "Segment"),
    ("segment.com", "Segment"),
    ("mixpanel.com", "Mixpanel"),
    ("posthog.com", "PostHog"),
    ("axiom.co", "Axiom"),
    ("betterstack.com", "Better Stack"),
    ("logtail.com", "Better Stack"),
    ("logflare.app", "Logflare"),
    ("loggly.com", "Loggly"),
    ("papertrailapp.com", "Papertrail"),
    ("splunkcloud.com", "Splunk"),
    ("logz.io", "Logz.io"),
    ("sentry.io", "Sentry"),
    ("google-analytics.com", "Google Analytics"),
    ("plausible.io", "Plausible"),
    ("heapanalytics.com", "Heap"),
];

/// The analytics service a URL goes to, if any.
pub fn analytics_service(url: &str) -> Option<(&'static str, String)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = host_port
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    ANALYTICS_HOSTS.iter().find_map(|(suffix, service)| {
        let matches = host == *suffix
            || host
                .strip_suffix(suffix)
                .is_some_and(|head| head.ends_with('.'));
        matches.then(|| (*service, host.clone()))
    })
}

/// Whether `path` names a source file the rules read.
pub fn is_source_path(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| SOURCE_EXTENSIONS.contains(&ext))
}

thread_local! {
    // One arena per thread, reset between files: parsing thousands of small files then costs
    // no allocation beyond the first.
    static ALLOCATOR: RefCell<Allocator> = RefCell::new(Allocator::default());
}

/// Parses `text` (named `path`, whose extension picks JavaScript, TypeScript or JSX) and
/// extracts its facts. Never fails: a syntax error is recorded in the facts.
pub fn analyze(path: &Path, text: &str) -> SourceFacts {
    let source_type = SourceType::from_path(path)
        .unwrap_or_else(|_| SourceType::mjs())
        // Workers are ES modules or service-worker scripts; both parse as modules.
        .with_module(true);
    ALLOCATOR.with(|cell| {
        let mut allocator = cell.borrow_mut();
        allocator.reset();
        let parsed = Parser::new(&allocator, text, source_type).parse();
        let parse_error = parsed.diagnostics.iter().next().map(|error| {
            let span = error
                .labels
                .first()
                .map(|label| label.span())
                .map_or(Span::empty(0), |span| {
                    Span::new(span.start as usize, span.end as usize)
                });
            SyntaxError {
                span,
                message: error.message.to_string(),
            }
        });
        let mut facts = if parsed.panicked {
            SourceFacts::default()
        } else {
            Extractor::new(&parsed.program).run(&parsed.program)
        };
        facts.parse_error = parse_error;
        facts
    })
}

fn span_of(span: oxc_span::Span) -> Span {
    Span::new(span.start as usize, span.end as usize)
}

/// A top-level name and what it was bound to.
#[derive(Clone, Copy)]
enum Binding<'s, 'a> {
    Value(&'s Expression<'a>),
    Class(&'s Class<'a>),
    Function(&'s Function<'a>),
    Import {
        specifier: &'a str,
        imported: &'s str,
    },
    /// A namespace import or a binding without a value.
    Unknown,
}

struct Extractor<'s, 'a> {
    bindings: HashMap<&'s str, Binding<'s, 'a>>,
    facts: SourceFacts,
}

impl<'s, 'a> Extractor<'s, 'a> {
    fn new(program: &'s Program<'a>) -> Self {
        let mut bindings = HashMap::new();
        for statement in &program.body {
            collect_bindings(statement, &mut bindings);
        }
        Self {
            bindings,
            facts: SourceFacts::default(),
        }
    }

    fn run(mut self, program: &'s Program<'a>) -> SourceFacts {
        for statement in &program.body {
            self.exports_of(statement);
        }
        let mut visitor = ProgramVisitor {
            extractor: &mut self,
        };
        visitor.visit_program(program);
        self.facts
    }

    fn add_import(&mut self, specifier: &str) {
        if !self.facts.imports.iter().any(|known| known == specifier) {
            self.facts.imports.push(specifier.to_owned());
        }
    }

    fn export(&mut self, name: &str, span: Span, value: ExportValue) {
        self.facts.exports.push(Export {
            name: name.to_owned(),
            span,
            value,
        });
    }

    fn exports_of(&mut self, statement: &'s Statement<'a>) {
        match statement {
            Statement::ImportDeclaration(import) if !import.import_kind.is_type() => {
                self.add_import(&import.source.value);
            }
            Statement::ExportDefaultDeclaration(export) => {
                let value = match &export.declaration {
                    ExportDefaultDeclarationKind::FunctionDeclaration(function) => {
                        ExportValue::Function(self.function_handler(function))
                    }
                    ExportDefaultDeclarationKind::ClassDeclaration(class) => {
                        ExportValue::Object(self.class_object(class))
                    }
                    ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => return,
                    other => match other.as_expression() {
                        Some(expression) => self.value_of(expression, 0),
                        None => ExportValue::Opaque,
                    },
                };
                self.export("default", span_of(export.span), value);
            }
            Statement::ExportDeclaration(export) => {
                let span = span_of(export.span);
                match &export.declaration {
                    Declaration::VariableDeclaration(variables) => {
                        for declarator in &variables.declarations {
                            let Some(id) = declarator.id.get_binding_identifier() else {
                                continue;
                            };
                            let value = match &declarator.init {
                                Some(init) => self.value_of(init, 0),
                                None => ExportValue::Opaque,
                            };
                            self.export(&id.name, span, value);
                        }
                    }
                    Declaration::FunctionDeclaration(function) => {
                        if let Some(id) = &function.id {
                            let value = ExportValue::Function(self.function_handler(function));
                            self.export(&id.name, span, value);
                        }
                    }
                    Declaration::ClassDeclaration(class) => {
                        if let Some(id) = &class.id {
                            let value = ExportValue::Object(self.class_object(class));
                            self.export(&id.name, span, value);
                        }
                    }
                    _ => {}
                }
            }
            Statement::ExportNamedDeclaration(export) => {
                if export.export_kind.is_type() {
                    return;
                }
                for specifier in &export.specifiers {
                    if specifier.export_kind.is_type() {
                        continue;
                    }
                    let local = export_name(&specifier.local);
                    let value = self.value_of_name(local, 0);
                    self.export(
                        export_name(&specifier.exported),
                        span_of(export.span),
                        value,
                    );
                }
            }
            Statement::ExportFromDeclaration(export) => {
                if export.export_kind.is_type() {
                    return;
                }
                let source = export.source.value.as_str();
                self.add_import(source);
                for specifier in &export.specifiers {
                    if specifier.export_kind.is_type() {
                        continue;
                    }
                    let value = ExportValue::Forward {
                        specifier: source.to_owned(),
                        name: export_name(&specifier.local).to_owned(),
                    };
                    self.export(
                        export_name(&specifier.exported),
                        span_of(export.span),
                        value,
                    );
                }
            }
            Statement::ExportAllDeclaration(export) => {
                if export.export_kind.is_type() {
                    return;
                }
                let source = export.source.value.as_str();
                self.add_import(source);
                match &export.exported {
                    None => self.facts.star_exports.push(source.to_owned()),
                    Some(name) => {
                        self.export(export_name(name), span_of(export.span), ExportValue::Opaque);
                    }
                }
            }
            _ => {}
        }
    }

    fn value_of_name(&self, name: &str, depth: usize) -> ExportValue {
        match self.bindings.get(name).copied() {
            Some(Binding::Value(expression)) => self.value_of(expression, depth + 1),
            Some(Binding::Class(class)) => ExportValue::Object(self.class_object(class)),
            Some(Binding::Function(function)) => {
                ExportValue::Function(self.function_handler(function))
            }
            Some(Binding::Import {
                specifier,
                imported,
            }) => ExportValue::Forward {
                specifier: specifier.to_owned(),
                name: imported.to_owned(),
            },
            Some(Binding::Unknown) | None => ExportValue::Opaque,
        }
    }

    fn value_of(&self, expression: &'s Expression<'a>, depth: usize) -> ExportValue {
        if depth > MAX_ALIAS_DEPTH {
            return ExportValue::Opaque;
        }
        match expression.get_inner_expression() {
            Expression::ObjectExpression(object) => {
                ExportValue::Object(self.object_literal(object))
            }
            Expression::ClassExpression(class) => ExportValue::Object(self.class_object(class)),
            Expression::FunctionExpression(function) => {
                ExportValue::Function(self.function_handler(function))
            }
            Expression::ArrowFunctionExpression(arrow) => {
                ExportValue::Function(self.arrow_handler(arrow))
            }
            Expression::ArrayExpression(array) => {
                // `export const onRequest = [auth, render]`: each function runs for the request.
                let mut chain = Handler {
                    span: span_of(array.span),
                    blocking_calls: Vec::new(),
                };
                for element in &array.elements {
                    let Some(element) = element_expression(element) else {
                        continue;
                    };
                    if let ExportValue::Function(handler) = self.value_of(element, depth + 1) {
                        chain.blocking_calls.extend(handler.blocking_calls);
                    }
                }
                ExportValue::Function(chain)
            }
            Expression::Identifier(identifier) => self.value_of_name(&identifier.name, depth),
            _ => ExportValue::Opaque,
        }
    }

    fn object_literal(&self, object: &'s ObjectExpression<'a>) -> WorkerObject {
        let mut worker = WorkerObject {
            is_class: false,
            base: None,
            complete: true,
            fetch: None,
            members: Vec::new(),
        };
        for property in &object.properties {
            let ObjectPropertyKind::ObjectProperty(property) = property else {
                worker.complete = false;
                continue;
            };
            let Some(name) = property.key.static_name() else {
                worker.complete = false;
                continue;
            };
            if name == "fetch" {
                worker.fetch = Some(self.handler_of(&property.value, span_of(property.span)));
            } else {
                worker.members.push(name.into_owned());
            }
        }
        worker
    }

    fn class_object(&self, class: &'s Class<'a>) -> WorkerObject {
        let mut worker = WorkerObject {
            is_class: true,
            base: None,
            complete: true,
            fetch: None,
            members: Vec::new(),
        };
        if let Some(heritage) = &class.heritage {
            match heritage.expression.get_inner_expression() {
                Expression::Identifier(identifier) => {
                    worker.base = Some(identifier.name.to_string());
                }
                _ => worker.complete = false,
            }
        }
        for element in &class.body.body {
            let (key, is_static, handler) = match element {
                ClassElement::MethodDefinition(method) => (
                    &method.key,
                    method.r#static,
                    Some(self.function_handler(&method.value)),
                ),
                ClassElement::PropertyDefinition(property) => (
                    &property.key,
                    property.r#static,
                    property
                        .value
                        .as_ref()
                        .map(|value| self.handler_of(value, span_of(property.span))),
                ),
                ClassElement::AccessorProperty(accessor) => {
                    (&accessor.key, accessor.r#static, None)
                }
                ClassElement::StaticBlock(_) | ClassElement::TSIndexSignature(_) => continue,
            };
            if is_static {
                continue;
            }
            let Some(name) = key.static_name() else {
                if !key.is_private_identifier() {
                    worker.complete = false;
                }
                continue;
            };
            if name == "fetch" {
                worker.fetch = Some(handler.unwrap_or_else(|| Handler {
                    span: span_of(element.span()),
                    blocking_calls: Vec::new(),
                }));
            } else if name != "constructor" {
                worker.members.push(name.into_owned());
            }
        }
        worker
    }

    /// The handler a `fetch` member's value stands for: a function analysed here, or a value
    /// defined elsewhere (`fetch: app.fetch`), which still is a fetch handler.
    fn handler_of(&self, value: &'s Expression<'a>, span: Span) -> Handler {
        match self.value_of(value, 0) {
            ExportValue::Function(handler) => handler,
            _ => Handler {
                span,
                blocking_calls: Vec::new(),
            },
        }
    }

    fn function_handler(&self, function: &'s Function<'a>) -> Handler {
        let mut walker = HandlerWalker::new(self);
        if let Some(body) = &function.body {
            walker.walk_body(body);
        }
        Handler {
            span: span_of(function.span),
            blocking_calls: walker.blocking_calls,
        }
    }

    fn arrow_handler(&self, arrow: &'s ArrowFunctionExpression<'a>) -> Handler {
        let mut walker = HandlerWalker::new(self);
        walker.walk_arrow_body(&arrow.body);
        Handler {
            span: span_of(arrow.span),
            blocking_calls: walker.blocking_calls,
        }
    }

    /// The URL text an expression stands for, when it is written in this file: a string, the
    /// head of a template, a top-level constant, or `new Request(url)` / `new URL(url)`.
    fn url_of(&self, expression: &Expression<'a>, depth: usize) -> Option<String> {
        if depth > MAX_ALIAS_DEPTH {
            return None;
        }
        match expression.get_inner_expression() {
            Expression::StringLiteral(literal) => Some(literal.value.to_string()),
            Expression::TemplateLiteral(template) => {
                let head = template.quasis.first()?;
                let head = head
                    .value
                    .cooked
                    .map_or_else(|| head.value.raw.to_string(), |cooked| cooked.to_string());
                if !head.is_empty() {
                    return Some(head);
                }
                let first = template.expressions.first()?;
                let prefix = self.url_of(first, depth + 1)?;
                let rest = template
                    .quasis
                    .get(1)
                    .map(|quasi| quasi.value.raw.to_string())
                    .unwrap_or_default();
                Some(prefix + &rest)
            }
            Expression::Identifier(identifier) => match self.bindings.get(identifier.name.as_str())
            {
                Some(Binding::Value(init)) => self.url_of(init, depth + 1),
                _ => None,
            },
            Expression::NewExpression(new) if is_request_or_url(&new.callee) => {
                let first = new.arguments.first()?.as_expression()?;
                self.url_of(first, depth + 1)
            }
            _ => None,
        }
    }
}

fn is_request_or_url(callee: &Expression<'_>) -> bool {
    matches!(callee.get_inner_expression(), Expression::Identifier(id) if id.name == "Request" || id.name == "URL")
}

fn element_expression<'s, 'a>(
    element: &'s ArrayExpressionElement<'a>,
) -> Option<&'s Expression<'a>> {
    element.as_expression()
}

fn export_name<'s>(name: &'s ModuleExportName<'_>) -> &'s str {
    match name {
        ModuleExportName::IdentifierName(identifier) => identifier.name.as_str(),
        ModuleExportName::IdentifierReference(identifier) => identifier.name.as_str(),
        ModuleExportName::StringLiteral(literal) => literal.value.as_str(),
    }
}

fn collect_bindings<'s, 'a>(
    statement: &'s Statement<'a>,
    bindings: &mut HashMap<&'s str, Binding<'s, 'a>>,
) {
    let declaration = match statement {
        Statement::ImportDeclaration(import) => {
            let specifier = import.source.value.as_str();
            for item in import.specifiers.iter().flatten() {
                let binding = match item {
                    ImportDeclarationSpecifier::ImportSpecifier(named) => Binding::Import {
                        specifier,
                        imported: export_name(&named.imported),
                    },
                    ImportDeclarationSpecifier::ImportDefaultSpecifier(_) => Binding::Import {
                        specifier,
                        imported: "default",
                    },
                    ImportDeclarationSpecifier::ImportNamespaceSpecifier(_) => Binding::Unknown,
                };
                bindings.insert(item.local().name.as_str(), binding);
            }
            return;
        }
        Statement::ExportDeclaration(export) => &export.declaration,
        other => match other.as_declaration() {
            Some(declaration) => declaration,
            None => return,
        },
    };
    match declaration {
        Declaration::VariableDeclaration(variables) => {
            for declarator in &variables.declarations {
                match (declarator.id.get_binding_identifier(), &declarator.init) {
                    (Some(id), Some(init)) => {
                        bindings.insert(id.name.as_str(), Binding::Value(init));
                    }
                    (Some(id), None) => {
                        bindings.insert(id.name.as_str(), Binding::Unknown);
                    }
                    (None, _) => {}
                }
            }
        }
        Declaration::FunctionDeclaration(function) => {
            if let Some(id) = &function.id {
                bindings.insert(id.name.as_str(), Binding::Function(function));
            }
        }
        Declaration::ClassDeclaration(class) => {
            if let Some(id) = &class.id {
                bindings.insert(id.name.as_str(), Binding::Class(class));
            }
        }
        _ => {}
    }
}

/// Walks one handler's own body for awaited analytics calls. It does not enter nested
/// functions (they run when something calls them, maybe later) nor the arguments of a
/// `waitUntil(...)` call (they run after the response).
struct HandlerWalker<'e, 's, 'a> {
    extractor: &'e Extractor<'s, 'a>,
    nesting: usize,
    blocking_calls: Vec<BlockingCall>,
}

impl<'e, 's, 'a> HandlerWalker<'e, 's, 'a> {
    fn new(extractor: &'e Extractor<'s, 'a>) -> Self {
        Self {
            extractor,
            nesting: 0,
            blocking_calls: Vec::new(),
        }
    }

    fn walk_body(&mut self, body: &FunctionBody<'a>) {
        self.nesting += 1;
        walk::walk_function_body(self, body);
        self.nesting -= 1;
    }

    fn walk_arrow_body(&mut self, body: &ArrowFunctionBody<'a>) {
        match body {
            ArrowFunctionBody::FunctionBody(body) => self.walk_body(body),
            other => {
                if let Some(expression) = other.as_expression() {
                    self.nesting += 1;
                    self.visit_expression(expression);
                    self.nesting -= 1;
                }
            }
        }
    }
}

impl<'a> Visit<'a> for HandlerWalker<'_, '_, 'a> {
    fn visit_function_body(&mut self, _body: &FunctionBody<'a>) {
        // A nested function's body: not on this handler's path.
    }

    fn visit_arrow_function_expression(&mut self, _arrow: &ArrowFunctionExpression<'a>) {}

    fn visit_class(&mut self, _class: &Class<'a>) {}

    fn visit_call_expression(&mut self, call: &oxc_ast::ast::CallExpression<'a>) {
        let callee_name = match call.callee.get_inner_expression() {
            Expression::Identifier(identifier) => Some(identifier.name.as_str()),
            other => other
                .as_member_expression()
                .and_then(|member| member.static_property_name()),
        };
        if callee_name == Some("waitUntil") {
            return;
        }
        walk::walk_call_expression(self, call);
    }

    fn visit_await_expression(&mut self, await_expression: &oxc_ast::ast::AwaitExpression<'a>) {
        if self.nesting > 0
            && let Expression::CallExpression(call) =
                await_expression.argument.get_inner_expression()
            && is_global_fetch(&call.callee)
            && let Some(url) = call
                .arguments
                .first()
                .and_then(Argument::as_expression)
                .and_then(|first| self.extractor.url_of(first, 0))
            && let Some((service, host)) = analytics_service(&url)
        {
            self.blocking_calls.push(BlockingCall {
                span: span_of(call.span),
                service,
                host,
            });
        }
        walk::walk_await_expression(self, await_expression);
    }
}

/// `fetch(...)`, `globalThis.fetch(...)` or `self.fetch(...)`: the global fetch, not a
/// binding's.
fn is_global_fetch(callee: &Expression<'_>) -> bool {
    match callee.get_inner_expression() {
        Expression::Identifier(identifier) => identifier.name == "fetch",
        other => other.as_member_expression().is_some_and(|member| {
            member.static_property_name() == Some("fetch")
                && matches!(member.object().get_inner_expression(), Expression::Identifier(id) if id.name == "globalThis" || id.name == "self")
        }),
    }
}

/// One pass over the whole program for calls that matter wherever they are.
struct ProgramVisitor<'x, 's, 'a> {
    extractor: &'x mut Extractor<'s, 'a>,
}

impl<'a> Visit<'a> for ProgramVisitor<'_, '_, 'a> {
    fn visit_call_expression(&mut self, call: &oxc_ast::ast::CallExpression<'a>) {
        if let Some(binding) = binding_of_fetch(&call.callee) {
            self.extractor.facts.binding_fetches.push(BindingFetch {
                binding,
                span: span_of(call.span),
            });
        }
        if is_fetch_listener(call) {
            let handler = call
                .arguments
                .get(1)
                .and_then(Argument::as_expression)
                .map(|callback| self.extractor.handler_of(callback, span_of(call.span)))
                .unwrap_or_else(|| Handler {
                    span: span_of(call.span),
                    blocking_calls: Vec::new(),
                });
            self.extractor.facts.fetch_listeners.push(handler);
        }
        walk::walk_call_expression(self, call);
    }

    fn visit_import_expression(&mut self, import: &oxc_ast::ast::ImportExpression<'a>) {
        if let Expression::StringLiteral(source) = import.source.get_inner_expression() {
            self.extractor.add_import(&source.value);
        }
        walk::walk_import_expression(self, import);
    }
}

/// `NAME` in `x.NAME.fetch(...)`, `x["NAME"].fetch(...)` or `NAME.fetch(...)`.
fn binding_of_fetch(callee: &Expression<'_>) -> Option<String> {
    let member = callee.get_inner_expression().as_member_expression()?;
    if member.static_property_name() != Some("fetch") {
        return None;
    }
    match member.object().get_inner_expression() {
        Expression::Identifier(identifier) => Some(identifier.name.to_string()),
        Expression::ChainExpression(chain) => chain
            .expression
            .as_member_expression()
            .and_then(|inner| inner.static_property_name())
            .map(str::to_owned),
        other => other
            .as_member_expression()
            .and_then(|inner| inner.static_property_name())
            .map(str::to_owned),
    }
}

/// `addEventListener("fetch", ...)`, also on `self` or `globalThis`.
fn is_fetch_listener(call: &oxc_ast::ast::CallExpression<'_>) -> bool {
    let is_listener = match call.callee.get_inner_expression() {
        Expression::Identifier(identifier) => identifier.name == "addEventListener",
        other => other.as_member_expression().is_some_and(|member| {
            member.static_property_name() == Some("addEventListener")
                && matches!(member.object().get_inner_expression(), Expression::Identifier(id) if id.name == "self" || id.name == "globalThis")
        }),
    };
    is_listener
        && call
            .arguments
            .first()
            .and_then(Argument::as_expression)
            .is_some_and(|event| {
                matches!(event.get_inner_expression(), Expression::StringLiteral(name) if name.value == "fetch")
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> SourceFacts {
        analyze(Path::new("index.ts"), text)
    }

    fn default_export(facts: &SourceFacts) -> &ExportValue {
        &facts
            .exports
            .iter()
            .find(|export| export.name == "default")
            .expect("a default export")
            .value
    }

    #[test]
    fn reads_module_worker_handlers() {
        let facts = facts(
            "export default { async fetch(req, env, ctx) { return new Response('ok'); }, scheduled() {} };",
        );
        let ExportValue::Object(object) = default_export(&facts) else {
            panic!("an object");
        };
        assert!(object.fetch.is_some() && object.complete);
        assert_eq!(object.members, ["scheduled"]);
    }

    #[test]
    fn reads_class_entrypoints_and_spreads() {
        let facts = facts(
            "import { WorkerEntrypoint } from 'cloudflare:workers';\n\
             export default class extends WorkerEntrypoint { add(a, b) { return a + b; } }",
        );
        let ExportValue::Object(object) = default_export(&facts) else {
            panic!("a class");
        };
        assert!(object.is_class && object.fetch.is_none() && object.complete);
        assert_eq!(object.base.as_deref(), Some("WorkerEntrypoint"));
        let spread = self::facts("const base = {}; export default { ...base };");
        let ExportValue::Object(object) = default_export(&spread) else {
            panic!("an object");
        };
        assert!(!object.complete);
    }

    #[test]
    fn follows_local_names_and_imports() {
        let facts = facts(
            "import app from './app';\nimport { other as renamed } from './other';\n\
             export { renamed as named };\nexport default app;",
        );
        assert!(matches!(
            default_export(&facts),
            ExportValue::Forward { specifier, name } if specifier == "./app" && name == "default"
        ));
        assert_eq!(facts.imports, ["./app", "./other"]);
        let reexport = self::facts("export { default } from './app';\nexport * from './lib';");
        assert!(matches!(
            default_export(&reexport),
            ExportValue::Forward { .. }
        ));
        assert_eq!(reexport.star_exports, ["./lib"]);
    }

    #[test]
    fn finds_binding_fetches_but_not_in_comments_or_strings() {
        let facts = facts(
            "// env.ASSETS.fetch(request)\nconst s = 'env.ASSETS.fetch(request)';\n\
             export default { fetch(r, env) { return env.ASSETS.fetch(r); } };\n\
             export const onRequest = ({ env: { ASSETS } }) => ASSETS.fetch('/');",
        );
        let names: Vec<_> = facts
            .binding_fetches
            .iter()
            .map(|b| b.binding.as_str())
            .collect();
        assert_eq!(names, ["ASSETS", "ASSETS"]);
    }

    #[test]
    fn finds_awaited_analytics_outside_wait_until() {
        let facts = facts(
            "const DD = 'https://http-intake.logs.datadoghq.com/api/v2/logs';\n\
             export default { async fetch(req, env, ctx) {\n\
               await fetch(DD, { method: 'POST' });\n\
               ctx.waitUntil(fetch('https://api.honeycomb.io/1/events/x'));\n\
               ctx.waitUntil((async () => { await fetch('https://api.honeycomb.io/1/events/x'); })());\n\
               await fetch(`https://api2.amplitude.com/2/httpapi?x=${1}`);\n\
               await fetch('https://api.example.com/data');\n\
               return new Response('ok');\n\
             } };",
        );
        let ExportValue::Object(object) = default_export(&facts) else {
            panic!("an object");
        };
        let services: Vec<_> = object
            .fetch
            .as_ref()
            .unwrap()
            .blocking_calls
            .iter()
            .map(|call| call.service)
            .collect();
        assert_eq!(services, ["Datadog", "Amplitude"]);
    }

    #[test]
    fn reads_service_worker_listeners_and_parse_errors() {
        let facts =
            facts("addEventListener('fetch', (event) => event.respondWith(new Response('x')));");
        assert_eq!(facts.fetch_listeners.len(), 1);
        let broken = self::facts("export default { fetch( {");
        assert!(broken.parse_error.is_some());
    }

    #[test]
    fn recognizes_analytics_hosts() {
        assert_eq!(
            analytics_service("https://http-intake.logs.datadoghq.com/v1").map(|s| s.0),
            Some("Datadog")
        );
        assert_eq!(analytics_service("https://notdatadoghq.com/"), None);
        assert_eq!(analytics_service("/relative"), None);
        assert_eq!(
            analytics_service("https://user@log-api.newrelic.com:443/log/v1").map(|s| s.0),
            Some("New Relic")
        );
    }
}
