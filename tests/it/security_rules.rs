//! SECURITY.md's rules and the tests that guard them, traced one way: the page states each rule
//! with its id (`R11`), and a test that guards a rule starts its name with the id in lower case
//! (`r11_…`, or `e4_s10_…` for two). The page names no test, so a test renamed or moved
//! (into a crate's own tests, say) leaves nothing stale; what is checked is that every rule
//! still has a guard somewhere and that no test claims a rule the page does not state.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The ids of the rules `page` states: each rule is a list item that opens with its id in
/// bold, `- **R11** …`.
fn rules(page: &str) -> BTreeSet<String> {
    page.lines()
        .filter_map(|l| l.strip_prefix("- **")?.split_once("**"))
        .map(|(id, _)| id)
        .filter(|id| looks_like_an_id(&id.to_ascii_lowercase()))
        .map(String::from)
        .collect()
}

/// `r11`: one letter, then digits.
fn looks_like_an_id(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && !chars.as_str().is_empty()
        && chars.all(|c| c.is_ascii_digit())
}

/// The rule ids a test's name starts with, upper-cased: `e4_s10_no_keyring` is E4 and S10.
fn ids_named(test: &str) -> Vec<String> {
    test.split('_')
        .take_while(|w| looks_like_an_id(w))
        .map(str::to_ascii_uppercase)
        .collect()
}

/// The test functions of `code`: each `fn` that follows a `#[test]` attribute (other
/// attributes and comments may come between).
fn tests_in(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut marked = false;
    for line in code.lines().map(str::trim_start) {
        if line.starts_with("#[test]") || line.starts_with("#[tokio::test") {
            marked = true;
        } else if marked {
            let signature = ["pub fn ", "async fn ", "fn "]
                .iter()
                .find_map(|start| line.strip_prefix(start));
            if let Some(rest) = signature {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push(name);
                marked = false;
            }
        }
    }
    found
}

/// Every `.rs` file under `dir`, tools' installed packages and build output left out.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if ["node_modules", ".venv", "target"].contains(&name.to_string_lossy().as_ref()) {
                continue;
            }
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found
}

/// Every test of the workspace, by name, with the files it is in: the integration tests
/// (`tests/`, each crate's `tests/`) and the unit tests of `src/` and each crate's `src/`.
fn workspace_tests() -> BTreeMap<String, Vec<String>> {
    let root = root();
    let mut places = vec![root.join("tests"), root.join("src")];
    for krate in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        places.push(krate.path().join("tests"));
        places.push(krate.path().join("src"));
    }
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in places.iter().flat_map(|p| rust_files(p)) {
        let code = std::fs::read_to_string(&file).unwrap();
        let rel = file.strip_prefix(&root).unwrap().display().to_string();
        for test in tests_in(&code) {
            found.entry(test).or_default().push(rel.clone());
        }
    }
    found
}

#[test]
fn every_rule_in_security_md_has_a_test_named_for_it_and_every_named_rule_exists() {
    let page = std::fs::read_to_string(root().join("SECURITY.md")).unwrap();
    let rules = rules(&page);
    assert!(rules.len() > 100, "only {} rules found", rules.len());
    let tests = workspace_tests();
    assert!(tests.len() > 300, "only {} tests found", tests.len());
    let mut guarded = BTreeSet::new();
    let mut orphans = Vec::new();
    for (test, files) in &tests {
        for id in ids_named(test) {
            if rules.contains(&id) {
                guarded.insert(id);
            } else {
                orphans.push(format!("{} ({test}): {id}", files.join(", ")));
            }
        }
    }
    let unguarded: Vec<&String> = rules.difference(&guarded).collect();
    assert!(
        unguarded.is_empty() && orphans.is_empty(),
        "no test is named for these rules of SECURITY.md (a guard of R11 is named `r11_…`): \
         {unguarded:?}\nthese tests name a rule SECURITY.md does not state:\n{}",
        orphans.join("\n")
    );
}

/// The parts the check stands on find what they should, and only that (a check that could not
/// fail would prove nothing).
#[test]
fn the_rule_and_test_readers_find_what_they_should() {
    let page = "- **E4** Checked first.\n- **Who can reach it:** anyone.\n  - **R11** nested\n- **W20** last.\n";
    assert_eq!(rules(page), ["E4", "W20"].map(String::from).into());
    assert_eq!(ids_named("e4_s10_no_keyring_is_exit_6"), ["E4", "S10"]);
    assert_eq!(ids_named("r11_no_command_uses_another_client"), ["R11"]);
    assert!(ids_named("a_401_refreshes_once").is_empty());
    let code = "#[test]\n#[ignore = \"needs tmux\"]\n/// Why.\nfn e11_a() {}\n\nfn helper() {}\n#[cfg(unix)]\n#[test]\npub fn w7_b() {}\n";
    assert_eq!(tests_in(code), ["e11_a", "w7_b"]);
}
