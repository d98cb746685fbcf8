//! `gsignin login` against the emulator's authorization page: the test is the browser (plain
//! HTTP, as a browser submits the page's forms), or Chromium itself (the page alone is in
//! crates/gsignin-emulator/tests/it/browser.rs; here the whole command), or a person pasting at
//! a no-echo prompt (tmux).

use crate::support::{Env, Tmux, browser_command, http, json_out};
use gsignin_emulator::{INSTALLED_CLIENT_ID, WEB_CLIENT_ID};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A running `gsignin login`, its stderr read line by line.
struct Login {
    child: Child,
    lines: Receiver<String>,
    stderr: Vec<String>,
}

impl Login {
    fn start(env: &Env, args: &[&str], browser: Option<&str>) -> Login {
        let secret = env.home().join("installed_client_secret.json");
        std::fs::write(&secret, env.emu.installed_client_secret_json()).unwrap();
        Self::start_with_secret(env, &secret, args, browser)
    }

    fn start_with_secret(
        env: &Env,
        secret: &std::path::Path,
        args: &[&str],
        browser: Option<&str>,
    ) -> Login {
        let mut cmd = env.process();
        cmd.env("GSIGNIN_CLIENT_SECRET", secret)
            .arg("login")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match browser {
            Some(b) => cmd.env("BROWSER", b),
            // A browser that does nothing: the test plays the browser.
            None => cmd.env("BROWSER", "true"),
        };
        let mut child = cmd.spawn().expect("gsignin starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Login {
            child,
            lines,
            stderr: Vec::new(),
        }
    }

    /// The authorization URL: the stderr line that is a URL alone.
    fn url(&mut self) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("no URL on stderr: {:?}", self.stderr));
            self.stderr.push(line.clone());
            if line.starts_with("http://") || line.starts_with("https://") {
                return line;
            }
        }
    }

    fn paste(&mut self, text: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{text}").unwrap();
    }

    /// Waits for the exit: (exit code, stdout, all of stderr).
    fn finish(mut self) -> (i32, String, String) {
        drop(self.child.stdin.take());
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let status = self.child.wait().unwrap();
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(2)) {
            self.stderr.push(l);
        }
        (status.code().unwrap_or(-1), out, self.stderr.join("\n"))
    }
}

fn query(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// Submits the consent page for `email` (Allow or Cancel) and returns where it redirects.
fn consent(env: &Env, auth_url: &str, email: &str, action: &str) -> String {
    consent_granting(
        env,
        auth_url,
        email,
        action,
        &["https://www.googleapis.com/auth/drive.appdata"],
    )
}

/// The same, with only `granted` of the optional scopes left checked.
fn consent_granting(
    env: &Env,
    auth_url: &str,
    email: &str,
    action: &str,
    granted: &[&str],
) -> String {
    let resp = crate::support::submit_consent(env, &query(auth_url), email, action, granted);
    assert_eq!(resp.status().as_u16(), 302);
    resp.headers()["location"].to_str().unwrap().to_string()
}

/// The browser landing on the redirect: gsignin's page.
fn land(url: &str) -> (u16, String) {
    let resp = http().get(url).send().unwrap();
    (resp.status().as_u16(), resp.text().unwrap())
}

#[test]
fn l1_l4_login_signs_in_with_pkce_state_and_nonce_and_stores_like_exchange() {
    let env = Env::new();
    let mut login = Login::start(
        &env,
        &[
            "--json",
            "--login-hint",
            "lena@example.com",
            "--scope",
            "openid email profile",
            "--scope",
            "drive.appdata",
        ],
        None,
    );
    let url = login.url();
    let q: std::collections::HashMap<_, _> = query(&url).into_iter().collect();
    assert_eq!(q["client_id"], INSTALLED_CLIENT_ID);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["access_type"], "offline");
    assert!(q["redirect_uri"].starts_with("http://127.0.0.1:"));
    assert!(q["state"].len() >= 43 && q["nonce"].len() >= 43);
    assert_eq!(q["login_hint"], "lena@example.com");
    assert_eq!(
        q["scope"], "openid email profile https://www.googleapis.com/auth/drive.appdata",
        "a short Google scope name goes out as its URL"
    );

    let back = consent(&env, &url, "lena@example.com", "allow");
    // A stray request first: another path is 404 and ends nothing.
    let base = back
        .split('?')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    assert_eq!(land(&format!("{base}/favicon.ico")).0, 404);
    let (status, page) = land(&back);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("lena@example.com") && page.contains("close this tab"));
    let (code, out, err) = login.finish();
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["email"], "lena@example.com");
    assert_eq!(doc["id_token"]["valid"], true);
    assert_eq!(doc["refresh_token"]["stored"], true);
    // The stored sign-in works like any other.
    let who = json_out(&crate::support::exits(
        env.cmd()
            .env(
                "GSIGNIN_CLIENT_SECRET",
                env.home().join("installed_client_secret.json"),
            )
            .args(["whoami", "--json"]),
        0,
    ));
    assert_eq!(who["claims"]["email"], "lena@example.com");
    // No listener is left behind.
    assert!(std::net::TcpStream::connect(base.trim_start_matches("http://")).is_err());
}

