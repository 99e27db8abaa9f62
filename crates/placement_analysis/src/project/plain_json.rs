//! A string member of a `package.json`, read without building the file's tree when the file is
//! plain JSON: no escapes, comments, trailing commas, control characters or byte-order mark,
//! nothing the full parser would recover from. Every project's `package.json` is asked for its
//! `wrangler` range; building the spanned tree of the whole file for it cost more than
//! everything else about the file. Anything else is left to the full parser
//! ([`crate::syntax::parse`]), whose answer on plain JSON this gives (a test compares them).

use crate::span::Span;

/// How deep plain JSON may nest here; deeper is left to the full parser.
const MAX_DEPTH: usize = 64;

/// What the quick reader found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quick<'t> {
    /// The file is plain JSON: the string at the path (its text and its value's span), if the
    /// path leads to a string.
    Plain(Option<(&'t str, Span)>),
    /// Not plain JSON: ask the full parser.
    NotPlain,
}

/// The string at `first` (a member of the root object), then `second` (a member of that
/// object), where a repeated key means its last occurrence, as `Table::get` reads it.
pub fn string_at<'t>(text: &'t str, first: &str, second: &str) -> Quick<'t> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        at: 0,
        path: [first, second],
        found: [None, None],
    };
    let plain = reader.document();
    if !plain {
        return Quick::NotPlain;
    }
    Quick::Plain(reader.found[0].and(reader.found[1]).map(|span: Span| {
        // Inside the quotes; plain strings have no escapes, so this is the value.
        (&text[span.start + 1..span.end - 1], span)
    }))
}

