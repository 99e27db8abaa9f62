//! What a module exports, followed through its top-level names: handler objects and classes,
//! functions, and values forwarded from other modules.

use rustc_hash::FxHashMap;

use oxc_ast::ast::{
    ArrayExpressionElement, ArrowFunctionExpression, Class, ClassElement, Declaration,
    ExportDefaultDeclarationKind, Expression, Function, ImportDeclarationSpecifier,
    ModuleExportName, ObjectExpression, ObjectPropertyKind, Program, Statement,
};
use oxc_span::GetSpan;

use super::calls::{Values, arrow_body_facts, body_facts};
use super::facts::{
    CallTarget, Export, ExportValue, Handler, LocalFunction, SourceFacts, WorkerObject,
};
use super::span_of;
use crate::span::Span;

/// How deep a chain of `const a = b` aliases is followed inside one file.
const MAX_ALIAS_DEPTH: usize = 8;

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

/// A module's top-level names, and what its exports and handlers are made of.
pub(super) struct Extractor<'s, 'a> {
    bindings: FxHashMap<&'s str, Binding<'s, 'a>>,
}

impl<'s, 'a> Extractor<'s, 'a> {
    pub(super) fn new(program: &'s Program<'a>) -> Self {
        let mut bindings = FxHashMap::default();
        for statement in &program.body {
            collect_bindings(statement, &mut bindings);
        }
        Self { bindings }
    }

    /// The module's static imports and its exports, statement by statement.
    pub(super) fn imports_and_exports(&self, program: &Program<'a>) -> SourceFacts {
        let mut facts = SourceFacts::default();
        for statement in &program.body {
            self.exports_of(statement, &mut facts);
        }
        facts
    }