#[test]
fn a_scope_unchecked_at_consent_is_stored_as_not_granted_and_said() {
    let env = Env::new();
    let mut login = Login::start(&env, &["--json"], None);
    let url = login.url();
    let back = consent_granting(&env, &url, "uma@example.com", "allow", &[]);
    assert_eq!(land(&back).0, 200);
    let (code, out, err) = login.finish();
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(
        !doc["scopes"].to_string().contains("drive.appdata"),
        "{doc}"
    );
    assert!(
        err.contains("the granted scopes lack https://www.googleapis.com/auth/drive.appdata"),
        "{err}"
    );
}

#[test]
fn cancel_in_the_browser_is_exit_4_access_denied_and_nothing_is_stored() {
    let env = Env::new();
    let mut login = Login::start(&env, &["--json"], None);
    let url = login.url();
    let back = consent(&env, &url, "alice@example.com", "cancel");
    let (status, page) = land(&back);
    assert_eq!(status, 400);
    assert!(page.contains("declined"), "{page}");
    let (code, out, err) = login.finish();
    assert_eq!(code, 4, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["error"]["code"], "access_denied");
    assert!(!env.profile_file("default").exists());
}

#[test]
fn l2_l12_a_redirect_with_a_foreign_state_exchanges_nothing() {
    let env = Env::new();
    let mut login = Login::start(&env, &["--json"], None);
    let url = login.url();
    let back = consent(&env, &url, "alice@example.com", "allow");
    let code_sent = query(&back)
        .into_iter()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1;
    // A forged redirect: the real code, another state (a cross-site request to the port).
    let forged = back.replace("state=", "state=forged");
    let (status, page) = land(&forged);
    assert_eq!(status, 400);
    assert!(page.contains("not this sign-in"), "{page}");
    let (code, out, err) = login.finish();
    assert_eq!(code, 4, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["error"]["code"],
        "state_mismatch"
    );
    assert!(env.code_is_unspent(&code_sent), "nothing was exchanged");
    assert!(!err.contains(&code_sent), "the code is never shown");
}

#[test]
fn l6_no_answer_within_the_wait_is_exit_4_and_the_port_is_freed() {
    let env = Env::new();
    let mut login = Login::start(&env, &["--wait", "1"], None);
    let url = login.url();
    let redirect = query(&url)
        .into_iter()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1;
    let (code, _, err) = login.finish();
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("no answer from the browser within 1 s"),
        "{err}"
    );
    assert!(
        std::net::TcpStream::connect(redirect.trim_start_matches("http://")).is_err(),
        "no listener left"
    );
}

#[test]
fn without_a_client_secret_login_says_which_client_to_download() {
    let env = Env::new();
    let login = Login::start_with_secret(&env, &env.home().join("missing.json"), &[], None);
    let (code, _, err) = login.finish();
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("Desktop app client"), "{err}");
}

#[test]
fn l10_t1_an_authorization_endpoint_over_plain_http_elsewhere_is_refused_before_listening() {
    let env = Env::new();
    let secret = env.home().join("plain_http_auth.json");
    let mut doc: Value = serde_json::from_str(&env.emu.installed_client_secret_json()).unwrap();
    doc["installed"]["auth_uri"] = serde_json::json!("http://accounts.example/o/oauth2/auth");
    std::fs::write(&secret, doc.to_string()).unwrap();
    let login = Login::start_with_secret(&env, &secret, &["--json"], None);
    let (code, out, err) = login.finish();
    assert_eq!(code, 6, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["error"]["code"],
        "insecure_url"
    );
    assert!(
        !err.contains("http://accounts.example/o/oauth2/auth?"),
        "no URL offered: {err}"
    );
}

