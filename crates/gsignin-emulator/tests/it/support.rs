//! Test fixtures: an emulator per test with a folder of its own for the files a test writes,
//! an HTTP client that shows each redirect, the authorization page's forms submitted as a
//! browser submits them, headless Chromium, and an app's redirect target.

use gsignin_emulator::{Emulator, MintRequest};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub struct Env {
    pub emu: Emulator,
    dir: tempfile::TempDir,
}

impl Env {
    /// An emulator on a free loopback port.
    pub fn new() -> Env {
        Env {
            emu: Emulator::start(0).expect("emulator starts"),
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// A folder removed with the test's `Env`, for the files it hands to other programs.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn code(&self) -> String {
        self.emu.mint(MintRequest::default())
    }

    /// A fresh code for `email` (a new user gets a refresh token with it).
    pub fn code_for(&self, email: &str) -> String {
        self.emu.mint(MintRequest {
            email: Some(email.into()),
            ..Default::default()
        })
    }
}

/// A fixture folder of this crate's tests: `browser` (playwright-core, `npm ci --prefix`
/// it), `google` (Google's Python libraries in its .venv) or `google/node`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

/// A test that needs a tool beyond Rust (a browser, node, Python's venv) is
/// `#[ignore = "needs …"]`, so that a plain `cargo test` passes without them; `bash .ci/run`
/// installs them all and runs the ignored tests. Run, such a test whose tool is missing fails:
/// a test never passes without having run. The message names what is missing and how to
/// install it.
pub fn missing_tool(msg: &str) -> ! {
    panic!("tool missing: {msg}; `bash .ci/run` installs every tool the tests need")
}

/// An HTTP client as a browser under test: it follows no redirect, so a test sees each one.
pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Submits the authorization page's consent form as the page would: `email`, Allow or Cancel
/// (`action`), with `granted` of the optional scopes checked; `params` are the request's.
pub fn submit_consent(
    env: &Env,
    params: &[(String, String)],
    email: &str,
    action: &str,
    granted: &[&str],
) -> reqwest::blocking::Response {
    let mut form = params.to_vec();
    form.push(("email".into(), email.into()));
    form.push(("action".into(), action.into()));
    for g in granted {
        form.push(("grant".into(), (*g).to_string()));
    }
    http()
        .post(format!("{}/o/oauth2/v2/auth/approve", env.emu.base_url()))
        .form(&form)
        .send()
        .unwrap()
}

/// Headless Chromium, driven by tests/browser/drive.js: the command to run it (node, its
/// packages or Debian's chromium missing fail the test).
pub fn browser_driver() -> assert_cmd::Command {
    let root = fixture("browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node_ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok
        || !root.join("node_modules/playwright-core").exists()
        || !Path::new(&chromium).exists()
    {
        missing_tool(
            "a browser: Debian's chromium (apt-get install chromium), node, and `npm ci --prefix crates/gsignin-emulator/tests/browser`",
        );
    }
    let mut cmd = assert_cmd::Command::new("node");
    cmd.arg(root.join("drive.js")).env("CHROMIUM", chromium);
    cmd.timeout(Duration::from_secs(90));
    for var in ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"] {
        cmd.env_remove(var);
    }
    cmd
}

/// A one-shot loopback web server standing in for an app's redirect target: answers every
/// request with 200 and keeps the request targets it saw.
pub struct Landing {
    pub url: String,
    pub seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Landing {
    pub fn start() -> Landing {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/cb", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let target = line.split(' ').nth(1).unwrap_or_default().to_string();
                record.lock().unwrap().push(target);
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
                        break;
                    }
                }
                let body = "<!doctype html><title>app</title><p>the app got its answer</p>";
                let _ = write!(
                    reader.get_mut(),
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Landing { url, seen }
    }
}
