//! The calls the rules care about: the fetches a handler awaits, the calls that may leave the
//! Worker on a handler's path (for the placement advisor's estimate), assets-binding fetches,
//! `fetch` listeners and dynamic imports, found by walking the syntax tree.

use rustc_hash::FxHashMap;

use oxc_ast::ast::{
    Argument, ArrowFunctionBody, ArrowFunctionExpression, AwaitExpression, CallExpression, Class,
    ConditionalExpression, DoWhileStatement, Expression, ForInStatement, ForOfStatement,
    ForStatement, FunctionBody, IfStatement, ImportExpression, ObjectPropertyKind, Program,
    Statement, SwitchStatement, TaggedTemplateExpression, VariableDeclarator, WhileStatement,
};
use oxc_ast_visit::{Visit, walk};

use super::facts::{
    ArmRef, AwaitedFetch, BindingFetch, Branch, CallSite, CallTarget, Handler, Repeat, SourceFacts,
};
use super::span_of;
use crate::span::Span;

/// What the call visitors ask about the module's values, which the export analysis knows.
pub(super) trait Values<'a> {
    /// The URL text `expression` stands for, when it is written in this file.
    fn url_of(&self, expression: &Expression<'a>) -> Option<String>;
    /// The handler `value` stands for (a function, or a name bound to one); `span` when the
    /// function cannot be seen.
    fn handler_of(&self, value: &Expression<'a>, span: Span) -> Handler;
    /// What a call to the top-level name `name` runs: a function of this module
    /// (`(None, name)`) or an import (`(Some(specifier), imported name)`).
    fn helper_of(&self, name: &str) -> Option<(Option<String>, String)>;
}

/// What a handler's body does on the request's path.
pub(super) struct BodyFacts {
    pub awaited_fetches: Vec<AwaitedFetch>,
    pub calls: Vec<CallSite>,
    pub branches: Vec<Branch>,
}

/// The fetches and calls of a function body on the request's path.
pub(super) fn body_facts<'a>(values: &dyn Values<'a>, body: &FunctionBody<'a>) -> BodyFacts {
    let mut walker = HandlerWalker::new(values);
    walker.walk_body(body);
    walker.finish()
}

/// The fetches and calls of an arrow function's body on the request's path.
pub(super) fn arrow_body_facts<'a>(
    values: &dyn Values<'a>,
    body: &ArrowFunctionBody<'a>,
) -> BodyFacts {
    let mut walker = HandlerWalker::new(values);
    walker.walk_arrow_body(body);
    walker.finish()
}

/// Array methods whose callback runs once per item.
const ARRAY_CALLBACKS: &[&str] = &[
    "map",
    "forEach",
    "flatMap",
    "filter",
    "some",
    "every",
    "reduce",
    "find",
    "findIndex",
];

/// `Promise` methods whose array argument runs in parallel.
const PROMISE_COMBINATORS: &[&str] = &["all", "allSettled", "any", "race"];

/// Walks one handler's own body for awaited fetches and calls that may leave the Worker. It does
/// not enter nested functions (they run when something calls them, maybe later) except array
/// callbacks, nor the arguments of a `waitUntil(...)` call (they run after the response).
struct HandlerWalker<'v, 'a> {
    values: &'v dyn Values<'a>,
    nesting: usize,
    awaited_fetches: Vec<AwaitedFetch>,
    calls: Vec<CallSite>,
    /// How many loops and array callbacks the walk is inside.
    loops: usize,
    /// The `Promise.all` group the walk is inside.
    group: Option<u32>,
    groups: u32,
    /// Local names bound to something made from a binding (a Durable Object stub, a prepared
    /// statement, a database client built from a Hyperdrive connection string), to the binding.
    aliases: FxHashMap<String, (String, bool)>,
    /// Start offsets of calls that are inner links of a chain already recorded
    /// (`env.DB.prepare(q)` in `env.DB.prepare(q).first()`).
    chained: Vec<u32>,
    /// The conditionals met so far, and the arm the walk is in.
    branches: Vec<Branch>,
    arm: Option<ArmRef>,
}

