//! Network faults against every endpoint gsignin calls: what is retried, what is not, how it
//! ends, and that the stored sign-in survives every failure.

use crate::support::{Env, exits, json_error, stderr};
use gsignin_emulator::Fault;

/// Each endpoint, the path the emulator counts, and the command that reaches it.
fn endpoints() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    vec![
        ("refresh", "/token", vec!["refresh"]),
        ("keys", "/oauth2/v3/certs", vec!["whoami"]),
        (
            "drive",
            "/drive/v3/files/appfolder",
            vec!["drive-appfolder"],
        ),
        ("revocation", "/revoke", vec!["revoke"]),
    ]
}

/// A signed-in env whose key cache is empty, so `whoami` must fetch the keys.
fn signed_in() -> Env {
    let env = Env::signed_in();
    let _ = std::fs::remove_dir_all(env.home().join("cache"));
    env
}

fn still_works(env: &Env, name: &str) {
    env.emu.clear_faults();
    let ran = env.run(&["refresh"]);
    assert_eq!(ran.code, 0, "{name}: the sign-in survives: {}", ran.stderr);
}

#[test]
fn a_503_once_is_retried_and_succeeds() {
    for (name, path, args) in endpoints() {
        let env = signed_in();
        env.fail(path, 503, Some(1));
        let before = env.emu.hits(path);
        let ran = env.run(&args).exits(0);
        assert_eq!(env.emu.hits(path), before + 2, "{name}: one retry");
        assert_eq!(ran.slept.len(), 1, "{name}: one backoff");
    }
}

#[test]
fn r6_a_503_forever_is_exit_5_after_three_tries_and_nothing_is_lost() {
    for (name, path, args) in endpoints() {
        let env = signed_in();
        env.fail(path, 503, None);
        let before = env.emu.hits(path);
        let ran = env.run(&[&args[..], &["--json"]].concat()).exits(5);
        assert_eq!(ran.json()["error"]["code"], "server_error", "{name}");
        assert_eq!(env.emu.hits(path), before + 3, "{name}: three tries");
        // Exponential backoff, with the jitter at the middle of its ±10 %: 1 s, then 2 s;
        // Drive's own (its docs: up to a second added), half a second here.
        let waits: Vec<u128> = ran
            .slept
            .iter()
            .map(std::time::Duration::as_millis)
            .collect();
        let expected: [u128; 2] = if name == "drive" {
            [1500, 2500]
        } else {
            [1000, 2000]
        };
        assert_eq!(waits, expected, "{name}: backoff");
        assert!(
            env.profile_file("default").exists(),
            "{name}: nothing deleted"
        );
        still_works(&env, name);
    }
}

/// The next request to `path` is served for real and its answer lost on the way back.
fn lose_next_answer(env: &Env, path: &str) {
    env.inject(Fault {
        path: path.into(),
        lose_answer: true,
        count: Some(1),
        ..Default::default()
    });
}

/// The next request to `path` is refused with 429 and `Retry-After: 1`.
fn refuse_once_with_429(env: &Env, path: &str) {
    env.inject(Fault {
        path: path.into(),
        status: Some(429),
        retry_after: Some(1),
        count: Some(1),
        ..Default::default()
    });
}