#[test]
fn an_issuer_without_an_authorization_endpoint_is_refused_before_listening() {
    let env = Env::new();
    let mitm = crate::support::Mitm::start(&env, |seen, real| {
        if seen.path != "/.well-known/openid-configuration" {
            return None;
        }
        let mut doc: Value = serde_json::from_slice(&real?.body).ok()?;
        doc.as_object_mut()?.remove("authorization_endpoint");
        Some(crate::support::Answer::json(200, doc))
    });
    // A client secret that names no auth_uri either.
    let secret = env.home().join("no_auth_uri.json");
    let mut doc: Value = serde_json::from_str(&env.emu.installed_client_secret_json()).unwrap();
    doc["installed"].as_object_mut().unwrap().remove("auth_uri");
    std::fs::write(&secret, doc.to_string()).unwrap();
    let mut cmd = env.process();
    let out = cmd
        .env("GSIGNIN_ISSUER", &mitm.url)
        .env("GSIGNIN_CLIENT_SECRET", &secret)
        .args(["login", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["code"], "client_secret_invalid");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("names an authorization endpoint"),
        "{doc}"
    );
}

#[test]
fn a_busy_port_is_exit_6_before_anything_is_asked() {
    let env = Env::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let login = Login::start(&env, &["--port", &port], None);
    let (code, _, err) = login.finish();
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("it is in use"), "{err}");
    assert_eq!(env.emu.hits("/o/oauth2/auth"), 0);
}

#[test]
fn l13_a_web_client_uses_its_registered_loopback_redirect_or_is_refused() {
    let env = Env::new();
    let web_secret = env.home().join("config/client_secret.json");
    // --port on a port the web client did not register: the wrong client for this.
    let login = Login::start_with_secret(&env, &web_secret, &["--port", "9"], None);
    let (code, _, err) = login.finish();
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("no loopback redirect URI on port 9"), "{err}");
    assert!(err.contains("Desktop client"), "{err}");

    // Its registered one, exactly as registered, and found without --port.
    let (web_secret, port) = register_web_redirect(&env, "127.0.0.1", &["https://app.example/cb"]);
    let registered = format!("http://127.0.0.1:{port}");
    let mut login = Login::start_with_secret(&env, &web_secret, &[], None);
    let url = login.url();
    let q: std::collections::HashMap<_, _> = query(&url).into_iter().collect();
    assert_eq!(q["client_id"], WEB_CLIENT_ID);
    assert_eq!(q["redirect_uri"], registered);
    let back = consent(&env, &url, "alice@example.com", "allow");
    assert_eq!(land(&back).0, 200);
    let (code, _, err) = login.finish();
    assert_eq!(code, 0, "{err}");
}

/// Registers `http://HOST:PORT` (on a port free now: a fixed one may be taken on a shared
/// machine) as the emulator's web client's redirect, and writes its secret file listing
/// `others` first: the file's path and the port.
fn register_web_redirect(env: &Env, host: &str, others: &[&str]) -> (std::path::PathBuf, u16) {
    let web_secret = env.home().join("config/client_secret.json");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let registered = format!("http://{host}:{port}");
    env.emu.set_web_redirect_uris(vec![registered.clone()]);
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&web_secret).unwrap()).unwrap();
    let mut uris: Vec<String> = others
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    uris.push(registered);
    doc["web"]["redirect_uris"] = serde_json::json!(uris);
    std::fs::write(&web_secret, doc.to_string()).unwrap();
    (web_secret, port)
}

