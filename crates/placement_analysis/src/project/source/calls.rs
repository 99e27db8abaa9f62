//! The calls the rules care about: the fetches a handler awaits, assets-binding fetches,
//! `fetch` listeners and dynamic imports, found by walking the syntax tree.

use oxc_ast::ast::{
    Argument, ArrowFunctionBody, ArrowFunctionExpression, AwaitExpression, CallExpression, Class,
    Expression, FunctionBody, ImportExpression, Program,
};
use oxc_ast_visit::{Visit, walk};

use super::facts::{AwaitedFetch, BindingFetch, Handler, SourceFacts};
use super::span_of;
use crate::span::Span;

/// What the call visitors ask about the module's values, which the export analysis knows.
pub(super) trait Values<'a> {
    /// The URL text `expression` stands for, when it is written in this file.
    fn url_of(&self, expression: &Expression<'a>) -> Option<String>;
    /// The handler `value` stands for (a function, or a name bound to one); `span` when the
    /// function cannot be seen.
    fn handler_of(&self, value: &Expression<'a>, span: Span) -> Handler;
}

/// The fetches a function body awaits on the request's path.
pub(super) fn awaited_fetches<'a>(
    values: &dyn Values<'a>,
    body: &FunctionBody<'a>,
) -> Vec<AwaitedFetch> {
    let mut walker = HandlerWalker::new(values);
    walker.walk_body(body);
    walker.awaited_fetches
}

/// The fetches an arrow function's body awaits on the request's path.
pub(super) fn awaited_fetches_in_arrow<'a>(
    values: &dyn Values<'a>,
    body: &ArrowFunctionBody<'a>,
) -> Vec<AwaitedFetch> {
    let mut walker = HandlerWalker::new(values);
    walker.walk_arrow_body(body);
    walker.awaited_fetches
}

/// Walks one handler's own body for awaited fetches. It does not enter nested functions (they
/// run when something calls them, maybe later) nor the arguments of a `waitUntil(...)` call
/// (they run after the response).
struct HandlerWalker<'v, 'a> {
    values: &'v dyn Values<'a>,
    nesting: usize,
    awaited_fetches: Vec<AwaitedFetch>,
}

impl<'v, 'a> HandlerWalker<'v, 'a> {
    fn new(values: &'v dyn Values<'a>) -> Self {
        Self {
            values,
            nesting: 0,
            awaited_fetches: Vec::new(),
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

impl<'a> Visit<'a> for HandlerWalker<'_, 'a> {
    fn visit_function_body(&mut self, _body: &FunctionBody<'a>) {
        // A nested function's body: not on this handler's path.
    }

    fn visit_arrow_function_expression(&mut self, _arrow: &ArrowFunctionExpression<'a>) {}

    fn visit_class(&mut self, _class: &Class<'a>) {}

    fn visit_call_expression(&mut self, call: &CallExpression<'a>) {
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

    fn visit_await_expression(&mut self, await_expression: &AwaitExpression<'a>) {
        if self.nesting > 0
            && let Expression::CallExpression(call) =
                await_expression.argument.get_inner_expression()
            && is_global_fetch(&call.callee)
            && let Some(url) = call
                .arguments
                .first()
                .and_then(Argument::as_expression)
                .and_then(|first| self.values.url_of(first))
        {
            self.awaited_fetches.push(AwaitedFetch {
                span: span_of(call.span),
                url,
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

/// Adds the calls that matter wherever they are in `program` to `facts`: binding fetches,
/// `fetch` listeners and `import("...")`, in one pass.
pub(super) fn add_program_calls<'a>(
    values: &dyn Values<'a>,
    program: &Program<'a>,
    facts: &mut SourceFacts,
) {
    ProgramVisitor { values, facts }.visit_program(program);
}

struct ProgramVisitor<'v, 'f, 'a> {
    values: &'v dyn Values<'a>,
    facts: &'f mut SourceFacts,
}

impl<'a> Visit<'a> for ProgramVisitor<'_, '_, 'a> {
    fn visit_call_expression(&mut self, call: &CallExpression<'a>) {
        if let Some(binding) = binding_of_fetch(&call.callee) {
            self.facts.binding_fetches.push(BindingFetch {
                binding,
                span: span_of(call.span),
            });
        }
        if is_fetch_listener(call) {
            let handler = call
                .arguments
                .get(1)
                .and_then(Argument::as_expression)
                .map(|callback| self.values.handler_of(callback, span_of(call.span)))
                .unwrap_or_else(|| Handler {
                    span: span_of(call.span),
                    awaited_fetches: Vec::new(),
                });
            self.facts.fetch_listeners.push(handler);
        }
        walk::walk_call_expression(self, call);
    }

    fn visit_import_expression(&mut self, import: &ImportExpression<'a>) {
        if let Expression::StringLiteral(source) = import.source.get_inner_expression() {
            self.facts.add_import(&source.value);
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
fn is_fetch_listener(call: &CallExpression<'_>) -> bool {
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
