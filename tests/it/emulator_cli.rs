//! `gsignin emulator` from the command line: the control calls a test script makes (`mint`,
//! `fault`, `clock`, `grants`, `users`), the client options it refuses, the `--public-url`
//! port warning, and `--users`.

use crate::support::{Env, bare_cmd, bare_process, exits, http, json_out, stderr, stdout};
use gsignin_emulator::WEB_CLIENT_ID;
use gsignin_emulator::{Emulator, users};
use serde_json::Value;
use std::io::BufRead;

const TOKEN: &str = "a-chosen-control-token-0123456789";

const USERS: &str = r#"[
  {"email": "carol@corp.example", "hd": "corp.example", "name": "Carol Doe", "locale": "fr",
   "claims": {"tenant": "t-42", "roles": ["admin"]}},
  {"email": "dan@example.com", "sub": "1000000000000000000042", "email_verified": false}
]"#;

/// A `gsignin emulator` process, its base URL read from its first line; killed on drop.
struct Running {
    child: std::process::Child,
    url: String,
}

impl Running {
    fn start(args: &[&str], envs: &[(&str, &str)]) -> Running {
        let mut child = bare_process()
            .arg("emulator")
            .args(args)
            .envs(envs.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut url = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut url)
            .unwrap();
        Running {
            child,
            url: url.trim().to_string(),
        }
    }

