//! Local modules: resolving relative specifiers the way bundlers do for Workers, and walking
//! the import graph from entry points, bounded, cycles harmless, never into `node_modules`.

use std::path::{Component, Path, PathBuf};

use super::source::{SOURCE_EXTENSIONS, is_source_path};

/// How many import hops from an entry point are followed.
pub const MAX_IMPORT_DEPTH: usize = 16;
/// How many modules one graph holds at most.
pub const MAX_MODULES: usize = 512;

/// Removes `.` and resolves `..` without touching the disk (a leading `..` stays).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// Whether a specifier names a file of the project (`./app`, `../lib/x.js`), as opposed to a
/// package (`hono`, `cloudflare:workers`, `node:buffer`).
pub fn is_relative(specifier: &str) -> bool {
    specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier == "."
        || specifier == ".."
}

fn in_node_modules(path: &Path) -> bool {
    path.components()
        .any(|component| component.as_os_str() == "node_modules")
}

/// The files `specifier`, imported from the file `from`, may name, most likely first: the path
/// itself, the TypeScript source behind a `.js` specifier, the path with each source extension,
/// then its `index` file.
pub fn candidates(from: &Path, specifier: &str) -> Vec<PathBuf> {
    if !is_relative(specifier) {
        return Vec::new();
    }
    let folder = from.parent().unwrap_or(Path::new(""));
    let base = normalize(&folder.join(specifier));
    if in_node_modules(&base) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if is_source_path(&base) {
        out.push(base.clone());
        let typescript: &[&str] = match base.extension().and_then(|ext| ext.to_str()) {
            Some("js") => &["ts", "tsx"],
            Some("mjs") => &["mts"],
            Some("jsx") => &["tsx"],
            _ => &[],
        };
        out.extend(typescript.iter().map(|ext| base.with_extension(ext)));
        return out;
    }
    let name = base.as_os_str().to_string_lossy().into_owned();
    out.extend(
        SOURCE_EXTENSIONS
            .iter()
            .map(|ext| PathBuf::from(format!("{name}.{ext}"))),
    );
    out.extend(
        SOURCE_EXTENSIONS
            .iter()
            .map(|ext| base.join(format!("index.{ext}"))),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.ts")),
            PathBuf::from("a/c.ts")
        );
        assert_eq!(normalize(Path::new("../x/../y")), PathBuf::from("../y"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }

    #[test]
    fn candidates_follow_bundler_resolution() {
        let from = Path::new("proj/src/index.ts");
        assert_eq!(
            candidates(from, "./app.js"),
            [
                PathBuf::from("proj/src/app.js"),
                PathBuf::from("proj/src/app.ts"),
                PathBuf::from("proj/src/app.tsx")
            ]
        );
        let plain = candidates(from, "../lib/util");
        assert_eq!(plain[0], PathBuf::from("proj/lib/util.js"));
        assert!(plain.contains(&PathBuf::from("proj/lib/util/index.ts")));
        assert!(candidates(from, "hono").is_empty());
        assert!(candidates(from, "./node_modules/x/index.js").is_empty());
        assert!(candidates(from, "/abs/path.js").is_empty());
    }
}
