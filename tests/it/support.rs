//! Test fixtures: an in-process emulator on port 0, a throw-away GSIGNIN_HOME with the
//! emulator's client secret, the real binary with a scrubbed environment, and a private
//! Secret Service (dbus-daemon + gnome-keyring-daemon) per test that needs one.

use assert_cmd::Command;
use gsignin_emulator::Emulator;
use gsignin_emulator::MintRequest;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Every variable that could steer the binary away from what a test set up.
/// Variables that steer the network or the terminal, beside gsignin's own (envvars::ALL).
const SCRUBBED: &[&str] = &[
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "ALL_PROXY",
    "https_proxy",
    "http_proxy",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "COLUMNS",
];

/// Every command of the CLI (its help and its man page are checked for each).
pub const COMMANDS: &[&str] = &[
    "exchange",
    "login",
    "receive",
    "refresh",
    "token",
    "status",
    "revoke",
    "restore",
    "drive-appfolder",
    "api",
    "whoami",
    "emulator",
    "demo",
    "completions",
    "man",
];

pub struct Env {
    pub emu: Emulator,
    pub home: tempfile::TempDir,
}

impl Env {
    /// An emulator, a home, and a sign-in stored under the default profile (the binary's
    /// exchange of a fresh code).
    pub fn signed_in() -> Env {
        let env = Env::new();
        env.sign_in();
        env
    }

    /// Every refresh token the emulator issued.
    pub fn issued_refresh_tokens(&self) -> Vec<String> {
        self.emu
            .refresh_tokens()
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    /// Stores a sign-in of a fresh code under the default profile.
    pub fn sign_in(&self) {
        exits(self.cmd().args(["exchange", &self.code()]), 0);
    }

    /// An emulator and a home whose default client secret is the emulator's.
    pub fn new() -> Env {
        Self::around(Emulator::start(0).expect("emulator starts"))
    }

    /// The same over HTTPS; the emulator's CA certificate is at `ca_file()`, not trusted
    /// unless a test sets SSL_CERT_FILE to it.
    pub fn tls() -> Env {
        let emu = Emulator::builder().tls().start().expect("emulator starts");
        let ca = emu.ca_pem().expect("a CA").to_string();
        let env = Self::around(emu);
        std::fs::write(env.ca_file(), ca).unwrap();
        env
    }

    pub fn ca_file(&self) -> PathBuf {
        self.home().join("emulator-ca.pem")
    }

    /// A home whose default client secret is `emu`'s.
    pub fn around(emu: Emulator) -> Env {
        let home = tempfile::tempdir().expect("temp home");
        let secret = home.path().join("config/client_secret.json");
        std::fs::create_dir_all(secret.parent().unwrap()).unwrap();
        std::fs::write(&secret, emu.client_secret_json()).unwrap();
        Env { emu, home }
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    pub fn code(&self) -> String {
        self.emu.mint(MintRequest::default())
    }

    pub fn mint(&self, req: MintRequest) -> String {
        self.emu.mint(req)
    }

    /// A fresh code for `email` (a new user gets a refresh token with it).
    pub fn code_for(&self, email: &str) -> String {
        self.emu.mint(MintRequest {
            email: Some(email.into()),
            ..Default::default()
        })
    }

    /// The binary, pointed at this emulator and home, with the file store.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::from_std(self.process());
        cmd.timeout(Duration::from_secs(60));
        cmd
    }

    /// The same as a std process, for tests that talk to it while it runs (spawn, pipes).
    pub fn process(&self) -> std::process::Command {
        let mut cmd = bare_process();
        cmd.env("GSIGNIN_HOME", self.home())
            .env("GSIGNIN_ISSUER", self.emu.base_url())
            .env(
                "GSIGNIN_DRIVE_URL",
                format!("{}/drive/v3", self.emu.base_url()),
            )
            .env("GSIGNIN_API_URL", self.emu.base_url())
            .env("GSIGNIN_STORE", "file")
            // No Secret Service unless a test brings one.
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/gsignin-test-bus",
            );
        cmd
    }