    /// Stops it and returns what it said on stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut self.child.stderr.take().unwrap(), &mut err).unwrap();
        err
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `sh -c LINE` with the environment `env.cmd()` gives gsignin, the binary first on PATH.
fn shell(env: &Env, line: &str) -> std::process::Output {
    let gsignin = env.process();
    let mut sh = std::process::Command::new("sh");
    sh.env_clear();
    for (k, v) in gsignin.get_envs() {
        if let Some(v) = v {
            sh.env(k, v);
        }
    }
    let bin = assert_cmd::cargo::cargo_bin("gsignin");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    sh.env("PATH", path).args(["-c", line]).output().unwrap()
}

#[test]
fn mint_prints_the_code_alone_and_exchange_takes_it_in_a_shell_line() {
    let env = Env::new();
    let out = shell(
        &env,
        r#"gsignin exchange "$(gsignin emulator mint --email bob@example.com)""#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("bob@example.com"), "{}", stdout(&out));
    // Piped, as the banner and the docs show it (no code in argv).
    let out = shell(
        &env,
        "gsignin emulator mint --email carol@example.com --scope openid --scope email | gsignin exchange - --json",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_out(&out)["email"], "carol@example.com");
    // stdout is the code alone; --json is the control API's answer.
    let out = exits(env.cmd().args(["emulator", "mint"]), 0);
    let code = stdout(&out);
    assert!(
        code.starts_with("4/0") && code.trim().lines().count() == 1,
        "{code}"
    );
    assert!(env.code_is_unspent(code.trim()));
    let out = exits(
        env.cmd()
            .args(["emulator", "mint", "--scope", "drive.appdata", "--json"]),
        0,
    );
    let answer = json_out(&out);
    assert_eq!(answer["email"], "alice@example.com");
    assert_eq!(
        answer["scope"],
        "https://www.googleapis.com/auth/drive.appdata"
    );
    assert!(env.code_is_unspent(answer["code"].as_str().unwrap()));
    // `gsignin emulator --port 0` still runs the emulator (options, no command).
    let running = Running::start(&["--port", "0"], &[]);
    assert!(
        running.url.starts_with("http://127.0.0.1:"),
        "{}",
        running.url
    );
    let out = exits(
        bare_cmd().args(["emulator", "mint", "--url", &running.url]),
        0,
    );
    assert!(stdout(&out).starts_with("4/0"));
}

#[test]
fn the_control_subcommands_print_the_control_apis_answer() {
    let env = Env::signed_in();
    let base = env.emu.base_url().to_string();
    // A fault, then none.
    let out = exits(
        env.cmd().args([
            "emulator",
            "fault",
            "add",
            r#"{"path":"/token","status":503,"count":1}"#,
        ]),
        0,
    );
    assert_eq!(json_out(&out)["faults"][0]["status"], 503);
    let status = http()
        .post(format!("{base}/token"))
        .form(&[("grant_type", "x")])
        .send()
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 503);
    exits(env.cmd().args(["emulator", "fault", "add", "{nope"]), 2);
    let out = exits(env.cmd().args(["emulator", "fault", "clear", "--json"]), 0);
    assert_eq!(json_out(&out), serde_json::json!({"faults": []}));
    // The clock.
    let before = env.emu.now();
    let out = exits(
        env.cmd()
            .args(["emulator", "clock", "--advance", "3600", "--json"]),
        0,
    );
    assert_eq!(json_out(&out)["offset"], 3600);
    assert!(env.emu.now() >= before + 3600);
    exits(
        env.cmd().args(["emulator", "clock", "--advance", "-3600"]),
        0,
    );
    // Grants: re-authentication demanded, then revoked.
    let out = exits(
        env.cmd().args([
            "emulator",
            "grants",
            "--email",
            "alice@example.com",
            "--action",
            "invalid_rapt",
            "--json",
        ]),
        0,
    );
    assert_eq!(json_out(&out)["changed"], 1);
    exits(env.cmd().arg("refresh"), 4);
    exits(
        env.cmd()
            .args(["emulator", "grants", "--action", "clear_rapt"]),
        0,
    );
    exits(env.cmd().arg("refresh"), 0);
    exits(
        env.cmd().args(["emulator", "grants", "--action", "revoke"]),
        0,
    );
    exits(env.cmd().arg("refresh"), 4);
    // Users: added, then signing in as themselves.
    let file = env.home().join("users.json");
    std::fs::write(&file, USERS).unwrap();
    let out = exits(
        env.cmd()
            .args(["emulator", "users", "add"])
            .arg(&file)
            .arg("--json"),
        0,
    );
    assert_eq!(json_out(&out)["users"][0], "carol@corp.example");
    assert_eq!(env.emu.user_count(), 3);
    // An emulator that is not there is exit 5; no URL at all, exit 2.
    let out = exits(
        env.cmd()
            .args(["emulator", "mint", "--url", "http://127.0.0.1:9"]),
        5,
    );
    assert!(
        stderr(&out).contains("is the emulator running"),
        "{}",
        stderr(&out)
    );
    let out = exits(bare_cmd().args(["emulator", "mint"]), 2);
    assert!(stderr(&out).contains("--url"), "{}", stderr(&out));
}

#[test]
fn m15_the_control_token_comes_from_its_variable_and_a_wrong_one_is_exit_4_naming_it() {
    let emu = Emulator::builder().control_token(TOKEN).start().unwrap();
    let url = emu.base_url().to_string();
    let mint = |token: Option<&str>| {
        let mut cmd = bare_cmd();
        cmd.args(["emulator", "mint", "--url", &url]);
        if let Some(token) = token {
            cmd.env("GSIGNIN_EMULATOR_CONTROL_TOKEN", token);
        }
        cmd
    };
    let out = exits(&mut mint(Some(TOKEN)), 0);
    assert!(stdout(&out).starts_with("4/0"));
    assert!(!format!("{}{}", stdout(&out), stderr(&out)).contains(TOKEN));
    // The -v trace shows the request, its Authorization redacted.
    let out = exits(mint(Some(TOKEN)).arg("-v"), 0);
    assert!(stderr(&out).contains("/control/codes"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(TOKEN), "{}", stderr(&out));
    for (token, says) in [
        (None, "GSIGNIN_EMULATOR_CONTROL_TOKEN is not set"),
        (
            Some("the-wrong-token-but-long-enough"),
            "GSIGNIN_EMULATOR_CONTROL_TOKEN is not its control token",
        ),
    ] {
        let out = exits(mint(token).arg("--json"), 4);
        let text = stderr(&out);
        assert!(text.contains(says), "{text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(!format!("{}{text}", stdout(&out)).contains("the-wrong-token"));
        assert_eq!(json_out(&out)["error"]["code"], "api_unauthorized");
    }
    exits(&mut mint(Some("")), 6);
    // The token has no place in argv: there is no option for it.
    exits(mint(None).args(["--control-token", TOKEN]), 2);
    // Every other call sends it too.
    exits(
        mint(Some(TOKEN))
            .env_remove("GSIGNIN_EMULATOR_CONTROL_TOKEN")
            .args(["--email", "x@example.com"]),
        4,
    );
    let out = exits(
        bare_cmd()
            .env("GSIGNIN_EMULATOR_CONTROL_TOKEN", TOKEN)
            .args(["emulator", "clock", "--advance", "5", "--url", &url]),
        0,
    );
    assert!(!stdout(&out).contains(TOKEN));
}

#[test]
fn p3_client_options_given_to_the_emulator_are_a_usage_error_naming_them() {
    let home = tempfile::tempdir().unwrap();
    for (args, flag) in [
        (&["--issuer", "https://issuer.example"][..], "--issuer"),
        (&["--profile", "ci"], "--profile"),
        (&["--store", "file"], "--store"),
        (&["--client-secret", "cs.json"], "--client-secret"),
        (
            &["--audience", "x.apps.googleusercontent.com"],
            "--audience",
        ),
    ] {
        // --audience is whoami's own option, not a global one: after the command only.
        for before in [flag != "--audience", false] {
            let mut cmd = bare_cmd();
            cmd.env("GSIGNIN_HOME", home.path());
            if before {
                cmd.args(args).args(["emulator", "--port", "0"]);
            } else {
                cmd.args(["emulator", "--port", "0"]).args(args);
            }
            let out = exits(&mut cmd, 2);
            let text = stderr(&out);
            assert_eq!(text.lines().count(), 1, "{text}");
            assert!(
                text.contains(&format!("{flag} belongs to client commands")),
                "{text}"
            );
            if flag == "--issuer" {
                assert!(text.contains("--iss "), "{text}");
            }
            assert!(stdout(&out).is_empty());
        }
    }
    // Their variables are for the clients of the same shell: the emulator runs.
    let running = Running::start(
        &["--port", "0"],
        &[
            ("GSIGNIN_PROFILE", "ci"),
            ("GSIGNIN_STORE", "file"),
            ("GSIGNIN_ISSUER", "https://issuer.example"),
        ],
    );
    assert!(
        running.url.starts_with("http://127.0.0.1:"),
        "{}",
        running.url
    );
    let err = running.stop();
    assert!(err.contains("ignores it: --iss chooses"), "{err}");
}

#[test]
fn a_public_url_on_another_port_than_the_listening_one_is_warned_about() {
    let running = Running::start(&["--port", "0", "--public-url", "http://localhost:9"], &[]);
    assert_eq!(running.url, "http://localhost:9");
    let err = running.stop();
    let warned: Vec<&str> = err.lines().filter(|l| l.contains("--public-url")).collect();
    assert_eq!(warned.len(), 1, "{err}");
    assert!(warned[0].contains("port 9"), "{err}");
    // The same port: nothing to say.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port().to_string();
    drop(free);
    let public = format!("http://localhost:{port}");
    let running = Running::start(&["--port", &port, "--public-url", &public], &[]);
    assert_eq!(running.url, public);
    let err = running.stop();
    assert!(!err.contains("--public-url"), "{err}");
}

/// An emulator that knows USERS from the start, and a home pointed at it.
fn env_with_users() -> Env {
    let emu = Emulator::builder()
        .users(users::parse(USERS.as_bytes()).unwrap())
        .start()
        .unwrap();
    Env::around(emu)
}

#[test]
fn a_users_token_carries_its_fields_and_claims_and_whoami_shows_them() {
    let env = env_with_users();
    let code = env.code_for("carol@corp.example");
    exits(env.cmd().args(["exchange", &code]), 0);
    let out = exits(env.cmd().args(["whoami", "--json"]), 0);
    let doc = json_out(&out);
    assert_eq!(doc["valid"], true, "{doc}");
    let claims = &doc["claims"];
    assert_eq!(claims["hd"], "corp.example");
    assert_eq!(claims["tenant"], "t-42");
    assert_eq!(claims["roles"], serde_json::json!(["admin"]));
    assert_eq!(claims["name"], "Carol Doe");
    assert_eq!(claims["locale"], "fr");
    assert_eq!(claims["aud"], WEB_CLIENT_ID);
    let out = exits(env.cmd().arg("whoami"), 0);
    assert!(stdout(&out).contains("tenant"), "{}", stdout(&out));
    // A user's own sub and email_verified.
    let code = env.code_for("dan@example.com");
    let out = exits(
        env.cmd()
            .args(["--profile", "dan", "exchange", &code, "--json"]),
        0,
    );
    assert_eq!(json_out(&out)["sub"], "1000000000000000000042");
    let out = exits(env.cmd().args(["--profile", "dan", "whoami", "--json"]), 0);
    assert_eq!(json_out(&out)["claims"]["email_verified"], false);
}

#[test]
fn the_authorization_page_offers_the_users_of_a_users_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.json");
    std::fs::write(&file, USERS).unwrap();
    let running = Running::start(&["--port", "0", "--users", file.to_str().unwrap()], &[]);
    let mut url = url::Url::parse(&format!("{}/o/oauth2/v2/auth", running.url)).unwrap();
    url.query_pairs_mut().extend_pairs([
        ("client_id", WEB_CLIENT_ID),
        ("redirect_uri", "http://127.0.0.1:8085"),
        ("response_type", "code"),
        ("scope", "openid email"),
    ]);
    let page = http().get(url).send().unwrap().text().unwrap();
    assert!(page.contains(r#"value="carol@corp.example""#), "{page}");
    assert!(page.contains(r#"value="dan@example.com""#), "{page}");
    // And a code minted for carol from the command line is hers.
    let out = exits(
        bare_cmd().args([
            "emulator",
            "mint",
            "--email",
            "carol@corp.example",
            "--json",
            "--url",
            &running.url,
        ]),
        0,
    );
    let answer: Value = json_out(&out);
    assert_eq!(answer["email"], "carol@corp.example");
}

#[test]
fn m14_a_users_file_it_cannot_use_is_refused_in_one_line_before_listening() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.json");
    for (doc, says) in [
        (
            r#"[{"email":"a@example.com","claims":{"iss":"https://evil.example"}}]"#,
            "claims.iss is reserved",
        ),
        (
            r#"[{"email":"a@example.com","claims":{"email":"b@example.com"}}]"#,
            "claims.email is reserved",
        ),
        (
            r#"[{"email":"a@example.com","nmae":"A"}]"#,
            "unknown field `nmae`",
        ),
        (
            r#"[{"email":"a@example.com"},{"email":"a@example.com"}]"#,
            "given twice",
        ),
        ("{}", "not a JSON array"),
    ] {
        std::fs::write(&file, doc).unwrap();
        let out = exits(
            bare_cmd()
                .args(["emulator", "--port", "0", "--users"])
                .arg(&file),
            2,
        );
        let text = stderr(&out);
        assert!(text.contains(says), "{text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            stdout(&out).is_empty(),
            "nothing listened: {}",
            stdout(&out)
        );
    }
    let out = exits(
        bare_cmd().args(["emulator", "--users", "/nonexistent/users.json"]),
        2,
    );
    assert!(
        stderr(&out).contains("cannot read --users"),
        "{}",
        stderr(&out)
    );
    // The control API refuses the same, and changes nothing.
    let env = Env::new();
    std::fs::write(&file, r#"[{"email":"a@example.com","claims":{"sub":"1"}}]"#).unwrap();
    let out = exits(env.cmd().args(["emulator", "users", "add"]).arg(&file), 2);
    assert!(
        stderr(&out).contains("claims.sub is reserved"),
        "{}",
        stderr(&out)
    );
    let resp = http()
        .post(format!("{}/control/users", env.emu.base_url()))
        .header("content-type", "application/json")
        .body(r#"[{"email":"a@example.com","claims":{"aud":"x"}}]"#)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(env.emu.user_count(), 0);
}

/// The banner's way to mint and exchange works as printed, and pipes the code (E12).
#[test]
fn e12_the_banners_mint_line_pipes_the_code_and_works_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("client_secret.json");
    let child = bare_process()
        .args(["emulator", "--port", "0", "--write-client-secret"])
        .arg(&secret)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed and waited for on drop, whatever happens below.
    let mut running = Running {
        child,
        url: String::new(),
    };
    let mut script = format!(
        "export GSIGNIN_HOME={} GSIGNIN_STORE=file\n",
        dir.path().join("home").display()
    );
    let mut mint = None;
    for line in std::io::BufReader::new(running.child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.starts_with("export ") {
            script.push_str(&line);
            script.push('\n');
        }
        if let Some(command) = line.strip_prefix("#   gsignin emulator mint") {
            mint = Some(format!("gsignin emulator mint{command}"));
            break;
        }
    }
    let mint = mint.expect("the banner shows how to mint");
    assert!(mint.contains("| gsignin exchange -"), "{mint}");
    assert!(!mint.contains("curl") && !mint.contains("sed"), "{mint}");
    // The banner's own exports, then its line, while that emulator runs.
    let bin = assert_cmd::cargo::cargo_bin("gsignin");
    let out = std::process::Command::new("sh")
        .env_clear()
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", bin.parent().unwrap().display()),
        )
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .args(["-c", &format!("{script}{mint}")])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{script}{mint}\n{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("alice@example.com"),
        "{}",
        stdout(&out)
    );
}

/// M15: the control token goes as a bearer or not at all: a URL carrying a user or password
/// (which would be sent in its place, and shown in messages), a query or a fragment is
/// refused before anything is sent.
#[test]
fn m15_an_emulator_url_with_credentials_or_a_query_is_refused_before_sending() {
    let emu = Emulator::builder().control_token(TOKEN).start().unwrap();
    let port = emu.base_url().rsplit(':').next().unwrap().to_string();
    let hits = emu.hits("/control/codes");
    for url in [
        format!("http://user:pw@127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port}/?q=1"),
        format!("http://127.0.0.1:{port}/#f"),
    ] {
        let out = exits(
            bare_cmd()
                .env("GSIGNIN_EMULATOR_CONTROL_TOKEN", TOKEN)
                .args(["emulator", "mint", "--url", &url]),
            2,
        );
        assert!(!stderr(&out).contains("pw"), "{}", stderr(&out));
    }
    assert_eq!(emu.hits("/control/codes"), hits, "nothing was sent");
}

/// E12: a minted code is one word on one line: an email with a line break is refused by the
/// emulator (exit 2, nothing minted), and an answer whose code is not printable ASCII is not
/// printed.
#[test]
fn e12_mint_prints_one_word_or_nothing() {
    let env = Env::new();
    let out = exits(
        bare_cmd().args([
            "emulator",
            "mint",
            "--url",
            env.emu.base_url(),
            "--email",
            "x@y.example\nVALID",
        ]),
        2,
    );
    assert!(stdout(&out).is_empty());
    // A server that answers a code with a line break in it.
    let hostile = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", hostile.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut conn, _)) = hostile.accept() {
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let body = r#"{"code":"4/0Afake\nexport EVIL=1"}"#;
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let out = exits(bare_cmd().args(["emulator", "mint", "--url", &url]), 5);
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

/// A control request with a field the emulator does not know is refused (exit 2, naming
/// it), never taken as a fault or setting that silently does nothing; an empty mint body is
/// `{}`; an exchange whose piped code never came says where to look.
#[test]
fn a_misspelt_control_field_is_refused_and_an_empty_pipe_is_named() {
    let env = Env::new();
    let url = env.emu.base_url().to_string();
    let out = exits(
        bare_cmd().args([
            "emulator",
            "fault",
            "add",
            r#"{"path":"/token","staus":503}"#,
            "--url",
            &url,
        ]),
        2,
    );
    assert!(stderr(&out).contains("staus"), "{}", stderr(&out));
    let empty = http()
        .post(format!("{url}/control/codes"))
        .header("content-type", "application/json")
        .send()
        .unwrap();
    assert_eq!(empty.status(), 200);
    let out = exits(env.cmd().args(["exchange", "-"]).write_stdin(""), 2);
    assert!(stderr(&out).contains("stdin was empty"), "{}", stderr(&out));
}

/// `mint --lifetime` makes a code that expires (the way to test an expired code); a moved
/// clock that makes the ID token's times fail says the clocks disagree.
#[test]
fn mint_lifetime_expires_a_code_and_a_moved_clock_is_named() {
    let env = Env::new();
    let url = env.emu.base_url().to_string();
    let out = exits(
        bare_cmd().args(["emulator", "mint", "--lifetime", "1", "--url", &url]),
        0,
    );
    let code = stdout(&out).trim().to_string();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    exits(env.cmd().args(["exchange", &code]), 4);
    exits(
        bare_cmd().args(["emulator", "clock", "--advance", "700", "--url", &url]),
        0,
    );
    let out = exits(
        env.cmd()
            .args(["exchange", &env.code_for("bob@example.com")]),
        3,
    );
    assert!(stderr(&out).contains("clock"), "{}", stderr(&out));
}

#[test]
fn an_empty_control_token_variable_is_refused_not_replaced_by_a_random_one() {
    let out = crate::support::exits(
        crate::support::bare_cmd()
            .env("GSIGNIN_EMULATOR_CONTROL_TOKEN", "")
            .args(["--json", "emulator", "--port", "0"]),
        6,
    );
    let err = crate::support::json_error(&out);
    assert_eq!(err["code"], "control_token_empty");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("GSIGNIN_EMULATOR_CONTROL_TOKEN"),
        "{err}"
    );
}

/// The emulator's first line on stdout comes only once it listens and every file it was asked
/// to write is complete: a script that starts it with `&` waits for that line (the docs'
/// `while kill -0 $! && [ ! -s emulator.out ]; do sleep 0.1; done`), then reads the files.
#[test]
fn the_first_line_comes_once_it_listens_and_every_file_is_written() {
    for tls in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let (web, desktop, ca) = (
            dir.path().join("client_secret.json"),
            dir.path().join("desktop.json"),
            dir.path().join("ca.pem"),
        );
        let mut cmd = crate::support::bare_process();
        cmd.env("GSIGNIN_HOME", dir.path().join("home"))
            .args(["emulator", "--port", "0", "--write-client-secret"])
            .arg(&web)
            .arg("--write-installed-client-secret")
            .arg(&desktop)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        if tls {
            cmd.arg("--tls").arg("--write-ca").arg(&ca);
        }
        let mut child = cmd.spawn().unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // Nothing here waits: each file and the socket must be ready as the line arrives.
        let files = [&web, &desktop].map(std::fs::read_to_string);
        let pem = tls.then(|| std::fs::read_to_string(&ca));
        let authority = first
            .trim()
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/').to_string());
        let connected = authority
            .as_deref()
            .map(|a| std::net::TcpStream::connect(a).is_ok());
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            first.starts_with(if tls {
                "https://127.0.0.1:"
            } else {
                "http://127.0.0.1:"
            }),
            "{first:?}"
        );
        assert_eq!(
            connected,
            Some(true),
            "listening by its first line: {first}"
        );
        for (path, text) in [&web, &desktop].iter().zip(files) {
            let text = text.unwrap_or_else(|e| panic!("{} by the first line: {e}", path.display()));
            let doc: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} complete by the first line: {e}", path.display()));
            assert!(doc.as_object().is_some_and(|o| o.len() == 1), "{doc}");
        }
        if let Some(pem) = pem {
            let pem = pem.expect("the CA written by the first line");
            assert!(
                pem.trim_end().ends_with("-----END CERTIFICATE-----"),
                "{pem}"
            );
        }
    }
}
