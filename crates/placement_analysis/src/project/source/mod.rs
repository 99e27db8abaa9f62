//! What the project rules need to know about one JavaScript or TypeScript file.
//!
//! The file is parsed with oxc, the facts are copied out into plain owned values
//! ([`facts`]) and the syntax tree is dropped right away. Two passes read the tree: what the
//! module exports ([`exports`]) and the calls that matter ([`calls`]). Working on the tree (never
//! on the text) is what keeps comments and string contents from ever firing a rule.

mod calls;
mod exports;
mod facts;

use std::cell::RefCell;
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use oxc_span::SourceType;

use crate::span::Span;
use crate::syntax::SyntaxError;

pub use facts::{
    ArmRef, AwaitedFetch, BindingFetch, Branch, CallSite, CallTarget, Export, ExportValue, Handler,
    LocalFunction, Repeat, SourceFacts, SourceFile, WorkerObject,
};

/// The file extensions of sources the project rules read.
pub const SOURCE_EXTENSIONS: &[&str] = &["js", "mjs", "ts", "mts", "jsx", "tsx"];

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

/// How oxc parses the source at `path`: its extension picks JavaScript, TypeScript or JSX, and
/// it is a module (Workers are ES modules or service-worker scripts; both parse as modules).
pub fn source_type_of(path: &Path) -> SourceType {
    SourceType::from_path(path)
        .unwrap_or_else(|_| SourceType::mjs())
        .with_module(true)
}

/// Parses `text` (named `path`, whose extension picks JavaScript, TypeScript or JSX) and
/// extracts its facts. Never fails: a syntax error is recorded in the facts.
pub fn analyze(path: &Path, text: &str) -> SourceFacts {
    let source_type = source_type_of(path);
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
            let extractor = exports::Extractor::new(&parsed.program);
            let mut facts = extractor.imports_and_exports(&parsed.program);
            calls::add_program_calls(&extractor, &parsed.program, &mut facts);
            extractor.add_called_functions(&mut facts);
            facts
        };
        facts.parse_error = parse_error;
        facts
    })
}

fn span_of(span: oxc_span::Span) -> Span {
    Span::new(span.start as usize, span.end as usize)
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
        let text = "export default { async fetch(req, env, ctx) { return new Response('ok'); }, scheduled() {} };";
        let facts = facts(text);
        let ExportValue::Object(object) = default_export(&facts) else {
            panic!("an object");
        };
        let fetch = object.fetch.as_ref().expect("a fetch handler");
        assert!(text[fetch.span.start..fetch.span.end].contains("return new Response('ok');"));
        assert!(object.complete);
        assert_eq!(object.members, ["scheduled"]);
    }

    #[test]
    fn reads_class_entrypoints_and_spreads() {
        let facts = facts(
            r"import { WorkerEntrypoint } from 'cloudflare:workers';
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
            r"import app from './app';
import { other as renamed } from './other';
export { renamed as named };
export default app;",
        );
        assert!(matches!(
            default_export(&facts),
            ExportValue::Forward { specifier, name } if specifier == "./app" && name == "default"
        ));
        assert_eq!(facts.imports, ["./app", "./other"]);
        let reexport = self::facts(
            r"export { default } from './app';
export * from './lib';",
        );
        assert!(matches!(
            default_export(&reexport),
            ExportValue::Forward { specifier, name } if specifier == "./app" && name == "default"
        ));
        assert_eq!(reexport.star_exports, ["./lib"]);
    }

    #[test]
    fn finds_binding_fetches_but_not_in_comments_or_strings() {
        let facts = facts(
            r"// env.ASSETS.fetch(request)
const s = 'env.ASSETS.fetch(request)';
export default { fetch(r, env) { return env.ASSETS.fetch(r); } };
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
    fn finds_awaited_fetches_outside_wait_until() {
        let facts = facts(
            r#"const DD = 'https://http-intake.logs.datadoghq.com/api/v2/logs';
export default { async fetch(req, env, ctx) {
  await fetch(DD, { method: 'POST' });
  ctx.waitUntil(fetch('https://api.honeycomb.io/1/events/x'));
  ctx.waitUntil((async () => { await fetch('https://api.honeycomb.io/1/events/x'); })());
  await fetch(`https://api2.amplitude.com/2/httpapi?x=${1}`);
  await fetch('https://api.example.com/data');
  fetch('https://not.awaited.example.com/');
  return new Response('ok');
} };"#,
        );
        let ExportValue::Object(object) = default_export(&facts) else {
            panic!("an object");
        };
        let urls: Vec<_> = object
            .fetch
            .as_ref()
            .unwrap()
            .awaited_fetches
            .iter()
            .map(|call| call.url.as_str())
            .collect();
        assert_eq!(
            urls,
            [
                "https://http-intake.logs.datadoghq.com/api/v2/logs",
                "https://api2.amplitude.com/2/httpapi?x=",
                "https://api.example.com/data",
            ]
        );
    }

    #[test]
    fn reads_service_worker_listeners_and_parse_errors() {
        let facts =
            facts("addEventListener('fetch', (event) => event.respondWith(new Response('x')));");
        assert_eq!(facts.fetch_listeners.len(), 1);
        let broken = self::facts("export default { fetch( {");
        let error = broken.parse_error.expect("a syntax error");
        assert_eq!(error.span, Span::empty(25));
        assert_eq!(error.message, "Expected `}` but found `EOF`");
    }
}