struct Reader<'t, 'p> {
    bytes: &'t [u8],
    at: usize,
    path: [&'p str; 2],
    /// The span of the last value met at each step of the path (a string's quotes included),
    /// `None` where that step is not an object of the step before or has no such member.
    found: [Option<Span>; 2],
}

impl Reader<'_, '_> {
    /// The whole text: one object, whitespace around it.
    fn document(&mut self) -> bool {
        self.whitespace();
        if self.peek() != Some(b'{') || !self.value(0, Some(0)) {
            return false;
        }
        self.whitespace();
        self.at == self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// One value at `depth`; `step`: which step of the path this value's members are on, if
    /// the value is on the path.
    fn value(&mut self, depth: usize, step: Option<usize>) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match self.peek() {
            Some(b'{') => self.object(depth, step),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string(),
            Some(b't') => self.word(b"true"),
            Some(b'f') => self.word(b"false"),
            Some(b'n') => self.word(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => false,
        }
    }

    fn object(&mut self, depth: usize, step: Option<usize>) -> bool {
        self.at += 1;
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return true;
        }
        loop {
            let key_start = self.at;
            if self.peek() != Some(b'"') || !self.string() {
                return false;
            }
            let key = &self.bytes[key_start + 1..self.at - 1];
            self.whitespace();
            if self.peek() != Some(b':') {
                return false;
            }
            self.at += 1;
            self.whitespace();
            let on_path = step.filter(|step| key == self.path[*step].as_bytes());
            let value_start = self.at;
            if let Some(step) = on_path {
                // A later member of the same name replaces what an earlier one led to.
                self.found[step] = None;
                if step + 1 < self.path.len() {
                    self.found[step + 1] = None;
                }
            }
            let deeper = on_path
                .map(|step| step + 1)
                .filter(|next| *next < self.path.len());
            let is_object = self.peek() == Some(b'{');
            if !self.value(depth + 1, deeper.filter(|_| is_object)) {
                return false;
            }
            if let Some(step) = on_path {
                let span = Span::new(value_start, self.at);
                // The last step is a string; the steps before, objects.
                let wanted = if step + 1 == self.path.len() {
                    self.bytes[value_start] == b'"'
                } else {
                    is_object
                };
                self.found[step] = wanted.then_some(span);
            }
            self.whitespace();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.whitespace();
                }
                Some(b'}') => {
                    self.at += 1;
                    return true;
                }
                _ => return false,
            }
        }
    }

    fn array(&mut self, depth: usize) -> bool {
        self.at += 1;
        self.whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return true;
        }
        loop {
            if !self.value(depth + 1, None) {
                return false;
            }
            self.whitespace();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.whitespace();
                }
                Some(b']') => {
                    self.at += 1;
                    return true;
                }
                _ => return false,
            }
        }
    }

    /// A string with no escape and no control character.
    fn string(&mut self) -> bool {
        self.at += 1;
        while let Some(byte) = self.peek() {
            self.at += 1;
            match byte {
                b'"' => return true,
                b'\\' | 0..0x20 => return false,
                _ => {}
            }
        }
        false
    }

    fn word(&mut self, word: &[u8]) -> bool {
        if self.bytes[self.at..].starts_with(word) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> bool {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return false,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                return false;
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                return false;
            }
            self.digits();
        }
        // A number runs into nothing but a separator, a closing bracket or whitespace.
        !self
            .peek()
            .is_some_and(|byte| byte.is_ascii_alphanumeric() || byte == b'.')
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, parse};

    /// What the full parser says the string at the path is.
    fn parsed(text: &str, first: &str, second: &str) -> Option<(String, Span)> {
        let parsed = parse(text, Format::Json);
        let entry = parsed.root.get_table(first)?.get(second)?;
        Some((entry.value.as_str()?.to_owned(), entry.value.span))
    }

    #[test]
    fn plain_json_reads_as_the_full_parser_reads_it() {
        let plain = [
            r#"{ "devDependencies": { "wrangler": "^4.20.0" } }"#,
            r#"{"name":"x","devDependencies":{"a":"1","wrangler":"4.1.0","b":[1,2,{"c":null}]}}"#,
            r#"{ "devDependencies": { "wrangler": "1" }, "devDependencies": { "x": "2" } }"#,
            r#"{ "devDependencies": { "wrangler": "1" }, "devDependencies": 3 }"#,
            r#"{ "devDependencies": { "wrangler": "1", "wrangler": "2" } }"#,
            r#"{ "devDependencies": { "wrangler": "1", "wrangler": 2 } }"#,
            r#"{ "devDependencies": { "nested": { "wrangler": "1" } } }"#,
            r#"{ "wrangler": "1", "devDependencies": [] }"#,
            r#"{ "devDependencies": { "wrangler": "ü ✓" }, "n": -0.5e+10, "t": true }"#,
            "{\n\t\"devDependencies\" :\r\n {\"wrangler\" : \"3\"} \n}\n",
            "{}",
            r#"{ "devDependencies": {} }"#,
        ];
        for text in plain {
            let Quick::Plain(found) = string_at(text, "devDependencies", "wrangler") else {
                panic!("plain: {text}");
            };
            assert_eq!(
                found.map(|(value, span)| (value.to_owned(), span)),
                parsed(text, "devDependencies", "wrangler"),
                "{text}"
            );
        }
        let not_plain = [
            r#"{ "devDependencies": { "wrangler": "\u0034" } }"#,
            r#"{ "devDependencies": { "wrangler": "4", } }"#,
            "{ // comment\n}",
            "\u{feff}{}",
            "[]",
            "\"x\"",
            "{ \"a\": \"tab\there\" }",
            "{ \"a\": 01 }",
            "{ \"a\": 1. }",
            "{ \"a\": .5 }",
            "{ \"a\": tru }",
            "{ \"a\": 1 } x",
            "{ \"a\" 1 }",
            "{ \"a\": 1",
            "",
            &format!("{{\"a\": {}1{} }}", "[".repeat(80), "]".repeat(80)),
        ];
        // Every text one edit away from a manifest: read as the parser reads it, or left to it.
        let base = r#"{"name":"w","devDependencies":{"x":[1,-2.5e3,true],"wrangler":"^4.1"},"dependencies":{"wrangler":null}}"#;
        let mut edited = Vec::new();
        for at in 0..=base.len() {
            edited.push(format!(
                "{}{}",
                &base[..at],
                &base[(at + 1).min(base.len())..]
            ));
            for insert in ["\"", ",", "{", "}", "[", "]", ":", " ", "0", "\\", "x"] {
                edited.push(format!("{}{insert}{}", &base[..at], &base[at..]));
            }
        }
        for text in &edited {
            for (first, second) in [
                ("devDependencies", "wrangler"),
                ("dependencies", "wrangler"),
            ] {
                if let Quick::Plain(found) = string_at(text, first, second) {
                    assert_eq!(
                        found.map(|(value, span)| (value.to_owned(), span)),
                        parsed(text, first, second),
                        "{text}"
                    );
                }
            }
        }
        for text in not_plain {
            assert_eq!(
                string_at(text, "devDependencies", "wrangler"),
                Quick::NotPlain,
                "{text}"
            );
        }
    }
}
