//! Killed at every step (S13): `exchange` and `refresh` against a rotating issuer are run under
//! strace, killed with SIGKILL at the Nth call of each system call that opens, writes, syncs,
//! renames, makes or removes a file, for every N of a clean run. After each kill the next
//! command must find the sign-in (the new refresh token works), unless the process died
//! between the issuer's answer and the first byte of the new tokens written: then nothing of
//! them may be on disk (the window that no order of writes closes).

use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// The calls a kill is tried at; each counts on its own (strace's `when=N`).
const STEPS: &[&str] = &["openat", "write", "fsync", "renameat", "mkdir", "unlink"];

fn strace_or_fail() {
    let found = std::process::Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        missing_tool("strace (apt-get install strace)");
    }
}

/// A home of its own for one run: the emulator's client secret, and one CA certificate.
fn fresh_home(env: &Env) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::copy(
        env.home().join("config/client_secret.json"),
        home.path().join("config/client_secret.json"),
    )
    .unwrap();
    let ca = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(home.path().join("ca.pem"), ca.cert.pem()).unwrap();
    home
}

/// Runs `args` in `home` under strace, killed at the `n`th call of `syscall`; whether it was
/// killed (a run with fewer such calls ends cleanly).
fn killed_at(env: &Env, home: &Path, args: &[&str], stdin: &[u8], syscall: &str, n: usize) -> bool {
    killed_at_with(env, home, &[], args, stdin, syscall, n)
}

/// [`killed_at`] with more variables set (a Secret Service's).
fn killed_at_with(
    env: &Env,
    home: &Path,
    vars: &[(String, String)],
    args: &[&str],
    stdin: &[u8],
    syscall: &str,
    n: usize,
) -> bool {
    let inject = format!("{syscall}:signal=KILL:when={n}");
    let mut child = traced(env, home, vars, syscall, &inject, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("strace runs");
    {
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(stdin);
    }
    let status = child.wait().unwrap();
    // strace ends as its tracee did: by the same signal.
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(libc::SIGKILL)
}

/// `gsignin ARGS` in `home` under strace, which tampers with `syscall` as `inject` says.
fn traced(
    env: &Env,
    home: &Path,
    vars: &[(String, String)],
    syscall: &str,
    inject: &str,
    args: &[&str],
) -> std::process::Command {
    let mut gsignin = env.process();
    gsignin.envs(vars.iter().map(|(k, v)| (k, v)));
    let mut cmd = std::process::Command::new("strace");
    for (k, v) in gsignin.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.args(["-f", "-qq", "-o", "/dev/null", "-e"])
        .arg(format!("trace={syscall}"))
        .arg("-e")
        .arg(format!("inject={inject}"))
        .arg(assert_cmd::cargo::cargo_bin("gsignin"))
        .args(args)
        .env("GSIGNIN_HOME", home)
        // strace counts each thread's calls apart, and the HTTP client's thread reads every
        // system CA certificate (some 150 opens) before gsignin's own thread reaches its 30th
        // open: with one CA to read, each count N reaches gsignin's own Nth call.
        .env("SSL_CERT_FILE", home.join("ca.pem"));
    cmd
}

/// Every file under `dir`, temp files of killed writers included.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries.map(|e| e.unwrap().path()).collect()
}

/// What the follow-up command says: whether the stored sign-in works (a refresh).
fn refreshes(env: &Env, home: &Path) -> std::process::Output {
    env.cmd()
        .env("GSIGNIN_HOME", home)
        .args(["refresh", "--json"])
        .output()
        .unwrap()
}

/// The secrets folder's files and their bytes.
fn snapshot(home: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all: Vec<(PathBuf, Vec<u8>)> = files(&home.join("data/secrets"))
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_default();
            (p, bytes)
        })
        .collect();
    all.sort();
    all
}

/// What a kill at one step left.
enum Step {
    /// The command has fewer such calls: it ran to its end.
    Clean,
    /// The next command found the sign-in (or the code was never spent).
    Kept,
    /// Lost, with no byte of the new tokens written: the window no order of writes closes.
    Window,
}

