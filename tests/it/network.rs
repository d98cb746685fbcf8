//! Network faults against every endpoint gsignin calls: what is retried, what is not, how it
//! ends, and that the stored sign-in survives every failure.

use crate::support::{Env, exits, json_error, stderr};
use gsignin::emulator::state::Fault;

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
    let env = Env::new();
    exits(env.cmd().args(["exchange", &env.code()]), 0);
    let _ = std::fs::remove_dir_all(env.home().join("cache"));
    env
}

fn still_works(env: &Env, name: &str) {
    env.emu.state().faults.clear();
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
fn a_503_forever_is_exit_5_after_three_tries_and_nothing_is_lost() {
    for (name, path, args) in endpoints() {
        let env = signed_in();
        env.fail(path, 503, None);
        let before = env.emu.hits(path);
        let ran = env.run(&[&args[..], &["--json"]].concat()).exits(5);
        assert_eq!(ran.json()["error"]["code"], "server_error", "{name}");
        assert_eq!(env.emu.hits(path), before + 3, "{name}: three tries");
        // Exponential backoff, with the jitter at the middle of its ±10 %: 1 s, then 2 s.
        let waits: Vec<u128> = ran.slept.iter().map(|d| d.as_millis()).collect();
        assert_eq!(waits, [1000, 2000], "{name}: backoff");
        assert!(
            env.profile_file("default").exists(),
            "{name}: nothing deleted"
        );
        still_works(&env, name);
    }
}

#[test]
fn retry_after_is_honoured() {
    let env = signed_in();
    env.inject(Fault {
        path: "/token".into(),
        status: Some(429),
        retry_after: Some(1),
        count: Some(1),
        ..Default::default()
    });
    let out = exits(env.cmd().args(["-v", "refresh"]), 0);
    assert!(stderr(&out).contains("< 429"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("retrying in 1000 ms (try 2 of 3)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_hung_server_times_out_per_try_and_is_exit_5() {
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
        assert_eq!(env.emu.hits(path), before + 3, "{name}: three tries");
        still_works(&env, name);
    }
}

/// The same through the real binary and its real clock, once: `--timeout 1`, three tries.
#[test]
fn a_hung_token_endpoint_times_out_in_the_real_binary() {
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
fn connection_refused_is_exit_5_at_once() {
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
fn an_exchange_is_never_retried_after_it_may_have_arrived() {
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
    env.emu.state().faults.clear();
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
fn an_untrusted_certificate_is_a_tls_error_with_a_hint_and_the_code_unspent() {
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
fn https_goes_through_https_proxy_unless_no_proxy_says_otherwise() {
    let env = Env::tls();
    let proxy = crate::support::ConnectProxy::start();
    let via_proxy = |cmd: &mut assert_cmd::Command| {
        cmd.env("SSL_CERT_FILE", env.ca_file())
            .env("HTTPS_PROXY", &proxy.url)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy");
    };
    let mut cmd = env.cmd();
    via_proxy(&mut cmd);
    exits(cmd.args(["exchange", &env.code()]), 0);
    assert!(proxy.count() >= 1, "the exchange went through the proxy");

    let before = proxy.count();
    let mut cmd = env.cmd();
    via_proxy(&mut cmd);
    exits(cmd.env("NO_PROXY", "127.0.0.1").arg("refresh"), 0);
    assert_eq!(proxy.count(), before, "NO_PROXY bypasses it");
}
