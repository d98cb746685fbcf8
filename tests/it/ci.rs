//! gsignin in CI: smoke tests that fail on a degraded grant (`--require-…`), without parsing
//! text, with the tokens still stored.

use crate::support::{Env, exits, json_error, json_out, stderr, stdout};
use gsignin_emulator::MintRequest;
use serde_json::Value;

fn code_without_drive(env: &Env, email: &str) -> String {
    env.mint(MintRequest {
        email: Some(email.into()),
        scopes: Some(vec!["openid".into(), "email".into(), "profile".into()]),
        ..Default::default()
    })
}

#[test]
fn r12_require_scope_fails_a_grant_that_lacks_it_and_keeps_the_tokens() {
    let env = Env::new();
    let code = code_without_drive(&env, "alice@example.com");
    let out = exits(
        env.cmd().args([
            "exchange",
            &code,
            "--json",
            "--require-scope",
            "drive.appdata",
            "--require-scope",
            "email",
        ]),
        4,
    );
    // The report is on stdout for scripts; the failure on stderr and in the exit code.
    let doc = json_out(&out);
    assert_eq!(doc["refresh_token"]["stored"], true);
    let err = stderr(&out);
    assert!(
        err.contains(
            "the grant lacks https://www.googleapis.com/auth/drive.appdata (--require-scope)"
        ),
        "{err}"
    );
    assert!(
        !err.contains("lacks https://www.googleapis.com/auth/userinfo.email"),
        "email was granted: {err}"
    );
    assert!(
        env.secrets_file("default").exists(),
        "the tokens are stored"
    );

    // A refresh that still lacks it fails the same way, after storing the refresh.
    let tokens = env.emu.hits("/token");
    let out = exits(
        env.cmd()
            .args(["refresh", "--require-scope", "drive.appdata"]),
        4,
    );
    assert!(stderr(&out).contains("--require-scope"));
    assert_eq!(env.emu.hits("/token"), tokens + 1);
    exits(
        env.cmd().args([
            "refresh",
            "--require-scope",
            "openid",
            "--require-refresh-token",
        ]),
        0,
    );

    // A grant that holds it passes.
    let ok = env.code_for("bob@example.com");
    exits(
        env.cmd().args([
            "exchange",
            &ok,
            "--profile",
            "bob",
            "--require-scope",
            "drive.appdata",
            "--require-refresh-token",
        ]),
        0,
    );
}

#[test]
fn r12_require_refresh_token_fails_a_grant_without_one() {
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    // The user's second code for this client carries no refresh token (Google's rule).
    let second = env.code();
    let ran = env
        .run(&[
            "exchange",
            &second,
            "--profile",
            "second",
            "--require-refresh-token",
            "--json",
        ])
        .exits(4);
    assert_eq!(ran.json()["refresh_token"]["issued"], false);
    assert!(
        ran.stderr
            .contains("no refresh token (--require-refresh-token)"),
        "{}",
        ran.stderr
    );
    assert!(env.profile_file("second").exists(), "stored anyway");
}