    /// The emulator's client secret with its token_uri set to `url`, as a file in the home.
    pub fn client_secret_with_token_uri(&self, url: &str) -> PathBuf {
        let mut doc: serde_json::Value =
            serde_json::from_str(&self.emu.client_secret_json()).unwrap();
        doc["web"]["token_uri"] = url.into();
        let path = self.home().join("client_secret_elsewhere.json");
        std::fs::write(&path, doc.to_string()).unwrap();
        path
    }

    /// `exchange CODE` whose secrets folder turns into a file while the token endpoint
    /// dawdles (the store was probed writable, then breaks): its tokens are rescued. The
    /// folder stays a file.
    pub fn exchange_while_the_store_breaks(&self, code: &str) -> std::process::Output {
        self.delay_next("/token", 2500);
        let child = self.spawn_until_hit(&["exchange", code], &[], "/token");
        let secrets_dir = self.home().join("data/secrets");
        std::fs::remove_dir_all(&secrets_dir).unwrap();
        std::fs::write(&secrets_dir, "in the way").unwrap();
        child.wait_with_output().unwrap()
    }

    /// The one rescue file in the data dir: its path and its JSON.
    pub fn rescued(&self) -> (PathBuf, serde_json::Value) {
        let dir = self.home().join("data/rescue");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("a rescue folder")
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "one rescue file in {}", dir.display());
        let path = files.remove(0);
        let doc = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        (path, doc)
    }

    pub fn secrets_file(&self, profile: &str) -> PathBuf {
        self.home().join(format!("data/secrets/{profile}.json"))
    }

    pub fn profile_file(&self, profile: &str) -> PathBuf {
        self.home().join(format!("data/profiles/{profile}.json"))
    }

    /// Whether a code is still unspent: trading it now succeeds at the emulator.
    pub fn code_is_unspent(&self, code: &str) -> bool {
        self.emu.code_unspent(code)
    }

    /// Every secret the emulator ever issued, and its client secret.
    pub fn issued_secrets(&self) -> Vec<String> {
        let mut all: Vec<String> = self.emu.codes();
        all.extend(self.issued_refresh_tokens());
        all.extend(self.emu.access_tokens());
        all.push(gsignin_emulator::WEB_CLIENT_SECRET.to_string());
        all
    }
}

/// A test that needs a tool beyond Rust (a browser, node, Python's venv, a keyring, tmux,
/// curl, strace, root for namespaces) is `#[ignore = "needs …"]`, so that a plain `cargo test`
/// passes without them; `bash .ci/run` installs them all and runs the ignored tests. Run, such a
/// test whose tool is missing fails: a test never passes without having run. The message names
/// what is missing and how to install it.
pub fn missing_tool(msg: &str) -> ! {
    panic!("tool missing: {msg}; `bash .ci/run` installs every tool the tests need")
}

pub fn bare_cmd() -> Command {
    let mut cmd = Command::from_std(bare_process());
    cmd.timeout(Duration::from_secs(60));
    cmd
}

/// The binary with none of gsignin's variables, proxies or CA settings from the outside.
pub fn bare_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("gsignin"));
    for var in gsignin::testing::ENV_VARS
        .iter()
        .map(|(name, _)| *name)
        .chain(SCRUBBED.iter().copied())
    {
        cmd.env_remove(var);
    }
    cmd.env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME");
    cmd
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts no secret appears in what the command printed.
pub fn assert_no_secret(out: &std::process::Output, secrets: &[String]) {
    let all = format!("{}{}", stdout(out), stderr(out));
    for s in secrets {
        assert!(
            !all.contains(s.as_str()),
            "a secret leaked into the output: …{}\n{all}",
            &s[s.len().saturating_sub(6)..]
        );
    }
}

/// The contract's JSON error object on stdout.
pub fn json_error(out: &std::process::Output) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(stdout(out).trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", stdout(out)));
    assert!(v["error"]["code"].is_string(), "{v}");
    assert!(v["error"]["message"].is_string(), "{v}");
    assert!(v["error"]["hint"].is_string(), "{v}");
    v["error"].clone()
}

/// A private session bus with gnome-keyring's Secret Service, unlocked, in throw-away dirs.
pub struct SecretService {
    pub dir: tempfile::TempDir,
    pub address: String,
    bus: Child,
    keyring: Option<Child>,
}

