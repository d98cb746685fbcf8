//! Nothing lost, nothing leaked: each test here reproduces a way an attacker, a hostile server
//! or an unlucky user could lose a spent code's tokens, leak a secret, or get a wrong verdict or
//! exit code, and is named after what it guards.

use crate::support::{Env, bare_cmd, exits, json_error, stderr, stdout};
use gsignin_emulator::Fault;

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
fn x9_a_full_disk_on_stdout_is_a_failure_and_a_closed_pipe_is_not() {
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
    env.emu.clear_hits();
    env.emu.inject_fault(Fault {
        path: path.into(),
        latency_ms: ms,
        ..Default::default()
    });
}

#[test]
fn r3_a_rotated_refresh_token_is_stored_before_the_keys_are_fetched() {
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    env.emu.set_rotate_refresh_tokens(true);
    env.emu.set_jwks_max_age(0);
    // The keys must be fetched again (nothing cached), slowly.
    std::fs::remove_dir_all(env.home().join("cache/http")).unwrap();
    latency(&env, "/oauth2/v3/certs", 5000);
    let mut child = env.spawn_until_hit(&["refresh"], &[], "/oauth2/v3/certs");
    assert_eq!(env.emu.hits("/token"), 1, "the refresh was answered first");
    child.kill().unwrap();
    child.wait().unwrap();
    env.emu.clear_faults();
    // The rotated-away token would be refused (and its reuse revoke the family): the new one
    // must be the one stored.
    exits(env.cmd().args(["refresh"]), 0);
    exits(env.cmd().args(["refresh"]), 0);
}

#[test]
fn e8_an_exchange_is_saved_under_the_profile_lock_so_a_refresh_cannot_overwrite_it() {
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
    env.emu.clear_faults();
    let out = exits(env.cmd().args(["--json", "whoami"]), 0);
    assert_eq!(
        crate::support::json_out(&out)["claims"]["email"],
        "bob@example.com"
    );
}

#[test]
fn t1_secrets_never_travel_over_plain_http_to_another_host() {
    let env = Env::new();
    let code = env.code();
    let secret = env.client_secret_with_token_uri("http://oauth2.example.com/token");
    let out = exits(
        env.cmd()
            .args(["--json", "exchange", &code])
            .env("GSIGNIN_CLIENT_SECRET", &secret),
        6,
    );
    let e = json_error(&out);
    assert_eq!(e["code"], "insecure_url", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("http://oauth2.example.com:80"),
        "{e}"
    );
    assert!(
        e["hint"]
            .as_str()
            .unwrap()
            .contains("GSIGNIN_INSECURE_HTTP")
    );
    assert!(env.code_is_unspent(&code));
    // The same for the issuer (discovery and keys decide where secrets go and which keys are
    // trusted) and for Drive.
    let out = exits(
        env.cmd()
            .args(["--json", "whoami", "x.y.z"])
            .env("GSIGNIN_ISSUER", "http://issuer.example"),
        3,
    );
    assert!(
        !stdout(&out).contains("insecure"),
        "a malformed token needs no keys"
    );
    let out = exits(
        env.cmd()
            .args(["--json", "exchange", &code])
            .env("GSIGNIN_ISSUER", "http://issuer.example"),
        6,
    );
    assert_eq!(json_error(&out)["code"], "insecure_url");
    exits(env.cmd().args(["exchange", &code]), 0);
    let out = exits(
        env.cmd()
            .args(["--json", "drive-appfolder"])
            .env("GSIGNIN_DRIVE_URL", "http://drive.example/drive/v3"),
        6,
    );
    assert_eq!(json_error(&out)["code"], "insecure_url");
}

