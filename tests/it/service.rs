//! The emulator as a service (issue 23, point 6): what the Dockerfile's image runs, tested
//! without a Docker daemon. The image's entrypoint command itself (this build's binary,
//! `emulator --bind 0.0.0.0 --port 8080 --public-url http://google-emulator:8080`) serves in a
//! network and mount namespace the test makes (tests/service/netns.sh: a private address,
//! 10.89.0.2, and `google-emulator` resolving to it through a private /etc/hosts), and, in that
//! namespace, the app reaches it by its service name only: gsignin (exchange, refresh, whoami,
//! `api`) and Google's Python libraries (tests/service/app.py), and the control API's guard.
//!
//! It needs root (CI runs as root) and util-linux's unshare, nsenter and mount, iproute2's ip,
//! and Google's Python libraries in the emulator's crates/gsignin-emulator/tests/google/.venv:
//! it is ignored by a plain `cargo test`, and `bash .ci/run` runs it; run without one of them,
//! it fails, naming it.

use crate::support::{bare_process, exits, json_out, missing_tool, stderr, stdout};
use gsignin_emulator::WEB_CLIENT_ID;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const PUBLIC: &str = "http://google-emulator:8080";
/// The image's entrypoint, after the binary's name (Dockerfile's ENTRYPOINT and compose's
/// command).
const ENTRYPOINT: &[&str] = &[
    "emulator",
    "--bind",
    "0.0.0.0",
    "--port",
    "8080",
    "--public-url",
    PUBLIC,
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `tool` is a file on PATH (or in the sbin folders, where root's tools live).
fn on_path(tool: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .any(|dir| dir.join(tool).is_file())
}

/// Every tool the namespace test needs, or a failure that says how to install it. Returns the
/// venv's python.
fn require_tools() -> PathBuf {
    for (tool, package) in [
        ("unshare", "util-linux"),
        ("nsenter", "util-linux"),
        ("mount", "mount"),
        ("getent", "libc-bin"),
        ("ip", "iproute2"),
    ] {
        if !on_path(tool) {
            missing_tool(&format!("{tool}: apt-get install {package}"));
        }
    }
    let python = root().join("crates/gsignin-emulator/tests/google/.venv/bin/python");
    if !python.exists() {
        missing_tool(
            "Google's Python libraries: python3 -m venv crates/gsignin-emulator/tests/google/.venv && \
             crates/gsignin-emulator/tests/google/.venv/bin/pip install -r crates/gsignin-emulator/tests/google/requirements.txt",
        );
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        panic!(
            "the service test creates network and mount namespaces, which needs root (CI runs \
             as root): run it as root, e.g. `sudo -E cargo test --test it service`"
        );
    }
    python
}

/// The namespaces `google-emulator` lives in, held by tests/service/netns.sh until dropped.
struct Namespace {
    holder: Child,
    pid: String,
    _hosts: tempfile::NamedTempFile,
}

impl Namespace {
    fn create() -> Namespace {
        let mut hosts = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            hosts,
            "127.0.0.1 localhost\n::1 localhost\n10.89.0.2 google-emulator"
        )
        .unwrap();
        let mut holder = std::process::Command::new("unshare")
            .args(["--net", "--mount", "--fork", "--", "bash"])
            .arg(root().join("tests/service/netns.sh"))
            .arg(hosts.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("unshare runs");
        let mut line = String::new();
        BufReader::new(holder.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(pid) = line.trim().strip_prefix("ready ").map(str::to_string) else {
            let _ = holder.kill();
            let out = holder.wait_with_output().unwrap();
            panic!(
                "cannot create the network and mount namespaces (unshare --net --mount, as uid {}): {}",
                // SAFETY: geteuid has no preconditions and cannot fail.
                unsafe { libc::geteuid() },
                String::from_utf8_lossy(&out.stderr).trim()
            );
        };
        Namespace {
            holder,
            pid,
            _hosts: hosts,
        }
    }

    /// `base` (its program, arguments, environment and folder) run inside the namespaces.
    fn enter(&self, base: &std::process::Command) -> std::process::Command {
        let mut cmd = std::process::Command::new("nsenter");
        cmd.arg(format!("--target={}", self.pid))
            .args(["--net", "--mount", "--"])
            .arg(base.get_program())
            .args(base.get_args());
        for (name, value) in base.get_envs() {
            match value {
                Some(value) => cmd.env(name, value),
                None => cmd.env_remove(name),
            };
        }
        if let Some(dir) = base.get_current_dir() {
            cmd.current_dir(dir);
        }
        cmd
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        // Closing its stdin ends the holder; the kill is for a holder that did not listen.
        drop(self.holder.stdin.take());
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}

/// A process ended when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `program` with the environment the binary's tests run with: none of gsignin's variables,
/// proxies or CA settings from outside.
fn scrubbed(program: &Path) -> std::process::Command {
    let bare = bare_process();
    let mut cmd = std::process::Command::new(program);
    for (name, value) in bare.get_envs() {
        match value {
            Some(value) => cmd.env(name, value),
            None => cmd.env_remove(name),
        };
    }
    cmd
}

/// The lines `child` prints on stdout up to the first one `last` accepts (30 s at most).
fn lines_until(child: &mut Child, last: impl Fn(&str) -> bool) -> Vec<String> {
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let done = last(&line);
                lines.push(line);
                if done {
                    return lines;
                }
            }
            Err(e) => panic!("stdout ended ({e}) after:\n{}", lines.join("\n")),
        }
    }
}

/// The image's entrypoint in the namespace, writing the web client's secret file; returns it
/// with its banner and the control token the banner printed.
fn start_service(ns: &Namespace, secret: &Path, errors: &Path) -> (Running, Vec<String>, String) {
    let mut base = bare_process();
    base.args(ENTRYPOINT)
        .arg("--write-client-secret")
        .arg(secret);
    let child = ns
        .enter(&base)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(errors).unwrap())
        .spawn()
        .expect("nsenter runs");
    let mut service = Running(child);
    let banner = lines_until(&mut service.0, |l| l.starts_with("# control token: "));
    let token = banner
        .last()
        .and_then(|l| l.strip_prefix("# control token: "))
        .unwrap()
        .trim()
        .to_string();
    (service, banner, token)
}