impl SecretService {
    /// Starts one; missing programs fail the test.
    pub fn start() -> SecretService {
        let have = |p: &str| {
            std::process::Command::new("sh")
                .args(["-c", &format!("command -v {p}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let missing: Vec<&str> = [
            "dbus-daemon",
            "gnome-keyring-daemon",
            "dbus-send",
            "secret-tool",
        ]
        .into_iter()
        .filter(|p| !have(p))
        .collect();
        if !missing.is_empty() {
            let msg = format!(
                "keyring test needs {} (apt-get install dbus gnome-keyring libsecret-tools)",
                missing.join(", ")
            );
            missing_tool(&msg);
        }
        let dir = tempfile::tempdir().unwrap();
        for sub in ["run", "data", "config", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("run"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        let socket = dir.path().join("bus");
        let address = format!("unix:path={}", socket.display());
        let bus = std::process::Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile"])
            .arg(format!("--address={address}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let mut ss = SecretService {
            address,
            bus,
            keyring: None,
            dir,
        };
        let mut keyring = std::process::Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .envs(ss.envs())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon starts");
        {
            use std::io::Write;
            let mut stdin = keyring.stdin.take().unwrap();
            stdin.write_all(b"throwaway-test-password").unwrap();
        }
        ss.keyring = Some(keyring);
        // Asking before the name has an owner would make D-Bus activate a second, locked daemon.
        while Instant::now() < deadline {
            if ss.name_has_owner() {
                return ss;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("gnome-keyring did not take org.freedesktop.secrets within 10 s");
    }

    pub fn envs(&self) -> Vec<(String, String)> {
        let d = self.dir.path();
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()),
            ("HOME".into(), d.display().to_string()),
            (
                "XDG_RUNTIME_DIR".into(),
                d.join("run").display().to_string(),
            ),
            ("XDG_DATA_HOME".into(), d.join("data").display().to_string()),
            (
                "XDG_CONFIG_HOME".into(),
                d.join("config").display().to_string(),
            ),
            (
                "XDG_CACHE_HOME".into(),
                d.join("cache").display().to_string(),
            ),
        ]
    }

    fn name_has_owner(&self) -> bool {
        std::process::Command::new("dbus-send")
            .envs(self.envs())
            .args([
                "--session",
                "--dest=org.freedesktop.DBus",
                "--print-reply",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    }

    /// Points a command at this Secret Service.
    pub fn apply(&self, cmd: &mut Command) {
        for (k, v) in self.envs() {
            cmd.env(k, v);
        }
    }

    /// `secret-tool search --all service gsignin`, as text (secrets included).
    pub fn items(&self) -> String {
        let out = std::process::Command::new("secret-tool")
            .envs(self.envs())
            .args(["search", "--all", "--unlock", "service", "gsignin"])
            .output()
            .expect("secret-tool runs (apt-get install libsecret-tools)");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// Stops the keyring daemon, leaving the bus up: the Secret Service is gone.
    pub fn kill_keyring(&mut self) {
        if let Some(mut k) = self.keyring.take() {
            let _ = k.kill();
            let _ = k.wait();
        }
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        self.kill_keyring();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

/// Runs `cmd` and asserts its exit code, showing what it printed when that fails.
pub fn exits(cmd: &mut Command, code: i32) -> std::process::Output {
    let out = cmd.output().expect("the binary runs");
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

/// Parses stdout as one JSON document.
pub fn json_out(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(stdout(out).trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", stdout(out)))
}

impl Env {
    /// Exchanges a fresh code with `--show-tokens --json` plus `extra`, returning the document.
    pub fn exchange_showing_tokens(&self, extra: &[&str]) -> serde_json::Value {
        let out = exits(
            self.cmd()
                .args(["exchange", &self.code(), "--show-tokens", "--json"])
                .args(extra),
            0,
        );
        json_out(&out)
    }

    /// Injects a fault at the emulator.
    pub fn inject(&self, fault: gsignin_emulator::Fault) {
        self.emu.inject_fault(fault);
    }

    /// Makes the next request to `path` wait `ms` before it is served.
    pub fn delay_next(&self, path: &str, ms: u64) {
        self.inject(gsignin_emulator::Fault {
            path: path.into(),
            latency_ms: ms,
            count: Some(1),
            ..Default::default()
        });
    }

    /// Answers requests to `path` with `status`, `count` times (None: until cleared).
    pub fn fail(&self, path: &str, status: u16, count: Option<u64>) {
        self.inject(gsignin_emulator::Fault {
            path: path.into(),
            status: Some(status),
            count,
            ..Default::default()
        });
    }

    /// Starts the binary in the background with this env's settings plus `envs`, then waits
    /// until it has reached `path` at the emulator (one more request there than before).
    pub fn spawn_until_hit(
        &self,
        args: &[&str],
        envs: &[(String, String)],
        path: &str,
    ) -> std::process::Child {
        self.spawn_until_hit_within(args, envs, path, Duration::from_secs(20))
    }

    /// [`Env::spawn_until_hit`] with its own deadline: past it, the test fails.
    pub fn spawn_until_hit_within(
        &self,
        args: &[&str],
        envs: &[(String, String)],
        path: &str,
        within: Duration,
    ) -> std::process::Child {
        let before = self.emu.hits(path);
        let child = self
            .process()
            .args(args)
            .envs(envs.iter().cloned())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let deadline = Instant::now() + within;
        while self.emu.hits(path) == before {
            if Instant::now() >= deadline {
                let mut child = child;
                let _ = child.kill();
                let out = child.wait_with_output().expect("the binary ends");
                panic!(
                    "gsignin {args:?} never reached {path} within {} ms: {}",
                    within.as_millis(),
                    stderr(&out)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child
    }
}

/// Panics in a test server's threads, kept so that the test fails with their message: a
/// handler that panics otherwise shows up only as a network error in what it served.
#[derive(Clone, Default)]
pub struct Panics(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Panics {
    /// Runs `f` on a thread of its own, its panic kept.
    pub fn spawn(&self, f: impl FnOnce() + Send + 'static) {
        let kept = self.clone();
        std::thread::spawn(move || {
            if let Err(p) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
                let message = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| {
                        p.downcast_ref::<&str>()
                            .map(std::string::ToString::to_string)
                    })
                    .unwrap_or_else(|| "(no message)".into());
                kept.0.lock().unwrap().push(message);
            }
        });
    }

    /// Fails the test when a thread of `server` panicked (unless it is failing already).
    pub fn check(&self, server: &str) {
        let seen = self.0.lock().map(|p| p.clone()).unwrap_or_default();
        if !seen.is_empty() && !std::thread::panicking() {
            panic!("{server}'s thread panicked: {}", seen.join("; "));
        }
    }
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

/// A logging proxy on 127.0.0.1, as a hostile or careless one in the environment would be:
/// it keeps every byte sent to it and answers 502.
pub struct RecordingProxy {
    pub url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    panics: Panics,
}

impl RecordingProxy {
    pub fn start() -> RecordingProxy {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (kept, counted) = (seen.clone(), connections.clone());
        let panics = Panics::default();
        let each = panics.clone();
        panics.spawn(move || {
            for mut conn in listener.incoming().flatten() {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let kept = kept.clone();
                each.spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_millis(500)));
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = conn.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        kept.lock().unwrap().extend_from_slice(&buf[..n]);
                        if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                    let _ = conn.write_all(
                        b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    );
                });
            }
        });
        RecordingProxy {
            url,
            seen,
            connections,
            panics,
        }
    }

    /// How many connections reached it, and what was sent.
    pub fn seen(&self) -> (usize, String) {
        (
            self.connections.load(std::sync::atomic::Ordering::SeqCst),
            String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned(),
        )
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.panics.check("the recording proxy");
    }
}

/// A minimal HTTPS proxy (HTTP CONNECT) on 127.0.0.1 that counts the tunnels it opens.
pub struct ConnectProxy {
    pub url: String,
    pub tunnels: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    panics: Panics,
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.panics.check("the CONNECT proxy");
    }
}

impl ConnectProxy {
    pub fn start() -> ConnectProxy {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let tunnels = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = tunnels.clone();
        let panics = Panics::default();
        let each = panics.clone();
        panics.spawn(move || {
            for client in listener.incoming().flatten() {
                let counter = counter.clone();
                each.spawn(move || {
                    let mut reader = BufReader::new(client.try_clone().unwrap());
                    let mut request = String::new();
                    if reader.read_line(&mut request).is_err() {
                        return;
                    }
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    let target = request.split_whitespace().nth(1).unwrap_or("").to_string();
                    // `emulator.test` is this machine, as a CI service name would be.
                    let target = match target.strip_prefix("emulator.test:") {
                        Some(port) => format!("127.0.0.1:{port}"),
                        None => target,
                    };
                    // Only loopback targets: this proxy never leaves the machine.
                    if !request.starts_with("CONNECT ") || !target.starts_with("127.0.0.1:") {
                        let _ = (&client).write_all(b"HTTP/1.1 403 Forbidden\r\n\r\n");
                        return;
                    }
                    let Ok(upstream) = std::net::TcpStream::connect(&target) else {
                        let _ = (&client).write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
                        return;
                    };
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let _ = (&client).write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n");
                    let (mut c2, mut u2) =
                        (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                    let mut client_reader = reader.into_inner();
                    let mut upstream_writer = upstream;
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut u2, &mut c2);
                    });
                    let _ = std::io::copy(&mut client_reader, &mut upstream_writer);
                });
            }
        });
        ConnectProxy {
            url,
            tunnels,
            panics,
        }
    }

    pub fn count(&self) -> usize {
        self.tunnels.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// One request as a hostile or odd issuer sees it.
pub struct Seen {
    pub path: String,
    pub body: String,
}

/// What the man in the middle answers instead: status, content type, body.
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            body: body.to_string().into_bytes(),
        }
    }
}

type Rewrite = dyn Fn(&Seen, Option<&Answer>) -> Option<Answer> + Send + Sync;

/// A man in the middle on 127.0.0.1 in front of the emulator: it becomes the issuer (the
/// emulator's `iss` is set to its URL), forwards every request, and lets a test rewrite the
/// emulator's answer (or answer alone) for any path: a hostile or odd issuer, under control.
pub struct Mitm {
    pub url: String,
    panics: Panics,
}

impl Drop for Mitm {
    fn drop(&mut self) {
        self.panics.check("the man in the middle");
    }
}

impl Mitm {
    pub fn start(
        env: &Env,
        rewrite: impl Fn(&Seen, Option<&Answer>) -> Option<Answer> + Send + Sync + 'static,
    ) -> Mitm {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        env.emu.set_public_url(&url);
        let upstream = env.emu.base_url().to_string();
        let rewrite: std::sync::Arc<Rewrite> = std::sync::Arc::new(rewrite);
        let panics = Panics::default();
        let each = panics.clone();
        panics.spawn(move || {
            for conn in listener.incoming().flatten() {
                let upstream = upstream.clone();
                let rewrite = rewrite.clone();
                each.spawn(move || {
                    let mut reader = BufReader::new(conn.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut parts = line.split_whitespace();
                    let method = parts.next().unwrap_or_default().to_string();
                    let path = parts.next().unwrap_or_default().to_string();
                    let mut headers = Vec::new();
                    let mut length = 0usize;
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                            break;
                        }
                        if let Some((k, v)) = h.trim().split_once(':') {
                            if k.eq_ignore_ascii_case("content-length") {
                                length = v.trim().parse().unwrap_or(0);
                            }
                            headers.push((k.trim().to_string(), v.trim().to_string()));
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let seen = Seen {
                        path: path.clone(),
                        body: String::from_utf8_lossy(&body).into_owned(),
                    };
                    let client = reqwest::blocking::Client::new();
                    let mut req =
                        client.request(method.parse().unwrap(), format!("{upstream}{path}"));
                    for (k, v) in &headers {
                        if ["content-type", "authorization"].contains(&k.to_lowercase().as_str()) {
                            req = req.header(k, v);
                        }
                    }
                    let real = req.body(body).send().ok().map(|r| Answer {
                        status: r.status().as_u16(),
                        content_type: "application/json; charset=utf-8",
                        body: r.bytes().map(|b| b.to_vec()).unwrap_or_default(),
                    });
                    let answer = rewrite(&seen, real.as_ref())
                        .or(real)
                        .unwrap_or(Answer::json(502, serde_json::json!({})));
                    let mut conn = conn;
                    let _ = write!(
                        conn,
                        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        answer.status,
                        answer.content_type,
                        answer.body.len()
                    );
                    let _ = conn.write_all(&answer.body);
                });
            }
        });
        Mitm { url, panics }
    }

    /// A client secret file whose token_uri is this man in the middle.
    pub fn client_secret(&self, env: &Env) -> PathBuf {
        env.client_secret_with_token_uri(&format!("{}/token", self.url))
    }

    /// The binary pointed at this man in the middle as the issuer.
    pub fn cmd(&self, env: &Env) -> Command {
        let mut cmd = env.cmd();
        cmd.env("GSIGNIN_ISSUER", &self.url)
            .env("GSIGNIN_CLIENT_SECRET", self.client_secret(env));
        cmd
    }
}

/// What an in-process run printed and how it ended.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The waits the run asked for (backoff), which it did not sleep.
    pub slept: Vec<Duration>,
}

impl Ran {
    /// Asserts the exit code, showing both streams when it differs.
    pub fn exits(self, code: i32) -> Ran {
        assert_eq!(
            self.code, code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", self.stdout))
    }
}

/// The HTTP timeout of in-process runs that exercise a hung server ([`Env::run_timing_out`]):
/// short, so that a test waits little.
pub const FAST_TIMEOUT: Duration = Duration::from_millis(400);

/// The HTTP timeout of other in-process runs: the emulator answers in milliseconds, but a
/// shared machine running Chromium beside the tests can stall a request for longer than
/// FAST_TIMEOUT, and a try lost that way would change what a test counts.
pub const ROOMY_TIMEOUT: Duration = Duration::from_secs(10);

impl Env {
    /// Runs gsignin in this process against this env, as `cmd()` would (file store, this
    /// emulator), but without waiting: backoff is recorded instead of slept (jitter is fixed
    /// at the middle of its range), the HTTP timeout is [`ROOMY_TIMEOUT`], the lock and keyring
    /// deadlines are short. For error paths whose
    /// cost is time; what only a real process shows stays with `cmd()`.
    pub fn run(&self, args: &[&str]) -> Ran {
        self.run_with(args, |_| {})
    }

    /// As [`Env::run`], with the HTTP timeout [`FAST_TIMEOUT`]: for a server that never answers.
    pub fn run_timing_out(&self, args: &[&str]) -> Ran {
        self.run_inner(args, FAST_TIMEOUT, false, |_| {})
    }

    /// As [`Env::run`], with `tune` applied to the injected effects last (an in-memory store, say).
    pub fn run_with(&self, args: &[&str], tune: impl FnOnce(&mut gsignin::testing::Hooks)) -> Ran {
        self.run_inner(args, ROOMY_TIMEOUT, false, tune)
    }

    /// As [`Env::run`], told that stdout is a terminal.
    pub fn run_on_terminal(&self, args: &[&str]) -> Ran {
        self.run_inner(args, ROOMY_TIMEOUT, true, |_| {})
    }

    fn run_inner(
        &self,
        args: &[&str],
        timeout: Duration,
        terminal: bool,
        tune: impl FnOnce(&mut gsignin::testing::Hooks),
    ) -> Ran {
        let mut argv: Vec<std::ffi::OsString> = vec!["gsignin".into()];
        let given = |flag: &str| args.iter().any(|a| a.starts_with(flag));
        let drive = format!("{}/drive/v3", self.emu.base_url());
        let defaults = [
            ("--home", self.home().to_str().unwrap()),
            ("--issuer", self.emu.base_url()),
            ("--drive-url", drive.as_str()),
            ("--api-url", self.emu.base_url()),
            ("--store", "file"),
            ("--profile", "default"),
        ];
        for (flag, value) in defaults {
            if !given(flag) {
                argv.push(flag.into());
                argv.push(value.into());
            }
        }
        argv.extend(args.iter().map(std::ffi::OsString::from));
        let (io, out, err) = gsignin::testing::capture();
        let slept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = slept.clone();
        let mut hooks = gsignin::testing::Hooks {
            sleeper: Some(std::sync::Arc::new(move |d| record.lock().unwrap().push(d))),
            random: Some(std::sync::Arc::new(|| 0.5)),
            http_timeout: Some(timeout),
            deadlines: Some(gsignin::testing::Deadlines {
                lock: Some(Duration::from_millis(300)),
                keyring: Duration::from_millis(500),
            }),
            ..Default::default()
        };
        tune(&mut hooks);
        let code = gsignin::testing::run(argv, &|_| None, io, terminal, hooks);
        Ran {
            code: i32::from(code),
            stdout: gsignin::testing::text(&out),
            stderr: gsignin::testing::text(&err),
            slept: slept.lock().unwrap().clone(),
        }
    }
}

/// The emulator's own browser driver (its authorization page is what Chromium clicks), in its
/// crate's tests; `npm ci --prefix` that folder installs its playwright-core.
const BROWSER_FIXTURE: &str = "crates/gsignin-emulator/tests/browser";

/// Headless Chromium, driven by the emulator's tests/browser/drive.js: the command to run it
/// (node, its packages or Debian's chromium missing fail the test).
pub fn browser_driver() -> Command {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(BROWSER_FIXTURE);
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
    let mut cmd = Command::new("node");
    cmd.arg(root.join("drive.js")).env("CHROMIUM", chromium);
    cmd.timeout(Duration::from_secs(90));
    for var in ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"] {
        cmd.env_remove(var);
    }
    cmd
}

/// The same as a `BROWSER` value for gsignin: drives the page from a detached process and
/// writes its JSON line to `out`.
pub fn browser_command(args: &str, out: &Path) -> String {
    browser_driver();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(BROWSER_FIXTURE);
    format!(
        "node {} --detach --out {} {args}",
        root.join("drive.js").display(),
        out.display()
    )
}

/// gsignin in a terminal (tmux), as a person runs it: its stdout, stderr and exit code go to
/// files; then the shell prints the terminal's settings (`stty -a`), so a test sees whether
/// gsignin left echo off. The shell survives a Ctrl-C (its trap is a command, which the child
/// does not inherit), so the settings are read after gsignin died of one too.
pub struct Tmux {
    session: String,
    dir: PathBuf,
    _kill: KillSession,
}

impl Tmux {
    /// `gsignin login --no-browser --json` with the emulator's Desktop client.
    pub fn login(env: &Env) -> Tmux {
        let secret = env.home().join("installed_client_secret.json");
        std::fs::write(&secret, env.emu.installed_client_secret_json()).unwrap();
        Self::run(
            env,
            &[("GSIGNIN_CLIENT_SECRET", secret.display().to_string())],
            &["login", "--no-browser", "--json"],
        )
    }

    /// `gsignin ARGS` against the emulator, with `vars` set.
    pub fn run(env: &Env, vars: &[(&str, String)], args: &[&str]) -> Tmux {
        if std::process::Command::new("tmux")
            .arg("-V")
            .output()
            .is_err()
        {
            missing_tool("tmux, for the no-echo prompt tests (apt-get install tmux)");
        }
        let dir = env.home().to_path_buf();
        let bin = assert_cmd::cargo::cargo_bin("gsignin");
        let script = dir.join("run.sh");
        let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
        let exports: String = vars
            .iter()
            .map(|(k, v)| format!("export {k}={}\n", quote(v)))
            .collect();
        let argv: Vec<String> = args.iter().map(|a| quote(a)).collect();
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nexport GSIGNIN_HOME='{home}' GSIGNIN_ISSUER='{iss}' GSIGNIN_STORE=file\n\
                 {exports}unset BROWSER HTTPS_PROXY HTTP_PROXY\ntrap 'true' INT QUIT\n\
                 sh -c 'echo $$ >\"$0\"; exec \"$@\"' '{home}/pid' '{bin}' {argv} >'{home}/out' 2>'{home}/err'\nrc=$?\nstty -a >'{home}/stty'\necho $rc >'{home}/rc'\nsleep 30\n",
                home = dir.display(),
                iss = env.emu.base_url(),
                bin = bin.display(),
                argv = argv.join(" "),
            ),
        )
        .unwrap();
        let session = format!("gsignin-tmux-{}-{}", std::process::id(), rand_suffix());
        let started = tmux(&[
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "250",
            "-y",
            "50",
            "sh",
            script.to_str().unwrap(),
        ]);
        assert!(started.status.success(), "{started:?}");
        Tmux {
            _kill: KillSession(session.clone()),
            session,
            dir,
        }
    }

    /// Waits until `text` is on the screen.
    pub fn wait_for_screen(&self, text: &str) {
        let seen = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(50));
            self.pane().contains(text)
        });
        assert!(
            seen,
            "`{text}` never appeared on the terminal:\n{}",
            self.pane()
        );
    }

    /// The authorization URL, once gsignin printed it and its prompt is on the terminal.
    pub fn url(&self) -> String {
        let url = (0..200)
            .find_map(|_| {
                std::thread::sleep(Duration::from_millis(50));
                std::fs::read_to_string(self.dir.join("err"))
                    .ok()?
                    .lines()
                    .find(|l| l.starts_with("http://"))
                    .map(String::from)
            })
            .expect("the URL on stderr");
        self.wait_for_screen("Redirect URL (input hidden):");
        url
    }

    pub fn pane(&self) -> String {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &self.session]).stdout)
            .into_owned()
    }