#[test]
fn retry_after_is_honoured() {
    let env = signed_in();
    refuse_once_with_429(&env, "/token");
    let out = exits(env.cmd().args(["-v", "refresh"]), 0);
    assert!(stderr(&out).contains("< 429"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("retrying in 1000 ms (try 2 of 3)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn r6_t8_a_hung_server_times_out_per_try_and_is_exit_5() {
    for (name, path, args) in endpoints() {
        let env = signed_in();
        env.inject(Fault {
            path: path.into(),
            hang: true,
            ..Default::default()
        });
        let before = env.emu.hits(path);
        let ran = env
            .run_timing_out(&[&["--json"], &args[..]].concat())
            .exits(5);
        let err = &ran.json()["error"];
        assert_eq!(err["code"], "timeout", "{name}: {err}");
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains("did not answer within 400 ms"),
            "{name}: {err}"
        );
        // The last try's request may still be on its way into the emulator when gsignin has
        // given up on it (a loaded machine): its count arrives within moments, or never.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while env.emu.hits(path) < before + 3 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(env.emu.hits(path), before + 3, "{name}: three tries");
        still_works(&env, name);
    }
}

/// The same through the real binary and its real clock, once: `--timeout 1`, three tries.
#[test]
fn t8_a_hung_token_endpoint_times_out_in_the_real_binary() {
    let env = signed_in();
    env.inject(Fault {
        path: "/token".into(),
        hang: true,
        ..Default::default()
    });
    let out = exits(env.cmd().args(["--timeout", "1", "--json", "refresh"]), 5);
    let err = json_error(&out);
    assert_eq!(err["code"], "timeout");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("did not answer within 1 s")
    );
    assert_eq!(env.emu.hits("/token"), 1 + 3);
}

#[test]
fn a_dropped_connection_is_retried() {
    let env = signed_in();
    env.inject(Fault {
        path: "/token".into(),
        drop: true,
        count: Some(1),
        ..Default::default()
    });
    exits(env.cmd().arg("refresh"), 0);
    assert_eq!(
        env.emu.hits("/token"),
        3,
        "the exchange, the dropped refresh, its retry"
    );
}

#[test]
fn r6_connection_refused_is_exit_5_at_once() {
    let env = signed_in();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let out = exits(
        env.cmd()
            .env("GSIGNIN_DRIVE_URL", format!("{closed}/drive/v3"))
            .args(["drive-appfolder", "--json"]),
        5,
    );
    assert_eq!(json_error(&out)["code"], "connection_failed");
    let secret = env.home().join("config/client_secret.json");
    let cs = std::fs::read_to_string(&secret).unwrap();
    std::fs::write(&secret, cs.replace(env.emu.base_url(), &closed)).unwrap();
    let out = exits(env.cmd().args(["refresh", "--json"]), 5);
    assert_eq!(json_error(&out)["code"], "connection_failed");
    std::fs::write(&secret, cs).unwrap();
    still_works(&env, "connection refused");
}

#[test]
fn e5_an_exchange_is_never_retried_after_it_may_have_arrived() {
    let env = Env::new();
    let code = env.code();
    env.inject(Fault {
        path: "/token".into(),
        hang: true,
        ..Default::default()
    });
    let out = exits(
        env.cmd()
            .args(["--timeout", "1", "exchange", &code, "--json"]),
        5,
    );
    let err = json_error(&out);
    assert_eq!(env.emu.hits("/token"), 1, "sent once");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("outcome is unknown"),
        "{err}"
    );
    assert!(
        err["hint"].as_str().unwrap().contains("new serverAuthCode"),
        "{err}"
    );

    let code = env.code();
    env.emu.clear_faults();
    env.inject(Fault {
        path: "/token".into(),
        drop: true,
        ..Default::default()
    });
    exits(env.cmd().args(["exchange", &code]), 5);
    assert_eq!(
        env.emu.hits("/token"),
        2,
        "a dropped exchange is not resent either"
    );
}

#[test]
fn e4_t3_an_untrusted_certificate_is_a_tls_error_with_a_hint_and_the_code_unspent() {
    let env = Env::tls();
    let code = env.code();
    let out = exits(env.cmd().args(["exchange", &code, "--json"]), 5);
    let err = json_error(&out);
    assert_eq!(err["code"], "tls_failed", "{err}");
    assert!(
        err["hint"].as_str().unwrap().contains("SSL_CERT_FILE"),
        "{err}"
    );
    assert!(
        err["hint"].as_str().unwrap().contains("HTTPS_PROXY"),
        "{err}"
    );
    assert!(env.code_is_unspent(&code));
    // Trusting the emulator's CA through SSL_CERT_FILE is all it takes.
    exits(
        env.cmd()
            .env("SSL_CERT_FILE", env.ca_file())
            .args(["exchange", &code]),
        0,
    );
    exits(
        env.cmd().env("SSL_CERT_FILE", env.ca_file()).arg("refresh"),
        0,
    );
}

#[test]
fn t6_https_goes_through_https_proxy_unless_no_proxy_says_otherwise() {
    let env = Env::tls();
    let proxy = crate::support::ConnectProxy::start();
    let port = env.emu.base_url().rsplit(':').next().unwrap().to_string();
    let via_proxy = |cmd: &mut assert_cmd::Command| {
        cmd.env("SSL_CERT_FILE", env.ca_file())
            .env("HTTPS_PROXY", &proxy.url)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy");
    };
    // The issuer on 127.0.0.1: reached directly, whatever HTTPS_PROXY says.
    let mut cmd = env.cmd();
    via_proxy(&mut cmd);
    exits(cmd.args(["exchange", &env.code()]), 0);
    assert_eq!(
        proxy.count(),
        0,
        "a loopback destination never goes through the proxy"
    );

    // Drive by a name (a CI service name): through the proxy's tunnel.
    let drive = format!("https://emulator.test:{port}/drive/v3");
    let mut cmd = env.cmd();
    via_proxy(&mut cmd);
    exits(
        cmd.env("GSIGNIN_DRIVE_URL", &drive).arg("drive-appfolder"),
        0,
    );
    assert!(proxy.count() >= 1, "Drive went through the proxy");

    // NO_PROXY names it: no tunnel (and the name itself does not resolve here).
    let before = proxy.count();
    let mut cmd = env.cmd();
    via_proxy(&mut cmd);
    cmd.env("NO_PROXY", "emulator.test")
        .env("GSIGNIN_DRIVE_URL", &drive)
        .arg("drive-appfolder");
    exits(&mut cmd, 5);
    assert_eq!(proxy.count(), before, "NO_PROXY bypasses it");
}

