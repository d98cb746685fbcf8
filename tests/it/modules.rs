//! The shape of the code, checked: no circle in any crate's module import graph, so that
//! each module can be read (and changed) knowing only what it imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A crate's modules by path (`commands/api/print`; the crate root is `""`), each with the
/// text of its file outside its `#[cfg(test)] mod tests`.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut folders = vec![src.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel: PathBuf = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            found.insert(parts.join("/"), code);
        }
    }
    found
}

/// The modules `code` (of module `name`) names through `crate::` or `super::`, as the
/// deepest module path that exists.
fn imports(name: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let parent: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
    let parent = &parent[..parent.len().saturating_sub(1)];
    let mut found = BTreeSet::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent.to_vec())] {
        for (at, _) in code.match_indices(prefix) {
            // `crate::a::b::{c, d}` or `crate::{a, b}`: each path taken to its deepest module.
            let rest = &code[at + prefix.len()..];
            let end = rest
                .find(|c: char| {
                    !(c.is_alphanumeric()
                        || c == '_'
                        || c == ':'
                        || c == '{'
                        || c == '}'
                        || c == ','
                        || c == ' '
                        || c == '\n')
                })
                .unwrap_or(rest.len());
            let rest = &rest[..end];
            let (head, group) = match rest.split_once('{') {
                Some((head, group)) => (head, group.split('}').next().unwrap_or_default()),
                None => (rest, ""),
            };
            let heads: Vec<String> = if group.is_empty() {
                vec![head.to_string()]
            } else {
                group
                    .split(',')
                    .map(|item| format!("{head}{}", item.trim()))
                    .collect()
            };
            for path in heads {
                let mut segments: Vec<&str> = base.clone();
                segments.extend(path.split("::").map(str::trim).filter(|s| !s.is_empty()));
                while !segments.is_empty() {
                    let candidate = segments.join("/");
                    if known.contains(&candidate) {
                        if candidate != name {
                            found.insert(candidate);
                        }
                        break;
                    }
                    segments.pop();
                }
            }
        }
    }
    found
}

/// A circle of `graph`, if it has one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_has_a_circle_in_its_module_imports() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for src in [
        "src",
        "crates/gsignin-emulator/src",
        "crates/gsignin-verify/src",
    ] {
        let modules = modules(&root.join(src));
        let known: BTreeSet<String> = modules.keys().cloned().collect();
        assert!(known.len() > 5, "{src}: its modules were not found");
        let graph: BTreeMap<String, BTreeSet<String>> = modules
            .iter()
            .map(|(name, code)| (name.clone(), imports(name, code, &known)))
            .collect();
        if let Some(found) = circle(&graph) {
            panic!(
                "{src}: the modules import each other in a circle: {}",
                found.join(" -> ")
            );
        }
    }
}

/// The check finds a circle where there is one (a check that could not fail would prove
/// nothing).
#[test]
fn the_circle_check_finds_a_circle() {
    let known: BTreeSet<String> = ["a", "b", "b/c"].map(String::from).into();
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", "use crate::b::c::Thing;"),
        ("b", "fn f() {}"),
        ("b/c", "use super::super::a;\nuse crate::{a, b};"),
    ]
    .into_iter()
    .map(|(n, code)| (n.to_string(), imports(n, code, &known)))
    .collect();
    assert_eq!(graph["a"], ["b/c".to_string()].into());
    assert!(circle(&graph).is_some());
}