#[test]
#[ignore = "needs root, for network and mount namespaces (unshare, nsenter, ip: apt-get install util-linux iproute2), and Google's Python libraries in crates/gsignin-emulator/tests/google/.venv; bash .ci/run installs them and runs the ignored tests"]
fn m9_m10_m12_the_images_entrypoint_serves_an_app_by_its_service_name_only() {
    let python = require_tools();
    let ns = Namespace::create();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("client_secret.json");
    let errors = dir.path().join("emulator.stderr");
    let (_service, banner, token) = start_service(&ns, &secret, &errors);

    assert_eq!(banner[0], PUBLIC, "the first line is the public URL");
    let banner = banner.join("\n");
    assert!(banner.contains("listening on 0.0.0.0:8080"), "{banner}");
    assert!(
        banner.contains("export GSIGNIN_INSECURE_HTTP=1"),
        "{banner}"
    );
    assert!(token.len() >= 43, "a random token: {token}");
    let warned = std::fs::read_to_string(&errors).unwrap();
    assert!(warned.contains("listening on 0.0.0.0:8080"), "{warned}");
    assert!(
        !warned.contains(&token),
        "the token is printed only on stdout"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&secret).unwrap()).unwrap();
    assert_eq!(doc["web"]["token_uri"], format!("{PUBLIC}/token"));
    assert_eq!(doc["web"]["auth_uri"], format!("{PUBLIC}/o/oauth2/auth"));

    let code = googles_libraries_as_the_app(&ns, &python, &token, &secret);
    gsignin_as_the_app(&ns, dir.path(), &secret, &code);
}

