//! docs/ci.md's recipes, run as written: each GitHub step's `run:` and each GitLab job's
//! `script:` is taken from the page itself (never copied here), and run with `bash -e` under
//! `env -i` (an empty HOME, no D-Bus, no keyring), with only the variables the recipe names,
//! against the emulator standing in for Google and for the service.

use crate::support::{Env, exits, json_out, missing_tool};
use std::collections::BTreeMap;
use std::path::Path;

/// One recipe: its commands and the variables it sets (values as written).
#[derive(Debug, Default)]
struct Recipe {
    script: String,
    vars: Vec<(String, String)>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The ```yaml blocks of a Markdown page.
fn yaml_blocks(page: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in page.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```yaml") => current = Some(Vec::new()),
            (Some(_), l) if l.starts_with("```") => blocks.extend(current.take()),
            (Some(block), _) => block.push(line.to_string()),
            _ => {}
        }
    }
    blocks
}

/// The lines of a block scalar (`key: |`) starting after `at`, dedented.
fn block_scalar(lines: &[String], at: usize, parent: usize) -> (String, usize) {
    let mut body = Vec::new();
    let mut i = at;
    while i < lines.len() && (lines[i].trim().is_empty() || indent(&lines[i]) > parent) {
        body.push(lines[i].clone());
        i += 1;
    }
    let cut = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    let text: Vec<String> = body
        .iter()
        .map(|l| l.get(cut..).unwrap_or("").to_string())
        .collect();
    (text.join("\n") + "\n", i)
}

/// `KEY: VALUE` lines under a mapping key at `parent` indentation, from `at`.
fn mapping(lines: &[String], at: usize, parent: usize) -> (Vec<(String, String)>, usize) {
    let mut out = Vec::new();
    let mut i = at;
    while i < lines.len() && indent(&lines[i]) > parent {
        if let Some((k, v)) = lines[i].trim().split_once(':') {
            let v = v.split(" #").next().unwrap_or("").trim().trim_matches('"');
            out.push((k.trim().to_string(), v.to_string()));
        }
        i += 1;
    }
    (out, i)
}

/// The GitHub step named `name`: its `env:` and its `run:`.
fn github_step(block: &[String], name: &str) -> Option<Recipe> {
    let start = block
        .iter()
        .position(|l| l.trim() == format!("- name: {name}"))?;
    let step = indent(&block[start]) + 2;
    let mut recipe = Recipe::default();
    let mut i = start + 1;
    while i < block.len() && indent(&block[i]) >= step {
        let line = block[i].trim();
        if line == "env:" {
            let (vars, next) = mapping(block, i + 1, step);
            recipe.vars = vars;
            i = next;
        } else if line == "run: |" {
            let (script, next) = block_scalar(block, i + 1, step);
            recipe.script = script;
            i = next;
        } else {
            i += 1;
        }
    }
    Some(recipe)
}