    pub fn type_line(&self, text: &str) {
        tmux(&["send-keys", "-t", &self.session, "-l", text]);
        tmux(&["send-keys", "-t", &self.session, "Enter"]);
    }

    /// Presses keys by tmux's names (`C-c`).
    pub fn press(&self, key: &str) {
        tmux(&["send-keys", "-t", &self.session, key]);
    }

    /// Sends gsignin `signal` (by its name for kill), as a terminal or a user would.
    pub fn signal(&self, signal: &str) {
        let pid = std::fs::read_to_string(self.dir.join("pid")).expect("gsignin's pid");
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), pid.trim()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{signal} {pid}");
    }

    /// (exit code, stdout, stderr, `stty -a` after gsignin ended).
    pub fn finish(&self) -> (String, String, String, String) {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        let rc = (0..200)
            .find_map(|_| {
                std::thread::sleep(Duration::from_millis(50));
                Some(read("rc")).filter(|s| !s.is_empty())
            })
            .expect("gsignin ends");
        (
            rc.trim().to_string(),
            read("out"),
            read("err"),
            read("stty"),
        )
    }
}

/// Whether `stty -a` output says the terminal echoes.
pub fn echoes(stty: &str) -> bool {
    let words: Vec<&str> = stty.split_whitespace().collect();
    words.contains(&"echo") && !words.contains(&"-echo")
}