/// Kills a command at every step of each of [`STEPS`] (`at(syscall, n)` runs it killed at the
/// `n`th such call and judges what that left), and says how many steps each has and how many
/// of them lie in the window.
fn at_every_step(what: &str, mut at: impl FnMut(&str, usize) -> Step) {
    let mut report = Vec::new();
    for syscall in STEPS {
        let (mut steps, mut window) = (0, 0);
        for n in 1.. {
            match at(syscall, n) {
                Step::Clean => {
                    steps = n - 1;
                    break;
                }
                Step::Kept => {}
                Step::Window => window += 1,
            }
        }
        assert!(steps > 0, "{syscall}: no step was tried");
        report.push(format!("{syscall}: {steps} steps, {window} in the window"));
    }
    eprintln!("{what} killed at every step: {}", report.join("; "));
}

/// The files in the secrets folder that hold any byte.
fn written(home: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(home)
        .into_iter()
        .filter(|(_, bytes)| !bytes.is_empty())
        .collect()
}

#[test]
#[ignore = "needs strace (apt-get install strace); bash .ci/run installs it and runs the ignored tests"]
fn s13_an_exchange_killed_at_any_step_leaves_a_sign_in_the_next_command_finds() {
    strace_or_fail();
    let env = Env::new();
    at_every_step("exchange", |syscall, n| {
        let home = fresh_home(&env);
        let email = format!("k{n}-{syscall}@example.com");
        let code = env.code_for(&email);
        if !killed_at(
            &env,
            home.path(),
            &["exchange", "-"],
            code.as_bytes(),
            syscall,
            n,
        ) {
            return Step::Clean;
        }
        let spent = !env.code_is_unspent(&code);
        let after = refreshes(&env, home.path());
        let leftovers: Vec<PathBuf> = files(&home.path().join("data/secrets"))
            .into_iter()
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{syscall}#{n}: a killed writer's temp file stayed: {leftovers:?}"
        );
        if after.status.success() {
            assert_eq!(json_out(&after)["email"], email.as_str(), "{syscall}#{n}");
            return Step::Kept;
        }
        if !spent {
            return Step::Kept;
        }
        let written = written(home.path());
        assert!(
            written.is_empty(),
            "{syscall}#{n}: the code was spent, tokens were written ({:?}), and the next command did not find them: {}",
            written.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            stderr(&after)
        );
        Step::Window
    });
}

#[test]
#[ignore = "needs strace (apt-get install strace); bash .ci/run installs it and runs the ignored tests"]
fn s13_a_rotating_refresh_killed_at_any_step_keeps_a_working_refresh_token() {
    strace_or_fail();
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    at_every_step("refresh", |syscall, n| {
        let home = fresh_home(&env);
        let email = format!("r{n}-{syscall}@example.com");
        exits(
            env.cmd()
                .env("GSIGNIN_HOME", home.path())
                .args(["exchange", &env.code_for(&email)]),
            0,
        );
        let before = written(home.path());
        let stored: serde_json::Value = serde_json::from_slice(
            &std::fs::read(home.path().join("data/secrets/default.json")).unwrap(),
        )
        .unwrap();
        let old = stored["refresh_token"].as_str().unwrap().to_string();
        if !killed_at(&env, home.path(), &["refresh"], b"", syscall, n) {
            return Step::Clean;
        }
        let rotated = env.emu.refresh_token(&old).is_some_and(|t| t.rotated);
        let after = refreshes(&env, home.path());
        if after.status.success() {
            assert_eq!(json_out(&after)["email"], email.as_str(), "{syscall}#{n}");
            return Step::Kept;
        }
        assert!(
            rotated,
            "{syscall}#{n}: the issuer never saw the refresh, yet the sign-in is gone: {}",
            stderr(&after)
        );
        assert_eq!(
            written(home.path()),
            before,
            "{syscall}#{n}: the rotated token was written, and the next command did not find it: {}",
            stderr(&after)
        );
        Step::Window
    });
}

/// The rescue file an exchange writes when its store breaks while the code is in flight.
fn rescue_an_exchange(env: &Env) -> (PathBuf, std::process::Output) {
    let out = env.exchange_while_the_store_breaks(&env.code());
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    std::fs::remove_file(env.home().join("data/secrets")).unwrap();
    (env.rescued().0, out)
}