#[test]
fn l9_a_localhost_redirect_is_held_on_ipv6_too_so_no_other_user_can_take_the_code() {
    let env = Env::new();
    // The emulator's own web client registers a `localhost` redirect, as many do.
    let (web_secret, port) = register_web_redirect(&env, "localhost", &[]);
    // Another local user got to [::1]:PORT first (browsers try it before 127.0.0.1).
    let squatter = std::net::TcpListener::bind(("::1", port))
        .expect("this machine has an IPv6 loopback (::1): the test needs one");
    let login = Login::start_with_secret(&env, &web_secret, &[], None);
    let (code, _, err) = login.finish();
    assert_eq!(code, 6, "refused to start: {err}");
    assert!(err.contains("::1 port"), "{err}");
    assert!(err.contains("it is in use"), "{err}");
    assert_eq!(env.emu.hits("/o/oauth2/auth"), 0);
    drop(squatter);

    // With both free, the browser's redirect arrives over [::1] as well as 127.0.0.1.
    let mut login = Login::start_with_secret(&env, &web_secret, &[], None);
    let url = login.url();
    let back = consent(&env, &url, "ivan@example.com", "allow");
    assert!(
        back.starts_with(&format!("http://localhost:{port}")),
        "{back}"
    );
    let over_v6 = back.replacen("localhost", "[::1]", 1);
    assert_eq!(land(&over_v6).0, 200);
    let (code, out, err) = login.finish();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ivan@example.com"), "{out}");
}

#[test]
fn l2_no_browser_accepts_the_redirect_url_pasted_on_stdin() {
    let env = Env::new();
    let mut login = Login::start(&env, &["--no-browser", "--json"], Some("false"));
    let url = login.url();
    let back = consent(&env, &url, "pat@example.com", "allow");
    login.paste(&back);
    let (code, out, err) = login.finish();
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["email"],
        "pat@example.com"
    );
    assert!(
        !err.contains("could not open a browser"),
        "no browser was run: {err}"
    );

    // A pasted URL of another sign-in (another state) spends nothing.
    let mut login = Login::start(&env, &["--no-browser", "--json"], None);
    let url = login.url();
    let back = consent(&env, &url, "pat@example.com", "allow");
    login.paste(&back.replace("state=", "state=x"));
    let (code, _, err) = login.finish();
    assert_eq!(code, 4, "{err}");
}

#[test]
#[ignore = "needs Chromium and node (apt-get install chromium nodejs npm; npm ci --prefix crates/gsignin-emulator/tests/browser); bash .ci/run installs them and runs the ignored tests"]
fn login_in_chromium_clicks_allow_through_browser() {
    let env = Env::new();
    let out = env.home().join("browser.json");
    let browser = browser_command("--email rosa@example.com %s", &out);
    let login = Login::start(&env, &["--json"], Some(&browser));
    let (code, stdout, err) = login.finish();
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap()["email"],
        "rosa@example.com"
    );
    // The browser landed on gsignin's page, which says what happened.
    let landed: Value = serde_json::from_slice(&wait_for(&out)).unwrap();
    assert!(
        landed["text"]
            .as_str()
            .unwrap()
            .contains("rosa@example.com"),
        "{landed}"
    );
    assert_eq!(landed["stray"], serde_json::json!([]));
}

#[test]
#[ignore = "needs Chromium and node (apt-get install chromium nodejs npm; npm ci --prefix crates/gsignin-emulator/tests/browser); bash .ci/run installs them and runs the ignored tests"]
fn l2_login_in_chromium_cancel_and_a_tampered_state_each_end_with_their_own_error() {
    let env = Env::new();
    for (args, expected) in [
        ("--action cancel %s", "access_denied"),
        ("--tamper-state %s", "state_mismatch"),
    ] {
        let out = env.home().join(format!("{expected}.json"));
        let browser = browser_command(args, &out);
        let login = Login::start(&env, &["--json"], Some(&browser));
        let (code, stdout, err) = login.finish();
        assert_eq!(code, 4, "{err}");
        assert_eq!(
            serde_json::from_str::<Value>(&stdout).unwrap()["error"]["code"],
            expected
        );
        let landed: Value = serde_json::from_slice(&wait_for(&out)).unwrap();
        assert_eq!(landed["status"], 400, "{landed}");
    }
    assert!(!env.profile_file("default").exists());
}

