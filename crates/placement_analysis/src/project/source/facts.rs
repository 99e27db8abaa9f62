//! The facts kept from a source file: plain owned values, independent of the syntax tree.

use std::path::PathBuf;

use crate::span::Span;
use crate::syntax::SyntaxError;

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
    /// The module's own functions that a handler (or another such function) calls by name,
    /// with what they call in turn: the placement advisor follows them.
    pub functions: Vec<LocalFunction>,
}

/// A top-level function of the module, called by name from a handler.
#[derive(Debug, Clone)]
pub struct LocalFunction {
    pub name: String,
    pub handler: Handler,
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

/// A function that handles requests, with the fetches it awaits in its own body and the calls
/// on its path that may leave the Worker.
#[derive(Debug, Clone, Default)]
pub struct Handler {
    pub span: Span,
    pub awaited_fetches: Vec<AwaitedFetch>,
    /// In document order; not those inside `waitUntil(...)` or nested functions (array
    /// callbacks excepted).
    pub calls: Vec<CallSite>,
    /// The conditionals (`if`/`else`, `switch`, `?:`) holding some of `calls`, by
    /// [`ArmRef::branch`]: a request takes one arm of each.
    pub branches: Vec<Branch>,
    /// The handler is a value whose body this module does not show (`fetch: app.fetch` of a
    /// framework such as Hono, a function without a body): what it calls is unknown.
    pub opaque: bool,
}

/// A call on a handler's path that may leave the Worker, or a call to a function whose calls
/// count too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// The whole call.
    pub span: Span,
    pub target: CallTarget,
    pub repeat: Repeat,
    /// The innermost arm of a conditional the call is in (`None`: on every path).
    pub arm: Option<ArmRef>,
}

/// One arm of one conditional of a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArmRef {
    /// The index of the conditional in [`Handler::branches`].
    pub branch: u32,
    /// The arm: `if` 0, `else` 1; a ternary's two values; a `switch`'s cases in order.
    pub arm: u32,
}

/// A conditional of a handler: its arms, which of them end the function, and the arm it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// For each arm (a missing `else` or `default` included, as an empty arm): whether it
    /// ends with `return` or `throw`, so that what follows the conditional does not run.
    pub arm_returns: Vec<bool>,
    pub parent: Option<ArmRef>,
}

impl Handler {
    /// Appends `other`'s calls and conditionals (a chain of Pages Functions runs one after
    /// the other), renumbering its conditionals.
    pub fn append(&mut self, other: Handler) {
        let offset = u32::try_from(self.branches.len()).unwrap_or(u32::MAX);
        let shift = |arm: Option<ArmRef>| {
            arm.map(|arm| ArmRef {
                branch: arm.branch.saturating_add(offset),
                arm: arm.arm,
            })
        };
        self.awaited_fetches.extend(other.awaited_fetches);
        self.calls
            .extend(other.calls.into_iter().map(|call| CallSite {
                arm: shift(call.arm),
                ..call
            }));
        self.branches
            .extend(other.branches.into_iter().map(|branch| Branch {
                parent: shift(branch.parent),
                ..branch
            }));
        self.opaque |= other.opaque;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallTarget {
    /// The global `fetch`, with its URL as far as the file spells it.
    Fetch { url: Option<String> },
    /// A method called on a binding (`env.DB.prepare(q).first()`: `DB`, `first`), or on a
    /// value made from one (a Durable Object stub, a database client built from a Hyperdrive
    /// binding's connection string: `query`). Which names are bindings the config says.
    Binding {
        name: String,
        method: String,
        /// Reached as `env.NAME` (or `this.env.NAME`, `context.env.NAME`): certainly a binding,
        /// even one the config does not declare (Pages projects often bind in the dashboard).
        via_env: bool,
    },
    /// A function called by name: one of this module's (`module: None`) or an import (its
    /// specifier and the imported name).
    Helper {
        module: Option<String>,
        name: String,
    },
}

/// How often a call happens on the way to the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Once, after the calls before it.
    Once,
    /// Inside `Promise.all([...])` (or `allSettled`, `any`, `race`): the group with this number
    /// (per function) is one round.
    Parallel(u32),
    /// In a loop or an array callback.
    Many,
}

/// `await fetch("https://...")` on the request's path, with the URL written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitedFetch {
    /// The `fetch(...)` call.
    pub span: Span,
    /// The URL as far as the file spells it (a template's head, a top-level constant).
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingFetch {
    pub binding: String,
    /// The whole call.
    pub span: Span,
}

impl SourceFacts {
    /// Records a module specifier the file loads, once.
    pub(super) fn add_import(&mut self, specifier: &str) {
        if !self.imports.iter().any(|known| known == specifier) {
            self.imports.push(specifier.to_owned());
        }
    }
}