/// The GitLab job named `name`: its `variables:` and its `script:` items.
fn gitlab_job(block: &[String], name: &str) -> Option<Recipe> {
    let start = block.iter().position(|l| l == &format!("{name}:"))?;
    let mut recipe = Recipe::default();
    let mut i = start + 1;
    while i < block.len() && (block[i].trim().is_empty() || indent(&block[i]) > 0) {
        match block[i].trim() {
            "variables:" => {
                let (vars, next) = mapping(block, i + 1, 2);
                recipe.vars = vars;
                i = next;
            }
            "script:" => {
                i += 1;
                while i < block.len() && indent(&block[i]) >= 4 {
                    let item = block[i].trim().strip_prefix("- ").unwrap_or("");
                    if item == "|" {
                        let (text, next) = block_scalar(block, i + 1, 4);
                        recipe.script.push_str(&text);
                        i = next;
                    } else {
                        recipe.script.push_str(item);
                        recipe.script.push('\n');
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    Some(recipe)
}

/// A recipe by where it is on the page: (section heading, step or job name).
fn recipe(page: &str, platform: &str, name: &str) -> Recipe {
    yaml_blocks(page)
        .iter()
        .find_map(|b| match platform {
            "github" => github_step(b, name),
            _ => gitlab_job(b, name),
        })
        .filter(|r| !r.script.trim().is_empty())
        .unwrap_or_else(|| panic!("docs/ci.md has no {platform} recipe `{name}`"))
}

/// Runs `recipe` with bash under `env -i`: only `given` and the variables the recipe sets
/// (secrets and `$VAR` references resolved from `given`).
fn run(recipe: &Recipe, given: &BTreeMap<&str, String>) -> std::process::Output {
    let bin_dir = assert_cmd::cargo::cargo_bin("gsignin")
        .parent()
        .unwrap()
        .to_path_buf();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("env");
    cmd.arg("-i")
        .arg(format!("HOME={}", home.path().display()))
        .arg(format!(
            "PATH={}:/usr/local/bin:/usr/bin:/bin",
            bin_dir.display()
        ));
    let mut vars: BTreeMap<String, String> = given
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    for (k, v) in &recipe.vars {
        let value = if let Some(secret) = v
            .strip_prefix("${{ secrets.")
            .and_then(|s| s.strip_suffix(" }}"))
        {
            given.get(secret).cloned().unwrap_or_default()
        } else if let Some(var) = v.strip_prefix('$') {
            given.get(var).cloned().unwrap_or_default()
        } else {
            // A service's URL as the recipe writes it is the test's emulator.
            given.get(k.as_str()).cloned().unwrap_or_else(|| v.clone())
        };
        vars.insert(k.clone(), value);
    }
    for (k, v) in &vars {
        cmd.arg(format!("{k}={v}"));
    }
    cmd.args(["bash", "-e", "-o", "pipefail", "-c", &recipe.script]);
    let out = cmd.output().expect("env and bash run");
    drop(home);
    out
}

fn need_curl() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        missing_tool("curl, for docs/ci.md's recipes (apt-get install curl)");
    }
}

fn page() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md")).unwrap()
}

/// The secrets a smoke test gets: a refresh token and client secret of the emulator, and the
/// emulator as Google.
fn smoke_secrets(env: &Env) -> BTreeMap<&'static str, String> {
    let doc = json_out(&exits(
        env.cmd()
            .args(["exchange", &env.code(), "--show-refresh-token", "--json"]),
        0,
    ));
    BTreeMap::from([
        (
            "GSIGNIN_REFRESH_TOKEN",
            doc["tokens"]["refresh_token"].as_str().unwrap().to_string(),
        ),
        ("GSIGNIN_CLIENT_SECRET_JSON", env.emu.client_secret_json()),
        ("GSIGNIN_ISSUER", env.emu.base_url().to_string()),
        ("GSIGNIN_API_URL", env.emu.base_url().to_string()),
    ])
}

#[test]
fn the_smoke_test_recipes_run_as_written_and_fail_on_a_degraded_grant() {
    let page = page();
    for (platform, name) in [
        ("github", "Smoke test against Google"),
        ("gitlab", "sign-in smoke test"),
    ] {
        let env = Env::new();
        let recipe = recipe(&page, platform, name);
        let given = smoke_secrets(&env);
        let out = run(&recipe, &given);
        assert!(
            out.status.success(),
            "{platform}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("alice@example.com"), "{stdout}");
        assert_eq!(stdout.lines().last(), Some("3"), "three files: {stdout}");
        for secret in env.issued_secrets() {
            assert!(
                !String::from_utf8_lossy(&out.stderr).contains(&secret),
                "a secret in the log"
            );
        }
        // The grant revoked: the same recipe fails.
        env.emu.revoke_grants();
        let out = run(&recipe, &given);
        assert_eq!(out.status.code(), Some(4), "{platform}");
    }
}

#[test]
#[ignore = "needs curl (apt-get install curl); bash .ci/run installs it and runs the ignored tests"]
fn the_backend_recipes_run_as_written_against_the_emulator_as_a_service() {
    need_curl();
    let page = page();
    let token = "ci-control-token-0123456789abcdef";
    for (platform, name, ci_dir) in [
        (
            "github",
            "Sign a test user in at the emulator",
            "RUNNER_TEMP",
        ),
        ("gitlab", "backend tests", "CI_PROJECT_DIR"),
    ] {
        let emu = gsignin_emulator::Emulator::builder()
            .control_token(token)
            .start()
            .expect("the emulator starts");
        let dir = tempfile::tempdir().unwrap();
        let recipe = recipe(&page, platform, name);
        let given = BTreeMap::from([
            ("EMULATOR", emu.base_url().to_string()),
            ("EMULATOR_CONTROL_TOKEN", token.to_string()),
            (ci_dir, dir.path().display().to_string()),
        ]);
        let out = run(&recipe, &given);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{platform}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("Signed in as ci-user@example.com"),
            "{stdout}"
        );
        assert!(stdout.contains("settings.json"), "{stdout}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains(token));
    }
}
