//! `gsignin exchange` against the in-process emulator: every input form, every error path the
//! contract names, and the promise that a spent code's tokens are never lost.

use crate::support::{Env, assert_no_secret, exits, http, json_error, stderr, stdout};
use gsignin_emulator::MintRequest;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;

#[test]
fn e10_s2_bare_code_signs_in_and_stores_the_refresh_token_in_a_private_file() {
    let env = Env::new();
    let code = env.code();
    let out = env.cmd().args(["exchange", &code]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Signed in as alice@example.com"), "{text}");
    assert!(text.contains("drive.appdata"), "{text}");
    assert!(text.contains("refresh token: stored in the file"), "{text}");
    assert!(
        stderr(&out).contains("GSIGNIN_STORE=file keeps tokens"),
        "file store is warned about"
    );
    assert_no_secret(&out, &env.issued_secrets());

    let secrets = env.secrets_file("default");
    let mode = std::fs::metadata(&secrets).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "secrets file mode");
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&secrets).unwrap()).unwrap();
    let rt = stored["refresh_token"].as_str().unwrap();
    assert!(
        env.emu.refresh_token(rt).is_some(),
        "the issued refresh token is stored"
    );

    let profile = std::fs::read_to_string(env.profile_file("default")).unwrap();
    for s in env.issued_secrets() {
        assert!(!profile.contains(&s), "profile metadata holds a secret");
    }
    let profile: Value = serde_json::from_str(&profile).unwrap();
    assert_eq!(profile["email"], "alice@example.com");
    assert_eq!(profile["store"], "file");
}

#[test]
fn every_pasted_form_of_the_code_works() {
    let env = Env::new();
    // How each form is given: (arguments, stdin) for a code.
    type Form = Box<dyn Fn(&str) -> (Vec<String>, Option<String>)>;
    let forms: Vec<(&str, Form)> = vec![
        (
            "percent-encoded",
            Box::new(|c| (vec![c.replace('/', "%2F")], None)),
        ),
        (
            "redirect URL",
            Box::new(|c| {
                (
                    vec![format!(
                        "http://localhost:8080/cb?state=xyz&code={}&scope=email%20openid",
                        c.replace('/', "%2F")
                    )],
                    None,
                )
            }),
        ),
        ("whitespace", Box::new(|c| (vec![format!("  {c}\n")], None))),
        (
            "stdin dash",
            Box::new(|c| (vec!["-".into()], Some(format!("{c}\n")))),
        ),
        (
            "stdin piped, no argument",
            Box::new(|c| (vec![], Some(format!(" {c} \n")))),
        ),
    ];
    for (i, (name, form)) in forms.iter().enumerate() {
        let code = env.code_for(&format!("user{i}@example.com"));
        let (args, stdin) = form(&code);
        let mut cmd = env.cmd();
        cmd.arg("exchange")
            .args(&args)
            .args(["--profile", &format!("p{i}")]);
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(!env.code_is_unspent(&code), "{name}: the code was spent");
        assert!(
            stdout(&out).contains(&format!("user{i}@example.com")),
            "{name}"
        );
    }
}

