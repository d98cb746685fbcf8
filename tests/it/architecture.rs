//! ARCHITECTURE.md, checked where a script can check it: a map that names files which moved,
//! or a sentence about the crates' surfaces that the code no longer keeps, misleads a first
//! day more than no map at all. Each test below names the sentence it holds.

use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn page() -> String {
    read("ARCHITECTURE.md")
}

/// `text` with its line breaks and runs of spaces as single spaces, as Markdown reads it.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of the page's bullet that starts with `- \`NAME\``, up to the next bullet.
fn bullet(page: &str, name: &str) -> String {
    let start = format!("- `{name}`");
    let at = page
        .find(&start)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no bullet for {name}"));
    let rest = &page[at + start.len()..];
    let end = [rest.find("\n- "), rest.find("\n\n")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    flat(&rest[..end])
}

/// Every file and folder of the repository (folders ending in `/`), relative to its root;
/// build output and installed tools left out.
fn repository_paths() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut folders = vec![root()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if ["target", ".git", "node_modules", ".venv"].contains(&name.as_str()) {
                continue;
            }
            let rel = path.strip_prefix(root()).unwrap().display().to_string();
            if path.is_dir() {
                found.insert(format!("{rel}/"));
                folders.push(path);
            } else {
                found.insert(rel);
            }
        }
    }
    found
}

/// The page's maps: the fenced blocks whose lines start with a path.
fn maps(page: &str) -> Vec<Vec<&str>> {
    let mut found = Vec::new();
    let mut open: Option<Vec<&str>> = None;
    for line in page.lines() {
        match (open.take(), line.starts_with("```")) {
            (Some(block), true) => found.push(block),
            (Some(mut block), false) => {
                block.push(line);
                open = Some(block);
            }
            (None, true) => open = Some(Vec::new()),
            (None, false) => {}
        }
    }
    found
        .into_iter()
        .filter(|block| {
            block
                .first()
                .and_then(|l| l.split_whitespace().next())
                .is_some_and(|first| first.contains('/') || first.contains('.'))
        })
        .collect()
}

/// What a description names as a file or folder: `name.rs`, `folder/`, `a/b.ext`. Paths of
/// Google's APIs (`people/me`) have neither an extension nor a trailing slash.
fn named_paths(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "(),;:`".contains(c))
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| {
            let starts = t.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
            let chars = t
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_./-".contains(c));
            let file = t.ends_with(".rs")
                || t.ends_with('/')
                || (t.contains('/') && t.rsplit('/').next().unwrap().contains('.'));
            starts && chars && file
        })
        .map(String::from)
        .collect()
}

