//! Any text as the Worker's entry, a module it imports and a Pages middleware, under configs
//! with Smart Placement: the project model and its rules never panic, and every diagnostic in a
//! source lies inside that source on character boundaries.
#![no_main]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use placement_analysis::check_project;
use placement_analysis::project::{DirEntry, ProjectFiles};

struct Files(BTreeMap<PathBuf, String>);

impl ProjectFiles for Files {
    fn read(&self, path: &Path) -> Option<String> {
        self.0.get(path).cloned()
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        let mut entries: Vec<DirEntry> = Vec::new();
        for file in self.0.keys() {
            let Ok(rest) = file.strip_prefix(path) else { continue };
            let mut parts = rest.iter();
            let Some(first) = parts.next() else { continue };
            let entry = DirEntry {
                name: first.to_string_lossy().into_owned(),
                is_dir: parts.next().is_some(),
            };
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
        (!entries.is_empty()).then_some(entries)
    }
}

const WORKER: &str = "name = \"w\"\nmain = \"src/index.ts\"\nassets = { directory = \"public\", binding = \"ASSETS\", run_worker_first = true }\n[placement]\nmode = \"smart\"\n";
const PAGES: &str = "{ \"name\": \"p\", \"pages_build_output_dir\": \"dist\", \"placement\": { \"mode\": \"smart\" } }";

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    // The entry imports a module holding the same text, so imports and re-exports are followed.
    let entry = format!("{source}\nexport * from \"./lib\";\nimport \"./lib.js\";\n");
    let files = Files(
        [
            ("app/src/index.ts", entry.as_str()),
            ("app/src/lib.ts", source),
            ("app/functions/_middleware.js", source),
            ("app/functions/api/[id].ts", source),
            ("app/dist/_routes.json", source),
            ("app/package.json", source),
        ]
        .into_iter()
        .map(|(path, text)| (PathBuf::from(path), text.to_owned()))
        .collect(),
    );
    for (config, text) in [("app/wrangler.toml", WORKER), ("app/wrangler.jsonc", PAGES)] {
        for diagnostic in check_project(Path::new(config), text, &files) {
            let Some(file_text) = files.0.get(&diagnostic.file).map(String::as_str).or(
                (diagnostic.file == Path::new(config)).then_some(text),
            ) else {
                panic!("a diagnostic in an unknown file: {diagnostic:?}");
            };
            let span = diagnostic.span;
            assert!(span.start <= span.end && span.end <= file_text.len(), "{diagnostic:?}");
            assert!(file_text.is_char_boundary(span.start) && file_text.is_char_boundary(span.end));
        }
    }
});