#[test]
fn a_reused_code_is_exit_4_with_the_json_error() {
    let env = Env::new();
    let code = env.code();
    env.cmd().args(["exchange", &code]).assert().success();
    let out = env
        .cmd()
        .args(["exchange", &code, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = json_error(&out);
    assert_eq!(err["code"], "invalid_grant");
    assert!(err["hint"].as_str().unwrap().contains("new serverAuthCode"));
    let errors = stderr(&out)
        .lines()
        .filter(|l| l.starts_with("gsignin: error:"))
        .count();
    assert_eq!(errors, 1, "one error line: {}", stderr(&out));
    assert_no_secret(&out, &env.issued_secrets());
}

#[test]
fn a_wrong_redirect_uri_is_exit_4_and_leaves_the_code_good() {
    let env = Env::new();
    let code = env.code();
    let out = env
        .cmd()
        .args(["exchange", &code, "--redirect-uri", "postmessage", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(json_error(&out)["code"], "redirect_uri_mismatch");
    // The hint tells the two kinds of code apart: a mobile code wants "", a web popup's
    // code wants `postmessage`.
    for said in [
        "empty redirect_uri",
        "refuses `postmessage`",
        "--redirect-uri postmessage",
    ] {
        assert!(stderr(&out).contains(said), "{said}: {}", stderr(&out));
    }
    assert!(env.code_is_unspent(&code));
    env.cmd().args(["exchange", &code]).assert().success();
}

#[test]
fn a_web_code_needs_its_redirect_uri() {
    let env = Env::new();
    let code = env.mint(MintRequest {
        redirect_uri: Some("http://localhost:8080/cb".into()),
        ..Default::default()
    });
    env.cmd().args(["exchange", &code]).assert().code(4);
    env.cmd()
        .args([
            "exchange",
            &code,
            "--redirect-uri",
            "http://localhost:8080/cb",
        ])
        .assert()
        .success();
}

#[test]
fn e4_client_secret_problems_are_exit_6_before_the_code_is_spent() {
    let env = Env::new();
    let code = env.code();
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "this is not json").unwrap();
    let fieldless = dir.path().join("fieldless.json");
    std::fs::write(
        &fieldless,
        r#"{"web":{"client_id":"x.apps.googleusercontent.com"}}"#,
    )
    .unwrap();
    let neither = dir.path().join("neither.json");
    std::fs::write(&neither, r#"{"type":"service_account"}"#).unwrap();
    let cases = [
        (dir.path().join("missing.json"), "no such file"),
        (garbage, "not a client secret file"),
        (fieldless, "no `client_secret`"),
        (neither, "neither a `web` nor an `installed`"),
    ];
    for (path, says) in cases {
        let out = exits(
            env.cmd()
                .args(["exchange", &code, "--json", "--client-secret"])
                .arg(&path),
            6,
        );
        assert_eq!(json_error(&out)["code"], "client_secret_invalid");
        assert!(stderr(&out).contains(says), "{says}: {}", stderr(&out));
        assert!(env.code_is_unspent(&code));
    }
    // The default location, when nothing is named and nothing is there.
    std::fs::remove_file(env.home().join("config/client_secret.json")).unwrap();
    let out = env.cmd().args(["exchange", &code]).output().unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert!(stderr(&out).contains("--client-secret"), "{}", stderr(&out));
    assert!(env.code_is_unspent(&code));
    assert_eq!(env.emu.hits("/token"), 0);
}

#[test]
fn e4_an_unwritable_home_is_exit_6_before_the_code_is_spent() {
    let env = Env::new();
    let code = env.code();
    // A home below a regular file cannot be created, even by root.
    let blocker = env.home().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let secret = env.home().join("config/client_secret.json");
    let out = env
        .cmd()
        .env("GSIGNIN_HOME", blocker.join("home"))
        .args(["exchange", &code, "--json", "--client-secret"])
        .arg(&secret)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_eq!(json_error(&out)["code"], "home_unwritable");
    assert!(env.code_is_unspent(&code));
    assert_eq!(env.emu.hits("/token"), 0);
}

#[test]
fn e6_s4_a_save_that_fails_after_the_exchange_writes_a_private_rescue_file() {
    let env = Env::new();
    let out = env.exchange_while_the_store_breaks(&env.code());
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("the tokens were written to"), "{err}");
    let path = err
        .split("the tokens were written to ")
        .nth(1)
        .and_then(|s| s.split(';').next())
        .unwrap()
        .trim()
        .to_string();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "rescue file mode");
    let rescued: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let rt = rescued["tokens"]["refresh_token"].as_str().unwrap();
    assert!(
        env.emu.refresh_token(rt).is_some(),
        "the live refresh token is rescued"
    );
    assert_no_secret(&out, &env.issued_secrets());
}

#[test]
fn t9_verbose_shows_the_token_request_with_every_secret_redacted() {
    let env = Env::new();
    let code = env.code();
    let out = env.cmd().args(["-v", "exchange", &code]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let trace = stderr(&out);
    assert!(
        trace.contains(&format!("> POST {}/token", env.emu.base_url())),
        "{trace}"
    );
    assert!(trace.contains("grant_type=authorization_code"), "{trace}");
    assert!(trace.contains("code=[redacted …"), "{trace}");
    assert!(trace.contains("client_secret=[redacted"), "{trace}");
    assert!(trace.contains("\"refresh_token\":\"[redacted …"), "{trace}");
    assert!(trace.contains("< 200"), "{trace}");
    assert_no_secret(&out, &env.issued_secrets());
}

#[test]
fn e10_tokens_are_printed_only_when_asked_for() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["exchange", &env.code(), "--show-tokens", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let access = doc["tokens"]["access_token"].as_str().unwrap();
    assert!(env.emu.issued_access_token(access));
    assert!(
        doc["tokens"]["id_token"]
            .as_str()
            .unwrap()
            .starts_with("eyJ")
    );
    let refresh: Vec<String> = env.issued_refresh_tokens();
    assert_no_secret(&out, &refresh);

    let out = env
        .cmd()
        .args([
            "exchange",
            &env.code_for("bob@example.com"),
            "--show-refresh-token",
        ])
        .args(["--profile", "bob"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        env.emu
            .refresh_tokens()
            .iter()
            .any(|(rt, _)| text.contains(rt.as_str())),
        "{text}"
    );
    assert!(
        !env.emu
            .access_tokens()
            .iter()
            .any(|at| text.contains(at.as_str())),
        "{text}"
    );
}

#[test]
fn json_output_says_who_what_and_where() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["exchange", &env.code(), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(doc["email"], "alice@example.com");
    assert!(
        doc["sub"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_digit())
    );
    assert!(
        doc["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "openid")
    );
    assert_eq!(doc["refresh_token"]["stored"], true);
    assert_eq!(doc["refresh_token"]["store"], "file");
    assert_eq!(doc["id_token"]["valid"], true);
    assert!(
        doc["access_token_expires_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(doc.get("tokens").is_none());
}

#[test]
fn a_missing_expected_scope_is_a_warning() {
    let env = Env::new();
    let code = env.mint(MintRequest {
        scopes: Some(vec!["openid".into(), "email".into()]),
        ..Default::default()
    });
    let out = env
        .cmd()
        .args([
            "exchange",
            &code,
            "--expect-scope",
            "drive.appdata",
            "--expect-scope",
            "email",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning: the granted scopes lack https://www.googleapis.com/auth/drive.appdata"
        ),
        "{err}"
    );
    assert!(
        !err.contains("lack https://www.googleapis.com/auth/userinfo.email"),
        "{err}"
    );
}

#[test]
fn a_later_code_without_refresh_token_keeps_the_stored_one() {
    let env = Env::new();
    env.cmd().args(["exchange", &env.code()]).assert().success();
    let before = std::fs::read_to_string(env.secrets_file("default")).unwrap();
    let first: Value = serde_json::from_str(&before).unwrap();
    let out = env.cmd().args(["exchange", &env.code()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("stays in use"), "{}", stdout(&out));
    let after: Value =
        serde_json::from_str(&std::fs::read_to_string(env.secrets_file("default")).unwrap())
            .unwrap();
    assert_eq!(after["refresh_token"], first["refresh_token"]);
    assert_ne!(after["access_token"], first["access_token"]);

    // Another profile with no earlier sign-in is told why it has no refresh token.
    let out = env
        .cmd()
        .args(["exchange", &env.code(), "--profile", "other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("forceCodeForRefreshToken"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn e4_an_unreachable_issuer_is_exit_5_and_the_code_unspent() {
    let env = Env::new();
    let code = env.code();
    let out = env
        .cmd()
        .env("GSIGNIN_ISSUER", crate::support::closed_port_url())
        .args(["exchange", &code, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert_eq!(json_error(&out)["code"], "connection_failed");
    assert!(env.code_is_unspent(&code));
}

#[test]
fn e5_a_token_endpoint_failure_is_exit_5_and_never_retried() {
    let env = Env::new();
    let code = env.code();
    env.fail("/token", 503, None);
    let out = env
        .cmd()
        .args(["exchange", &code, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert_eq!(json_error(&out)["code"], "server_error");
    assert_eq!(env.emu.hits("/token"), 1, "a code exchange is sent once");
}

#[test]
fn x2_a_wrong_client_secret_is_exit_6() {
    let env = Env::new();
    let code = env.code();
    let path = env.home().join("wrong.json");
    std::fs::write(
        &path,
        env.emu
            .client_secret_json()
            .replace("GOCSPX-emulator-client-secret", "GOCSPX-wrong"),
    )
    .unwrap();
    let out = exits(
        env.cmd()
            .args(["exchange", &code, "--json", "--client-secret"])
            .arg(&path),
        6,
    );
    assert_eq!(json_error(&out)["code"], "invalid_client");
    assert!(!stdout(&out).contains("GOCSPX-wrong") && !stderr(&out).contains("GOCSPX-wrong"));
}

#[test]
fn an_expired_code_is_exit_4() {
    let env = Env::new();
    let code = env.mint(MintRequest {
        lifetime: Some(-1),
        ..Default::default()
    });
    let out = env.cmd().args(["exchange", &code]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

#[test]
fn e1_no_code_at_all_is_a_usage_error() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["exchange"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no authorization code"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn e9_replacing_another_users_sign_in_is_a_warning() {
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    let out = exits(
        env.cmd()
            .args(["exchange", &env.code_for("bob@example.com")]),
        0,
    );
    assert!(
        stderr(&out).contains(
            "profile `default` held the sign-in of alice@example.com; it now holds bob@example.com"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn e7_an_id_token_that_fails_verification_is_exit_3_and_the_tokens_are_rescued() {
    let env = Env::new();
    let code = env.code();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // The token endpoint answers with an ID token signed by a key the issuer never published.
    let forged = gsignin_verify::signing::SigningKey::generate().sign(&serde_json::json!({
        "iss": "https://accounts.google.com", "aud": gsignin_emulator::WEB_CLIENT_ID,
        "sub": "1", "iat": now, "exp": now + 3600,
    }));
    let refresh = "1//0rescued-refresh-token-of-a-forged-answer";
    env.inject(gsignin_emulator::Fault {
        path: "/token".into(),
        status: Some(200),
        body: Some(
            serde_json::json!({"access_token": "ya29.forged-answer-access", "expires_in": 3599,
                "refresh_token": refresh, "id_token": forged, "scope": "openid",
                "token_type": "Bearer"})
            .to_string(),
        ),
        count: Some(1),
        ..Default::default()
    });
    let out = exits(env.cmd().args(["exchange", &code, "--json"]), 3);
    let err = json_error(&out);
    assert_eq!(err["code"], "id_token_invalid");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("signature: no key with kid"), "{message}");
    assert!(
        !env.profile_file("default").exists(),
        "an unverified sign-in is not stored"
    );
    let (file, rescued) = env.rescued();
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert_eq!(rescued["tokens"]["refresh_token"], refresh);
    assert!(!stdout(&out).contains(refresh) && !stderr(&out).contains(refresh));
}

#[test]
fn w12_a_discovery_document_naming_another_issuer_is_refused() {
    let env = Env::new();
    let code = env.code();
    env.inject(gsignin_emulator::Fault {
        path: "/.well-known/openid-configuration".into(),
        status: Some(200),
        body: Some(
            r#"{"issuer":"https://evil.example","token_endpoint":"x","jwks_uri":"y"}"#.into(),
        ),
        ..Default::default()
    });
    let out = exits(env.cmd().args(["exchange", &code, "--json"]), 5);
    let err = json_error(&out);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("names issuer `https://evil.example`"),
        "{err}"
    );
    assert!(env.code_is_unspent(&code));
}

#[test]
fn s12_damaged_store_files_are_exit_6_with_what_to_do() {
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    let secrets = env.secrets_file("default");
    std::fs::write(&secrets, "not json").unwrap();
    let out = exits(env.cmd().args(["token", "--json"]), 6);
    assert_eq!(json_error(&out)["code"], "store_corrupt");
    std::fs::write(env.profile_file("default"), "{").unwrap();
    let out = exits(env.cmd().args(["token", "--json"]), 6);
    let err = json_error(&out);
    assert_eq!(err["code"], "profile_corrupt");
    assert!(err["hint"].as_str().unwrap().contains("delete it"), "{err}");
}

#[test]
fn e3_a_mistyped_flag_is_a_usage_error_and_never_reaches_the_issuer() {
    let env = Env::new();
    for typo in ["--show-token", "--redirect_uri=x", "-x"] {
        let out = exits(env.cmd().args(["exchange", typo]), 2);
        assert!(
            stderr(&out).contains("--"),
            "the way to pass a code that starts with -: {}",
            stderr(&out)
        );
    }
    assert_eq!(env.emu.hits("/token"), 0, "nothing was sent as a code");
    // After `--`, a code that starts with `-` is a code: the issuer refuses it as unknown.
    exits(env.cmd().args(["exchange", "--", "-0abc"]), 4);
    assert_eq!(env.emu.hits("/token"), 1);
}

#[test]
fn e7_keys_that_cannot_be_fetched_after_the_code_is_spent_are_a_network_failure_with_the_tokens_rescued()
 {
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    // The new ID token names a key the cache lacks, and the keys endpoint is down.
    env.emu.rotate_keys();
    env.fail("/oauth2/v3/certs", 503, None);
    let code = env.mint(MintRequest {
        force_refresh_token: true,
        ..Default::default()
    });
    let out = exits(env.cmd().args(["--json", "exchange", &code]), 5);
    let e = json_error(&out);
    let (path, rescued) = env.rescued();
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("could not fetch the issuer's new keys"),
        "{message}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(rescued["tokens"]["refresh_token"].is_string(), "{rescued}");
}

/// The file store's warning comes once tokens are in the file, naming what chose the store
/// (the variable or the flag), and never on a run that stores nothing.
#[test]
fn the_file_store_warning_names_what_chose_it_and_only_when_tokens_are_stored() {
    let env = Env::new();
    let warning = "keeps tokens in the file";
    let out = exits(env.cmd().args(["exchange", &env.code()]), 0);
    let err = stderr(&out);
    let said: Vec<&str> = err.lines().filter(|l| l.contains(warning)).collect();
    assert_eq!(said.len(), 1, "{}", stderr(&out));
    assert!(
        said[0].starts_with("warning: GSIGNIN_STORE=file keeps"),
        "{}",
        said[0]
    );

    let out = exits(
        env.cmd().env_remove("GSIGNIN_STORE").args([
            "--store",
            "file",
            "exchange",
            &env.code_for("bob@example.com"),
        ]),
        0,
    );
    assert!(
        stderr(&out).contains("warning: --store file keeps tokens in the file"),
        "{}",
        stderr(&out)
    );

    for nothing_stored in [
        vec!["exchange", "4/0Anot-a-code"],
        vec!["refresh"],
        vec!["status"],
        vec!["token"],
    ] {
        let out = env.cmd().args(&nothing_stored).output().unwrap();
        assert!(
            !stderr(&out).contains(warning),
            "{nothing_stored:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn id_tokens_carry_googles_iss_by_default_and_gsignin_works_in_every_mode() {
    use base64::Engine;
    let env = Env::new();
    let id_token_iss = |doc: &Value| {
        let token = doc["tokens"]["id_token"].as_str().unwrap().to_string();
        let payload = token.split('.').nth(1).unwrap().to_string();
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap();
        claims["iss"].as_str().unwrap().to_string()
    };
    // Default: Google's iss, and gsignin (pointed at the loopback emulator) trusts it.
    let doc = env.exchange_showing_tokens(&[]);
    assert_eq!(id_token_iss(&doc), "https://accounts.google.com");
    crate::support::exits(env.cmd().arg("whoami"), 0);
    // One code asks for the legacy spelling.
    let code = env.mint(gsignin_emulator::MintRequest {
        iss: Some("accounts.google.com".into()),
        ..Default::default()
    });
    let out = crate::support::exits(
        env.cmd().args([
            "--profile",
            "legacy",
            "--json",
            "exchange",
            &code,
            "--show-tokens",
        ]),
        0,
    );
    assert_eq!(
        id_token_iss(&crate::support::json_out(&out)),
        "accounts.google.com"
    );
    // The emulator's URL, for strict OpenID clients: discovery says the same.
    let settings: Value = http()
        .post(format!("{}/control/settings", env.emu.base_url()))
        .json(&serde_json::json!({"iss": "url"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(settings["iss"], "url");
    let _ = std::fs::remove_dir_all(env.home().join("cache"));
    let doc = env.exchange_showing_tokens(&["--profile", "strict"]);
    assert_eq!(id_token_iss(&doc), env.emu.base_url());
    crate::support::exits(env.cmd().args(["--profile", "strict", "whoami"]), 0);
}
