//! The shape of the code, checked: the domain imports nothing outside itself, and no
//! two modules depend on each other (in `app` and in `server`). Read from the source.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `root`, by module path (`server::auth`; `""` for the root).
fn modules(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("source directory") {
            let path: PathBuf = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(root)
                    .expect("under root")
                    .with_extension("");
                let mut parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts
                    .last()
                    .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
                {
                    parts.pop();
                }
                let source = std::fs::read_to_string(&path).expect("source file");
                // Tests may reach anywhere.
                let source = source
                    .split("#[cfg(test)]")
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                out.insert(parts.join("::"), source);
            }
        }
    }
    out
}

/// The longest known module a path names (`server::auth::cookie_value` → `server::auth`).
fn resolve(known: &BTreeMap<String, String>, path: &str) -> Option<String> {
    let mut segments: Vec<&str> = path.split("::").collect();
    while !segments.is_empty() {
        let candidate = segments.join("::");
        if known.contains_key(&candidate) {
            return Some(candidate);
        }
        segments.pop();
    }
    None
}

/// The paths written after `prefix` (`crate::`, `super::`) in a source.
fn paths_after<'a>(source: &'a str, prefix: &str) -> Vec<&'a str> {
    source
        .match_indices(prefix)
        .filter(|(at, _)| {
            !source[..*at]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
        .map(|(at, _)| {
            let rest = &source[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            rest[..end].trim_end_matches(':')
        })
        .collect()
}

/// Which modules each module uses.
fn dependencies(known: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    known
        .iter()
        .map(|(module, source)| {
            let parent: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
            let parent = parent[..parent.len().saturating_sub(1)].join("::");
            let mut uses = BTreeSet::new();
            let named = paths_after(source, "crate::")
                .into_iter()
                .map(str::to_owned)
                .chain(paths_after(source, "super::").into_iter().map(|p| {
                    if parent.is_empty() {
                        p.to_owned()
                    } else {
                        format!("{parent}::{p}")
                    }
                }));
            for path in named {
                if let Some(target) = resolve(known, &path) {
                    let inside = module == &target || module.starts_with(&format!("{target}::"));
                    if !inside && !target.is_empty() {
                        uses.insert(target);
                    }
                }
            }
            (module.clone(), uses)
        })
        .collect()
}

/// The groups of modules that depend on each other in a circle.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Two modules are in one cycle when each reaches the other.
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(at) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut groups: Vec<Vec<String>> = Vec::new();
    for (module, reached) in &reaches {
        if !reached.contains(*module) || groups.iter().any(|g| g.contains(module)) {
            continue;
        }
        groups.push(
            reached
                .iter()
                .filter(|other| reaches.get(other).is_some_and(|r| r.contains(*module)))
                .cloned()
                .collect(),
        );
    }
    groups
}

fn source_root(crate_dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_dir)
        .join("src")
}

#[test]
fn the_domain_imports_nothing_outside_itself() {
    let app = modules(&source_root("app"));
    let mut outside = Vec::new();
    for (module, source) in app.iter().filter(|(m, _)| m.starts_with("domain")) {
        for path in paths_after(source, "crate::") {
            if !path.starts_with("domain") {
                outside.push(format!("{module} uses crate::{path}"));
            }
        }
        for framework in ["leptos", "sqlx", "axum", "tokio"] {
            if source.contains(&format!("{framework}::")) {
                outside.push(format!("{module} uses {framework}"));
            }
        }
    }
    assert!(outside.is_empty(), "{outside:#?}");
}

#[test]
fn no_two_modules_depend_on_each_other() {
    for crate_dir in ["app", "server"] {
        let known = modules(&source_root(crate_dir));
        let found = cycles(&dependencies(&known));
        assert!(found.is_empty(), "cycles in {crate_dir}: {found:?}");
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, uses)| (m.to_owned(), uses.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c"]]);
}

/// Every transaction begins through `Db::begin_write`. A plain `begin()` on SQLite is
/// deferred: one that reads and then writes fails at once ("database is locked") when
/// another writer committed in between, which the busy timeout does not wait out. That
/// was a withdrawal answering 500 while the episode job wrote.
#[test]
fn every_transaction_takes_the_write_lock_first() {
    let mut deferred = Vec::new();
    let benches = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
    for (crate_dir, root) in [
        ("app", source_root("app")),
        ("server", source_root("server")),
        ("benches", benches),
    ] {
        for (module, source) in modules(&root) {
            if module == "server::db" {
                continue;
            }
            for (n, line) in source.lines().enumerate() {
                if line.contains(".begin()") || line.contains("begin_with(") {
                    deferred.push(format!("{crate_dir}::{module}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(deferred.is_empty(), "use db.begin_write(): {deferred:#?}");
}