impl<'v, 'a> HandlerWalker<'v, 'a> {
    fn new(values: &'v dyn Values<'a>) -> Self {
        Self {
            values,
            nesting: 0,
            awaited_fetches: Vec::new(),
            calls: Vec::new(),
            loops: 0,
            group: None,
            groups: 0,
            aliases: FxHashMap::default(),
            chained: Vec::new(),
            branches: Vec::new(),
            arm: None,
        }
    }

    fn finish(mut self) -> BodyFacts {
        // Only conditionals holding calls matter to the estimate: keep those (and the ones
        // around them), renumbered.
        let mut used = vec![false; self.branches.len()];
        for call in &self.calls {
            let mut arm = call.arm;
            while let Some(current) = arm {
                let index = current.branch as usize;
                if used[index] {
                    break;
                }
                used[index] = true;
                arm = self.branches[index].parent;
            }
        }
        let mut renumbered = vec![0u32; used.len()];
        let mut next = 0u32;
        for (index, keep) in used.iter().enumerate() {
            renumbered[index] = next;
            next += u32::from(*keep);
        }
        let renumber = |arm: Option<ArmRef>| {
            arm.map(|arm| ArmRef {
                branch: renumbered[arm.branch as usize],
                arm: arm.arm,
            })
        };
        for call in &mut self.calls {
            call.arm = renumber(call.arm);
        }
        let branches = self
            .branches
            .into_iter()
            .zip(used)
            .filter(|(_, keep)| *keep)
            .map(|(branch, _)| Branch {
                parent: renumber(branch.parent),
                ..branch
            })
            .collect();
        BodyFacts {
            awaited_fetches: self.awaited_fetches,
            calls: self.calls,
            branches,
        }
    }

    /// Starts a conditional with arms that end the function or not (`arm_returns`), inside
    /// the current arm; returns its index.
    fn open_branch(&mut self, arm_returns: Vec<bool>) -> u32 {
        let index = u32::try_from(self.branches.len()).unwrap_or(u32::MAX);
        self.branches.push(Branch {
            arm_returns,
            parent: self.arm,
        });
        index
    }