/// `emulator --json`: its start-up is one JSON object whose `env` is all a CI job exports.
#[test]
fn emulator_json_gives_the_environment_a_job_exports() {
    use std::io::BufRead;
    let home = tempfile::tempdir().unwrap();
    let secret = home.path().join("client_secret.json");
    let mut child = crate::support::bare_process()
        .args(["emulator", "--port", "0", "--json", "--write-client-secret"])
        .arg(&secret)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let start: serde_json::Value = serde_json::from_str(&line).unwrap();
    let base = start["url"].as_str().unwrap().to_string();
    assert_eq!(start["env"]["GSIGNIN_ISSUER"], base.as_str());
    assert_eq!(start["client_secret_file"], secret.to_str().unwrap());
    let code: serde_json::Value = reqwest::blocking::Client::new()
        .post(format!("{base}/control/codes"))
        .json(&serde_json::json!({"email": "ci@example.com"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let mut cmd = crate::support::bare_cmd();
    for (name, value) in start["env"].as_object().unwrap() {
        cmd.env(name, value.as_str().unwrap());
    }
    let out = exits(
        cmd.env("GSIGNIN_HOME", home.path())
            .env("GSIGNIN_STORE", "file")
            .args(["exchange", "-", "--json", "--require-refresh-token"])
            .write_stdin(code["code"].as_str().unwrap()),
        0,
    );
    assert_eq!(json_out(&out)["email"], "ci@example.com");
    let _ = child.kill();
    let _ = child.wait();
}

/// A retry is one line on stderr a person (or a CI log) sees without -v.
#[test]
fn a_retry_says_so_without_verbose() {
    let env = Env::signed_in();
    env.fail("/token", 503, Some(1));
    let ran = env.run(&["refresh"]).exits(0);
    let lines: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.contains("retrying in"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", ran.stderr);
    assert!(
        lines[0].ends_with("answered 503; retrying in 1.0 s (try 2 of 3)"),
        "{}",
        lines[0]
    );
    // Under -v the trace says it instead, once.
    env.fail("/token", 503, Some(1));
    let ran = env.run(&["-v", "refresh"]).exits(0);
    assert_eq!(
        ran.stderr.matches("retrying in").count(),
        1,
        "{}",
        ran.stderr
    );
}

/// A profile keeps the client secret it was signed in with (its file, or that it came from
/// GSIGNIN_CLIENT_SECRET_JSON) and its issuer; a named one that disagrees is an error naming
/// both, never silently used or ignored.
#[test]
fn r11_a_profile_remembers_its_client_secret_and_issuer() {
    let env = Env::new();
    let web = env.home().join("web.json");
    std::fs::rename(env.home().join("config/client_secret.json"), &web).unwrap();
    let desktop = env.home().join("desktop.json");
    std::fs::write(&desktop, env.emu.installed_client_secret_json()).unwrap();
    exits(
        env.cmd()
            .arg("--client-secret")
            .arg(&web)
            .args(["exchange", &env.code()]),
        0,
    );
    // No client secret named, no default file: the profile's own file is used.
    exits(env.cmd().arg("refresh"), 0);
    // Nobody named it in this run, so another user must not be able to have written it: its
    // token_uri decides where the refresh token goes.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&web, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = exits(env.cmd().args(["refresh", "--json"]), 6);
    assert_eq!(json_error(&out)["code"], "untrusted_path");
    std::fs::set_permissions(&web, std::fs::Permissions::from_mode(0o600)).unwrap();
    // Another client's file is refused, naming both clients.
    let tokens = env.emu.hits("/token");
    let out = exits(
        env.cmd()
            .arg("--client-secret")
            .arg(&desktop)
            .args(["refresh", "--json"]),
        6,
    );
    let err = json_error(&out);
    assert_eq!(err["code"], "profile_mismatch");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("gsigninemulator") && message.contains("gsignindesktop"),
        "{message}"
    );
    // An issuer named that is not the profile's: refused, nothing sent anywhere.
    let out = exits(
        env.cmd()
            .args(["--issuer", "http://127.0.0.1:9", "refresh", "--json"]),
        6,
    );
    let err = json_error(&out);
    assert_eq!(err["code"], "profile_mismatch");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("http://127.0.0.1:9"),
        "{err}"
    );
    assert_eq!(env.emu.hits("/token"), tokens, "nothing was sent");
}

#[test]
fn r11_a_profile_signed_in_with_inline_json_asks_for_it_again() {
    let env = Env::new();
    let json = std::fs::read_to_string(env.home().join("config/client_secret.json")).unwrap();
    std::fs::remove_file(env.home().join("config/client_secret.json")).unwrap();
    exits(
        env.cmd()
            .env("GSIGNIN_CLIENT_SECRET_JSON", &json)
            .args(["exchange", &env.code()]),
        0,
    );
    let profile = std::fs::read_to_string(env.profile_file("default")).unwrap();
    assert!(profile.contains("\"inline\""), "{profile}");
    assert!(
        !profile.contains("GOCSPX"),
        "nothing of the secret is written"
    );
    let out = exits(env.cmd().args(["refresh", "--json"]), 6);
    assert!(
        json_error(&out)["message"]
            .as_str()
            .unwrap()
            .contains("GSIGNIN_CLIENT_SECRET_JSON"),
    );
    exits(
        env.cmd()
            .env("GSIGNIN_CLIENT_SECRET_JSON", &json)
            .arg("refresh"),
        0,
    );
}

/// Under --json a report that fails a requirement carries the contract's error object in the
/// one document on stdout.
#[test]
fn r12_a_failed_requirement_is_in_the_json_document() {
    let env = Env::new();
    let code = code_without_drive(&env, "dora@example.com");
    let out = exits(
        env.cmd().args([
            "exchange",
            &code,
            "--json",
            "--require-scope",
            "drive.appdata",
        ]),
        4,
    );
    let doc = json_out(&out);
    assert_eq!(doc["error"]["code"], "scope_missing", "{doc}");
    assert_eq!(doc["email"], "dora@example.com");
    let out = exits(
        env.cmd()
            .args(["--json", "refresh", "--require-scope", "drive.appdata"]),
        4,
    );
    assert_eq!(json_out(&out)["error"]["code"], "scope_missing");
}

#[test]
fn r11_no_command_uses_a_profiles_tokens_with_another_clients_secret_or_issuer() {
    let env = Env::signed_in();
    // Another client's file, whose endpoints lead nowhere: were it used, the run would fail
    // to connect (exit 5), not refuse (exit 6).
    let mut doc: Value = serde_json::from_str(&env.emu.installed_client_secret_json()).unwrap();
    doc["installed"]["token_info_uri"] = "http://127.0.0.1:9/tokeninfo".into();
    doc["installed"]["token_uri"] = "http://127.0.0.1:9/token".into();
    let other = env.home().join("other.json");
    std::fs::write(&other, doc.to_string()).unwrap();
    let sent = || {
        [
            "/token",
            "/tokeninfo",
            "/drive/v3/about",
            "/drive/v3/files",
            "/oauth2/v3/certs",
        ]
        .map(|p| env.emu.hits(p))
    };
    let before = sent();
    let commands: &[&[&str]] = &[
        &["token"],
        &["token", "--id-token"],
        &["api", "drive/v3/about"],
        &["drive-appfolder"],
        &["whoami", "--access-token"],
        &["whoami"],
        &["refresh"],
    ];
    for command in commands {
        // The access token is cached and valid: no refresh is needed, and still nothing goes.
        let named = [
            vec!["--client-secret", other.to_str().unwrap()],
            vec!["--issuer", "http://127.0.0.1:9"],
        ];
        for flags in &named {
            let out = exits(env.cmd().args(flags).arg("--json").args(*command), 6);
            assert_eq!(
                json_error(&out)["code"],
                "profile_mismatch",
                "{flags:?} {command:?}: {}",
                stderr(&out)
            );
        }
    }
    // Nothing named, but the file the profile was signed in with now holds another client.
    let default = env.home().join("config/client_secret.json");
    let own = std::fs::read(&default).unwrap();
    std::fs::write(&default, doc.to_string()).unwrap();
    let out = exits(env.cmd().args(["--json", "whoami", "--access-token"]), 6);
    assert_eq!(json_error(&out)["code"], "profile_mismatch");
    assert_eq!(sent(), before, "nothing was sent anywhere");
    std::fs::write(&default, own).unwrap();
    exits(env.cmd().args(["whoami", "--access-token"]), 0);
}

#[test]
fn a_refused_gsignin_refresh_token_names_the_secret_to_replace() {
    let env = Env::new();
    let out = exits(
        env.cmd()
            .env("GSIGNIN_REFRESH_TOKEN", "1//a-refresh-token-nobody-issued")
            .args(["--json", "refresh"]),
        4,
    );
    let err = json_error(&out);
    assert_eq!(err["code"], "invalid_grant");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("GSIGNIN_REFRESH_TOKEN"),
        "{err}"
    );
    let hint = err["hint"].as_str().unwrap();
    assert!(
        hint.contains("replace the GSIGNIN_REFRESH_TOKEN secret"),
        "{hint}"
    );
    assert!(!stdout(&out).contains("a-refresh-token-nobody-issued"));
}

/// A secret's variable set but empty (the secret a fork's pull request does not get) is exit
/// 6 naming it, where the secret would be used, not the error its absence leads to.
#[test]
fn a_secret_variable_set_but_empty_is_named_where_it_would_be_used() {
    let env = Env::new();
    for (var, args) in [
        ("GSIGNIN_REFRESH_TOKEN", vec!["--json", "refresh"]),
        ("GSIGNIN_REFRESH_TOKEN", vec!["--json", "token"]),
    ] {
        let out = exits(env.cmd().env(var, "").args(&args), 6);
        assert_eq!(json_error(&out)["code"], "secret_empty", "{args:?}");
        assert!(stderr(&out).contains(var), "{}", stderr(&out));
    }
    env.sign_in();
    let out = exits(
        env.cmd()
            .env("GSIGNIN_CLIENT_SECRET_JSON", " ")
            .env_remove("GSIGNIN_CLIENT_SECRET")
            .args([
                "--json",
                "exchange",
                &env.code_for("bob@example.com"),
                "--profile",
                "bob",
            ]),
        6,
    );
    assert!(
        stderr(&out).contains("GSIGNIN_CLIENT_SECRET_JSON is set but empty"),
        "{}",
        stderr(&out)
    );
    // Where it is not used, it is not in the way.
    exits(
        env.cmd()
            .env("GSIGNIN_CLIENT_SECRET_JSON", "")
            .args(["status"]),
        0,
    );
}
