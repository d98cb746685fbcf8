//! The command line itself: help, version, usage errors, the demo, the emulator command, and
//! whoami's basic verdicts.

use crate::support::{COMMANDS, Env, bare_cmd, bare_process, exits, json_error, stderr, stdout};
use serde_json::Value;
use std::io::BufRead;

#[test]
fn help_lists_the_commands_and_global_options() {
    let out = bare_cmd().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for word in [
        "exchange",
        "whoami",
        "emulator",
        "demo",
        "--profile",
        "--store",
        "--issuer",
        "--json",
    ] {
        assert!(text.contains(word), "{word} missing from --help:\n{text}");
    }
    let out = bare_cmd().args(["exchange", "--help"]).output().unwrap();
    assert!(stdout(&out).contains("--redirect-uri"));
    assert!(stdout(&out).contains("Examples:"));
}

#[test]
fn version_prints_the_crate_version() {
    let out = bare_cmd().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains(env!("CARGO_PKG_VERSION")));
}

/// stdout on a full disk: help, the version, the completion script, the man page and the
/// answer to a shell's completion request each end with exit 1 and one line saying so, as
/// every command's output does (`--version > /dev/full` once exited 0 and said nothing).
#[test]
fn x9_help_version_completions_and_man_on_a_full_disk_are_exit_1_with_one_line() {
    let complete = [("GSIGNIN_COMPLETE", "bash"), ("_CLAP_COMPLETE_INDEX", "1")];
    // The arguments, and the variables set.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
    let cases: &[Case] = &[
        (&["--version"], &[]),
        (&["-V"], &[]),
        (&["--help"], &[]),
        (&["-h"], &[]),
        (&["help", "whoami"], &[]),
        (&["whoami", "--help"], &[]),
        (&["completions", "bash"], &[]),
        (&["completions", "fish"], &[]),
        (&["man"], &[]),
        (&["man", "whoami"], &[]),
        // The registration script, and the answer to a completion request.
        (&[], &complete[..1]),
        (&["--", "gsignin", ""], &complete),
    ];
    for (args, vars) in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = crate::support::bare_process()
            .args(*args)
            .envs(vars.iter().copied())
            .stdout(full)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?} {vars:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?} {vars:?}: {err}");
        assert!(
            err.starts_with("gsignin: error: cannot write the output: "),
            "{args:?} {vars:?}: {err}"
        );
    }
}