#[test]
fn t2_insecure_http_is_an_explicit_opt_in_warned_on_every_run() {
    let env = Env::new();
    let port = env.emu.base_url().rsplit(':').next().unwrap().to_string();
    // A CI service name, reached through a proxy (the emulator itself answers absolute URIs),
    // so nothing leaves this machine.
    let secret = env.client_secret_with_token_uri(&format!("http://emulator.ci:{port}/token"));
    let run = |code: &str, opt_in: bool| {
        let mut cmd = env.cmd();
        cmd.args(["exchange", code])
            .env("GSIGNIN_CLIENT_SECRET", &secret)
            .env("HTTP_PROXY", env.emu.base_url());
        if opt_in {
            cmd.env("GSIGNIN_INSECURE_HTTP", "1");
        }
        cmd.output().unwrap()
    };
    let code = env.code();
    assert_eq!(run(&code, false).status.code(), Some(6));
    assert!(env.code_is_unspent(&code));
    for _ in 0..2 {
        let out = run(&env.code(), true);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "warning: GSIGNIN_INSECURE_HTTP=1: sending secrets over plain http to http://emulator.ci:{port}"
            )),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn w12_a_discovery_document_sending_the_code_to_another_origin_is_warned_about() {
    let env = Env::new();
    let elsewhere = env.emu.base_url().to_string();
    let mitm = crate::support::Mitm::start(&env, move |seen, real| {
        if seen.path != "/.well-known/openid-configuration" {
            return None;
        }
        let mut doc: serde_json::Value = serde_json::from_slice(&real?.body).ok()?;
        doc["token_endpoint"] = format!("{elsewhere}/token").into();
        Some(crate::support::Answer::json(200, doc))
    });
    let out = exits(
        mitm.cmd(&env)
            .env_remove("GSIGNIN_CLIENT_SECRET")
            .args(["exchange", &env.code()]),
        0,
    );
    assert!(
        stderr(&out).contains(&format!(
            "warning: the issuer {} puts its token endpoint at {}",
            mitm.url,
            env.emu.base_url()
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn x2_a_servers_error_text_never_echoes_the_code_or_the_client_secret() {
    let env = Env::new();
    let mitm = crate::support::Mitm::start(&env, |seen, _| {
        (seen.path == "/token").then(|| {
            // A hostile (or careless) issuer repeats the request back, secrets and all, with an
            // escape sequence for the terminal.
            let said = format!("cannot use {} \u{1b}[2J", seen.body);
            crate::support::Answer::json(
                400,
                serde_json::json!({"error": "invalid_grant", "error_description": said,
                                   "error_uri": seen.body}),
            )
        })
    });
    for flags in [&["--json"][..], &["-v"], &[]] {
        let code = env.code();
        let out = exits(mitm.cmd(&env).args(flags).args(["exchange", &code]), 4);
        let mut secrets = env.issued_secrets();
        secrets.push(code.replace('/', "%2F"));
        crate::support::assert_no_secret(&out, &secrets);
        assert!(!stderr(&out).contains('\u{1b}'), "{}", stderr(&out));
        assert!(stderr(&out).contains("[redacted"), "{}", stderr(&out));
    }
}

/// `gsignin -v exchange` against a token endpoint that answers `body`: its exit code and
/// everything it printed.
fn verbose_exchange_answered(
    env: &Env,
    content_type: &'static str,
    body: &'static str,
) -> (Option<i32>, String) {
    let mitm = crate::support::Mitm::start(env, move |seen, _| {
        (seen.path == "/token").then(|| crate::support::Answer {
            status: 200,
            content_type,
            body: body.as_bytes().to_vec(),
        })
    });
    let out = mitm
        .cmd(env)
        .args(["-v", "exchange", &env.code()])
        .output()
        .unwrap();
    (
        out.status.code(),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

#[test]
fn t9_the_trace_redacts_secrets_of_any_json_type_and_in_plain_text() {
    let env = Env::new();
    let odd = [
        (
            "application/json",
            r#"{"access_token":{"value":"ya29.objectsecret0123456"},"refresh_token":["1//0arraysecret0123456"],"id_token":7}"#,
        ),
        (
            "text/plain",
            "access_token=ya29.plainsecret0123456 expires_in=3599 refresh_token: 1//0plainsecret0123456",
        ),
    ];
    for (content_type, body) in odd {
        let (code, all) = verbose_exchange_answered(&env, content_type, body);
        assert_ne!(code, Some(0));
        for secret in ["objectsecret", "arraysecret", "plainsecret"] {
            assert!(!all.contains(secret), "{secret} leaked:\n{all}");
        }
    }
}

/// A token answer that a `Value` refuses but a lenient read accepts, its names escaped: the
/// trace hides the body, and the tokens read from it are scrubbed from everything shown.
#[test]
fn t9_the_trace_hides_a_json_body_it_cannot_read_whose_names_are_escaped() {
    let env = Env::new();
    let odd = [
        r#"{"x":"\ud800","access\u005ftoken":"ya29.surrogatesecret0123","refresh\u005ftoken":"1//0surrogatesecret0123","expires_in":3599}"#,
        r#"{"x":1e999,"access\u005ftoken":"ya29.hugenumbersecret0123","expires_in":3599}"#,
        r#"{"$serde_json::private::RawValue":"1","access\u005ftoken":"ya29.rawvaluesecret0123"}"#,
    ];
    for body in odd {
        let (_, all) = verbose_exchange_answered(&env, "application/json", body);
        for secret in ["surrogatesecret", "hugenumbersecret", "rawvaluesecret"] {
            assert!(!all.contains(secret), "{secret} leaked:\n{all}");
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn w11_s5_a_cache_entry_another_user_could_write_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    let cached: Vec<std::path::PathBuf> = std::fs::read_dir(env.home().join("cache/http"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!cached.is_empty());
    // Planted by another user (as root we can play uid nobody), or left writable by all.
    for path in &cached {
        if is_root() {
            std::os::unix::fs::chown(path, Some(65534), Some(65534)).unwrap();
        } else {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666)).unwrap();
        }
    }
    let out = exits(env.cmd().args(["--json", "whoami"]), 6);
    let e = json_error(&out);
    assert_eq!(e["code"], "untrusted_path", "{e}");
    assert!(e["hint"].as_str().unwrap().contains("chmod go-w"), "{e}");
}

#[test]
fn s5_a_home_other_users_can_write_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    std::fs::set_permissions(env.home(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    let out = exits(env.cmd().args(["--json", "status"]), 6);
    assert_eq!(json_error(&out)["code"], "untrusted_path");
    std::fs::set_permissions(env.home(), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(
        env.home().join("data/profiles"),
        std::fs::Permissions::from_mode(0o777),
    )
    .unwrap();
    let out = exits(env.cmd().args(["--json", "refresh"]), 6);
    assert_eq!(json_error(&out)["code"], "untrusted_path");
}

#[test]
fn s6_lock_files_are_private_and_never_followed_through_a_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    let lock = env.home().join("data/locks/default.lock");
    let _ = std::fs::remove_file(&lock);
    // Under umask 000, a file created with the default mode would be 0666.
    let out = std::process::Command::new("sh")
        .args(["-c", "umask 000 && exec \"$0\" \"$@\""])
        .arg(assert_cmd::cargo::cargo_bin("gsignin"))
        .arg("refresh")
        .env("GSIGNIN_HOME", env.home())
        .env("GSIGNIN_ISSUER", env.emu.base_url())
        .env("GSIGNIN_STORE", "file")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mode = std::fs::metadata(&lock).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "lock file mode {mode:o}");

    std::fs::remove_file(&lock).unwrap();
    let target = env.home().join("planted-target");
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    let out = exits(env.cmd().args(["--json", "refresh"]), 6);
    assert_eq!(json_error(&out)["code"], "lock_failed");
    assert!(!target.exists(), "the symlink was followed");
}

#[test]
fn w7_a_token_that_is_not_text_is_malformed_and_the_batch_judges_every_line() {
    use std::os::unix::ffi::OsStrExt;
    let env = Env::new();
    let good = env.exchange_showing_tokens(&[])["tokens"]["id_token"]
        .as_str()
        .unwrap()
        .to_string();
    let binary = std::ffi::OsStr::from_bytes(b"ey\xff\xfe.x.y");
    let out = exits(env.cmd().args(["--json", "whoami"]).arg(binary), 3);
    assert_eq!(
        crate::support::json_out(&out)["checks"]["format"]["status"],
        "fail"
    );

    // A byte-order mark before the first token, a line that is not text in the middle.
    let mut input = b"\xEF\xBB\xBF".to_vec();
    for i in 0..2001 {
        if i == 1000 {
            input.extend_from_slice(b"\xff\xfe-not-a-token\n");
        } else {
            input.extend_from_slice(good.as_bytes());
            input.push(b'\n');
        }
    }
    let out = exits(
        env.cmd().args(["--json", "whoami", "-"]).write_stdin(input),
        3,
    );
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2001, "one answer per line");
    assert_eq!(
        lines[0]["valid"], true,
        "the BOM is not part of the first token"
    );
    assert_eq!(lines[1000]["valid"], false);
    assert!(
        lines[1000]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not text")
            || lines[1000]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("whitespace"),
        "{}",
        lines[1000]
    );
    assert_eq!(lines.iter().filter(|l| l["valid"] == true).count(), 2000);
    assert!(stderr(&out).contains("1 of 2001 tokens were rejected"));
}

/// A man in the middle whose /token answers lose their ID token, and say `scope`.
fn without_id_token(env: &Env, scope: &'static str) -> crate::support::Mitm {
    crate::support::Mitm::start(env, move |seen, real| {
        if seen.path != "/token" {
            return None;
        }
        let mut doc: serde_json::Value = serde_json::from_slice(&real?.body).ok()?;
        doc.as_object_mut()?.remove("id_token");
        doc["scope"] = scope.into();
        Some(crate::support::Answer::json(200, doc))
    })
}

#[test]
fn an_exchange_without_an_id_token_is_stored_and_loudly_names_no_user() {
    let env = Env::new();
    let mitm = without_id_token(&env, "https://www.googleapis.com/auth/drive.appdata");
    let out = exits(mitm.cmd(&env).args(["exchange", &env.code()]), 0);
    assert!(
        stderr(&out).contains("warning: the issuer returned no ID token"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("UNKNOWN user"), "{}", stdout(&out));
    let out = exits(
        mitm.cmd(&env).args([
            "--profile",
            "j",
            "--json",
            "exchange",
            &env.code_for("j@example.com"),
        ]),
        0,
    );
    assert_eq!(
        crate::support::json_out(&out)["id_token"],
        serde_json::Value::Null
    );
}

#[test]
fn e6_openid_granted_without_an_id_token_is_a_malformed_answer_and_the_tokens_are_kept() {
    let env = Env::new();
    let mitm = without_id_token(
        &env,
        "openid https://www.googleapis.com/auth/userinfo.email",
    );
    let out = exits(mitm.cmd(&env).args(["--json", "exchange", &env.code()]), 5);
    let first = stdout(&out).lines().next().unwrap().to_string();
    let report: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(report["refresh_token"]["stored"], true, "{report}");
    assert!(stderr(&out).contains("granted the openid scope but sent no ID token"));
    assert!(
        env.secrets_file("default").exists(),
        "the spent code's tokens are kept"
    );
}

#[test]
fn e2_s11_t7_reads_are_bounded_a_huge_code_a_client_secret_that_never_ends_a_fifo_a_huge_answer() {
    let env = Env::new();
    // 100 MB of "code" on stdin: refused after 16 KiB, nothing sent.
    let out = exits(
        env.cmd()
            .args(["--json", "exchange", "-"])
            .write_stdin(vec![b'a'; 100 << 20]),
        2,
    );
    assert!(
        json_error(&out)["message"]
            .as_str()
            .unwrap()
            .contains("16 KiB")
    );
    assert_eq!(env.emu.hits("/token"), 0);
    for path in ["/dev/zero", "/dev/stdin"] {
        let out = exits(
            env.cmd()
                .args(["--json", "exchange", &env.code()])
                .env("GSIGNIN_CLIENT_SECRET", path),
            6,
        );
        assert!(
            json_error(&out)["message"]
                .as_str()
                .unwrap()
                .contains("not a regular file"),
            "{}",
            stdout(&out)
        );
    }
    let fifo = env.home().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = exits(
        env.cmd()
            .args(["--json", "exchange", &env.code()])
            .env("GSIGNIN_CLIENT_SECRET", &fifo),
        6,
    );
    assert_eq!(json_error(&out)["code"], "client_secret_invalid");
    // A key set of 9 MiB.
    let mitm = crate::support::Mitm::start(&env, |seen, _| {
        (seen.path == "/oauth2/v3/certs").then(|| crate::support::Answer {
            status: 200,
            content_type: "application/json",
            body: vec![b' '; 9 << 20],
        })
    });
    let out = exits(mitm.cmd(&env).args(["--json", "exchange", &env.code()]), 5);
    assert!(
        json_error(&out)["message"]
            .as_str()
            .unwrap()
            .contains("more than 8 MiB"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn e12_the_docs_never_show_a_real_code_in_argv() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        pages.push(entry.unwrap().path());
    }
    for page in pages
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(page).unwrap();
        assert!(
            !text.contains("exchange \"$code\""),
            "{} puts a code in argv",
            page.display()
        );
    }
    let readme = std::fs::read_to_string(&pages[0]).unwrap();
    assert!(readme.contains("| gsignin exchange -"));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gsignin"))
        .args(["emulator", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let banner: Vec<String> = std::io::BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| l.unwrap())
        .take_while(|l| !l.contains("Control API"))
        .collect();
    child.kill().unwrap();
    child.wait().unwrap();
    let banner = banner.join("\n");
    assert!(!banner.contains("exchange \"$code\""), "{banner}");
    assert!(banner.contains("| gsignin exchange -"), "{banner}");
}

#[test]
fn w2_a_token_also_issued_for_another_client_is_refused() {
    let env = Env::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = serde_json::json!({"iss": "https://accounts.google.com",
        "aud": ["evil-client", gsignin_emulator::WEB_CLIENT_ID],
        "azp": gsignin_emulator::WEB_CLIENT_ID,
        "sub": "1101", "iat": now, "exp": now + 3600});
    let token = env.emu.sign(&claims);
    let out = exits(env.cmd().args(["--json", "whoami", &token]), 3);
    let v = crate::support::json_out(&out);
    assert_eq!(v["checks"]["aud"]["status"], "fail");
    assert!(
        v["checks"]["aud"]["detail"]
            .as_str()
            .unwrap()
            .contains("evil-client"),
        "{v}"
    );
}

#[test]
fn e6_a_store_that_fails_after_the_code_is_spent_rescues_the_tokens_in_process() {
    use gsignin::testing::MemoryStore;
    let env = Env::new();
    let memory = MemoryStore::new();
    let with_memory = |m: &MemoryStore| {
        let m = m.clone();
        move |hooks: &mut gsignin::testing::Hooks| hooks.memory_store = Some(m)
    };
    // A working store: exchange and refresh through memory, nothing in files.
    env.run_with(&["exchange", &env.code()], with_memory(&memory))
        .exits(0);
    assert_eq!(memory.profiles(), ["default"]);
    assert!(!env.secrets_file("default").exists());
    env.run_with(&["refresh"], with_memory(&memory)).exits(0);

    // Saves fail from now on: the spent code's tokens go to a rescue file.
    memory.fail_saves.set(true);
    let code = env.code_for("bob@example.com");
    let ran = env
        .run_with(&["--json", "exchange", &code], with_memory(&memory))
        .exits(6);
    assert_eq!(ran.json()["error"]["code"], "rescued");
    assert!(!env.code_is_unspent(&code));
    let (_, rescued) = env.rescued();
    assert!(rescued["tokens"]["refresh_token"].is_string(), "{rescued}");
}

#[test]
fn w12_a_discovery_document_naming_google_is_believed_only_from_this_machine() {
    let env = Env::new();
    let port = env.emu.base_url().rsplit(':').next().unwrap().to_string();
    // The emulator, reached by another name (through a proxy, so nothing leaves the machine):
    // its discovery names Google's issuer, which only a loopback URL may.
    let out = exits(
        env.cmd()
            .args(["--json", "exchange", &env.code()])
            .env("GSIGNIN_ISSUER", format!("http://emulator.ci:{port}"))
            .env("GSIGNIN_INSECURE_HTTP", "1")
            .env("HTTP_PROXY", env.emu.base_url()),
        5,
    );
    let e = json_error(&out);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("names issuer `https://accounts.google.com`"),
        "{e}"
    );
    exits(env.cmd().args(["exchange", &env.code()]), 0);
}

/// Sends `sig` (by its name for kill) to `child`.
fn send(child: &std::process::Child, sig: &str) {
    let sent = std::process::Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{sig}");
}

#[test]
fn x5_every_ending_signal_while_a_code_is_traded_waits_until_the_tokens_are_stored() {
    use std::os::unix::process::ExitStatusExt;
    for (name, number) in [
        ("INT", libc::SIGINT),
        ("TERM", libc::SIGTERM),
        ("HUP", libc::SIGHUP),
        ("QUIT", libc::SIGQUIT),
    ] {
        let env = Env::new();
        env.delay_next("/token", 800);
        let code = env.code();
        let child = env.spawn_until_hit(&["exchange", &code], &[], "/token");
        // The code is at the issuer: Ctrl-C, a kill, the terminal closes (SSH drops), Ctrl-\.
        send(&child, name);
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.signal(),
            Some(number),
            "{name}: ended by the signal once stored"
        );
        assert!(
            env.profile_file("default").exists(),
            "{name}: the tokens were stored first"
        );
        assert!(!env.code_is_unspent(&code));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("interrupted: the sign-in was stored first"),
            "{name}: {err}"
        );
        // The report came first: the signal took effect after the run said what it did.
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            said.contains("Signed in as alice@example.com"),
            "{name}: {said}"
        );
        // And the stored sign-in works.
        exits(env.cmd().args(["refresh"]), 0);
    }
}

#[test]
fn x5_a_signal_while_a_rotated_refresh_token_is_in_flight_waits_until_it_is_stored() {
    use std::os::unix::process::ExitStatusExt;
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    let before = std::fs::read_to_string(env.secrets_file("default")).unwrap();
    env.delay_next("/token", 800);
    let child = env.spawn_until_hit(&["refresh"], &[], "/token");
    // The issuer rotates the refresh token as the terminal closes: the old one is dead.
    send(&child, "HUP");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(libc::SIGHUP), "{out:?}");
    let after = std::fs::read_to_string(env.secrets_file("default")).unwrap();
    assert_ne!(
        before, after,
        "the rotated refresh token was stored before the signal took effect"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("interrupted: the refreshed sign-in was stored first"),
        "{err}"
    );
    // The stored token is the live one: a refresh with it works (the old one would now trip
    // the issuer's reuse detection and end the whole grant).
    exits(env.cmd().args(["refresh"]), 0);
}

#[test]
fn e6_a_signal_while_a_failing_save_rescues_still_says_where_the_tokens_went() {
    use std::os::unix::process::ExitStatusExt;
    let env = Env::new();
    env.delay_next("/token", 800);
    let code = env.code();
    let child = env.spawn_until_hit(&["exchange", &code], &[], "/token");
    // While the code is at the issuer, the store breaks; then Ctrl-C.
    let secrets = env.home().join("data/secrets");
    let _ = std::fs::remove_dir_all(&secrets);
    std::fs::write(&secrets, "not a folder").unwrap();
    send(&child, "INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(libc::SIGINT), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    let (path, rescued) = env.rescued();
    assert!(
        err.contains(&path.display().to_string()),
        "the rescue file was named before the signal took effect: {err}"
    );
    assert!(rescued["tokens"]["refresh_token"].is_string(), "{rescued}");
    assert!(!env.code_is_unspent(&code));
}

#[test]
fn x5_any_ending_signal_while_the_profile_lock_is_awaited_rescues_at_once() {
    use std::os::unix::process::ExitStatusExt;
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    // Another gsignin holds the profile (its lock) for long.
    let lock = std::fs::File::open(env.home().join("data/locks/default.lock")).unwrap();
    lock.lock().unwrap();
    let code = env.mint(gsignin_emulator::MintRequest {
        force_refresh_token: true,
        ..Default::default()
    });
    let child = env.spawn_until_hit(&["exchange", &code], &[], "/token");
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SIGPROF ends a process as surely as SIGTERM does.
    send(&child, "PROF");
    let started = std::time::Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "not held until the lock wait ran out"
    );
    assert_eq!(out.status.signal(), Some(libc::SIGPROF), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    let (path, rescued) = env.rescued();
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(rescued["tokens"]["refresh_token"].is_string(), "{rescued}");
    drop(lock);
}

#[test]
fn x5_a_signal_during_a_rotated_refreshs_key_fetch_is_said_before_it_takes_effect() {
    use std::os::unix::process::ExitStatusExt;
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    env.emu.rotate_keys();
    env.delay_next("/oauth2/v3/certs", 800);
    let child = env.spawn_until_hit(&["refresh"], &[], "/oauth2/v3/certs");
    send(&child, "TERM");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(libc::SIGTERM), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("interrupted: the refreshed sign-in was stored first"),
        "{err}"
    );
    exits(env.cmd().args(["refresh"]), 0);
}

#[test]
fn e6_s4_a_sign_in_that_cannot_be_stored_leaves_one_rescue_file_and_names_it() {
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    // The new ID token is signed by a key the cache lacks (a copy waits out the refetch in a
    // rescue file), and the store breaks while the code is at the issuer.
    env.emu.rotate_keys();
    env.delay_next("/token", 800);
    let code = env.mint(gsignin_emulator::MintRequest {
        force_refresh_token: true,
        ..Default::default()
    });
    let child = env.spawn_until_hit(&["--json", "exchange", &code], &[], "/token");
    let secrets = env.home().join("data/secrets");
    let _ = std::fs::remove_dir_all(&secrets);
    std::fs::write(&secrets, "not a folder").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(6), "{out:?}");
    let (path, rescued) = env.rescued();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&path.display().to_string()),
        "the one rescue file is the one named"
    );
    assert!(rescued["tokens"]["refresh_token"].is_string(), "{rescued}");
}
