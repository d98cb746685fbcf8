//! `gsignin receive`, with the test as the app: it posts serverAuthCodes the ways apps do, and
//! the ways they must not.

use crate::support::Env;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::time::Duration;

/// A running `gsignin receive`, its first stdout line read.
struct Receiver {
    child: Child,
    url: String,
    /// The stdout lines after the URL (banner), as read so far.
    banner: Vec<String>,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Receiver {
    fn start(env: &Env, args: &[&str]) -> Receiver {
        Self::start_with(env, args, &[])
    }

    fn start_with(env: &Env, args: &[&str], vars: &[(&str, String)]) -> Receiver {
        let mut child = env
            .process()
            .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
            .args(["receive", "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gsignin starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let json = args.contains(&"--json");
        // Under --json the first line is a JSON document (JSON Lines from the start).
        let url = if json {
            let doc: Value = serde_json::from_str(&first)
                .unwrap_or_else(|e| panic!("the first line is JSON ({e}): {first:?}"));
            doc["url"].as_str().unwrap().to_string()
        } else {
            first
        };
        assert!(url.starts_with("http"), "first line is the URL: {url:?}");
        let mut banner = Vec::new();
        // The lines printed before serving (fingerprint, pairing token, snippets) end at the
        // last snippet line, or right away under --json.
        if !json {
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let done = line.contains(".resume()");
                banner.push(line.trim_end().to_string());
                if done {
                    break;
                }
            }
        }
        Receiver {
            child,
            url: url.trim().to_string(),
            banner,
            stdout,
        }
    }

    fn line_starting(&self, prefix: &str) -> Option<String> {
        self.banner
            .iter()
            .find_map(|l| l.strip_prefix(prefix).map(str::to_string))
    }

    /// Waits for the exit: (exit code, rest of stdout, stderr).
    fn finish(mut self) -> (i32, String, String) {
        let mut out = String::new();
        self.stdout.read_to_string(&mut out).unwrap();
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = self.child.wait().unwrap();
        (status.code().unwrap_or(-1), out, err)
    }

    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut err = String::new();
        let _ = self.child.stderr.take().unwrap().read_to_string(&mut err);
        err
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn app() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn post_form(url: &str, code: &str) -> (u16, Value) {
    let resp = app()
        .post(url)
        .header("X-Requested-With", "XMLHttpRequest")
        .form(&[("code", code)])
        .send()
        .unwrap();
    (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
}

#[test]
fn v7_a_posted_code_is_exchanged_and_the_app_hears_who_signed_in_never_a_token() {
    let env = Env::new();
    let r = Receiver::start(&env, &[]);
    assert!(r.url.ends_with("/authcode"));
    assert!(
        r.banner.iter().any(|l| l.contains("http://10.0.2.2:")),
        "the Android emulator's URL: {:?}",
        r.banner
    );
    assert!(r.banner.iter().any(|l| l.contains("X-Requested-With")));
    let code = env.code();
    let (status, body) = post_form(&r.url, &code);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "alice@example.com");
    assert!(body["scopes"].as_array().unwrap().len() >= 3);
    let text = body.to_string();
    for secret in env.issued_secrets() {
        assert!(!text.contains(&secret), "a token reached the app");
    }
    let (exit, out, err) = r.finish();
    assert_eq!(exit, 0, "{err}");
    assert!(out.contains("Signed in as alice@example.com"), "{out}");
    assert!(
        err.contains("POST /authcode -> 200 signed in alice@example.com"),
        "{err}"
    );
    for secret in env.issued_secrets() {
        assert!(!out.contains(&secret) && !err.contains(&secret));
    }
    assert!(env.profile_file("default").exists());
}

#[test]
fn v4_v5_v7_without_x_requested_with_it_is_403_and_the_code_is_not_spent() {
    let env = Env::new();
    let r = Receiver::start(&env, &["--json"]);
    let code = env.code();
    let resp = app().post(&r.url).form(&[("code", &code)]).send().unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert!(env.code_is_unspent(&code));
    // A page that rebinds its own name to 127.0.0.1 is refused by its Host.
    let resp = app()
        .post(&r.url)
        .header("Host", "rebound.evil.example")
        .header("X-Requested-With", "x")
        .form(&[("code", &code)])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert!(env.code_is_unspent(&code));
    // Other methods and paths: 405 and 404, nothing spent.
    assert_eq!(app().get(&r.url).send().unwrap().status().as_u16(), 405);
    let other = r.url.replace("/authcode", "/other");
    assert_eq!(app().post(other).send().unwrap().status().as_u16(), 404);
    // A body over 64 KiB: 413.
    let big = "4/0A".to_string() + &"x".repeat(70 * 1024);
    let resp = app()
        .post(&r.url)
        .header("X-Requested-With", "x")
        .body(big)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    // The real post still works, and ends the run.
    let (status, _) = post_form(&r.url, &code);
    assert_eq!(status, 200);
    let (exit, out, err) = r.finish();
    assert_eq!(exit, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["email"],
        "alice@example.com"
    );
    assert!(
        err.contains("-> 403 no X-Requested-With (code not spent)"),
        "{err}"
    );
    assert!(err.contains("-> 413"), "{err}");
    assert!(!err.contains(&code), "the code is never logged");
}

#[test]
fn v8_keep_stores_every_user_under_their_email_and_serves_apps_posting_at_once() {
    let env = Env::new();
    let r = Receiver::start(&env, &["--keep", "--json"]);
    let url = r.url.clone();
    // Three apps, three body shapes, at once.
    let posts: Vec<_> = [
        ("ann@example.com", "form"),
        ("ben@example.com", "json"),
        ("cat+test@example.com", "plain"),
    ]
    .into_iter()
    .map(|(email, shape)| {
        let code = env.code_for(email);
        let url = url.clone();
        std::thread::spawn(move || {
            let req = app().post(&url).header("X-Requested-With", "x");
            let req = match shape {
                "form" => req.form(&[("serverAuthCode", code.as_str())]),
                "json" => req.json(&serde_json::json!({"authCode": code})),
                _ => req.body(code.clone()),
            };
            let resp = req.send().unwrap();
            (email, resp.status().as_u16(), resp.json::<Value>().unwrap())
        })
    })
    .collect();
    for p in posts {
        let (email, status, body) = p.join().unwrap();
        assert_eq!(status, 200, "{email}: {body}");
        assert_eq!(body["email"], email);
    }
    // A reused code: 400 with gsignin's explanation, and the run goes on.
    let code = env.code_for("dan@example.com");
    assert_eq!(post_form(&url, &code).0, 200);
    let (status, body) = post_form(&url, &code);
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_grant");
    assert!(body["error"]["hint"].is_string());
    // Ann again: only her own profile is replaced.
    assert_eq!(post_form(&url, &env.code_for("ann@example.com")).0, 200);
    let err = r.stop();
    for profile in [
        "ann@example.com",
        "ben@example.com",
        "cat_2btest@example.com",
        "dan@example.com",
    ] {
        assert!(env.profile_file(profile).exists(), "{profile}: {err}");
    }
    assert!(!env.profile_file("default").exists());
    assert!(
        !err.contains("now holds"),
        "no user replaced another: {err}"
    );
}

#[test]
fn v1_v2_a_network_bind_needs_tls_and_the_pairing_token() {
    let env = Env::new();
    // Without TLS: refused before anything listens.
    let out = env
        .cmd()
        .args(["receive", "--bind", "0.0.0.0", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs TLS"));

    // A certificate path that cannot be written (its folder is a file): said before anything
    // listens.
    let blocker = env.home().join("blocker");
    std::fs::write(&blocker, "a file, not a folder").unwrap();
    let out = env
        .cmd()
        .args(["receive", "--port", "0", "--tls", "--write-cert"])
        .arg(blocker.join("receive.pem"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the certificate"));

    let cert_path = env.home().join("receive.pem");
    let r = Receiver::start(
        &env,
        &[
            "--bind",
            "0.0.0.0",
            "--tls",
            "--write-cert",
            cert_path.to_str().unwrap(),
        ],
    );
    assert!(r.url.starts_with("https://"));
    let fingerprint = r
        .line_starting("certificate SHA-256: ")
        .expect("fingerprint printed");
    let token = r
        .line_starting("pairing token: ")
        .expect("pairing token printed");
    assert!(
        r.banner
            .iter()
            .any(|l| l.contains(&format!("Bearer {token}"))),
        "the snippets carry the token"
    );
    // The written certificate is the one fingerprinted.
    let pem = std::fs::read_to_string(&cert_path).unwrap();
    let der = pem_der(&pem);
    assert_eq!(sha256_hex(&der), fingerprint);

    // The app pins the printed fingerprint (no CA involved) and posts.
    let pinned = pinned_client(&fingerprint);
    let code = env.code();
    let post = |auth: Option<&str>| {
        let mut req = pinned
            .post(&r.url)
            .header("X-Requested-With", "x")
            .form(&[("code", code.as_str())]);
        if let Some(t) = auth {
            req = req.bearer_auth(t);
        }
        let resp = req.send().unwrap();
        (resp.status().as_u16(), resp.json::<Value>().unwrap())
    };
    let (status, body) = post(None);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("pairing_required"))
    );
    let (status, _) = post(Some("wrong-token"));
    assert_eq!(status, 401);
    assert!(env.code_is_unspent(&code));
    // A client that does not pin (or trust) the certificate cannot talk to it at all.
    assert!(app().post(&r.url).send().is_err());
    let (status, body) = post(Some(&token));
    assert_eq!(status, 200, "{body}");
    let (exit, _, err) = r.finish();
    assert_eq!(exit, 0, "{err}");
    assert!(!err.contains(&token), "the pairing token is not logged");
}

fn pem_der(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

fn sha256_hex(der: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// An HTTPS client that trusts exactly one certificate, by its SHA-256 fingerprint: what a
/// debug build does with the fingerprint `receive` prints.
fn pinned_client(fingerprint: &str) -> reqwest::blocking::Client {
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    #[derive(Debug)]
    struct Pin(String, std::sync::Arc<rustls::crypto::CryptoProvider>);
    impl ServerCertVerifier for Pin {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            if sha256_hex(end_entity) == self.0 {
                Ok(ServerCertVerified::assertion())
            } else {
                Err(rustls::Error::General("fingerprint mismatch".into()))
            }
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.1.signature_verification_algorithms,
            )
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.1.signature_verification_algorithms,
            )
        }
        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.1.signature_verification_algorithms.supported_schemes()
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(std::sync::Arc::new(Pin(
            fingerprint.to_string(),
            provider,
        )))
        .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(config)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

#[test]
fn v7_an_issuer_echoing_the_code_never_gets_it_to_the_app_or_the_terminal() {
    let env = Env::new();
    let mitm = crate::support::Mitm::start(&env, |seen, _| {
        if !seen.path.starts_with("/token") {
            return None;
        }
        let code = url::form_urlencoded::parse(seen.body.as_bytes())
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        Some(crate::support::Answer::json(
            400,
            serde_json::json!({"error": "invalid_grant", "error_description": format!("code {code} is not yours")}),
        ))
    });
    let r = Receiver::start_with(
        &env,
        &["--json"],
        &[
            ("GSIGNIN_ISSUER", mitm.url.clone()),
            (
                "GSIGNIN_CLIENT_SECRET",
                mitm.client_secret(&env).display().to_string(),
            ),
        ],
    );
    let code = env.code();
    let (status, body) = post_form(&r.url, &code);
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is not yours"),
        "{body}"
    );
    assert!(
        !body.to_string().contains(&code),
        "the app was sent its code back: {body}"
    );
    let (exit, out, err) = r.finish();
    assert_eq!(exit, 4, "{err}");
    assert!(!out.contains(&code) && !err.contains(&code), "{out}{err}");
}

#[test]
fn v10_x5_ctrl_c_during_an_exchange_lets_it_land_before_stopping() {
    let env = Env::new();
    env.delay_next("/token", 800);
    let r = Receiver::start(&env, &["--keep", "--json"]);
    // SIGINT while the token request is in flight.
    let app = post_while_the_code_is_at_the_issuer(&env, &r, "ivy@example.com");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &r.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (status, body) = app.join().unwrap();
    assert_eq!(status, 200, "the app got its answer: {body}");
    let (exit, out, err) = r.finish();
    assert_eq!(exit, 0, "{err}");
    assert!(
        err.contains("interrupted: stopping (1 code(s) received)"),
        "{err}"
    );
    assert!(out.contains("ivy@example.com"), "{out}");
    assert!(
        env.profile_file("ivy@example.com").exists(),
        "stored, not lost"
    );

    // Without --keep, Ctrl-C before any code is a failure, said as such.
    let r = Receiver::start(&env, &["--json"]);
    std::process::Command::new("kill")
        .args(["-INT", &r.child.id().to_string()])
        .status()
        .unwrap();
    let (exit, out, _) = r.finish();
    assert_eq!(exit, 1);
    assert!(out.contains("interrupted before a code arrived"), "{out}");
}

/// An app posting `email`'s code on a thread while the token endpoint is slow; returns once
/// the exchange has reached the emulator (the code is at the issuer), with the app's thread.
fn post_while_the_code_is_at_the_issuer(
    env: &Env,
    r: &Receiver,
    email: &str,
) -> std::thread::JoinHandle<(u16, Value)> {
    let url = r.url.clone();
    let code = env.code_for(email);
    let app = std::thread::spawn(move || post_form(&url, &code));
    for _ in 0..500 {
        if env.emu.hits("/token") > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        env.emu.hits("/token") > 0,
        "the exchange never reached the issuer"
    );
    app
}

/// The refresh token stored for `profile` (the file store).
fn stored_refresh_token(env: &Env, profile: &str) -> String {
    let text = std::fs::read_to_string(env.secrets_file(profile))
        .unwrap_or_else(|e| panic!("{profile}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    v["refresh_token"].as_str().unwrap().to_string()
}

#[test]
fn v9_keep_never_merges_two_users_whose_emails_differ() {
    let env = Env::new();
    let r = Receiver::start(&env, &["--keep", "--json"]);
    // Each pair once spelled the same profile name (`+` and `_`, any non-ASCII letter as `_`;
    // the Kelvin sign, posted first, lower-cased to `k` and took kim's).
    let emails = [
        "a+b@example.com",
        "a_b@example.com",
        "zoë@example.com",
        "zoé@example.com",
        "Mixed.Case@example.com",
        "\u{212A}im@example.com",
        "kim@example.com",
    ];
    for email in emails {
        let (status, body) = post_form(&r.url, &env.code_for(email));
        assert_eq!(status, 200, "{email}: {body}");
    }
    let err = r.stop();
    assert!(
        !err.contains("now holds"),
        "no user replaced another: {err}"
    );
    let profiles = [
        "a_2bb@example.com",
        "a_5fb@example.com",
        "zo_c3_ab@example.com",
        "zo_c3_a9@example.com",
        "mixed.case@example.com",
        "_e2_84_aaim@example.com",
        "kim@example.com",
    ];
    let mut tokens: Vec<String> = profiles
        .iter()
        .map(|p| stored_refresh_token(&env, p))
        .collect();
    tokens.sort();
    tokens.dedup();
    assert_eq!(
        tokens.len(),
        emails.len(),
        "each user keeps their own refresh token"
    );
}

#[test]
fn v9_keep_never_replaces_the_developers_own_sign_in_or_another_users() {
    let env = Env::new();
    // The developer's own sign-in, under the default profile and under a profile that looks
    // like an app user's email.
    crate::support::exits(
        env.cmd()
            .args(["exchange", &env.code_for("dev@example.com")]),
        0,
    );
    crate::support::exits(
        env.cmd().args([
            "--profile",
            "ola@example.com",
            "exchange",
            &env.code_for("dev@example.com"),
        ]),
        0,
    );
    let stored = |profile: &str| std::fs::read_to_string(env.secrets_file(profile)).unwrap();
    let developers = stored("default");
    let developers_other = stored("ola@example.com");
    // An unverified email, one too long for a profile name, and no email scope at all.
    let long = format!("{}@example.com", "l".repeat(60));
    for email in ["una@example.com", long.as_str()] {
        let mut user = gsignin_emulator::User::for_email(email, None, None);
        user.email_verified = email != "una@example.com";
        env.emu.add_user(user);
    }
    let no_email = env.mint(gsignin_emulator::MintRequest {
        email: Some("noemail@example.com".into()),
        scopes: Some(vec!["openid".into()]),
        ..Default::default()
    });
    let r = Receiver::start(&env, &["--keep", "--json"]);
    let mut subs = Vec::new();
    for code in [
        env.code_for("una@example.com"),
        env.code_for(&long),
        no_email,
        // A user whose email names the profile the developer filled by hand.
        env.code_for("ola@example.com"),
    ] {
        let (status, body) = post_form(&r.url, &code);
        assert_eq!(status, 200, "{body}");
        subs.push(body["sub"].as_str().unwrap().to_string());
    }
    let err = r.stop();
    for sub in &subs {
        assert!(
            env.profile_file(&format!("sub-{sub}")).exists(),
            "sub-{sub}: {err}"
        );
    }
    assert_eq!(stored("default"), developers, "{err}");
    assert_eq!(stored("ola@example.com"), developers_other, "{err}");
    assert!(!env.profile_file("una@example.com").exists());

    // --keep never writes the --profile profile, even when the user's email names it.
    let r = Receiver::start(&env, &["--keep", "--json", "--profile", "pat@example.com"]);
    let (status, body) = post_form(&r.url, &env.code_for("pat@example.com"));
    assert_eq!(status, 200, "{body}");
    let err = r.stop();
    assert!(!env.profile_file("pat@example.com").exists(), "{err}");
    assert!(
        env.profile_file(&format!("sub-{}", body["sub"].as_str().unwrap()))
            .exists()
    );
}

#[test]
fn v11_ctrl_c_right_after_the_url_is_printed_is_handled_not_fatal() {
    let env = Env::new();
    // The handler is in place before the URL is printed: no sleep between the two.
    for _ in 0..5 {
        let r = Receiver::start(&env, &["--json"]);
        let killed = std::process::Command::new("kill")
            .args(["-INT", &r.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let (exit, out, err) = r.finish();
        assert_eq!(exit, 1, "ended by its own handler, not the signal: {err}");
        assert!(out.contains("interrupted before a code arrived"), "{out}");
    }
}

#[test]
fn v10_a_kill_during_an_exchange_answers_the_app_and_stores_before_ending() {
    use std::os::unix::process::ExitStatusExt;
    let env = Env::new();
    env.delay_next("/token", 800);
    let mut r = Receiver::start(&env, &["--keep", "--json"]);
    let app = post_while_the_code_is_at_the_issuer(&env, &r, "kim@example.com");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &r.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (status, body) = app.join().unwrap();
    assert_eq!(status, 200, "the app got its answer: {body}");
    let mut out = String::new();
    r.stdout.read_to_string(&mut out).unwrap();
    let ended = r.child.wait().unwrap();
    assert_eq!(ended.signal(), Some(libc::SIGTERM), "{ended:?}");
    assert!(
        out.contains("kim@example.com"),
        "the sign-in was reported: {out}"
    );
    assert!(
        env.profile_file("kim@example.com").exists(),
        "stored, not lost"
    );
}

#[test]
fn v12_the_default_endpoint_is_held_on_ipv6_too_so_no_other_user_can_take_the_codes() {
    let env = Env::new();
    // Another local user got to [::1]:PORT first (apps told `localhost` may try it first).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let squatter = std::net::TcpListener::bind(("::1", port))
        .expect("this machine has an IPv6 loopback (::1): the test needs one");
    let out = crate::support::exits(
        env.cmd()
            .args(["--json", "receive", "--port", &port.to_string()]),
        6,
    );
    assert!(
        crate::support::stderr(&out).contains("::1 port"),
        "{}",
        crate::support::stderr(&out)
    );
    drop(squatter);

    // With both free, an app reaching it over [::1] is served.
    let r = Receiver::start(&env, &["--json"]);
    let port = r
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let (status, body) = post_form(&format!("http://[::1]:{port}/authcode"), &env.code());
    assert_eq!(status, 200, "{body}");
    let (exit, _, err) = r.finish();
    assert_eq!(exit, 0, "{err}");
}

#[test]
fn json_is_json_lines_from_the_first_line() {
    let env = Env::new();
    let mut child = env
        .process()
        .args(["receive", "--port", "0", "--keep", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let first: Value = serde_json::from_str(&line).unwrap();
    let url = first["url"].as_str().unwrap().to_string();
    assert_eq!(first["keep"], true);
    assert!(
        first["urls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["url"].as_str().unwrap().contains("10.0.2.2")),
        "{first}"
    );
    assert_eq!(first["pairing_token"], Value::Null);
    let (status, _) = post_form(&url, &env.code());
    assert_eq!(status, 200);
    line.clear();
    stdout.read_line(&mut line).unwrap();
    let signed_in: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(signed_in["email"], "alice@example.com");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn r12_require_scope_ends_receive_with_exit_4_and_the_sign_in_stored() {
    let env = Env::new();
    let r = Receiver::start(
        &env,
        &[
            "--require-scope",
            "https://www.googleapis.com/auth/gmail.readonly",
        ],
    );
    let (status, _) = post_form(&r.url, &env.code());
    assert_eq!(status, 200, "the app signed in; the grant is what lacks");
    let (exit, _, err) = r.finish();
    assert_eq!(exit, 4, "{err}");
    assert!(err.contains("gmail.readonly (--require-scope)"), "{err}");
    assert!(env.profile_file("default").exists());
}