#[test]
fn s8_bad_usage_is_exit_2() {
    for args in [
        vec!["--no-such-flag"],
        vec!["exchange", "--store", "floppy", "x"],
        vec!["frobnicate"],
        vec!["whoami", "--now", "yesterday", "x.y.z"],
        vec!["--profile", "../etc", "whoami"],
    ] {
        let out = bare_cmd()
            .env("GSIGNIN_HOME", tempfile::tempdir().unwrap().path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

/// clap refuses a bad variable for a global option even when the line gives the option: the
/// one-command parse (cli.rs) must refuse it too, wherever the option is written.
#[test]
fn p1_a_bad_global_variable_is_refused_however_the_line_is_parsed() {
    let home = tempfile::tempdir().unwrap();
    for (var, value) in [
        ("GSIGNIN_TIMEOUT", "0"),
        ("GSIGNIN_TIMEOUT", "abc"),
        ("GSIGNIN_STORE", "bogus"),
    ] {
        for args in [
            &["--timeout", "5", "--store", "file", "status"][..],
            &["status", "--timeout", "5", "--store", "file"],
            &["--timeout=5", "status", "--store=file"],
            &["status"],
        ] {
            let out = bare_cmd()
                .env("GSIGNIN_HOME", home.path())
                .env(var, value)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(2),
                "{var}={value} {args:?}: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn global_options_work_after_the_command_and_from_the_environment() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["exchange", &env.code(), "--profile", "after"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(env.profile_file("after").exists());
    let out = env
        .cmd()
        .env("GSIGNIN_PROFILE", "fromenv")
        .args(["exchange", &env.code_for("z@example.com")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(env.profile_file("fromenv").exists());
}

#[test]
fn demo_runs_the_whole_job_and_exits_0() {
    let text = demo(&[]);
    assert!(text.contains("| gsignin exchange -"), "{text}");
    assert!(text.contains("Signed in as alice@example.com"), "{text}");
    assert!(text.contains("$ gsignin whoami"), "{text}");
    // The app posting its code to `receive`, and what the app was told.
    assert!(text.contains("$ gsignin receive --port"), "{text}");
    assert!(
        text.contains("POST /authcode -> 200 signed in bob@example.com"),
        "{text}"
    );
    assert!(
        text.contains("(the app got) 200 {\"email\":\"bob@example.com\""),
        "{text}"
    );
    assert!(
        text.contains("VALID Google ID token for alice@example.com"),
        "{text}"
    );
    assert!(
        !text.contains("ya29.") && !text.contains("1//0") && !text.contains("4/0A"),
        "no secret in the demo: {text}"
    );
}

#[test]
fn the_emulator_command_prints_its_url_first_and_serves_google_semantics() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("cs.json");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gsignin"))
        .args(["emulator", "--write-client-secret"])
        .arg(&secret)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines.next().unwrap().unwrap();
    let banner: Vec<String> = lines.by_ref().take(4).map(|l| l.unwrap()).collect();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert!(
        banner
            .iter()
            .any(|l| l == &format!("export GSIGNIN_ISSUER={base}")),
        "{banner:?}"
    );
    let http = reqwest::blocking::Client::new();
    let disc: Value = http
        .get(format!("{base}/.well-known/openid-configuration"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    // Google's iss by default, so Google's own verifiers accept its tokens.
    assert_eq!(disc["issuer"], "https://accounts.google.com");
    assert!(disc["token_endpoint"].as_str().unwrap().starts_with(&base));
    let certs = http.get(format!("{base}/oauth2/v3/certs")).send().unwrap();
    let cache = certs.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cache.starts_with("public, max-age="), "{cache}");
    let pem: Value = http
        .get(format!("{base}/oauth2/v1/certs"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(pem.as_object().unwrap().values().all(|v| {
        v.as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    }));
    let cs: Value = serde_json::from_str(&std::fs::read_to_string(&secret).unwrap()).unwrap();
    assert_eq!(cs["web"]["token_uri"], format!("{base}/token"));

    // Google's exact error for a bad grant_type.
    let resp = http
        .post(format!("{base}/token"))
        .form(&[("grant_type", "password")])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(
        resp.text().unwrap(),
        "{\n  \"error\": \"unsupported_grant_type\",\n  \"error_description\": \"Invalid grant_type: password\"\n}"
    );
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn w1_w13_whoami_judges_a_stored_and_a_pasted_token() {
    let env = Env::new();
    let out = env.cmd().args(["whoami", "--json"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "nothing stored: {}",
        stderr(&out)
    );
    assert_eq!(json_error(&out)["code"], "not_signed_in");

    let doc = env.exchange_showing_tokens(&[]);
    let id_token = doc["tokens"]["id_token"].as_str().unwrap().to_string();

    let out = env
        .cmd()
        .args(["whoami", &format!("  {id_token}\n"), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["checks"]["signature"]["status"], "pass");
    assert_eq!(v["claims"]["email"], "alice@example.com");

    // The same token an hour and a half later: expired, with the reason.
    let out = env
        .cmd()
        .args(["whoami", &id_token, "--now", "2099-01-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stdout(&out).starts_with("INVALID Google ID token for alice@example.com: 1 check failed"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("FAIL  exp            expired"),
        "{}",
        stdout(&out)
    );

    // Tampered payload: the signature no longer matches.
    let mut parts: Vec<String> = id_token.split('.').map(String::from).collect();
    parts[1] = parts[1].replacen('e', "f", 1);
    let out = env
        .cmd()
        .args(["whoami", &parts.join("."), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));

    // Garbage: one JSON verdict, exit 3.
    let out = env
        .cmd()
        .args(["whoami", "not-a-token", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["checks"]["format"]["status"], "fail");

    // --no-verify decodes and says so.
    let out = env
        .cmd()
        .args(["whoami", &id_token, "--no-verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("UNVERIFIED"), "{}", stdout(&out));
}

#[test]
fn w3_whoami_without_a_known_audience_reports_the_check_skipped() {
    let env = Env::new();
    let doc = env.exchange_showing_tokens(&[]);
    let id_token = doc["tokens"]["id_token"].as_str().unwrap().to_string();
    std::fs::remove_file(env.home().join("config/client_secret.json")).unwrap();
    let out = env
        .cmd()
        .args(["whoami", &id_token, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["checks"]["aud"]["status"], "skipped");
}

/// The committed completions and man pages are what the current CLI generates; regenerate
/// with: `for s in bash zsh fish elvish powershell; do gsignin
/// completions $s > completions/gsignin.$s; done; gsignin man > man/gsignin.1; for c in
/// $(ls man | sed -n 's/^gsignin-\(.*\)\.1$/\1/p'); do gsignin man $c > man/gsignin-$c.1; done`.
#[test]
fn committed_completions_and_man_pages_match_the_cli() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = bare_cmd().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let committed =
            std::fs::read_to_string(root.join(format!("completions/gsignin.{shell}"))).unwrap();
        assert!(
            stdout(&out) == committed,
            "completions/gsignin.{shell} is stale: regenerate it (see this test's comment)"
        );
    }
    let pages = std::iter::once(("gsignin.1".to_string(), vec!["man".to_string()])).chain(
        COMMANDS.iter().map(|c| {
            (
                format!("gsignin-{c}.1"),
                vec!["man".to_string(), (*c).to_string()],
            )
        }),
    );
    for (page, args) in pages {
        let out = bare_cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let committed = std::fs::read_to_string(root.join("man").join(&page))
            .unwrap_or_else(|e| panic!("man/{page}: {e}"));
        assert!(
            stdout(&out) == committed,
            "man/{page} is stale: regenerate it (see this test's comment)"
        );
        // Every page SEE ALSO names is shipped.
        let see_also = committed
            .split(".SH \"SEE ALSO\"")
            .nth(1)
            .unwrap_or_default();
        for named in see_also.split("\\fB").skip(1) {
            let name = named.split("\\fR").next().unwrap().replace("\\-", "-");
            assert!(
                root.join("man").join(format!("{name}.1")).exists(),
                "{page} names {name}(1), which man/ lacks"
            );
        }
    }
    let main = std::fs::read_to_string(root.join("man/gsignin.1")).unwrap();
    assert!(main.contains("Exit codes:"));
    for var in [
        "GSIGNIN_REFRESH_TOKEN",
        "GSIGNIN_HOME",
        "GSIGNIN_INSECURE_HTTP",
        "GSIGNIN_CLIENT_SECRET_JSON",
    ] {
        assert!(main.contains(var), "ENVIRONMENT lacks {var}");
        let help = stdout(&bare_cmd().arg("--help").output().unwrap());
        assert!(help.contains(var), "--help lacks {var}");
    }
}

/// `--profile` completes the profiles stored now (clap's dynamic completion: the shell's
/// script asks gsignin), not file names.
#[test]
fn c1_profile_completes_the_stored_profiles() {
    let env = Env::new();
    for profile in ["alice", "ci-bot"] {
        exits(
            env.cmd().args([
                "exchange",
                &env.code_for(&format!("{profile}@example.com")),
                "--profile",
                profile,
            ]),
            0,
        );
    }
    let out = bare_cmd()
        .env("GSIGNIN_HOME", env.home())
        .env("GSIGNIN_COMPLETE", "fish")
        .args(["--", "gsignin", "token", "--profile", ""])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "alice\nci-bot\n", "{}", stderr(&out));
    // Subcommands and flags come from the same engine.
    let out = bare_cmd()
        .env("GSIGNIN_COMPLETE", "fish")
        .args(["--", "gsignin", "ap"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("api\t"), "{}", stdout(&out));
    // A stray COMPLETE (clap's generic name) in the environment changes nothing.
    let out = bare_cmd()
        .env("GSIGNIN_HOME", env.home())
        .env("COMPLETE", "bash")
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("{\"profiles\""),
        "{}",
        stdout(&out)
    );
}

/// A command's help lists its own options first, then the global ones under their heading.
#[test]
fn a_commands_help_shows_its_own_options_before_the_global_ones() {
    let help = stdout(&bare_cmd().args(["api", "--help"]).output().unwrap());
    let own = help.find("--paginate").unwrap();
    let global = help
        .find("Global options:")
        .expect("a Global options heading");
    assert!(own < global, "{help}");
    assert!(help[global..].contains("--profile"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let env = Env::new();
    // Not a terminal: plain, whatever NO_COLOR says.
    let out = env.cmd().args(["whoami", "abc.def.ghi"]).output().unwrap();
    assert!(!stdout(&out).contains('\x1b') && !stderr(&out).contains('\x1b'));
    let out = env
        .cmd()
        .args(["whoami", "abc.def.ghi", "--color", "always"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).starts_with("\x1b[1m\x1b[31mINVALID\x1b[0m"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).starts_with("\x1b[1m\x1b[31mgsignin: error:"),
        "{}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .env("NO_COLOR", "1")
        .args(["whoami", "abc.def.ghi", "--color", "never"])
        .output()
        .unwrap();
    assert!(!stdout(&out).contains('\x1b'));
    // JSON is never coloured.
    let out = env
        .cmd()
        .args(["whoami", "abc.def.ghi", "--json", "--color", "always"])
        .output()
        .unwrap();
    assert!(!stdout(&out).contains('\x1b'));
}

/// GSIGNIN_ISSUER is for the clients of the same shell: the emulator runs, saying it ignores
/// it (`--issuer` on its command line is a usage error: emulator_cli.rs).
#[test]
fn the_emulator_says_it_ignores_issuer_instead_of_silently_dropping_it() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gsignin"))
        .args(["emulator"])
        .env("GSIGNIN_ISSUER", "https://issuer.example")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines.next().unwrap().unwrap();
    assert!(base.starts_with("http://127.0.0.1:"));
    let _ = child.kill();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    let _ = child.wait();
    assert!(err.contains("ignores it: --iss chooses"), "{err}");
}

#[test]
fn demo_steps_take_nothing_from_the_users_gsignin_environment() {
    let text = demo(&[
        ("GSIGNIN_CLIENT_SECRET", "/nonexistent/client_secret.json"),
        ("GSIGNIN_PROFILE", "users-own"),
        ("GSIGNIN_ISSUER", "https://issuer.example"),
        ("GSIGNIN_STORE", "keyring"),
    ]);
    assert!(
        text.contains("profile:       demo") && text.contains("profile:       bob"),
        "{text}"
    );
}

/// `gsignin demo` with no Secret Service and `vars` set; it must exit 0. Its stdout.
fn demo(vars: &[(&str, &str)]) -> String {
    let out = bare_cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .envs(vars.iter().copied())
        .arg("demo")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

#[test]
fn every_listener_on_a_busy_port_is_exit_6_port_in_use() {
    let env = Env::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for args in [
        vec!["--json", "emulator", "--port", port.as_str()],
        vec!["--json", "receive", "--port", port.as_str()],
    ] {
        let out = crate::support::exits(env.cmd().args(&args), 6);
        assert_eq!(json_error(&out)["code"], "port_in_use", "{args:?}");
        assert!(stderr(&out).contains("it is in use"), "{}", stderr(&out));
    }
}

#[test]
fn completions_and_the_man_page_touch_no_disk() {
    // A home gsignin would refuse (another user could write it), and one that cannot exist.
    let open = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(open.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    for home in [open.path().to_path_buf(), open.path().join("no/such/home")] {
        for args in [vec!["completions", "bash"], vec!["man"]] {
            let out = bare_cmd()
                .env("GSIGNIN_HOME", &home)
                .args(&args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        }
    }
    assert!(!open.path().join("no").exists(), "nothing was created");
    assert_eq!(
        std::fs::read_dir(open.path()).unwrap().count(),
        0,
        "nothing was written"
    );
}

/// A running `gsignin emulator`, listening by the time this returns, with fd 1 closed first
/// when asked; killed on drop.
struct Listening {
    child: std::process::Child,
    _home: tempfile::TempDir,
}

impl Listening {
    fn start(close_stdout: bool) -> Listening {
        use std::os::unix::process::CommandExt;
        let home = tempfile::tempdir().unwrap();
        let secret = home.path().join("client_secret.json");
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("gsignin"));
        cmd.args(["emulator", "--write-client-secret"])
            .arg(&secret)
            .env("GSIGNIN_HOME", home.path())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if close_stdout {
            // SAFETY: close is async-signal-safe, and fd 1 is the child's own copy.
            unsafe {
                cmd.pre_exec(|| {
                    libc::close(1);
                    Ok(())
                });
            }
        }
        let child = cmd.spawn().unwrap();
        let started = std::time::Instant::now();
        // The secret is written once the emulator listens: its socket is open by then.
        while !secret.exists() && started.elapsed() < std::time::Duration::from_secs(20) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(secret.exists(), "the emulator never started");
        Listening { child, _home: home }
    }

    fn proc(&self, what: &str) -> std::path::PathBuf {
        format!("/proc/{}/{what}", self.child.id()).into()
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A stream closed at exec is opened on /dev/null before anything else is opened: the
/// emulator's listening socket (or a token file) must not take fd 1 and receive the output.
#[test]
fn x7_a_closed_stdout_is_reopened_on_dev_null_before_any_file_takes_its_number() {
    let emulator = Listening::start(true);
    let stdout = std::fs::read_link(emulator.proc("fd/1")).unwrap();
    assert_eq!(stdout, std::path::Path::new("/dev/null"));
}

/// On x86-64 Linux the unwinder is linked in (build.rs): no libgcc_s.so.1, whose load-time CPU
/// probe costs each run twelve hypervisor traps.
#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_carries_its_unwinder_and_loads_no_libgcc_s() {
    let emulator = Listening::start(false);
    let maps = std::fs::read_to_string(emulator.proc("maps")).unwrap();
    assert!(maps.contains("libc.so"), "{maps}");
    assert!(!maps.contains("libgcc_s"), "{maps}");
}

/// On x86-64 glibc Linux the binary starts without Rust's start-up (main.rs), which reads
/// /proc/self/maps to find the main thread's stack: a tenth of a `whoami`. This fails when that
/// start-up runs again (a toolchain that changes how `no_main` links, a cfg that stops applying).
#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
#[test]
#[ignore = "needs strace (apt-get install strace); bash .ci/run installs it and runs the ignored tests"]
fn the_binary_starts_without_reading_its_memory_map() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    let out = std::process::Command::new("strace")
        .args(["-f", "-e", "trace=open,openat", "-o"])
        .arg(&trace)
        .arg(assert_cmd::cargo::cargo_bin("gsignin"))
        .arg("--version")
        .output()
        .unwrap_or_else(|e| crate::support::missing_tool(&format!("strace ({e})")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let opened = std::fs::read_to_string(&trace).unwrap();
    assert!(
        opened.contains("openat("),
        "strace saw no open at all: {opened}"
    );
    assert!(!opened.contains("/proc/self/maps"), "{opened}");
}

#[test]
fn s3_a_file_named_without_a_folder_is_written_in_the_current_one() {
    use std::io::BufRead;
    let cwd = tempfile::tempdir().unwrap();
    let mut child = bare_process()
        .current_dir(cwd.path())
        .env("GSIGNIN_HOME", cwd.path().join("home"))
        .args([
            "emulator",
            "--port",
            "0",
            "--write-client-secret",
            "cs.json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let alive = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(
        first.starts_with("http://127.0.0.1:"),
        "{first:?} {}",
        stderr(&out)
    );
    assert!(alive, "{}", stderr(&out));
    assert!(cwd.path().join("cs.json").is_file());
}

#[test]
fn p2_a_completion_request_naming_no_shell_is_a_usage_error_naming_the_variable() {
    use std::os::unix::ffi::OsStrExt;
    for value in [
        std::ffi::OsStr::new("nosuch"),
        std::ffi::OsStr::from_bytes(b"ba\xffsh"),
    ] {
        let out = exits(bare_cmd().env("GSIGNIN_COMPLETE", value).arg("status"), 2);
        assert!(
            stderr(&out).contains("GSIGNIN_COMPLETE"),
            "{}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty());
    }
}
