//! Edits that add a key to an `[env.NAME]` environment, keeping the file's layout.
//!
//! TOML: a key written as `[table]` sections (or `[[array]]` elements) is copied as sections
//! renamed under the environment (`[vars]` becomes `[env.staging.vars]`), placed after the
//! environment's last section; a key written as `key = value` goes into the environment's own
//! section. JSON(C): a property is added after the environment's last one, with its neighbours'
//! indentation. When the layout leaves no sound place (an environment written as an inline
//! table, a key spread over dotted keys and sections), no edit is offered.

use crate::diagnostic::Edit;
use crate::edits::{
    TextLines, entry_end, insert_lines_before, line_break_of, start_of_trailing_trivia,
    string_literal, with_line_breaks,
};
use crate::syntax::{Entry, Node, NodeKind, Table, TableStyle};

/// The start of every TOML `[header]` and `[[header]]` in the file, in order: where sections
/// end. Built once per check.
pub(crate) struct Sections<'a> {
    source: TextLines<'a>,
    headers: Vec<usize>,
}

impl<'a> Sections<'a> {
    pub(crate) fn new(source: TextLines<'a>, root: &Table) -> Self {
        let mut headers = Vec::new();
        collect_headers(root, &mut headers);
        headers.sort_unstable();
        Self { source, headers }
    }

    /// Where new lines go at the end of the section holding `offset` (the root section before
    /// the first header included): after its last line that is not blank or a comment, so that
    /// the comments leading into the next header stay with it.
    pub(crate) fn end_of_section_at(&self, offset: usize) -> usize {
        let next = self.headers.partition_point(|&header| header <= offset);
        match self.headers.get(next) {
            Some(&header) => start_of_trailing_trivia(&self.source, header),
            None => self.source.text.len(),
        }
    }
}

fn collect_headers(table: &Table, headers: &mut Vec<usize>) {
    for entry in table.entries() {
        collect_node_headers(&entry.value, headers);
    }
}

fn collect_node_headers(node: &Node, headers: &mut Vec<usize>) {
    match &node.kind {
        NodeKind::Table(table) => {
            if table.style == TableStyle::Header {
                headers.push(node.span.start);
            }
            if table.style != TableStyle::Inline {
                collect_headers(table, headers);
            }
        }
        NodeKind::Array(items) => {
            for item in items {
                if item
                    .as_table()
                    .is_some_and(|t| t.style == TableStyle::Header)
                {
                    collect_node_headers(item, headers);
                }
            }
        }
        _ => {}
    }
}

/// A top-level key's TOML text, ready to be written into any environment.
pub(crate) enum TomlCopy {
    /// `key = value`, as written.
    KeyValue(String),
    /// Sections: each header's opening brackets (`[` or `[[`) and the rest of the section
    /// (`vars]\nA = "1"\n`), to be renamed under `env.NAME.`.
    Sections(Vec<(&'static str, String)>),
}

impl TomlCopy {
    /// How the top-level `entry` is written, or `None` when it mixes forms that cannot be moved
    /// as a whole.
    pub(crate) fn of(sections: &Sections<'_>, entry: &Entry) -> Option<TomlCopy> {
        let text = sections.source.text;
        let mut headers = Vec::new();
        collect_node_headers(&entry.value, &mut headers);
        let table = entry.value.as_table();
        let is_implicit = table.is_some_and(|table| table.style == TableStyle::Implicit);
        let written_in_header = line_starts_with_bracket(&sections.source, entry.value.span.start);
        if headers.is_empty() && !is_implicit {
            let written = text.get(entry.key_span.start..entry_end(entry))?;
            return Some(TomlCopy::KeyValue(written.to_owned()));
        }
        if is_implicit && !written_in_header {
            // `vars.A = "1"` lines at the top level: one section of their key/value pairs.
            let table = table?;
            if !headers.is_empty() {
                return None;
            }
            let mut body = format!("{}]\n", entry.key);
            for field in table.entries() {
                if field
                    .value
                    .as_table()
                    .is_some_and(|t| t.style != TableStyle::Inline)
                {
                    return None;
                }
                body.push_str(text.get(field.key_span.start..entry_end(field))?);
                body.push('\n');
            }
            return Some(TomlCopy::Sections(vec![("[", body)]));
        }
        headers.sort_unstable();
        let mut copied = Vec::with_capacity(headers.len());
        for header in headers {
            let end = sections.end_of_section_at(header).max(header);
            let section = text.get(header..end)?.trim_end();
            let (open, rest) = match section.strip_prefix("[[") {
                Some(rest) => ("[[", rest),
                None => ("[", section.strip_prefix('[')?),
            };
            copied.push((open, format!("{}\n", rest.trim_start())));
        }
        Some(TomlCopy::Sections(copied))
    }
}

fn line_starts_with_bracket(source: &TextLines<'_>, offset: usize) -> bool {
    let start = source.lines.line_start(source.lines.line_of(offset));
    source.text[start..].trim_start().starts_with('[')
}

/// A TOML key as written in a header: bare when it can be.
fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        name.to_owned()
    } else {
        string_literal(name)
    }
}

