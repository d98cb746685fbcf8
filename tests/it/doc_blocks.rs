//! Every shell block of README.md and docs/*.md (a fence opened with ```sh) is run as written
//! by these tests, or says in its fence why not: ```sh no-run: REASON for what cannot run
//! here (a Google account, a terminal, Docker, a build of this project), ```sh pending: REASON
//! for what waits on work in progress (listed when the tests run; drop the tag to run it).
//!
//! A block runs with `sh -e` under `env -i`, in a folder of its own that holds the clone's
//! `man/` and `completions/`, with an empty HOME and `PATH` holding gsignin and the system's
//! tools. A block that starts its own emulator gets nothing else, and its fixed ports (8089,
//! 8090) become free ones; any other block gets an emulator standing in for Google, as the
//! docs set it up: `GSIGNIN_ISSUER`, `GSIGNIN_API_URL` and `GSIGNIN_DRIVE_URL` pointing at it,
//! `GSIGNIN_STORE=file`, its client secret in `~/.config/gsignin/client_secret.json`, and a
//! sign-in stored under the default profile. The blocks that use curl run in the ignored tier.

use crate::support::exits;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One ```sh block: where it is, its tag, and its text.
#[derive(Debug)]
struct Block {
    place: String,
    tag: Tag,
    text: String,
}

#[derive(Debug, PartialEq)]
enum Tag {
    Run,
    NoRun(String),
    Pending(String),
    /// A tag this test does not know: a failure.
    Unknown(String),
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page under docs/.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

fn blocks() -> Vec<Block> {
    let mut found = Vec::new();
    for page in pages() {
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&page).unwrap();
        // The open block: where it starts, its tag (None: another language's), its lines.
        let mut open: Option<(usize, Option<Tag>, Vec<&str>)> = None;
        for (n, line) in text.lines().enumerate() {
            let fence = line.trim_start().strip_prefix("```");
            match (open.take(), fence) {
                (Some((at, tag, body)), Some(_)) => {
                    if let Some(tag) = tag {
                        found.push(Block {
                            place: format!("{name}:{}", at + 1),
                            tag,
                            text: body.join("\n") + "\n",
                        });
                    }
                }
                (Some((at, tag, mut body)), None) => {
                    body.push(line);
                    open = Some((at, tag, body));
                }
                (None, Some(info)) => {
                    let (lang, rest) = info.split_once(' ').unwrap_or((info, ""));
                    let rest = rest.trim();
                    let tag = if !["sh", "bash", "shell", "console"].contains(&lang) {
                        None
                    } else if rest.is_empty() && lang == "sh" {
                        Some(Tag::Run)
                    } else if let Some(why) = rest.strip_prefix("no-run:") {
                        Some(Tag::NoRun(why.trim().to_string()))
                    } else if let Some(why) = rest.strip_prefix("pending:") {
                        Some(Tag::Pending(why.trim().to_string()))
                    } else {
                        Some(Tag::Unknown(info.to_string()))
                    };
                    open = Some((n, tag, Vec::new()));
                }
                (None, None) => {}
            }
        }
        assert!(open.is_none(), "{name}: a fence is never closed");
    }
    found
}

/// The tools beyond gsignin and a shell a block runs: such blocks run in the ignored tier.
const TOOLS: [(&str, &str); 2] = [("curl", "curl "), ("jq", "| jq ")];

fn needs_a_tool(block: &Block) -> bool {
    TOOLS.iter().any(|(_, used)| block.text.contains(used))
}