    /// Walks `visit` inside arm `arm` of conditional `branch`.
    fn in_arm(&mut self, branch: u32, arm: u32, visit: impl FnOnce(&mut Self)) {
        let outer = self.arm.replace(ArmRef { branch, arm });
        visit(self);
        self.arm = outer;
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

    fn repeat(&self) -> Repeat {
        match self.group {
            Some(group) => Repeat::Parallel(group),
            None if self.loops > 0 => Repeat::Many,
            None => Repeat::Once,
        }
    }

    fn record(&mut self, span: oxc_span::Span, target: CallTarget) {
        let repeat = self.repeat();
        self.calls.push(CallSite {
            span: span_of(span),
            target,
            repeat,
            arm: self.arm,
        });
    }

    /// The binding a value is reached through: `env.NAME`, `this.env.NAME`, `c.env.NAME`, a
    /// destructured `NAME` (bindings are conventionally upper case), a local alias of one, or
    /// a chain starting there (`env.NS.get(id)`).
    fn binding_root(&self, expression: &Expression<'a>) -> Option<(String, bool)> {
        match expression.get_inner_expression() {
            Expression::Identifier(identifier) => {
                let name = identifier.name.as_str();
                self.aliases
                    .get(name)
                    .cloned()
                    .or_else(|| looks_like_binding(name).then(|| (name.to_owned(), false)))
            }
            Expression::CallExpression(call) => {
                let member = call.callee.get_inner_expression().as_member_expression()?;
                self.binding_root(member.object())
            }
            other => {
                let member = other.as_member_expression()?;
                let name = member.static_property_name()?;
                let via_env = is_env(member.object());
                (via_env || looks_like_binding(name)).then(|| (name.to_owned(), via_env))
            }
        }
    }

    /// The binding a local value is made from, when it is a stub, statement or client rather
    /// than a result: `env.NS.get(id)`, `env.DB.prepare(q)`, `postgres(env.HYPERDRIVE
    /// .connectionString)`, `new Client({ connectionString: ... })`. Awaited values are results.
    fn binding_source(&self, expression: &Expression<'a>, depth: usize) -> Option<(String, bool)> {
        if depth > 4 {
            return None;
        }
        match expression.get_inner_expression() {
            Expression::AwaitExpression(_) => None,
            Expression::CallExpression(call) => {
                if let Some(member) = call.callee.get_inner_expression().as_member_expression() {
                    return self.binding_root(member.object());
                }
                self.source_in_arguments(&call.arguments, depth)
            }
            Expression::NewExpression(new) => self.source_in_arguments(&new.arguments, depth),
            Expression::ObjectExpression(object) => {
                object
                    .properties
                    .iter()
                    .find_map(|property| match property {
                        ObjectPropertyKind::ObjectProperty(property) => {
                            self.binding_source(&property.value, depth + 1)
                        }
                        ObjectPropertyKind::SpreadProperty(_) => None,
                    })
            }
            Expression::Identifier(_) => self.binding_root(expression),
            other => {
                let member = other.as_member_expression()?;
                self.binding_root(member.object())
            }
        }
    }

    fn source_in_arguments(
        &self,
        arguments: &[Argument<'a>],
        depth: usize,
    ) -> Option<(String, bool)> {
        arguments
            .iter()
            .filter_map(Argument::as_expression)
            .find_map(|argument| self.binding_source(argument, depth + 1))
    }

    /// Walks the arguments of an array method, entering its callback as a loop body.
    fn walk_callbacks(&mut self, call: &CallExpression<'a>) {
        self.visit_expression(&call.callee);
        for argument in &call.arguments {
            let Some(expression) = argument.as_expression() else {
                continue;
            };
            self.loops += 1;
            match expression.get_inner_expression() {
                Expression::ArrowFunctionExpression(arrow) => self.walk_arrow_body(&arrow.body),
                Expression::FunctionExpression(function) => {
                    if let Some(body) = &function.body {
                        self.walk_body(body);
                    }
                }
                other => self.visit_expression(other),
            }
            self.loops -= 1;
        }
    }
}

/// `env`, or a member named `env` (`this.env`, `c.env`, `context.env`).
fn is_env(expression: &Expression<'_>) -> bool {
    match expression.get_inner_expression() {
        Expression::Identifier(identifier) => identifier.name == "env",
        other => other
            .as_member_expression()
            .is_some_and(|member| member.static_property_name() == Some("env")),
    }
}

/// Binding names are conventionally upper case (`DB`, `MY_API`).
fn looks_like_binding(name: &str) -> bool {
    name.bytes().any(|byte| byte.is_ascii_uppercase())
        && !name.bytes().any(|byte| byte.is_ascii_lowercase())
}

fn callee_name<'s>(callee: &'s Expression<'_>) -> Option<&'s str> {
    match callee.get_inner_expression() {
        Expression::Identifier(identifier) => Some(identifier.name.as_str()),
        other => other
            .as_member_expression()
            .and_then(|member| member.static_property_name()),
    }
}

fn is_promise_combinator(callee: &Expression<'_>) -> bool {
    callee
        .get_inner_expression()
        .as_member_expression()
        .is_some_and(|member| {
            member
                .static_property_name()
                .is_some_and(|name| PROMISE_COMBINATORS.contains(&name))
                && matches!(member.object().get_inner_expression(), Expression::Identifier(id) if id.name == "Promise")
        })
}

impl<'a> Visit<'a> for HandlerWalker<'_, 'a> {
    fn visit_function_body(&mut self, _body: &FunctionBody<'a>) {
        // A nested function's body: not on this handler's path.
    }

    fn visit_arrow_function_expression(&mut self, _arrow: &ArrowFunctionExpression<'a>) {}

    fn visit_class(&mut self, _class: &Class<'a>) {}

    fn visit_call_expression(&mut self, call: &CallExpression<'a>) {
        let name = callee_name(&call.callee);
        if name == Some("waitUntil") {
            return;
        }
        if is_promise_combinator(&call.callee) {
            let outer = self.group;
            if outer.is_none() {
                self.groups += 1;
                self.group = Some(self.groups);
            }
            walk::walk_call_expression(self, call);
            self.group = outer;
            return;
        }
        let start = call.span.start;
        let inner = self.chained.iter().position(|&offset| offset == start);
        let is_inner_link = inner.is_some();
        if let Some(index) = inner {
            self.chained.swap_remove(index);
        }
        let callee = call.callee.get_inner_expression();
        if is_global_fetch(callee) {
            let url = call
                .arguments
                .first()
                .and_then(Argument::as_expression)
                .and_then(|first| self.values.url_of(first));
            self.record(call.span, CallTarget::Fetch { url });
        } else if let Some(member) = callee.as_member_expression() {
            if let (Some(method), Some((binding, via_env))) = (
                member.static_property_name(),
                self.binding_root(member.object()),
            ) {
                if !is_inner_link {
                    self.record(
                        call.span,
                        CallTarget::Binding {
                            name: binding,
                            method: method.to_owned(),
                            via_env,
                        },
                    );
                }
                // The chain's inner calls are part of this one.
                if let Expression::CallExpression(inner) = member.object().get_inner_expression() {
                    self.chained.push(inner.span.start);
                }
            }
        } else if let Expression::Identifier(identifier) = callee
            && !is_inner_link
        {
            let name = identifier.name.as_str();
            if let Some((binding, via_env)) = self.aliases.get(name).cloned() {
                self.record(
                    call.span,
                    CallTarget::Binding {
                        name: binding,
                        method: "query".to_owned(),
                        via_env,
                    },
                );
            } else if let Some((module, name)) = self.values.helper_of(name) {
                self.record(call.span, CallTarget::Helper { module, name });
            }
        }
        if name.is_some_and(|name| ARRAY_CALLBACKS.contains(&name))
            && callee.as_member_expression().is_some()
            && self.group.is_none()
        {
            self.walk_callbacks(call);
            return;
        }
        if name.is_some_and(|name| ARRAY_CALLBACKS.contains(&name)) && self.group.is_some() {
            // `Promise.all(items.map(async (item) => ...))`: the callbacks run in parallel.
            self.visit_expression(&call.callee);
            for argument in &call.arguments {
                match argument
                    .as_expression()
                    .map(Expression::get_inner_expression)
                {
                    Some(Expression::ArrowFunctionExpression(arrow)) => {
                        self.walk_arrow_body(&arrow.body);
                    }
                    Some(Expression::FunctionExpression(function)) => {
                        if let Some(body) = &function.body {
                            self.walk_body(body);
                        }
                    }
                    Some(other) => self.visit_expression(other),
                    None => {}
                }
            }
            return;
        }
        walk::walk_call_expression(self, call);
    }

    fn visit_tagged_template_expression(&mut self, tagged: &TaggedTemplateExpression<'a>) {
        // `sql\`select ...\`` on a client built from a Hyperdrive binding.
        if let Expression::Identifier(tag) = tagged.tag.get_inner_expression()
            && let Some((binding, via_env)) = self.aliases.get(tag.name.as_str()).cloned()
        {
            self.record(
                tagged.span,
                CallTarget::Binding {
                    name: binding,
                    method: "query".to_owned(),
                    via_env,
                },
            );
        }
        walk::walk_tagged_template_expression(self, tagged);
    }

    fn visit_variable_declarator(&mut self, declarator: &VariableDeclarator<'a>) {
        if let (Some(id), Some(init)) = (declarator.id.get_binding_identifier(), &declarator.init)
            && let Some(binding) = self.binding_source(init, 0)
        {
            // `postgres(env.HYPERDRIVE.connectionString)` builds a client: no round trip yet.
            if let Expression::CallExpression(call) = init.get_inner_expression()
                && matches!(
                    call.callee.get_inner_expression(),
                    Expression::Identifier(_)
                )
            {
                self.chained.push(call.span.start);
            }
            self.aliases.insert(id.name.to_string(), binding);
        }
        walk::walk_variable_declarator(self, declarator);
    }

    fn visit_if_statement(&mut self, statement: &IfStatement<'a>) {
        self.visit_expression(&statement.test);
        let returns = vec![
            ends_function(&statement.consequent),
            statement.alternate.as_ref().is_some_and(ends_function),
        ];
        let branch = self.open_branch(returns);
        self.in_arm(branch, 0, |walker| {
            walker.visit_statement(&statement.consequent);
        });
        if let Some(alternate) = &statement.alternate {
            self.in_arm(branch, 1, |walker| walker.visit_statement(alternate));
        }
    }

    fn visit_conditional_expression(&mut self, conditional: &ConditionalExpression<'a>) {
        self.visit_expression(&conditional.test);
        let branch = self.open_branch(vec![false, false]);
        self.in_arm(branch, 0, |walker| {
            walker.visit_expression(&conditional.consequent);
        });
        self.in_arm(branch, 1, |walker| {
            walker.visit_expression(&conditional.alternate);
        });
    }

    fn visit_switch_statement(&mut self, statement: &SwitchStatement<'a>) {
        self.visit_expression(&statement.discriminant);
        // Each case as an arm (falling through to the next case is not followed); without a
        // `default`, one more, empty arm.
        let mut returns: Vec<bool> = statement
            .cases
            .iter()
            .map(|case| case.consequent.last().is_some_and(ends_function))
            .collect();
        if statement.cases.iter().all(|case| case.test.is_some()) {
            returns.push(false);
        }
        let branch = self.open_branch(returns);
        for (index, case) in statement.cases.iter().enumerate() {
            if let Some(test) = &case.test {
                self.visit_expression(test);
            }
            let arm = u32::try_from(index).unwrap_or(u32::MAX);
            self.in_arm(branch, arm, |walker| {
                for statement in &case.consequent {
                    walker.visit_statement(statement);
                }
            });
        }
    }

    fn visit_for_statement(&mut self, statement: &ForStatement<'a>) {
        self.loops += 1;
        walk::walk_for_statement(self, statement);
        self.loops -= 1;
    }

    fn visit_for_in_statement(&mut self, statement: &ForInStatement<'a>) {
        self.loops += 1;
        walk::walk_for_in_statement(self, statement);
        self.loops -= 1;
    }

    fn visit_for_of_statement(&mut self, statement: &ForOfStatement<'a>) {
        self.loops += 1;
        walk::walk_for_of_statement(self, statement);
        self.loops -= 1;
    }

    fn visit_while_statement(&mut self, statement: &WhileStatement<'a>) {
        self.loops += 1;
        walk::walk_while_statement(self, statement);
        self.loops -= 1;
    }

    fn visit_do_while_statement(&mut self, statement: &DoWhileStatement<'a>) {
        self.loops += 1;
        walk::walk_do_while_statement(self, statement);
        self.loops -= 1;
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

/// Whether running `statement` always leaves the function: it ends with `return` or `throw`,
/// or is an `if` whose arms both do.
fn ends_function(statement: &Statement<'_>) -> bool {
    match statement {
        Statement::ReturnStatement(_) | Statement::ThrowStatement(_) => true,
        Statement::BlockStatement(block) => block.body.last().is_some_and(ends_function),
        Statement::IfStatement(statement) => {
            ends_function(&statement.consequent)
                && statement.alternate.as_ref().is_some_and(ends_function)
        }
        _ => false,
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
                    opaque: true,
                    ..Handler::default()
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
