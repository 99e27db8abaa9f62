//! Which config file wrangler uses: it looks for `wrangler.json` in the folder and every parent
//! folder, then for `wrangler.jsonc` the same way, then for `wrangler.toml`. The file system is
//! asked through a callback, so this stays free of I/O.

use std::path::{Path, PathBuf};

/// Config file names in wrangler's order of preference.
pub const CONFIG_FILE_NAMES: [&str; 3] = ["wrangler.json", "wrangler.jsonc", "wrangler.toml"];

/// Whether `name` is a wrangler config file name.
pub fn is_config_file_name(name: &str) -> bool {
    CONFIG_FILE_NAMES.contains(&name)
}

/// The config wrangler would use when run in `dir`, given which files exist.
pub fn resolve_config(dir: &Path, exists: &dyn Fn(&Path) -> bool) -> Option<PathBuf> {
    CONFIG_FILE_NAMES.iter().find_map(|name| {
        dir.ancestors()
            .map(|folder| folder.join(name))
            .find(|candidate| exists(candidate))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn resolve(files: &[&str], dir: &str) -> Option<PathBuf> {
        let files: HashSet<PathBuf> = files.iter().map(PathBuf::from).collect();
        resolve_config(Path::new(dir), &|path| files.contains(path))
    }

    #[test]
    fn json_in_a_parent_wins_over_a_local_toml() {
        let files = ["/repo/wrangler.jsonc", "/repo/apps/api/wrangler.toml"];
        assert_eq!(
            resolve(&files, "/repo/apps/api"),
            Some(PathBuf::from("/repo/wrangler.jsonc"))
        );
    }

    #[test]
    fn json_wins_over_jsonc_in_the_same_folder() {
        let files = ["/p/wrangler.json", "/p/wrangler.jsonc", "/p/wrangler.toml"];
        assert_eq!(
            resolve(&files, "/p"),
            Some(PathBuf::from("/p/wrangler.json"))
        );
        assert_eq!(
            resolve(&["/p/wrangler.toml"], "/p"),
            Some(PathBuf::from("/p/wrangler.toml"))
        );
        assert_eq!(resolve(&[], "/p"), None);
    }
}