/// tests/service/app.py in the namespace: the control API's guard, discovery, and Google's
/// Python libraries against the service. Returns the code it minted for gsignin.
fn googles_libraries_as_the_app(
    ns: &Namespace,
    python: &Path,
    token: &str,
    secret: &Path,
) -> String {
    let mut base = scrubbed(python);
    base.arg(root().join("tests/service/app.py"))
        .env("EMU", PUBLIC)
        .env("TOKEN", token)
        .env("CLIENT_SECRET", secret)
        .env("CLIENT_ID", WEB_CLIENT_ID);
    let out = ns.enter(&base).output().expect("the app runs");
    let (stdout, stderr) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for name in [
        "discovery names the public URL",
        "control without the token is 401",
        "control with a wrong token is 401",
        "every control path wants the token",
        "control under another Host is 403",
        "control with the token mints a code",
        "oauth2client exchange at the service",
        "google-auth verify_token against the service",
        "google-auth refresh at the service",
        "drive files.list(appDataFolder) at the service",
        "nothing but the service was reached",
    ] {
        assert!(
            lines.iter().any(|l| l["check"] == name && l["ok"] == true),
            "no passing check `{name}`:\n{stdout}"
        );
    }
    lines.last().unwrap()["code"].as_str().unwrap().to_string()
}

/// gsignin as the app, by the service's name: exchange, refresh, whoami, and `api` on Drive's
/// app data folder.
fn gsignin_as_the_app(ns: &Namespace, home: &Path, secret: &Path, code: &str) {
    let gsignin = |args: &[&str]| {
        let mut base = bare_process();
        base.env("GSIGNIN_HOME", home.join("app"))
            .env("GSIGNIN_STORE", "file")
            .env("GSIGNIN_INSECURE_HTTP", "1")
            .env("GSIGNIN_ISSUER", PUBLIC)
            .env("GSIGNIN_API_URL", PUBLIC)
            .env("GSIGNIN_CLIENT_SECRET", secret)
            .args(args);
        let mut cmd = assert_cmd::Command::from_std(ns.enter(&base));
        cmd.timeout(Duration::from_secs(60));
        cmd
    };
    let out = exits(
        gsignin(&["--json", "exchange", "-", "--require-refresh-token"]).write_stdin(code),
        0,
    );
    assert_eq!(json_out(&out)["email"], "carol@example.com");
    assert!(
        stderr(&out).contains("GSIGNIN_INSECURE_HTTP"),
        "plain http to the service is warned: {}",
        stderr(&out)
    );
    let out = exits(&mut gsignin(&["--json", "refresh"]), 0);
    assert_eq!(
        json_out(&out)["email"],
        "carol@example.com",
        "{}",
        stdout(&out)
    );
    let out = exits(&mut gsignin(&["--json", "whoami"]), 0);
    let verdict = json_out(&out);
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["claims"]["iss"], PUBLIC, "{verdict}");
    let out = exits(
        &mut gsignin(&["api", "drive/v3/files", "-f", "spaces=appDataFolder"]),
        0,
    );
    assert!(json_out(&out)["files"].is_array(), "{}", stdout(&out));
}

/// `gsignin emulator --json` with `args` and `envs` from this machine: its start-up object,
/// and the process (killed when dropped).
fn start_json(args: &[&str], envs: &[(&str, &str)]) -> (Running, Value) {
    let mut cmd = bare_process();
    cmd.args(["--json", "emulator", "--port", "0"])
        .args(args)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut running = Running(cmd.spawn().unwrap());
    let first = lines_until(&mut running.0, |_| true).remove(0);
    (running, serde_json::from_str(&first).unwrap())
}

#[test]
fn m9_m11_m12_a_chosen_control_token_is_required_on_loopback_and_never_printed() {
    const TOKEN: &str = "chosen-control-token-0123456789abcdef";
    let (_emulator, start) = start_json(&[], &[("GSIGNIN_EMULATOR_CONTROL_TOKEN", TOKEN)]);
    assert_eq!(start["control_token_required"], true, "{start}");
    assert_eq!(
        start["control_token"],
        Value::Null,
        "a chosen token is not printed"
    );
    assert!(!start.to_string().contains(TOKEN));
    let url = format!("{}/control/codes", start["url"].as_str().unwrap());
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap();
    let refused = client
        .post(&url)
        .json(&serde_json::json!({}))
        .send()
        .unwrap();
    assert_eq!(refused.status(), 401);
    let ok = client
        .post(&url)
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({}))
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);

    // In argv it works too, warned about, and the warning does not show it.
    let (mut argv, start) = start_json(&["--control-token", TOKEN], &[]);
    assert_eq!(start["control_token_required"], true);
    let _ = argv.0.kill();
    let mut warned = String::new();
    std::io::Read::read_to_string(argv.0.stderr.as_mut().unwrap(), &mut warned).unwrap();
    assert!(
        warned.contains("--control-token puts the token in argv"),
        "{warned}"
    );
    assert!(
        warned.contains("GSIGNIN_EMULATOR_CONTROL_TOKEN"),
        "{warned}"
    );
    assert!(!warned.contains(TOKEN), "{warned}");

    // A token too short to guard anything is a usage error, not shown.
    let out = exits(
        crate::support::bare_cmd()
            .args(["emulator", "--port", "0"])
            .env("GSIGNIN_EMULATOR_CONTROL_TOKEN", "short-token"),
        2,
    );
    assert!(!stderr(&out).contains("short-token"), "{}", stderr(&out));
}