/// The detached browser writes its result after gsignin has answered it.
fn wait_for(path: &std::path::Path) -> Vec<u8> {
    for _ in 0..300 {
        if let Ok(b) = std::fs::read(path)
            && b.ends_with(b"\n")
        {
            return b;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the browser wrote nothing to {}", path.display());
}

/// The paste path as a person meets it: a terminal (tmux), the URL pasted at a prompt that
/// does not echo it.
#[test]
#[ignore = "needs tmux (apt-get install tmux); bash .ci/run installs it and runs the ignored tests"]
fn e11_l11_l12_no_browser_on_a_terminal_takes_the_pasted_url_without_echo() {
    let env = Env::new();
    let t = Tmux::login(&env);
    let url = t.url();
    let back = consent(&env, &url, "tess@example.com", "allow");
    let code_value = query(&back)
        .into_iter()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1;
    t.type_line(&back);
    let (rc, out, err, _) = t.finish();
    assert_eq!(rc, "0", "{err}");
    let out: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}"));
    assert_eq!(out["email"], "tess@example.com");
    let pane = t.pane();
    assert!(
        !pane.contains(&code_value) && !pane.contains("code="),
        "the pasted URL was echoed:\n{pane}"
    );
}

/// The redirect wins while the no-echo prompt waits: the terminal must echo again afterwards.
#[test]
#[ignore = "needs tmux (apt-get install tmux); bash .ci/run installs it and runs the ignored tests"]
fn l11_x6_the_terminal_echoes_again_when_the_browser_wins_over_the_prompt() {
    let env = Env::new();
    let t = Tmux::login(&env);
    let url = t.url();
    let back = consent(&env, &url, "vic@example.com", "allow");
    assert_eq!(land(&back).0, 200);
    let (rc, out, err, stty) = t.finish();
    assert_eq!(rc, "0", "{err}");
    let out: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}"));
    assert_eq!(out["email"], "vic@example.com");
    assert!(
        crate::support::echoes(&stty),
        "echo is off after gsignin: {stty}"
    );
}

/// Ctrl-C at a no-echo prompt (`exchange` with no argument, `login --no-browser`), or a
/// closed terminal, a kill, SIGQUIT: the process ends as the signal ends it, and the terminal
/// echoes again.
#[test]
#[ignore = "needs tmux (apt-get install tmux); bash .ci/run installs it and runs the ignored tests"]
fn e11_x6_ctrl_c_at_a_hidden_prompt_gives_the_terminal_its_echo_back() {
    for (what, how, rc) in [
        ("exchange", "C-c", "130"),
        ("login", "C-c", "130"),
        ("exchange", "QUIT", "131"),
        ("exchange", "HUP", "129"),
        ("login", "TERM", "143"),
        ("exchange", "USR1", "138"),
        ("exchange", "PROF", "155"),
        ("login", "RTMIN", "162"),
    ] {
        let env = Env::new();
        let t = match what {
            "login" => {
                let t = Tmux::login(&env);
                t.url();
                t
            }
            _ => {
                let t = Tmux::run(&env, &[], &["exchange"]);
                t.wait_for_screen("serverAuthCode (input hidden):");
                t
            }
        };
        if how == "C-c" {
            t.press(how);
        } else {
            t.signal(how);
        }
        let (code, _, err, stty) = t.finish();
        assert_eq!(code, rc, "{what} {how}: ended by the signal: {err}");
        assert!(
            crate::support::echoes(&stty),
            "{what} {how}: echo is off: {stty}"
        );
    }
}

/// X8: gsignin's core-file limit of 0 is for its own secrets: the browser it starts gets the
/// limit gsignin was given.
#[test]
fn x8_the_browser_gets_the_core_file_limit_gsignin_was_given() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let secret = env.home().join("installed_client_secret.json");
    std::fs::write(&secret, env.emu.installed_client_secret_json()).unwrap();
    let seen = env.home().join("browser-limits");
    let browser = env.home().join("browser");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\ngrep 'Max core file size' /proc/$$/limits > '{}'\n",
            seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = env.process();
    cmd.env("GSIGNIN_CLIENT_SECRET", &secret)
        .env("BROWSER", &browser)
        .arg("login")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // `ulimit -c` as high as it goes.
    crate::support::with_core_files_allowed(&mut cmd);
    let mut child = cmd.spawn().unwrap();
    let started = std::time::Instant::now();
    let line = loop {
        match std::fs::read_to_string(&seen) {
            Ok(line) if line.ends_with('\n') => break line,
            _ if started.elapsed() > Duration::from_secs(20) => panic!("the browser never ran"),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    // Max core file size  SOFT  HARD  bytes
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[4], words[5], "{line}");
}
