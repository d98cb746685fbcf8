//! Every error path a user can provoke, in-process and table-driven: the exit code, the JSON
//! error object, one line on stderr with a hint, and no secret in either stream.

use crate::support::{Env, Ran};
use gsignin_emulator::MintRequest;

/// A case: its name, what to run (given a fresh env), the exit code and the error code.
type Case = (&'static str, fn(&Env) -> Ran, i32, &'static str);

const CASES: &[Case] = &[
    (
        "bad profile name",
        |e| e.run(&["--json", "--profile", "../etc", "refresh"]),
        2,
        "usage",
    ),
    (
        "no code",
        |e| e.run(&["--json", "exchange", "-"]),
        2,
        "usage",
    ),
    (
        "client secret missing",
        |e| {
            e.run(&[
                "--json",
                "--client-secret",
                "/nonexistent/cs.json",
                "exchange",
                &e.code(),
            ])
        },
        6,
        "client_secret_invalid",
    ),
    (
        "malformed code",
        |e| e.run(&["--json", "exchange", "4/0-not-a-code"]),
        4,
        "invalid_grant",
    ),
    (
        "reused code",
        |e| {
            let code = e.code();
            e.run(&["exchange", &code]).exits(0);
            e.run(&["--json", "--profile", "again", "exchange", &code])
        },
        4,
        "invalid_grant",
    ),
    (
        "wrong redirect_uri",
        |e| {
            e.run(&[
                "--json",
                "exchange",
                &e.code(),
                "--redirect-uri",
                "https://x.example/cb",
            ])
        },
        4,
        "redirect_uri_mismatch",
    ),
    (
        "nothing stored",
        |e| e.run(&["--json", "refresh"]),
        4,
        "not_signed_in",
    ),
    (
        "wrong client secret",
        |e| {
            let path = e.home().join("wrong.json");
            let doc = e
                .emu
                .client_secret_json()
                .replace(gsignin_emulator::WEB_CLIENT_SECRET, "GOCSPX-not-the-secret");
            std::fs::write(&path, doc).unwrap();
            e.run(&[
                "--json",
                "--client-secret",
                path.to_str().unwrap(),
                "exchange",
                &e.code(),
            ])
        },
        6,
        "invalid_client",
    ),
    (
        "issuer on a closed port",
        |e| {
            let url = crate::support::closed_port_url();
            // A token passing every check that needs no key: only the keys are missing.
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let token = e.emu.sign(&serde_json::json!({
                "iss": "https://accounts.google.com", "sub": "1",
                "aud": gsignin_emulator::WEB_CLIENT_ID, "iat": now, "exp": now + 3600,
            }));
            e.run(&["--json", "--issuer", &url, "whoami", &token])
        },
        5,
        "connection_failed",
    ),
    (
        "not an issuer",
        |e| {
            let url = format!("{}/drive/v3", e.emu.base_url());
            e.run(&["--json", "--issuer", &url, "exchange", &e.code()])
        },
        5,
        "server_error",
    ),
    (
        "not a token",
        |e| e.run(&["--json", "whoami", "abc.def.ghi"]),
        3,
        "token_invalid",
    ),
    (
        "no drive.appdata scope",
        |e| {
            let code = e.mint(MintRequest {
                scopes: Some(vec!["openid".into(), "email".into()]),
                ..Default::default()
            });
            e.run(&["exchange", &code]).exits(0);
            e.run(&["--json", "drive-appfolder"])
        },
        4,
        "insufficient_scope",
    ),
    (
        "no ID token without the openid scope",
        |e| {
            let code = e.mint(MintRequest {
                scopes: Some(vec!["drive.appdata".into()]),
                ..Default::default()
            });
            e.run(&["exchange", &code]).exits(0);
            e.run(&["--json", "token", "--id-token"])
        },
        4,
        "no_id_token",
    ),
    (
        "revoked refresh token",
        |e| {
            e.sign_in();
            e.emu.revoke_grants();
            e.run(&["--json", "refresh"])
        },
        4,
        "invalid_grant",
    ),
];

#[test]
fn s8_x1_every_error_path_is_one_line_an_exit_code_and_a_json_object() {
    for (name, run, exit, code) in CASES {
        let env = Env::new();
        let ran = run(&env);
        assert_eq!(
            ran.code, *exit,
            "{name}: stdout {} stderr {}",
            ran.stdout, ran.stderr
        );
        let doc = ran.json();
        // A rejected token's verdict is the data, every failed check in it; anything else
        // (an error, or a verdict whose keys could not be fetched) carries the error's code
        // and hint.
        let rejected = doc["valid"] == false && *code == "token_invalid";
        if !rejected {
            assert_eq!(doc["error"]["code"], *code, "{name}: {doc}");
            let hint = &doc["error"]["hint"];
            assert!(
                hint.as_str().is_some_and(|h| !h.is_empty()),
                "{name}: {doc}"
            );
        }
        let errors: Vec<&str> = ran
            .stderr
            .lines()
            .filter(|l| l.starts_with("gsignin: error:"))
            .collect();
        assert_eq!(errors.len(), 1, "{name}: {}", ran.stderr);
        assert!(errors[0].contains("; hint: "), "{name}: {}", errors[0]);
        let all = format!("{}{}", ran.stdout, ran.stderr);
        for secret in env.issued_secrets() {
            assert!(!all.contains(&secret), "{name}: a secret leaked");
        }
    }
}
