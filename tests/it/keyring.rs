//! The default store against a real Secret Service: gnome-keyring on a private D-Bus session
//! bus, started per test.

use crate::support::{Env, SecretService, assert_no_secret, json_error, stderr, stdout};
use serde_json::Value;

fn keyring_cmd(env: &Env, ss: &SecretService) -> assert_cmd::Command {
    let mut cmd = env.cmd();
    cmd.env("GSIGNIN_STORE", "keyring");
    ss.apply(&mut cmd);
    cmd
}

#[test]
#[ignore = "needs gnome-keyring and D-Bus (apt-get install dbus gnome-keyring libsecret-tools); bash .ci/run installs them and runs the ignored tests"]
fn s1_the_refresh_token_goes_to_the_keyring_and_nothing_else_secret_does() {
    let ss = SecretService::start();
    let env = Env::new();
    let code = env.code();
    let out = keyring_cmd(&env, &ss)
        .args(["exchange", &code])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("stored in the OS keyring (service gsignin, account default)"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stderr(&out).contains("--store file"),
        "no file-store warning"
    );
    assert_no_secret(&out, &env.issued_secrets());

    let items = ss.items();
    let refresh: Vec<String> = env.issued_refresh_tokens();
    assert_eq!(refresh.len(), 1);
    assert!(
        items.contains(&refresh[0]),
        "the keyring item holds the refresh token:\n{items}"
    );
    assert!(!items.contains(&code), "no item holds the code");
    assert!(
        !items.contains("GOCSPX-"),
        "no item holds the client secret"
    );
    assert_eq!(
        items.matches("attribute.service = gsignin").count(),
        1,
        "one item, no probe left: {items}"
    );
    // Labels and attributes name the profile, never a secret.
    for line in items
        .lines()
        .filter(|l| l.starts_with("label") || l.starts_with("attribute"))
    {
        for s in env.issued_secrets() {
            assert!(!line.contains(&s), "secret in {line}");
        }
    }
    assert!(
        !env.secrets_file("default").exists(),
        "no secrets file beside the keyring"
    );
    let profile = std::fs::read_to_string(env.profile_file("default")).unwrap();
    let profile: Value = serde_json::from_str(&profile).unwrap();
    assert_eq!(profile["store"], "keyring");

    // The stored sign-in is readable back through the same store.
    let out = keyring_cmd(&env, &ss).args(["whoami"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("VALID Google ID token for alice@example.com"));
}

#[test]
fn e4_s10_no_secret_service_is_exit_6_fast_and_the_code_unspent() {
    let env = Env::new();
    let code = env.code();
    for bus in [Some("unix:path=/nonexistent/gsignin-bus"), None] {
        let mut cmd = env.cmd();
        cmd.env("GSIGNIN_STORE", "keyring");
        match bus {
            Some(addr) => cmd.env("DBUS_SESSION_BUS_ADDRESS", addr),
            None => cmd.env_remove("DBUS_SESSION_BUS_ADDRESS"),
        };
        let out = cmd.args(["exchange", &code, "--json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
        let err = json_error(&out);
        assert_eq!(err["code"], "keyring_unavailable", "{err}");
        assert!(err["hint"].as_str().unwrap().contains("--store file"));
        assert!(env.code_is_unspent(&code));
    }
    assert_eq!(env.emu.hits("/token"), 0);
}

#[test]
#[ignore = "needs gnome-keyring and D-Bus (apt-get install dbus gnome-keyring libsecret-tools); bash .ci/run installs them and runs the ignored tests"]
fn s10_a_locked_keyring_is_exit_6_and_the_code_unspent() {
    let ss = SecretService::start();
    // Lock every collection through the Secret Service itself.
    let locked = std::process::Command::new("dbus-send")
        .envs(ss.envs())
        .args([
            "--session",
            "--dest=org.freedesktop.secrets",
            "--print-reply",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .unwrap();
    assert!(
        locked.status.success(),
        "{}",
        String::from_utf8_lossy(&locked.stderr)
    );
    let env = Env::new();
    let code = env.code();
    let out = keyring_cmd(&env, &ss)
        .args(["exchange", &code, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = json_error(&out);
    assert_eq!(err["code"], "keyring_locked", "{err}");
    assert!(env.code_is_unspent(&code));
}

#[test]
#[ignore = "needs gnome-keyring and D-Bus (apt-get install dbus gnome-keyring libsecret-tools); bash .ci/run installs them and runs the ignored tests"]
fn e6_a_keyring_that_dies_mid_exchange_leaves_a_rescue_file() {
    let mut ss = SecretService::start();
    let env = Env::new();
    let code = env.code();
    env.delay_next("/token", 2500);
    let mut envs = ss.envs();
    envs.push(("GSIGNIN_STORE".into(), "keyring".into()));
    let child = env.spawn_until_hit(&["exchange", &code], &envs, "/token");
    ss.kill_keyring();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the tokens were written to"),
        "{}",
        stderr(&out)
    );
    let (_, rescued) = env.rescued();
    let rt = rescued["tokens"]["refresh_token"].as_str().unwrap();
    assert!(env.emu.refresh_token(rt).is_some());
}

#[test]
fn s10_a_secret_service_that_never_answers_is_exit_6_after_the_deadline() {
    // A "bus" that accepts connections and then says nothing, like a keyring waiting for an
    // unlock prompt nobody will see.
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("silent-bus");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    let env = Env::new();
    let code = env.code();
    let out = crate::support::exits(
        env.cmd()
            .env("GSIGNIN_STORE", "keyring")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", socket.display()),
            )
            .args(["exchange", &code, "--json"]),
        6,
    );
    assert_eq!(json_error(&out)["code"], "keyring_timeout");
    assert!(env.code_is_unspent(&code));
}

#[test]
#[ignore = "needs gnome-keyring and D-Bus (apt-get install dbus gnome-keyring libsecret-tools); bash .ci/run installs them and runs the ignored tests"]
fn s9_the_keyring_probe_never_deletes_another_profile() {
    let ss = SecretService::start();
    let env = Env::new();
    let probe_like = env.code_for("alice@example.com");
    let out = keyring_cmd(&env, &ss)
        .args(["--profile", "staging.probe", "exchange", &probe_like])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = keyring_cmd(&env, &ss)
        .args([
            "--profile",
            "staging",
            "exchange",
            &env.code_for("bob@example.com"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The probe before staging's exchange left staging.probe's refresh token alone.
    let out = keyring_cmd(&env, &ss)
        .args(["--profile", "staging.probe", "refresh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
