//! Nothing lost, nothing leaked: each test here reproduces a way an attacker, a hostile server
//! or an unlucky user could lose a spent code's tokens, leak a secret, or get a wrong verdict or
//! exit code, and is named after what it guards.

mod support;

use gsignin::emulator::state::Fault;
use support::{Env, bare_cmd, exits, json_error, stderr, stdout};

#[test]
fn a_huge_timeout_is_a_usage_error_not_a_panic() {
    let env = Env::new();
    let out = exits(
        env.cmd()
            .args(["--timeout", "18446744073709551615", "refresh"]),
        2,
    );
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
    exits(env.cmd().args(["--timeout", "0", "refresh"]), 2);
}

#[test]
fn usage_errors_under_json_are_the_json_error_object() {
    let out = exits(bare_cmd().args(["--json", "refresh", "--bogus"]), 2);
    let e = json_error(&out);
    assert_eq!(e["code"], "usage");
    assert!(e["message"].as_str().unwrap().contains("--bogus"), "{e}");
    assert!(
        stderr(&out).contains("--bogus"),
        "clap's text stays on stderr"
    );
    // Without --json, stdout stays empty; help is still exit 0.
    let out = exits(bare_cmd().args(["refresh", "--bogus"]), 2);
    assert_eq!(stdout(&out), "");
    exits(bare_cmd().args(["--json", "--help"]), 0);
}

#[test]
fn a_profile_without_a_refresh_token_is_exit_4_with_the_way_to_get_one() {
    let env = Env::new();
    exits(
        env.cmd()
            .args(["exchange", &env.code_for("alice@example.com")]),
        0,
    );
    // A user's second code carries no refresh token.
    exits(
        env.cmd().args([
            "--profile",
            "second",
            "exchange",
            &env.code_for("alice@example.com"),
        ]),
        0,
    );
    let out = exits(
        env.cmd().args(["--profile", "second", "--json", "refresh"]),
        4,
    );
    let e = json_error(&out);
    assert_eq!(e["code"], "no_refresh_token");
    assert!(
        e["hint"]
            .as_str()
            .unwrap()
            .contains("forceCodeForRefreshToken"),
        "{e}"
    );
}

#[test]
fn a_full_disk_on_stdout_is_a_failure_and_a_closed_pipe_is_not() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("gsignin"))
        .args(["completions", "bash"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write the output"),
        "{}",
        stderr(&out)
    );

    // A reader that goes away at once: quiet, exit 0.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gsignin"))
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

fn latency(env: &Env, path: &str, ms: u64) {
    let mut st = env.emu.state();
    st.hits.clear();
    st.faults.push(Fault {
        path: path.into(),
        latency_ms: ms,
        ..Default::default()
    });
}

#[test]
fn a_rotated_refresh_token_is_stored_before_the_keys_are_fetched() {
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    {
        let mut st = env.emu.state();
        st.rotate_refresh_tokens = true;
        st.jwks_max_age = 0;
    }
    // The keys must be fetched again (nothing cached), slowly.
    std::fs::remove_dir_all(env.home().join("cache/http")).unwrap();
    latency(&env, "/oauth2/v3/certs", 5000);
    let mut child = env.spawn_until_hit(&["refresh"], &[], "/oauth2/v3/certs");
    assert_eq!(env.emu.hits("/token"), 1, "the refresh was answered first");
    child.kill().unwrap();
    child.wait().unwrap();
    env.emu.state().faults.clear();
    // The rotated-away token would be refused (and its reuse revoke the family): the new one
    // must be the one stored.
    exits(env.cmd().args(["refresh"]), 0);
    exits(env.cmd().args(["refresh"]), 0);
}

#[test]
fn an_exchange_is_saved_under_the_profile_lock_so_a_refresh_cannot_overwrite_it() {
    let env = Env::new();
    exits(
        env.cmd()
            .args(["exchange", &env.code_for("alice@example.com")]),
        0,
    );
    let bob = env.code_for("bob@example.com");
    latency(&env, "/token", 700);
    let exchange = env.spawn_until_hit(&["exchange", &bob], &[], "/token");
    // A refresh of alice's sign-in, started while bob's exchange is in flight.
    exits(env.cmd().args(["refresh"]), 0);
    let out = exchange.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let profile: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.profile_file("default")).unwrap())
            .unwrap();
    assert_eq!(profile["email"], "bob@example.com", "{profile}");
    env.emu.state().faults.clear();
    let out = exits(env.cmd().args(["--json", "whoami"]), 0);
    assert_eq!(
        support::json_out(&out)["claims"]["email"],
        "bob@example.com"
    );
}