/// A free port on 127.0.0.1 (free as this returns).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `block` as the module's comment says; its exit status, stdout and stderr.
fn run(block: &Block) -> (std::process::ExitStatus, String, String) {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let (home, work) = (dir.path().join("home"), dir.path().join("work"));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    for folder in ["man", "completions"] {
        std::os::unix::fs::symlink(root().join(folder), work.join(folder)).unwrap();
    }
    let bin_dir = assert_cmd::cargo::cargo_bin("gsignin")
        .parent()
        .unwrap()
        .to_path_buf();
    let mut vars = vec![
        ("HOME".to_string(), home.display().to_string()),
        (
            "PATH".to_string(),
            format!("{}:/usr/local/bin:/usr/bin:/bin", bin_dir.display()),
        ),
        (
            "DBUS_SESSION_BUS_ADDRESS".to_string(),
            "unix:path=/nonexistent/gsignin-test-bus".to_string(),
        ),
    ];
    let mut script = block.text.clone();
    let _google;
    // A block that starts an emulator of its own (not one that only mints at one).
    if block.text.contains("gsignin emulator --") {
        for port in ["8089", "8090"] {
            script = script.replace(port, &free_port().to_string());
        }
    } else {
        let emu = gsignin_emulator::Emulator::start(0).expect("the emulator starts");
        let base = emu.base_url().to_string();
        let config = home.join(".config/gsignin");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(config.join("client_secret.json"), emu.client_secret_json()).unwrap();
        vars.extend([
            ("GSIGNIN_ISSUER".to_string(), base.clone()),
            ("GSIGNIN_API_URL".to_string(), base.clone()),
            ("GSIGNIN_DRIVE_URL".to_string(), format!("{base}/drive/v3")),
            ("GSIGNIN_STORE".to_string(), "file".to_string()),
        ]);
        // A sign-in as the README's emulator block makes one: the emulator's default scopes.
        let code = emu.mint(gsignin_emulator::MintRequest::default());
        let mut sign_in = assert_cmd::Command::new("env");
        sign_in
            .arg("-i")
            .args(vars.iter().map(|(k, v)| format!("{k}={v}")))
            .args([assert_cmd::cargo::cargo_bin("gsignin").as_os_str()])
            .args([std::ffi::OsStr::new("exchange"), code.as_ref()])
            .current_dir(&work);
        exits(&mut sign_in, 0);
        _google = emu;
    }
    let (out, err) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let mut child = std::process::Command::new("env")
        .arg("-i")
        .args(vars.iter().map(|(k, v)| format!("{k}={v}")))
        .args(["sh", "-e", "-c", &script])
        .current_dir(&work)
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .process_group(0)
        .spawn()
        .expect("env and sh run");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(60) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // Whatever the block left running (an emulator started with `&`) ends with it.
    // SAFETY: kill has no memory effects; the group is the block's own.
    unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
    let _ = child.wait();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    let status = status.unwrap_or_else(|| {
        panic!(
            "{} still ran after 60 s:\n{}\n{}",
            block.place,
            read(&out),
            read(&err)
        )
    });
    (status, read(&out), read(&err))
}

/// Runs every untagged block that `pick` selects; fails naming each block that failed.
fn run_blocks(pick: impl Fn(&Block) -> bool) -> usize {
    let mut failed = Vec::new();
    let mut ran = 0;
    for block in blocks().iter().filter(|b| b.tag == Tag::Run && pick(b)) {
        ran += 1;
        eprintln!("running {}", block.place);
        let (status, out, err) = run(block);
        if !status.success() {
            failed.push(format!(
                "{} ({status}):\n{}--- stdout:\n{out}--- stderr:\n{err}",
                block.place, block.text
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    ran
}

#[test]
fn every_shell_block_of_the_docs_is_run_or_says_why_not() {
    let blocks = blocks();
    assert!(blocks.len() > 15, "the docs' shell blocks were not found");
    for block in &blocks {
        match &block.tag {
            Tag::Unknown(info) => panic!(
                "{}: ```{info}: a shell block is ```sh (run by tests/it/doc_blocks.rs), \
                 ```sh no-run: REASON or ```sh pending: REASON",
                block.place
            ),
            Tag::NoRun(why) | Tag::Pending(why) => {
                assert!(!why.is_empty(), "{}: a tag without its reason", block.place);
            }
            Tag::Run => {}
        }
    }
    for block in blocks.iter().filter(|b| matches!(b.tag, Tag::Pending(_))) {
        eprintln!("pending: {} ({:?})", block.place, block.tag);
    }
    let ran = run_blocks(|b| !needs_a_tool(b));
    assert!(ran >= 2, "only {ran} blocks ran");
}

#[test]
#[ignore = "needs curl and jq (apt-get install curl jq); bash .ci/run installs them and runs the ignored tests"]
fn the_docs_blocks_that_use_curl_or_jq_run_as_written() {
    for (tool, _) in TOOLS {
        if std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_err()
        {
            crate::support::missing_tool(&format!(
                "{tool}, for the docs' blocks (apt-get install {tool})"
            ));
        }
    }
    let ran = run_blocks(needs_a_tool);
    assert!(ran >= 2, "only {ran} blocks ran");
}

/// README's emulator block does what it says: its exchange signs alice in.
#[test]
#[ignore = "needs curl (apt-get install curl); bash .ci/run installs it and runs the ignored tests"]
fn the_emulator_block_signs_alice_in() {
    let block = blocks()
        .into_iter()
        .find(|b| {
            b.tag == Tag::Run
                && b.text
                    .contains("--write-client-secret ./client_secret.json")
        })
        .expect("README's emulator block");
    let (status, out, err) = run(&block);
    assert!(status.success(), "{out}\n{err}");
    assert!(
        out.contains("Signed in as alice@example.com"),
        "{out}\n{err}"
    );
}