/// Lines to insert at `at` (a line start, or the end of the text): key/value lines go at the
/// end of the previous line (see [`insert_lines_before`]), new sections at `at` after a blank
/// line, so that both added at one place come in that order.
fn insert_lines(text: &str, at: usize, lines: &str, blank_line_before: bool) -> Edit {
    if !blank_line_before {
        return insert_lines_before(text, at, lines);
    }
    let mut content = String::new();
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        content.push('\n');
    }
    if blank_line_before && at > 0 {
        content.push('\n');
    }
    content.push_str(lines);
    Edit::insert(at, with_line_breaks(content, line_break_of(text)))
}

/// Adds `copy` to the TOML environment `env` (an entry of the `env` table).
pub(crate) fn add_to_toml_environment(
    sections: &Sections<'_>,
    env: &Entry,
    copy: &TomlCopy,
) -> Option<Vec<Edit>> {
    let env_path = environment_path(&env.key);
    match copy {
        TomlCopy::Sections(copied) => {
            if env.value.as_table()?.style == TableStyle::Inline {
                return None;
            }
            let mut block = String::new();
            for (index, (open, rest)) in copied.iter().enumerate() {
                if index > 0 {
                    block.push('\n');
                }
                block.push_str(&format!("{open}{env_path}.{rest}"));
            }
            let at = sections.end_of_section_at(last_header(env));
            Some(vec![insert_lines(sections.source.text, at, &block, true)])
        }
        TomlCopy::KeyValue(line) => {
            add_lines_to_toml_table(sections, env, &env_path, std::slice::from_ref(line))
        }
    }
}

/// The start of the last section of a table (its own header or a sub-table's), or where it is
/// first named when it has none.
fn last_header(entry: &Entry) -> usize {
    let mut headers = Vec::new();
    collect_node_headers(&entry.value, &mut headers);
    headers.into_iter().max().unwrap_or(entry.value.span.start)
}

/// Adds `key = value` lines (as written) to the TOML table of `entry`, whose header would read
/// `[header_path]`: at the end of its section, as dotted keys beside the ones that made it, or
/// inside its braces.
pub(crate) fn add_lines_to_toml_table(
    sections: &Sections<'_>,
    entry: &Entry,
    header_path: &str,
    lines: &[String],
) -> Option<Vec<Edit>> {
    let source = &sections.source;
    let text = source.text;
    let table = entry.value.as_table()?;
    match table.style {
        TableStyle::Header => {
            let at = sections.end_of_section_at(entry.value.span.start);
            let block: String = lines.iter().map(|line| format!("{line}\n")).collect();
            Some(vec![insert_lines(text, at, &block, false)])
        }
        // Made only by `[header_path.sub]` headers: its own header may still come.
        TableStyle::Implicit if line_starts_with_bracket(source, entry.value.span.start) => {
            let at = sections.end_of_section_at(last_header(entry));
            let mut block = format!("[{header_path}]\n");
            for line in lines {
                block.push_str(line);
                block.push('\n');
            }
            Some(vec![insert_lines(text, at, &block, true)])
        }
        // Made by dotted keys (`staging.name = "x"` under `[env]`): more dotted keys beside
        // them, with the same prefix.
        TableStyle::Implicit => {
            let line_start = source
                .lines
                .line_start(source.lines.line_of(entry.key_span.start));
            let prefix = text.get(line_start..entry.key_span.end)?.trim_start();
            let at = sections.end_of_section_at(entry.key_span.start);
            let block: String = lines
                .iter()
                .map(|line| format!("{prefix}.{line}\n"))
                .collect();
            Some(vec![insert_lines(text, at, &block, false)])
        }
        TableStyle::Inline => {
            if lines.iter().any(|line| line.contains('\n')) {
                return None;
            }
            let joined = lines.join(", ");
            match table.entries().last() {
                Some(last) => Some(vec![Edit::insert(entry_end(last), format!(", {joined}"))]),
                None => {
                    let braces = entry.value.span;
                    let inside = text.get(braces.start + 1..braces.end.checked_sub(1)?)?;
                    inside
                        .trim()
                        .is_empty()
                        .then(|| vec![Edit::replace(braces, format!("{{ {joined} }}"))])
                }
            }
        }
        TableStyle::Root | TableStyle::Object => None,
    }
}