    fn exports_of(&self, statement: &Statement<'a>, facts: &mut SourceFacts) {
        match statement {
            Statement::ImportDeclaration(import) if !import.import_kind.is_type() => {
                facts.add_import(&import.source.value);
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
                push_export(facts, "default", span_of(export.span), value);
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
                            push_export(facts, &id.name, span, value);
                        }
                    }
                    Declaration::FunctionDeclaration(function) => {
                        if let Some(id) = &function.id {
                            let value = ExportValue::Function(self.function_handler(function));
                            push_export(facts, &id.name, span, value);
                        }
                    }
                    Declaration::ClassDeclaration(class) => {
                        if let Some(id) = &class.id {
                            let value = ExportValue::Object(self.class_object(class));
                            push_export(facts, &id.name, span, value);
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
                    push_export(
                        facts,
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
                facts.add_import(source);
                for specifier in &export.specifiers {
                    if specifier.export_kind.is_type() {
                        continue;
                    }
                    let value = ExportValue::Forward {
                        specifier: source.to_owned(),
                        name: export_name(&specifier.local).to_owned(),
                    };
                    push_export(
                        facts,
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
                facts.add_import(source);
                match &export.exported {
                    None => facts.star_exports.push(source.to_owned()),
                    Some(name) => {
                        push_export(
                            facts,
                            export_name(name),
                            span_of(export.span),
                            ExportValue::Opaque,
                        );
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

    fn value_of(&self, expression: &Expression<'a>, depth: usize) -> ExportValue {
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
                    ..Handler::default()
                };
                for element in &array.elements {
                    let Some(element) = element_expression(element) else {
                        continue;
                    };
                    match self.value_of(element, depth + 1) {
                        ExportValue::Function(handler) => chain.append(handler),
                        _ => chain.opaque = true,
                    }
                }
                ExportValue::Function(chain)
            }
            Expression::Identifier(identifier) => self.value_of_name(&identifier.name, depth),
            _ => ExportValue::Opaque,
        }
    }

    fn object_literal(&self, object: &ObjectExpression<'a>) -> WorkerObject {
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

    fn class_object(&self, class: &Class<'a>) -> WorkerObject {
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
                    opaque: true,
                    ..Handler::default()
                }));
            } else if name != "constructor" {
                worker.members.push(name.into_owned());
            }
        }
        worker
    }

    fn function_handler(&self, function: &Function<'a>) -> Handler {
        let Some(body) = &function.body else {
            return Handler {
                span: span_of(function.span),
                opaque: true,
                ..Handler::default()
            };
        };
        let facts = body_facts(self, body);
        Handler {
            span: span_of(function.span),
            awaited_fetches: facts.awaited_fetches,
            calls: facts.calls,
            branches: facts.branches,
            opaque: false,
        }
    }

    fn arrow_handler(&self, arrow: &ArrowFunctionExpression<'a>) -> Handler {
        let facts = arrow_body_facts(self, &arrow.body);
        Handler {
            span: span_of(arrow.span),
            awaited_fetches: facts.awaited_fetches,
            calls: facts.calls,
            branches: facts.branches,
            opaque: false,
        }
    }

    /// Adds the module's own functions that handlers call by name (and those they call in
    /// turn) to `facts.functions`, each analysed once.
    pub(super) fn add_called_functions(&self, facts: &mut SourceFacts) {
        let mut wanted: Vec<String> = Vec::new();
        let note = |handler: &Handler, wanted: &mut Vec<String>| {
            for call in &handler.calls {
                if let CallTarget::Helper { module: None, name } = &call.target
                    && !wanted.contains(name)
                {
                    wanted.push(name.clone());
                }
            }
        };
        for export in &facts.exports {
            match &export.value {
                ExportValue::Function(handler) => note(handler, &mut wanted),
                ExportValue::Object(object) => {
                    if let Some(fetch) = &object.fetch {
                        note(fetch, &mut wanted);
                    }
                }
                _ => {}
            }
        }
        for listener in &facts.fetch_listeners {
            note(listener, &mut wanted);
        }
        let mut next = 0;
        while next < wanted.len() {
            let name = wanted[next].clone();
            next += 1;
            if let ExportValue::Function(handler) = self.value_of_name(&name, 0) {
                note(&handler, &mut wanted);
                facts.functions.push(LocalFunction { name, handler });
            }
        }
    }

    /// The URL text an expression stands for, when it is written in this file: a string, the
    /// head of a template, a top-level constant, or `new Request(url)` / `new URL(url)`.
    fn url_in(&self, expression: &Expression<'a>, depth: usize) -> Option<String> {
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
                let prefix = self.url_in(first, depth + 1)?;
                let rest = template
                    .quasis
                    .get(1)
                    .map(|quasi| quasi.value.raw.to_string())
                    .unwrap_or_default();
                Some(prefix + &rest)
            }
            Expression::Identifier(identifier) => match self.bindings.get(identifier.name.as_str())
            {
                Some(Binding::Value(init)) => self.url_in(init, depth + 1),
                _ => None,
            },
            Expression::NewExpression(new) if is_request_or_url(&new.callee) => {
                let first = new.arguments.first()?.as_expression()?;
                self.url_in(first, depth + 1)
            }
            _ => None,
        }
    }
}

impl<'a> Values<'a> for Extractor<'_, 'a> {
    fn url_of(&self, expression: &Expression<'a>) -> Option<String> {
        self.url_in(expression, 0)
    }

    /// The handler a `fetch` member's value stands for: a function analysed here, or a value
    /// defined elsewhere (`fetch: app.fetch`), which still is a fetch handler.
    fn handler_of(&self, value: &Expression<'a>, span: Span) -> Handler {
        match self.value_of(value, 0) {
            ExportValue::Function(handler) => handler,
            _ => Handler {
                span,
                opaque: true,
                ..Handler::default()
            },
        }
    }

    fn helper_of(&self, name: &str) -> Option<(Option<String>, String)> {
        match self.bindings.get(name)? {
            Binding::Function(_) => Some((None, name.to_owned())),
            Binding::Value(value)
                if matches!(
                    value.get_inner_expression(),
                    Expression::ArrowFunctionExpression(_) | Expression::FunctionExpression(_)
                ) =>
            {
                Some((None, name.to_owned()))
            }
            Binding::Import {
                specifier,
                imported,
            } => Some((Some((*specifier).to_owned()), (*imported).to_owned())),
            _ => None,
        }
    }
}

fn push_export(facts: &mut SourceFacts, name: &str, span: Span, value: ExportValue) {
    facts.exports.push(Export {
        name: name.to_owned(),
        span,
        value,
    });
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
    bindings: &mut FxHashMap<&'s str, Binding<'s, 'a>>,
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
