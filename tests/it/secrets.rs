//! Secret hygiene, proven over every command: run each with -v (and --json) and look for every
//! secret the emulator ever issued in everything printed. Only the commands that were asked for
//! a secret may print it, and only that one.

use crate::support::{Env, exits, stderr, stdout};

/// The start of every RS256 ID token's header, as base64url.
const JWT_PREFIX: &str = "eyJhbGciOiJSUzI1NiIs";

#[test]
fn x1_no_command_prints_a_secret_it_was_not_asked_for() {
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    let runs: Vec<Vec<&str>> = vec![
        vec!["-v", "exchange", "CODE"],
        vec!["-v", "whoami"],
        vec!["-v", "whoami", "--json"],
        vec!["-v", "status", "--check"],
        vec!["-v", "status", "--json"],
        vec!["-v", "refresh"],
        vec!["-v", "refresh", "--json"],
        vec!["-v", "drive-appfolder"],
        vec!["-v", "drive-appfolder", "--list", "--json"],
        vec!["-v", "revoke"],
    ];
    let code = env.code();
    let mut printed = String::new();
    for args in &runs {
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "CODE" { code.as_str() } else { a })
            .collect();
        let out = exits(env.cmd().args(&args), 0);
        printed.push_str(&format!(
            "\n$ {}\n{}{}",
            args[1],
            stdout(&out),
            stderr(&out)
        ));
        // Every command that calls the issuer traces it, with secrets as [redacted …last4]
        // (whoami and status alone are served from the key cache and the store).
        if !matches!(args[1], "whoami" | "status") || args.contains(&"--check") {
            assert!(
                stderr(&out).contains("[redacted …"),
                "{args:?}: {}",
                stderr(&out)
            );
        }
    }
    for secret in env.issued_secrets() {
        assert!(
            !printed.contains(&secret),
            "a secret ending …{} was printed:{printed}",
            &secret[secret.len() - 4..]
        );
    }
    assert!(!printed.contains(JWT_PREFIX), "a raw ID token was printed");
}

#[test]
fn r8_commands_asked_for_a_token_print_that_token_alone() {
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    for (args, which) in [
        (vec!["-v", "token"], "access"),
        (vec!["-v", "token", "--id-token"], "id"),
        (vec!["-v", "refresh", "--print", "access-token"], "access"),
        (vec!["-v", "refresh", "--print", "id-token"], "id"),
    ] {
        let out = exits(env.cmd().args(&args), 0);
        let printed = stdout(&out);
        assert_eq!(printed.lines().count(), 1, "{args:?}: the token alone");
        let token = printed.trim();
        match which {
            "access" => assert!(env.emu.issued_access_token(token), "{args:?}"),
            _ => assert!(token.starts_with(JWT_PREFIX), "{args:?}"),
        }
        // The trace on stderr still shows no secret, not even the one on stdout.
        let trace = stderr(&out);
        assert!(
            !trace.contains(token),
            "{args:?}: the token leaked into the trace"
        );
        for secret in env.issued_secrets() {
            assert!(!trace.contains(&secret), "{args:?}");
        }
    }
}

#[test]
fn x3_a_client_secret_put_where_its_path_belongs_is_never_shown() {
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    let json = env.emu.client_secret_json();
    let secret = gsignin_emulator::WEB_CLIENT_SECRET;
    // `GSIGNIN_CLIENT_SECRET="$(cat client_secret.json)"` in a CI job.
    for args in [
        vec!["refresh"],
        vec!["-v", "--json", "refresh"],
        vec!["exchange", "4/x"],
    ] {
        let out = exits(env.cmd().env("GSIGNIN_CLIENT_SECRET", &json).args(&args), 6);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(secret), "{args:?}: {all}");
        assert!(all.contains("holds JSON"), "{args:?}: {all}");
    }
    // A malformed file: described by the field and its type, never its value.
    let bad = env.home().join("bad_client_secret.json");
    std::fs::write(
        &bad,
        serde_json::json!({"web": {"client_id": "id", "client_secret": ["GOCSPX-in-a-list"]}})
            .to_string(),
    )
    .unwrap();
    let out = exits(
        env.cmd()
            .arg("--client-secret")
            .arg(&bad)
            .args(["-v", "refresh"]),
        6,
    );
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("GOCSPX-in-a-list"), "{all}");
    assert!(
        all.contains("`web.client_secret` is a list, not a string"),
        "{all}"
    );
}

#[test]
fn x3_the_client_secret_json_variable_signs_in_and_nothing_like_a_secret_is_echoed_as_a_path() {
    let env = Env::new();
    let json = env.emu.client_secret_json();
    let secret = gsignin_emulator::WEB_CLIENT_SECRET;
    // No file: the JSON from the variable (a CI secret store) is the client secret.
    std::fs::remove_file(env.home().join("config/client_secret.json")).unwrap();
    let out = exits(
        env.cmd()
            .env("GSIGNIN_CLIENT_SECRET_JSON", &json)
            .args(["-v", "exchange", &env.code()]),
        0,
    );
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains(secret), "{all}");
    // Other shapes put where the path belongs: never shown.
    for value in [
        format!("\u{feff}{json}"),
        secret.to_string(),
        format!("client_secret={secret}"),
    ] {
        let out = exits(
            env.cmd()
                .env("GSIGNIN_CLIENT_SECRET", &value)
                .args(["--json", "refresh"]),
            6,
        );
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(secret), "{all}");
    }
}