#[test]
fn s14_restore_stores_a_rescued_sign_in_and_deletes_the_file() {
    let env = Env::new();
    let (path, out) = rescue_an_exchange(&env);
    // The error names the one command that takes the file back.
    let said = stderr(&out);
    assert!(
        said.contains(&format!("gsignin restore {}", path.display())),
        "{said}"
    );
    exits(env.cmd().arg("refresh"), 4);
    // Something else given as the file: a usage error, nothing stored, nothing shown of it.
    let bogus = env.home().join("bogus.json");
    std::fs::write(&bogus, r#"{"refresh_token":"1//not-a-rescue-file-secret"}"#).unwrap();
    let out = exits(env.cmd().arg("restore").arg(&bogus), 2);
    assert!(!stderr(&out).contains("not-a-rescue"), "{}", stderr(&out));
    // A rescue file another user could have written is refused (it would plant tokens).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = exits(env.cmd().args(["--json", "restore"]).arg(&path), 6);
    assert_eq!(json_error(&out)["code"], "untrusted_path");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();

    let out = exits(env.cmd().args(["--json", "restore"]).arg(&path), 0);
    let report = json_out(&out);
    assert_eq!(report["profile"], "default");
    assert_eq!(report["deleted"], true);
    assert!(!path.exists(), "the rescue file is gone once stored");
    assert_no_secret(&out, &env.issued_secrets());
    let out = exits(env.cmd().args(["refresh", "--json"]), 0);
    assert_eq!(json_out(&out)["email"], "alice@example.com");
}

#[test]
fn s14_restore_never_replaces_another_users_sign_in() {
    let env = Env::new();
    let (path, _) = rescue_an_exchange(&env);
    exits(
        env.cmd()
            .args(["exchange", &env.code_for("bob@example.com")]),
        0,
    );
    let out = exits(env.cmd().args(["--json", "restore"]).arg(&path), 6);
    assert!(
        json_error(&out)["message"]
            .as_str()
            .unwrap()
            .contains("bob@example.com"),
        "{}",
        stdout(&out)
    );
    assert!(path.exists(), "a refused restore keeps the file");
    let out = exits(
        env.cmd()
            .args(["--json", "restore", "--to", "alice"])
            .arg(&path),
        0,
    );
    assert_eq!(json_out(&out)["profile"], "alice");
    let out = exits(
        env.cmd().args(["--profile", "alice", "refresh", "--json"]),
        0,
    );
    assert_eq!(json_out(&out)["email"], "alice@example.com");
    let out = exits(env.cmd().args(["refresh", "--json"]), 0);
    assert_eq!(json_out(&out)["email"], "bob@example.com");
}

#[test]
fn s15_a_sign_in_that_replaces_another_users_keeps_the_earlier_refresh_token() {
    let env = Env::signed_in();
    let out = exits(
        env.cmd()
            .args(["exchange", &env.code_for("bob@example.com")]),
        0,
    );
    let said = stderr(&out);
    assert!(said.contains("alice@example.com"), "{said}");
    let (path, doc) = env.rescued();
    assert!(said.contains(&path.display().to_string()), "{said}");
    assert!(doc["tokens"]["refresh_token"].is_string());
    assert_no_secret(&out, &env.issued_secrets());
    exits(env.cmd().args(["restore", "--to", "alice"]).arg(&path), 0);
    let out = exits(
        env.cmd().args(["--profile", "alice", "refresh", "--json"]),
        0,
    );
    assert_eq!(json_out(&out)["email"], "alice@example.com");
}

#[test]
#[ignore = "needs strace (apt-get install strace); bash .ci/run installs it and runs the ignored tests"]
fn s13_an_orphaned_refresh_token_is_found_and_kept_by_a_sign_in_that_brings_none() {
    strace_or_fail();
    let env = Env::new();
    let home = fresh_home(&env);
    // Killed after the secrets were stored, before the profile file was: the discovery
    // document and the keys are cached first (renames 1 and 2), the secrets are the third.
    let code = env.code();
    assert!(killed_at(
        &env,
        home.path(),
        &["exchange", "-"],
        code.as_bytes(),
        "renameat",
        4
    ));
    assert!(home.path().join("data/secrets/default.json").exists());
    assert!(!home.path().join("data/profiles/default.json").exists());
    // `status` finds it.
    let out = exits(
        env.cmd()
            .env("GSIGNIN_HOME", home.path())
            .args(["status", "--json"]),
        0,
    );
    assert_eq!(
        json_out(&out)["profiles"][0]["email"],
        "alice@example.com",
        "{}",
        stdout(&out)
    );
    // A later code of the same user brings no refresh token (not a first consent): the one
    // stored stays in use, never overwritten.
    let out = exits(
        env.cmd()
            .env("GSIGNIN_HOME", home.path())
            .args(["exchange", &env.code(), "--json"]),
        0,
    );
    assert_eq!(json_out(&out)["refresh_token"]["issued"], false);
    exits(env.cmd().env("GSIGNIN_HOME", home.path()).arg("refresh"), 0);
}

#[test]
#[ignore = "needs strace and gnome-keyring (apt-get install strace gnome-keyring dbus); bash .ci/run installs them and runs the ignored tests"]
fn s13_a_keyring_sign_in_killed_before_its_profile_file_is_listed_and_used() {
    strace_or_fail();
    let ss = SecretService::start();
    let env = Env::new();
    let home = fresh_home(&env);
    let mut vars = ss.envs();
    vars.push(("GSIGNIN_STORE".into(), "keyring".into()));
    // Renames: the marker written before the code is spent (1), the discovery document and
    // the keys cached (2, 3), then the profile file (4): the keyring item is written by then.
    let code = env.code();
    assert!(killed_at_with(
        &env,
        home.path(),
        &vars,
        &["exchange", "-"],
        code.as_bytes(),
        "renameat",
        4
    ));
    assert!(!home.path().join("data/profiles/default.json").exists());
    let run = |args: &[&str], code: i32| {
        let mut cmd = env.cmd();
        cmd.env("GSIGNIN_HOME", home.path())
            .envs(vars.clone())
            .args(args);
        exits(&mut cmd, code)
    };
    // `status` looks in the keyring for it, even when told of the file store now.
    let out = run(&["--store", "file", "status", "--json"], 0);
    assert_eq!(
        json_out(&out)["profiles"][0]["email"],
        "alice@example.com",
        "{}",
        stdout(&out)
    );
    let out = run(&["refresh", "--json"], 0);
    assert_eq!(json_out(&out)["email"], "alice@example.com");
}

/// Runs gsignin in `home` with `vars`, expecting `code`.
fn run_in(
    env: &Env,
    home: &Path,
    vars: &[(String, String)],
    args: &[&str],
    code: i32,
) -> std::process::Output {
    let mut cmd = env.cmd();
    cmd.env("GSIGNIN_HOME", home)
        .envs(vars.iter().map(|(k, v)| (k, v)))
        .args(args);
    exits(&mut cmd, code)
}

#[test]
#[ignore = "needs strace (apt-get install strace); bash .ci/run installs it and runs the ignored tests"]
fn s13_a_profiles_killed_save_is_never_taken_for_another_profiles() {
    strace_or_fail();
    let env = Env::new();
    let home = fresh_home(&env);
    let a = env.code_for("alice@example.com");
    run_in(
        &env,
        home.path(),
        &[],
        &["--profile", "a", "exchange", &a],
        0,
    );
    // Bob's save under a name that starts with `a.json`, killed at its secrets' rename (the
    // discovery document and keys were cached by alice's run): its temp file stays.
    let b = env.code_for("bob@example.com");
    assert!(killed_at(
        &env,
        home.path(),
        &["--profile", "a.json.b", "exchange", "-"],
        b.as_bytes(),
        "renameat",
        1
    ));
    let out = run_in(
        &env,
        home.path(),
        &[],
        &["--profile", "a", "refresh", "--json"],
        0,
    );
    assert_eq!(json_out(&out)["email"], "alice@example.com");
    let out = run_in(
        &env,
        home.path(),
        &[],
        &["--profile", "a.json.b", "refresh", "--json"],
        0,
    );
    assert_eq!(json_out(&out)["email"], "bob@example.com");
}

#[test]
#[ignore = "needs strace (apt-get install strace); bash .ci/run installs it and runs the ignored tests"]
fn r2_a_rotated_refresh_token_waiting_in_a_rescue_file_is_never_sent_around() {
    strace_or_fail();
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    let home = fresh_home(&env);
    run_in(&env, home.path(), &[], &["exchange", &env.code()], 0);
    // The rotated refresh token's save fails (EIO at its rename): it goes to a rescue file.
    let out = traced(
        &env,
        home.path(),
        &[],
        "renameat",
        "renameat:error=EIO:when=1",
        &["refresh"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let tokens = env.emu.hits("/token");
    // The stored token was rotated away: no command sends it (its reuse would end the grant).
    let out = run_in(&env, home.path(), &[], &["--json", "refresh"], 6);
    let err = json_error(&out);
    assert_eq!(err["code"], "rescued", "{err}");
    assert!(
        err["hint"].as_str().unwrap().contains("gsignin restore"),
        "{err}"
    );
    assert_eq!(env.emu.hits("/token"), tokens, "nothing was sent");
    let rescue = files(&home.path().join("data/rescue"));
    assert_eq!(rescue.len(), 1);
    run_in(
        &env,
        home.path(),
        &[],
        &["restore", rescue[0].to_str().unwrap()],
        0,
    );
    run_in(&env, home.path(), &[], &["refresh"], 0);
    run_in(&env, home.path(), &[], &["refresh"], 0);
}

#[test]
fn e4_a_damaged_profile_file_fails_before_the_code_is_spent() {
    let env = Env::signed_in();
    std::fs::write(
        env.profile_file("default"),
        r#"{"name": "default", "issuer": "#,
    )
    .unwrap();
    let code = env.code_for("bob@example.com");
    let out = exits(env.cmd().args(["--json", "exchange", &code]), 6);
    assert_eq!(json_error(&out)["code"], "profile_corrupt");
    assert!(env.code_is_unspent(&code));
}

#[test]
fn s14_restoring_a_rescue_without_a_refresh_token_keeps_the_stored_one() {
    let env = Env::signed_in();
    let mut profile: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.profile_file("default")).unwrap()).unwrap();
    let secrets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.secrets_file("default")).unwrap()).unwrap();
    profile["updated_at"] = (profile["updated_at"].as_i64().unwrap() + 10).into();
    profile["has_refresh_token"] = false.into();
    let rescue = serde_json::json!({
        "about": "a later sign-in of the same user that brought no refresh token",
        "profile": profile,
        "tokens": {"access_token": secrets["access_token"], "id_token": secrets["id_token"]},
    });
    let dir = env.home().join("data/rescue");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("gsignin-rescue-default-1-x.json");
    std::fs::write(&path, rescue.to_string()).unwrap();
    let out = exits(env.cmd().args(["--json", "restore"]).arg(&path), 0);
    assert_eq!(json_out(&out)["has_refresh_token"], true);
    exits(env.cmd().arg("refresh"), 0);
}