/// Every proxy variable a user may have set, pointed at `proxy`.
fn through(cmd: &mut assert_cmd::Command, proxy: &crate::support::RecordingProxy) {
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env(var, &proxy.url);
    }
}

#[test]
fn t5_a_loopback_destination_is_reached_directly_never_through_a_proxy() {
    let env = Env::new();
    let proxy = crate::support::RecordingProxy::start();
    let port = env.emu.base_url().rsplit(':').next().unwrap().to_string();
    let localhost_drive = format!("http://localhost:{port}/drive/v3");
    let runs: Vec<Vec<String>> = vec![
        vec!["exchange".into(), env.code()],
        vec!["refresh".into()],
        vec!["whoami".into()],
        vec!["drive-appfolder".into()],
        vec!["revoke".into()],
    ];
    for args in &runs {
        let mut cmd = env.cmd();
        through(&mut cmd, &proxy);
        // Drive by name (`localhost`), the issuer by IP (127.0.0.1).
        cmd.env("GSIGNIN_DRIVE_URL", &localhost_drive);
        exits(cmd.args(args), 0);
    }
    let (connections, seen) = proxy.seen();
    assert_eq!(connections, 0, "the proxy saw the code and tokens:\n{seen}");

    // Any other name follows the proxy variables (here: a CI service name), which is how the
    // proxy above would have seen a loopback request had one gone through it.
    let mut cmd = env.cmd();
    through(&mut cmd, &proxy);
    cmd.env("GSIGNIN_ISSUER", format!("http://emulator.ci:{port}"))
        .env("GSIGNIN_INSECURE_HTTP", "1");
    exits(cmd.args(["exchange", &env.code()]), 5);
    let (connections, seen) = proxy.seen();
    assert!(connections > 0 && seen.contains("emulator.ci"), "{seen}");
}

/// Every spelling of a loopback destination is reached directly, with or without
/// GSIGNIN_INSECURE_HTTP (`localhost.` once went through the proxy in clear with it, and was
/// refused as plain http elsewhere without it); names that may resolve elsewhere
/// (`localhost.localdomain`, `*.localhost`) are not loopback.
#[test]
fn t5_every_spelling_of_a_loopback_host_is_reached_directly_never_through_a_proxy() {
    let env = Env::signed_in();
    let proxy = crate::support::RecordingProxy::start();
    let port = env.emu.base_url().rsplit(':').next().unwrap().to_string();
    for host in [
        "localhost.",
        "LOCALHOST",
        "LocalHost.",
        "127.0.0.1.",
        "127.1",
        "[::ffff:127.0.0.1]",
    ] {
        for insecure in [false, true] {
            let mut cmd = env.cmd();
            through(&mut cmd, &proxy);
            if insecure {
                cmd.env("GSIGNIN_INSECURE_HTTP", "1");
            }
            cmd.env(
                "GSIGNIN_DRIVE_URL",
                format!("http://{host}:{port}/drive/v3"),
            );
            exits(cmd.arg("drive-appfolder"), 0);
            let (connections, seen) = proxy.seen();
            assert_eq!(
                connections, 0,
                "{host} (insecure: {insecure}) went through the proxy:\n{seen}"
            );
        }
    }
    // Another address of 127/8, where nothing listens: refused on this machine, not proxied.
    let mut cmd = env.cmd();
    through(&mut cmd, &proxy);
    cmd.env(
        "GSIGNIN_DRIVE_URL",
        format!("http://127.1.2.3:{port}/drive/v3"),
    );
    exits(cmd.arg("drive-appfolder"), 5);
    assert_eq!(proxy.seen().0, 0);
    // Not loopback (they may resolve elsewhere): plain http to them is refused, as to any host.
    for host in ["localhost.localdomain", "app.localhost"] {
        let mut cmd = env.cmd();
        through(&mut cmd, &proxy);
        cmd.env(
            "GSIGNIN_DRIVE_URL",
            format!("http://{host}:{port}/drive/v3"),
        );
        exits(cmd.arg("drive-appfolder"), 6);
        assert_eq!(proxy.seen().0, 0, "{host}: refused before any request");
    }
}