/// The map of the CLI and the packaging map: every entry exists, and every file or folder a
/// description names exists in the entry's crate (`deep.rs`, `whoami/access.rs`) or at the
/// root (`.ci/package-check`).
#[test]
fn every_file_the_maps_name_exists() {
    let page = page();
    let paths = repository_paths();
    let maps = maps(&page);
    assert!(maps.len() >= 2, "ARCHITECTURE.md's maps were not found");
    let mut checked = 0;
    for map in maps {
        let (mut entry, mut folder) = (String::new(), String::new());
        for line in map.iter().filter(|l| !l.trim().is_empty()) {
            let indent = line.len() - line.trim_start().len();
            let first = line.split_whitespace().next().unwrap();
            let description = if indent == 0 {
                entry = first.to_string();
                if entry.ends_with('/') {
                    folder = entry.clone();
                }
                &line[first.len()..]
            } else if indent == 2 {
                // A file of the folder above (`crates/gsignin-emulator/src/` then `  guard.rs`).
                entry = format!("{folder}{first}");
                &line[indent + first.len()..]
            } else {
                line
            };
            assert!(
                paths.contains(&entry),
                "ARCHITECTURE.md maps {entry}, which does not exist"
            );
            // The crate an entry belongs to: `crates/NAME/`, else the root package.
            let area = match entry.strip_prefix("crates/") {
                Some(rest) => format!("crates/{}/", rest.split('/').next().unwrap()),
                None => String::new(),
            };
            for named in named_paths(description) {
                let found = paths.contains(&named)
                    || paths.iter().any(|p| {
                        p.starts_with(&area)
                            && (p.ends_with(&format!("/{named}")) || *p == format!("{area}{named}"))
                    });
                assert!(
                    found,
                    "ARCHITECTURE.md names {named} (at {entry}), which does not exist"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 30, "only {checked} named files found");
}

/// "It forbids unsafe code": each crate whose bullet says so has `#![forbid(unsafe_code)]`.
#[test]
fn the_crates_said_to_forbid_unsafe_code_do() {
    let page = page();
    let mut said = 0;
    for name in ["gsignin-verify", "gsignin-emulator", "gsignin"] {
        if !bullet(&page, name).contains("forbids unsafe code") {
            continue;
        }
        said += 1;
        let lib = if name == "gsignin" {
            "src/lib.rs".to_string()
        } else {
            format!("crates/{name}/src/lib.rs")
        };
        assert!(
            read(&lib).contains("#![forbid(unsafe_code)]"),
            "ARCHITECTURE.md says {name} forbids unsafe code; {lib} does not"
        );
    }
    assert_eq!(said, 2, "the verifier's and the emulator's bullets say so");
}

/// The items `code` makes public at its top level: `pub fn NAME`, `pub mod NAME`, and the names
/// `pub use` brings in.
fn public_items(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in code.lines().filter(|l| l.starts_with("pub ")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let name = match words.get(1) {
            Some(&"use") => line.to_string(),
            _ => words
                .get(2)
                .map(|w| {
                    w.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap()
                        .to_string()
                })
                .unwrap_or_default(),
        };
        found.insert(name);
    }
    found
}

/// "Its public items are `main`, `start` and the doc-hidden `testing`", and the other crates'
/// pieces are named "under short names private to it": lib.rs re-exports nothing.
#[test]
fn the_librarys_public_items_and_private_names_are_the_ones_the_page_names() {
    let bullet = bullet(&page(), "gsignin");
    let lib = read("src/lib.rs");
    let public = public_items(&lib);
    assert_eq!(
        public,
        ["main", "start", "testing"].map(String::from).into(),
        "src/lib.rs's public items"
    );
    for item in &public {
        assert!(
            bullet.contains(&format!("`{item}`")),
            "the page omits {item}"
        );
    }
    assert!(
        lib.contains("#[doc(hidden)]\npub mod testing"),
        "testing is doc-hidden"
    );
    // `use gsignin_emulator as emulator;`, `use gsignin_emulator::server::html;`: each name
    // lib.rs gives another crate's piece is private, and the page names it as `crate::NAME`.
    let aliases: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("use gsignin_"))
        .map(|l| {
            let l = l.trim_end_matches(';');
            l.rsplit([' ', ':']).next().unwrap()
        })
        .collect();
    assert!(aliases.len() >= 4, "{aliases:?}");
    for alias in aliases {
        assert!(
            bullet.contains(&format!("`crate::{alias}`")),
            "ARCHITECTURE.md does not name crate::{alias}"
        );
    }
    assert!(
        read("src/google/mod.rs").contains("pub use gsignin_verify::id_token;"),
        "google::id_token is gsignin-verify's"
    );
}

/// "Its state (the `state` module) and its handlers are private modules"; its public modules
/// are `server` and `users`, which the page names.
#[test]
fn the_emulators_state_and_handlers_are_private() {
    let bullet = bullet(&page(), "gsignin-emulator");
    let lib = read("crates/gsignin-emulator/src/lib.rs");
    assert!(lib.lines().any(|l| l == "mod state;"), "state is a module");
    let public_modules: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert_eq!(public_modules, ["server", "users"].into());
    for module in public_modules {
        assert!(
            bullet.contains(&format!("`{module}`")),
            "ARCHITECTURE.md does not name the public module {module}"
        );
    }
    for handler in ["authorize", "control", "token", "info", "drive", "page"] {
        assert!(
            lib.lines().any(|l| l == format!("mod {handler};")),
            "{handler} is a private module"
        );
    }
}

/// The text of every `.rs` file under `dir` (or the file itself), with its path.
fn sources(path: &str) -> Vec<(String, String)> {
    let full = root().join(path);
    if full.is_file() {
        return vec![(path.to_string(), read(path))];
    }
    let mut found = Vec::new();
    let mut folders = vec![full];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                folders.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(root()).unwrap().display().to_string();
                found.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    found
}

fn names_cli(code: &str) -> bool {
    code.contains("crate::cli") || code.contains("super::cli")
}

/// "`cli` is read only by `app`, `context` and `commands`; `google` and `http` use neither
/// `cli` nor clap, and `store` uses no `cli` type and of clap only `CompletionCandidate`."
#[test]
fn only_app_context_and_commands_know_the_command_line() {
    let page = flat(&page());
    assert!(
        page.contains(
            "`cli` is read only by `app`, `context` (Settings::from_args) and `commands`"
        )
    );
    assert!(page.contains("`google` and `http` use neither `cli` nor clap"));
    for (file, code) in sources("src") {
        let allowed = ["src/app.rs", "src/context.rs"].contains(&file.as_str())
            || file.starts_with("src/cli/")
            || file.starts_with("src/commands/");
        assert!(allowed || !names_cli(&code), "{file} uses cli");
    }
    for (file, code) in sources("src/google")
        .into_iter()
        .chain(sources("src/http.rs"))
    {
        assert!(
            !names_cli(&code) && !code.contains("clap"),
            "{file} knows the command line"
        );
    }
    for (file, code) in sources("src/store") {
        assert!(!names_cli(&code), "{file} uses cli");
        for (at, _) in code.match_indices("clap") {
            assert!(
                code[at..].starts_with("clap_complete::engine::CompletionCandidate"),
                "{file} uses clap beyond the completion candidate"
            );
        }
    }
}

/// "No I/O, and verification reads no clock: the keys and `now` are arguments; `time::Clock`
/// is there for callers who want one."
#[test]
fn the_verifier_reads_no_clock_and_does_no_io() {
    assert!(bullet(&page(), "gsignin-verify").contains("verification reads no clock"));
    let mut clocks = Vec::new();
    for (file, code) in sources("crates/gsignin-verify/src") {
        // Its unit tests may read files (openssl's output): the crate's own code may not.
        let code = code
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for io in ["std::fs", "std::net", "std::io", "std::env"] {
            assert!(!code.contains(io), "{file} uses {io}");
        }
        if code.contains("SystemTime") || code.contains("Instant::now") {
            clocks.push(file);
        }
    }
    assert_eq!(
        clocks,
        ["crates/gsignin-verify/src/time.rs"],
        "only Clock reads one"
    );
    let id_token = read("crates/gsignin-verify/src/id_token.rs");
    assert!(
        id_token.contains(
            "pub fn verify(token: &[u8], keys: &KeySet, expect: &Expectations, now: i64)"
        ),
        "verify takes its keys and now as arguments"
    );
}

/// The path check finds what is missing (a check that could not fail would prove nothing).
#[test]
fn the_named_paths_are_the_files_and_folders_only() {
    assert_eq!(
        named_paths("(batch.rs: people/me, whoami/access.rs; api/, /dev/null, link/startup.order."),
        ["batch.rs", "whoami/access.rs", "api/", "link/startup.order"]
    );
}