#[test]
fn r13_status_check_proves_the_stored_refresh_tokens_not_the_variables() {
    let env = Env::signed_in();
    let mut secrets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.secrets_file("default")).unwrap()).unwrap();
    let good = secrets["refresh_token"].as_str().unwrap().to_string();
    secrets["refresh_token"] = "1//not-a-live-refresh-token".into();
    std::fs::write(env.secrets_file("default"), secrets.to_string()).unwrap();
    let out = env
        .cmd()
        .env("GSIGNIN_REFRESH_TOKEN", &good)
        .args(["status", "--check"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
#[ignore = "needs gnome-keyring (apt-get install gnome-keyring dbus); bash .ci/run installs it and runs the ignored tests"]
fn s16_a_keyring_item_another_home_saved_under_the_same_name_is_never_taken_for_this_ones() {
    let ss = SecretService::start();
    let env = Env::new();
    let (a, b) = (fresh_home(&env), fresh_home(&env));
    let mut vars = ss.envs();
    vars.push(("GSIGNIN_STORE".into(), "keyring".into()));
    run_in(
        &env,
        a.path(),
        &vars,
        &["exchange", &env.code_for("alice@example.com")],
        0,
    );
    // Bob signs in under the same name from another home: alice's item is set aside first.
    let out = run_in(
        &env,
        b.path(),
        &vars,
        &["exchange", &env.code_for("bob@example.com")],
        0,
    );
    let said = stderr(&out);
    assert!(!said.contains("finished saving"), "{said}");
    assert!(
        said.contains("alice@example.com") && said.contains("restore"),
        "{said}"
    );
    // Alice's home does not act as bob.
    let out = run_in(&env, a.path(), &vars, &["--json", "token"], 6);
    assert_eq!(json_error(&out)["code"], "profile_mismatch");
    let out = run_in(&env, b.path(), &vars, &["refresh", "--json"], 0);
    assert_eq!(json_out(&out)["email"], "bob@example.com");
}