#[test]
fn r4_a_refresh_that_may_have_reached_an_issuer_that_rotates_is_never_resent() {
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    // A profile that never saw a rotation is retried as before (the issuer may never rotate).
    env.fail("/token", 503, Some(1));
    let before = env.emu.hits("/token");
    env.run(&["refresh"]).exits(0);
    assert_eq!(env.emu.hits("/token"), before + 2, "one retry");

    // It rotated: from now on a refresh that may have reached the issuer is not sent again.
    // The issuer acts on it and the answer is lost on the way back.
    lose_next_answer(&env, "/token");
    let before = env.emu.hits("/token");
    let ran = env.run(&["--json", "refresh"]).exits(5);
    assert_eq!(env.emu.hits("/token"), before + 1, "not resent");
    let message = ran.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("did not resend it"), "{message}");
    assert!(
        ran.json()["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("`gsignin refresh` once more"),
        "{}",
        ran.stdout
    );
    assert!(ran.slept.is_empty(), "no backoff, no second try");

    // A 5xx: the issuer may have acted too. Not resent; the next refresh goes through when
    // it had not. (The lost answer above cost the sign-in: a new one, with a refresh token.)
    let code = env.mint(gsignin_emulator::MintRequest {
        force_refresh_token: true,
        ..Default::default()
    });
    exits(env.cmd().args(["exchange", &code]), 0);
    env.run(&["refresh"]).exits(0);
    env.fail("/token", 503, Some(1));
    let before = env.emu.hits("/token");
    env.run(&["refresh"]).exits(5);
    assert_eq!(env.emu.hits("/token"), before + 1, "a 503 is not resent");
    env.run(&["refresh"]).exits(0);

    // A 429 is a refusal, not an act: retried.
    refuse_once_with_429(&env, "/token");
    let before = env.emu.hits("/token");
    env.run(&["refresh"]).exits(0);
    assert_eq!(env.emu.hits("/token"), before + 2);
}

#[test]
fn revoke_with_the_issuer_down_says_nothing_was_deleted_and_names_local() {
    let env = signed_in();
    env.fail("/revoke", 503, None);
    let ran = env.run(&["--json", "revoke"]).exits(5);
    let hint = ran.json()["error"]["hint"].as_str().unwrap().to_string();
    assert!(hint.contains("gsignin revoke --local"), "{hint}");
    assert!(hint.contains("nothing was deleted"), "{hint}");
    assert!(env.profile_file("default").exists());
}

#[test]
fn r4_what_an_issuers_refreshes_showed_outlives_a_new_sign_in_and_an_unknown_issuer_is_not_resent()
{
    // An issuer not known to keep its refresh tokens (not Google's): its first refresh is not
    // resent either.
    let env = Env::new();
    env.emu.set_iss(gsignin_emulator::Iss::Url);
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    env.fail("/token", 503, Some(1));
    let before = env.emu.hits("/token");
    env.run(&["refresh"]).exits(5);
    assert_eq!(
        env.emu.hits("/token"),
        before + 1,
        "an unknown issuer's refresh is not resent"
    );

    // Google's issuer that rotates: seen once, remembered across a new sign-in of the user.
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    env.run(&["refresh"]).exits(0);
    // The same user signs in again: no refresh token comes, the stored (rotated) one stays.
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    lose_next_answer(&env, "/token");
    let before = env.emu.hits("/token");
    env.run(&["refresh"]).exits(5);
    assert_eq!(
        env.emu.hits("/token"),
        before + 1,
        "not resent after a new sign-in"
    );
}

#[test]
fn r7_a_rotated_gsignin_refresh_token_is_rescued_not_lost() {
    let env = Env::new();
    env.emu.set_rotate_refresh_tokens(true);
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.secrets_file("default")).unwrap())
            .unwrap();
    let rt = stored["refresh_token"].as_str().unwrap().to_string();
    let out = exits(
        env.cmd()
            .env("GSIGNIN_REFRESH_TOKEN", &rt)
            .args(["refresh"]),
        0,
    );
    let err = stderr(&out);
    let (path, rescued) = env.rescued();
    assert!(err.contains(&path.display().to_string()), "{err}");
    let new = rescued["tokens"]["refresh_token"].as_str().unwrap();
    assert_ne!(new, rt, "the rotated token");
    assert!(
        !err.contains(new) && !crate::support::stdout(&out).contains(new),
        "never printed unasked"
    );
    // It works.
    exits(
        env.cmd()
            .env("GSIGNIN_REFRESH_TOKEN", new)
            .args(["refresh"]),
        0,
    );
}
