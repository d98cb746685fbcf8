//! refresh, token, status, revoke: the stored sign-in's life, against the emulator.

use crate::support::{
    Env, SecretService, assert_no_secret, exits, json_error, json_out, stderr, stdout,
};
use serde_json::{Value, json};

fn stored(env: &Env, profile: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(env.secrets_file(profile)).unwrap()).unwrap()
}

/// Alice under the default profile, Bob under `bob`.
fn alice_and_bob(env: &Env) {
    env.sign_in();
    exits(
        env.cmd().args([
            "exchange",
            &env.code_for("bob@example.com"),
            "--profile",
            "bob",
        ]),
        0,
    );
}

/// Acts on grants at the emulator: every grant, or those of `email`.
fn grant_action(env: &Env, action: &str) {
    grant_action_for(env, action, None);
}

fn grant_action_for(env: &Env, action: &str, email: Option<&str>) {
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/control/grants", env.emu.base_url()))
        .json(&json!({"action": action, "email": email}))
        .send()
        .unwrap();
    assert!(resp.status().is_success());
}

#[test]
fn r1_a_rotated_refresh_token_replaces_the_old_one_in_the_file_store() {
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    env.sign_in();
    let first = stored(&env, "default")["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let out = exits(env.cmd().args(["refresh", "--json"]), 0);
    assert_eq!(json_out(&out)["refresh_token"]["rotated"], true);
    let second = stored(&env, "default")["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second, "the new refresh token is stored");
    assert!(
        env.emu.refresh_token(&first).unwrap().rotated,
        "the old one is spent"
    );
    // Two in a row: each uses the token the previous one stored.
    exits(env.cmd().args(["refresh"]), 0);
    let third = stored(&env, "default")["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(second, third);
    assert!(!env.emu.refresh_token(&third).unwrap().revoked);
    assert_no_secret(
        &exits(env.cmd().args(["refresh"]), 0),
        &env.issued_secrets(),
    );
}

#[test]
#[ignore = "needs gnome-keyring and D-Bus (apt-get install dbus gnome-keyring libsecret-tools); bash .ci/run installs them and runs the ignored tests"]
fn r1_a_rotated_refresh_token_replaces_the_old_one_in_the_keyring() {
    let ss = SecretService::start();
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    let keyring = |args: &[&str], code: i32| {
        let mut cmd = env.cmd();
        cmd.env("GSIGNIN_STORE", "keyring").args(args);
        ss.apply(&mut cmd);
        exits(&mut cmd, code)
    };
    keyring(&["exchange", &env.code()], 0);
    let first: Vec<String> = env.issued_refresh_tokens();
    keyring(&["refresh"], 0);
    let items = ss.items();
    let tokens = env.emu.refresh_tokens();
    let live: Vec<&String> = tokens
        .iter()
        .filter(|(_, g)| !g.rotated)
        .map(|(k, _)| k)
        .collect();
    assert_eq!(live.len(), 1);
    assert!(
        items.contains(live[0].as_str()),
        "the new token is in the keyring"
    );
    assert!(!items.contains(first[0].as_str()), "the old one is gone");
    assert_eq!(items.matches("attribute.service = gsignin").count(), 1);
}

#[test]
fn r2_ten_processes_refreshing_at_once_against_a_rotating_issuer_keep_a_working_token() {
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    env.sign_in();
    let bin = assert_cmd::cargo::cargo_bin("gsignin");
    for round in 0..20 {
        let children: Vec<_> = (0..10)
            .map(|_| {
                std::process::Command::new(&bin)
                    .arg("refresh")
                    .env("GSIGNIN_HOME", env.home())
                    .env("GSIGNIN_ISSUER", env.emu.base_url())
                    .env("GSIGNIN_STORE", "file")
                    .env_remove("GSIGNIN_REFRESH_TOKEN")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let rt = stored(&env, "default")["refresh_token"]
            .as_str()
            .unwrap()
            .to_string();
        let g = env.emu.refresh_token(&rt).unwrap();
        assert!(
            !g.revoked && !g.rotated,
            "round {round}: the stored token is the live one"
        );
    }
    // 1 exchange + 200 refreshes, no family ever revoked by a reuse.
    assert_eq!(env.emu.hits("/token"), 201);
    exits(env.cmd().args(["refresh"]), 0);
}

#[test]
fn a_token_revoked_at_the_issuer_is_exit_4_and_says_why() {
    let env = Env::new();
    env.sign_in();
    grant_action(&env, "revoke");
    let out = exits(env.cmd().args(["refresh", "--json"]), 4);
    let err = json_error(&out);
    assert_eq!(err["code"], "invalid_grant");
    let hint = err["hint"].as_str().unwrap();
    assert!(hint.contains("revoked by the user"), "{hint}");
    assert!(hint.contains("Testing status"), "{hint}");
    assert!(hint.contains("100-tokens-per-client"), "{hint}");
    assert!(hint.contains("password change"), "{hint}");
    assert!(stderr(&out).contains("Token has been expired or revoked."));
}

#[test]
fn invalid_rapt_asks_for_a_new_sign_in() {
    let env = Env::new();
    env.sign_in();
    grant_action(&env, "invalid_rapt");
    let out = exits(env.cmd().args(["refresh"]), 4);
    assert!(
        stderr(&out).contains("re-authentication"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("Workspace"), "{}", stderr(&out));
}

#[test]
fn an_app_in_testing_status_loses_its_refresh_token_after_7_days() {
    let env = Env::new();
    env.emu.set_testing_mode(true);
    env.sign_in();
    exits(env.cmd().args(["refresh"]), 0);
    env.emu.advance_clock(8 * 86_400);
    let out = exits(env.cmd().args(["refresh"]), 4);
    assert!(
        stderr(&out).contains("Testing status lose them after 7 days"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn nothing_stored_is_exit_4_with_a_hint_to_exchange() {
    let env = Env::new();
    for cmd in [
        vec!["refresh"],
        vec!["token"],
        vec!["revoke"],
        vec!["whoami"],
    ] {
        let out = exits(env.cmd().args(&cmd).arg("--json"), 4);
        let err = json_error(&out);
        assert_eq!(err["code"], "not_signed_in", "{cmd:?}");
        assert!(err["hint"].as_str().unwrap().contains("gsignin exchange"));
    }
}

#[test]
fn r7_gsignin_refresh_token_works_with_an_empty_home_and_no_store() {
    let env = Env::new();
    let doc = json_out(&exits(
        env.cmd()
            .args(["exchange", &env.code(), "--show-refresh-token", "--json"]),
        0,
    ));
    let rt = doc["tokens"]["refresh_token"].as_str().unwrap().to_string();
    let empty = tempfile::tempdir().unwrap();
    let secret = env.home().join("config/client_secret.json");
    let ci = || {
        let mut cmd = env.cmd();
        cmd.env("GSIGNIN_HOME", empty.path().join("nothing-here"))
            .env("GSIGNIN_REFRESH_TOKEN", &rt)
            .env("GSIGNIN_CLIENT_SECRET", &secret)
            .env("GSIGNIN_STORE", "keyring");
        cmd
    };
    let token = stdout(&exits(ci().arg("token"), 0)).trim().to_string();
    assert!(env.emu.issued_access_token(&token));
    let out = exits(ci().args(["refresh", "--print", "id-token"]), 0);
    assert!(stdout(&out).starts_with("eyJ"));
    let out = exits(ci().args(["whoami", "--json"]), 0);
    assert_eq!(json_out(&out)["claims"]["email"], "alice@example.com");
    assert!(
        !empty.path().join("nothing-here/data").exists(),
        "nothing was written"
    );
}

/// A variable that is set but not UTF-8 is refused by name (exit 2) before anything is read
/// or sent: an unreadable GSIGNIN_REFRESH_TOKEN was taken for unset, and the stored profile,
/// another user's sign-in, refreshed with exit 0.
#[test]
fn p2_a_variable_that_is_not_utf8_is_refused_by_name_never_taken_for_unset() {
    use std::os::unix::ffi::OsStrExt;
    let env = Env::signed_in();
    let bad = std::ffi::OsStr::from_bytes(b"1//0g-not-\xff-utf8");
    let tokens = env.emu.hits("/token");
    let names = gsignin::testing::ENV_VARS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| *name != "GSIGNIN_COMPLETE")
        .chain(gsignin::testing::READ_BY_LIBRARIES.iter().copied());
    for name in names {
        for args in [&["refresh"][..], &["--json", "token"]] {
            let out = env.cmd().env(name, bad).args(args).output().unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{name}: {err}");
            assert!(
                err.contains(&format!("the variable {name} is set but is not UTF-8")),
                "{name}: {err}"
            );
            if args[0] == "--json" {
                assert_eq!(json_out(&out)["error"]["code"], "usage", "{name}");
            }
        }
    }
    assert_eq!(env.emu.hits("/token"), tokens, "nothing was refreshed");
}

#[test]
fn token_uses_the_cache_until_min_valid_says_otherwise() {
    let env = Env::new();
    env.sign_in();
    let hits = env.emu.hits("/token");
    let first = stdout(&exits(env.cmd().arg("token"), 0));
    assert_eq!(first.lines().count(), 1, "only the token on stdout");
    assert_eq!(env.emu.hits("/token"), hits, "served from the store");
    // The stored token expires in 100 s: not valid long enough for --min-valid 600.
    let path = env.profile_file("default");
    let mut profile: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    profile["access_token_expires_at"] = serde_json::json!(now + 100);
    std::fs::write(&path, profile.to_string()).unwrap();
    let second = stdout(&exits(env.cmd().args(["token", "--min-valid", "600"]), 0));
    assert_eq!(
        env.emu.hits("/token"),
        hits + 1,
        "refreshed: it expires sooner than 600 s"
    );
    // Longer than any token the issuer grants (3599 s): exit 4, not a shorter-lived token.
    exits(env.cmd().args(["token", "--min-valid", "3600"]), 4);
    assert_ne!(first, second);
    let id = stdout(&exits(env.cmd().args(["token", "--id-token"]), 0));
    assert!(id.starts_with("eyJ"));
    let access = stdout(&exits(
        env.cmd().args(["refresh", "--print", "access-token"]),
        0,
    ));
    assert!(env.emu.issued_access_token(access.trim()));
}

#[test]
fn r9_status_lists_profiles_without_secrets_and_check_says_which_work() {
    let env = Env::new();
    alice_and_bob(&env);
    let out = exits(env.cmd().arg("status"), 0);
    assert!(stdout(&out).contains("alice@example.com") && stdout(&out).contains("bob@example.com"));
    assert_no_secret(&out, &env.issued_secrets());
    let out = exits(env.cmd().args(["status", "--json"]), 0);
    assert_eq!(json_out(&out)["profiles"].as_array().unwrap().len(), 2);

    // Revoke only bob's grant at the issuer: --check says alice works and bob does not.
    grant_action_for(&env, "revoke", Some("bob@example.com"));
    let out = exits(env.cmd().args(["status", "--check", "--json"]), 4);
    let doc = json_out(&out);
    let checks: Vec<(&str, bool)> = doc["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["profile"].as_str().unwrap(), p["check"]["ok"] == true))
        .collect();
    assert_eq!(checks, [("bob", false), ("default", true)]);
    assert_no_secret(&out, &env.issued_secrets());
}

#[test]
fn r10_revoke_ends_the_grant_and_removes_only_that_profile() {
    let env = Env::new();
    alice_and_bob(&env);
    let alice_rt = stored(&env, "default")["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let out = exits(env.cmd().args(["revoke", "--json"]), 0);
    assert_eq!(json_out(&out)["revoked_at_issuer"], true);
    assert!(env.emu.refresh_token(&alice_rt).unwrap().revoked);
    assert!(!env.secrets_file("default").exists());
    assert!(!env.profile_file("default").exists());
    assert!(env.secrets_file("bob").exists() && env.profile_file("bob").exists());

    // A token the issuer no longer knows is no obstacle to forgetting it here.
    grant_action(&env, "revoke");
    let out = exits(env.cmd().args(["revoke", "--profile", "bob"]), 0);
    assert!(
        stderr(&out).contains("no longer knows this token"),
        "{}",
        stderr(&out)
    );
    assert!(!env.profile_file("bob").exists());
}

#[test]
#[ignore = "needs gnome-keyring and D-Bus (apt-get install dbus gnome-keyring libsecret-tools); bash .ci/run installs them and runs the ignored tests"]
fn r10_revoke_removes_the_keyring_item() {
    let ss = SecretService::start();
    let env = Env::new();
    let run = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("GSIGNIN_STORE", "keyring").args(args);
        ss.apply(&mut cmd);
        exits(&mut cmd, 0)
    };
    run(&["exchange", &env.code()]);
    run(&[
        "exchange",
        &env.code_for("bob@example.com"),
        "--profile",
        "bob",
    ]);
    assert_eq!(ss.items().matches("attribute.service = gsignin").count(), 2);
    run(&["revoke"]);
    let items = ss.items();
    assert_eq!(
        items.matches("attribute.service = gsignin").count(),
        1,
        "{items}"
    );
    assert!(items.contains("attribute.username = bob"));
    run(&["revoke", "--local", "--profile", "bob"]);
    assert_eq!(ss.items().matches("attribute.service = gsignin").count(), 0);
}

#[test]
fn whoami_refreshes_an_expired_stored_id_token_first() {
    let env = Env::new();
    env.sign_in();
    let path = env.profile_file("default");
    let mut profile: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    profile["id_token_expires_at"] = json!(1_000_000_000);
    std::fs::write(&path, profile.to_string()).unwrap();
    let before = env.emu.hits("/token");
    let out = exits(env.cmd().arg("whoami"), 0);
    assert!(stdout(&out).starts_with("VALID Google ID token for alice@example.com"));
    assert_eq!(env.emu.hits("/token"), before + 1, "refreshed once");
    exits(env.cmd().arg("whoami"), 0);
    assert_eq!(
        env.emu.hits("/token"),
        before + 1,
        "the new one is stored and used"
    );
}

#[test]
fn s7_a_profile_held_by_a_stuck_process_is_exit_6_after_the_wait() {
    let env = Env::new();
    env.sign_in();
    std::fs::create_dir_all(env.home().join("data/locks")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(env.home().join("data/locks/default.lock"))
        .unwrap();
    lock.lock().unwrap();
    // In-process, the wait is 300 ms (the binary's is four request timeouts plus 10 s).
    let ran = env.run(&["refresh", "--json"]).exits(6);
    let err = &ran.json()["error"];
    assert_eq!(err["code"], "lock_timeout", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("another gsignin has held profile `default` for over 300 ms"),
        "{err}"
    );
    drop(lock);
    exits(env.cmd().arg("refresh"), 0);
}