fn tmux(args: &[&str]) -> std::process::Output {
    std::process::Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux runs")
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

struct KillSession(String);

impl Drop for KillSession {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

/// One request a [`Recorder`] received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A server on 127.0.0.1 that is not Google: it records every request it gets (connections
/// that send nothing included) and answers `{"ok":true}`.
pub struct Recorder {
    pub url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Recorded>>>,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Recorder {
    pub fn start() -> Recorder {
        Self::answering(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}",
        )
    }

    /// A recorder that answers every request with `raw` (status line, headers, body), then
    /// closes the connection.
    pub fn answering(raw: &str) -> Recorder {
        use std::io::{BufRead, BufReader, Read, Write};
        let raw = raw.as_bytes().to_vec();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (log, count) = (seen.clone(), connections.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    continue;
                }
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or_default().to_string();
                let target = parts.next().unwrap_or_default().to_string();
                let mut headers = Vec::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.trim().split_once(':') {
                        headers.push((k.trim().to_string(), v.trim().to_string()));
                    }
                }
                let length = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                log.lock().unwrap().push(Recorded {
                    method,
                    target,
                    headers,
                    body,
                });
                let mut conn = conn;
                let _ = conn.write_all(&raw);
            }
        });
        Recorder {
            url,
            seen,
            connections,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Runs `cmd` with `ulimit -c` as high as it goes (the hard limit).
pub fn with_core_files_allowed(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: getrlimit and setrlimit are single system calls on a struct of the child's.
    unsafe {
        cmd.pre_exec(|| {
            let mut limit = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::getrlimit(libc::RLIMIT_CORE, &mut limit);
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_CORE, &limit);
            Ok(())
        });
    }
}

/// A loopback URL on a port nobody listens on (bound, then let go): connections are refused.
pub fn closed_port_url() -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", closed.local_addr().unwrap())
}