#[test]
fn a_public_url_names_every_answer_and_its_iss_unless_iss_is_given() {
    let public = "http://emulator.test:8080";
    let (_open, start) = start_json(&["--public-url", public], &[]);
    assert_eq!(start["url"], public, "{start}");
    assert_eq!(start["iss"], public, "{start}");
    assert_eq!(start["env"]["GSIGNIN_ISSUER"], public);
    assert_eq!(start["env"]["GSIGNIN_INSECURE_HTTP"], "1");
    assert_eq!(
        start["control_token_required"], false,
        "loopback, no token chosen"
    );
    let local = start["local_url"].as_str().unwrap();
    assert!(local.starts_with("http://127.0.0.1:"), "{start}");
    let discovery: Value = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{local}/.well-known/openid-configuration"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(discovery["issuer"], public);

    let google = "https://accounts.google.com";
    let (_google, start) = start_json(&["--public-url", public, "--iss", google], &[]);
    assert_eq!(start["iss"], google, "{start}");
    let (_plain, start) = start_json(&[], &[]);
    assert_eq!(
        start["iss"], google,
        "without --public-url, Google's: {start}"
    );
    assert_eq!(start["url"], start["local_url"]);
}

/// Where a documented command or file publishes a container's port: each `-p`/`--publish`
/// value of a `docker run` line and each entry of a `ports:` list, in `text`.
fn published_ports(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_ports = false;
    for raw in text.lines() {
        let line = raw.trim_start_matches(['#', ' ']).trim();
        if in_ports && let Some(entry) = line.strip_prefix("- ") {
            found.push(entry.trim().trim_matches(['"', '\'']).to_string());
            continue;
        }
        // A comment inside the list leaves it open.
        if in_ports && raw.trim_start().starts_with('#') {
            continue;
        }
        in_ports = line == "ports:";
        if !(line.contains("docker run") || line.contains("podman run")) {
            continue;
        }
        let mut words = line.split_whitespace();
        while let Some(word) = words.next() {
            if word == "-p" || word == "--publish" {
                found.extend(words.next().map(String::from));
            } else if let Some(value) = word.strip_prefix("--publish=") {
                found.push(value.to_string());
            }
        }
    }
    found
}

/// The documentation publishes the emulator's port on loopback only, as emulator-service.md
/// says it must be: anyone who reaches it signs in as anyone, and a port published without an
/// address is open on every interface (the Dockerfile's header once showed `-p 8080:8080`).
#[test]
fn m13_the_docs_publish_the_emulators_port_on_loopback_only() {
    let mut files = vec![root().join("Dockerfile"), root().join("README.md")];
    for dir in ["docs", "examples/emulator-service"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let text_file = path
                .extension()
                .is_some_and(|e| ["md", "yaml", "yml", "sh"].contains(&e.to_str().unwrap_or("")));
            if text_file {
                files.push(path);
            }
        }
    }
    let mut seen = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for spec in published_ports(&text) {
            seen += 1;
            assert!(
                spec.starts_with("127.0.0.1:") || spec.starts_with("[::1]:"),
                "{} publishes `{spec}` beyond loopback",
                file.display()
            );
        }
    }
    assert!(
        seen >= 4,
        "the docs' published ports were not found ({seen})"
    );
    assert_eq!(
        published_ports(
            "#   docker run --rm -p 8080:8080 img\n    ports:\n      # why\n      - \"8080:8080\"\n"
        ),
        ["8080:8080", "8080:8080"]
    );
}