/// A JSON property to add: its key, its value as written, and the indentation of the line
/// where it was written (when it starts its line), so that its later lines keep their depth.
pub(crate) struct JsonProperty<'t> {
    pub key: &'t str,
    pub value: &'t str,
    pub indent: Option<&'t str>,
}

impl<'t> JsonProperty<'t> {
    /// A property as written in the file.
    pub(crate) fn of(source: &TextLines<'t>, entry: &'t Entry) -> Option<Self> {
        let text = source.text;
        let value = text.get(entry.value.span.start..entry.value.span.end)?;
        let start = source
            .lines
            .line_start(source.lines.line_of(entry.key_span.start));
        let before = &text[start..entry.key_span.start];
        Some(JsonProperty {
            key: &entry.key,
            value,
            indent: before.trim().is_empty().then_some(before),
        })
    }
}

/// Adds `properties` to the JSON object of `entry` (an environment, or its `vars`), after its
/// last property with the same indentation, keeping a trailing comma if there is one.
pub(crate) fn add_to_json_object(
    source: &TextLines<'_>,
    entry: &Entry,
    properties: &[JsonProperty<'_>],
) -> Option<Vec<Edit>> {
    let line_break = line_break_of(source.text);
    let edits = json_object_edits(source, entry, properties)?;
    Some(
        edits
            .into_iter()
            .map(|edit| Edit {
                content: with_line_breaks(edit.content, line_break),
                ..edit
            })
            .collect(),
    )
}

fn json_object_edits(
    source: &TextLines<'_>,
    entry: &Entry,
    properties: &[JsonProperty<'_>],
) -> Option<Vec<Edit>> {
    let text = source.text;
    let object = entry.value.as_table()?;
    let indent_of = |offset: usize| -> Option<&str> {
        let start = source.lines.line_start(source.lines.line_of(offset));
        let before = &text[start..offset];
        before.trim().is_empty().then_some(before)
    };
    let outer_indent = indent_of(entry.key_span.start).unwrap_or("");
    let unit = properties
        .iter()
        .find_map(|property| property.indent)
        .filter(|unit| !unit.is_empty())
        .unwrap_or("  ");
    let indent = match object
        .entries()
        .first()
        .and_then(|first| indent_of(first.key_span.start))
    {
        Some(indent) => indent.to_owned(),
        None => format!("{outer_indent}{unit}"),
    };
    let rendered: Vec<String> = properties
        .iter()
        .map(|property| {
            // The value's later lines keep their depth relative to the new property.
            let value = match property.indent {
                Some(from) => property
                    .value
                    .split('\n')
                    .enumerate()
                    .map(|(index, line)| match line.strip_prefix(from) {
                        Some(rest) if index > 0 => format!("{indent}{rest}"),
                        _ => line.to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                None => property.value.to_owned(),
            };
            format!("{}: {value}", string_literal(property.key))
        })
        .collect();
    let on_lines = rendered.join(&format!(",\n{indent}"));
    let Some(last) = object.entries().last() else {
        // `{}`: the properties on their own lines between the braces.
        let open = entry.value.span.start;
        if text.as_bytes().get(open) != Some(&b'{') {
            return None;
        }
        return Some(vec![Edit::insert(
            open + 1,
            format!("\n{indent}{on_lines}\n{outer_indent}"),
        )]);
    };
    let end = entry_end(last);
    let close = entry.value.span.end.checked_sub(1)?;
    let line = source.lines.line_of(end);
    if source.lines.line_of(close) == line {
        // A one-line object: `, "key": value` after the last property.
        return Some(vec![Edit::insert(
            end,
            format!(", {}", rendered.join(", ")),
        )]);
    }
    let line_end = source.lines.line_end(text, line);
    let after = text.get(end..line_end)?.trim_start();
    if after.starts_with(',') {
        // A trailing comma already: the new properties get one too.
        Some(vec![Edit::insert(
            line_end,
            format!("\n{indent}{on_lines},"),
        )])
    } else if line_end == end {
        Some(vec![Edit::insert(end, format!(",\n{indent}{on_lines}"))])
    } else {
        Some(vec![
            Edit::insert(end, ","),
            Edit::insert(line_end, format!("\n{indent}{on_lines}")),
        ])
    }
}

/// The TOML key of an environment in a dotted path (`staging`, `"my env"`).
pub(crate) fn environment_path(env: &str) -> String {
    format!("env.{}", toml_key(env))
}
