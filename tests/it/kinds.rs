//! `whoami` on every kind of Google-signed token (SECURITY.md, K1–K6): named by its `iss`,
//! judged with its kind's keys, algorithm and checks. Tokens here are signed by gsignin-verify's
//! `signing` keys; `made_by_independent_signers` signs them with PyJWT and cryptography.
//! Every run has a recording proxy in its environment: a key fetch the test does not expect
//! shows there, and nothing leaves the machine.

use crate::support::{RecordingProxy, bare_cmd, stderr, stdout};
use gsignin_verify::signing::{Es256SigningKey, SigningKey};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const NOW: i64 = 1_796_000_000;
const AT: &str = "2026-11-30T00:53:20Z";
const PROJECT: &str = "demo-app";
const ACCOUNT: &str = "ci-bot@demo-app.iam.gserviceaccount.com";
const IAP_AUD: &str = "/projects/123456789/global/backendServices/987654321";

/// Two keys as Google publishes them (an RSA one, IAP's P-256 one) and a JWKS of both.
struct Signers {
    rsa: SigningKey,
    ec: Es256SigningKey,
    dir: tempfile::TempDir,
    proxy: RecordingProxy,
}

impl Signers {
    fn new() -> Signers {
        let signers = Signers {
            rsa: SigningKey::generate(),
            ec: Es256SigningKey::generate(),
            dir: tempfile::tempdir().unwrap(),
            proxy: RecordingProxy::start(),
        };
        let jwks = json!({"keys": [signers.rsa.jwk(), signers.ec.jwk()]});
        std::fs::write(signers.jwks(), jwks.to_string()).unwrap();
        signers
    }

    fn jwks(&self) -> PathBuf {
        self.dir.path().join("jwks.json")
    }

    /// `gsignin whoami` at [`NOW`], with only the recording proxy to reach anything through.
    fn whoami(&self, args: &[&str], stdin: Option<String>) -> std::process::Output {
        let mut cmd = bare_cmd();
        cmd.arg("--home")
            .arg(self.dir.path().join("home"))
            .args(["whoami", "--now", AT])
            .args(args)
            .env("HTTPS_PROXY", &self.proxy.url)
            .env("HTTP_PROXY", &self.proxy.url)
            .write_stdin(stdin.unwrap_or_default());
        cmd.output().unwrap()
    }

    fn judge(&self, token: &str, args: &[&str]) -> (i32, Value) {
        let jwks = self.jwks();
        let mut all = vec![token, "--json", "--jwks", jwks.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = self.whoami(&all, None);
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
        (out.status.code().unwrap(), json)
    }
}

fn firebase(issuer: &str) -> Value {
    json!({
        "iss": format!("https://{issuer}/{PROJECT}"), "aud": PROJECT, "sub": "uid-42",
        "user_id": "uid-42", "auth_time": NOW - 120, "iat": NOW - 60, "exp": NOW + 3540,
        "email": "bob@example.com", "email_verified": true,
        "firebase": {"sign_in_provider": "google.com", "identities": {}},
    })
}

fn iap() -> Value {
    json!({
        "iss": "https://cloud.google.com/iap", "aud": IAP_AUD,
        "sub": "accounts.google.com:1100", "email": "carol@example.com", "hd": "example.com",
        "iat": NOW - 30, "exp": NOW + 570,
    })
}

fn account_jwt() -> Value {
    json!({"iss": ACCOUNT, "sub": ACCOUNT, "aud": "https://pubsub.googleapis.com/",
        "iat": NOW - 60, "exp": NOW + 3540})
}

fn with(mut claims: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

/// An unsigned token, as the Firebase Auth emulator makes them.
fn unsigned(claims: &Value) -> String {
    use base64::Engine;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(claims)
    )
}

fn failed(answer: &Value) -> Vec<String> {
    let mut names: Vec<String> = answer["checks"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, c)| c["status"] == "fail")
        .map(|(n, _)| n.clone())
        .collect();
    names.sort();
    names
}

#[test]
fn k1_k3_k4_each_kind_is_named_and_judged_by_its_own_rules() {
    let s = Signers::new();
    let valid = [
        (
            s.rsa.sign(&firebase("securetoken.google.com")),
            "firebase_id_token",
            PROJECT,
        ),
        (
            s.rsa.sign(&firebase("session.firebase.google.com")),
            "firebase_session_cookie",
            PROJECT,
        ),
        (s.ec.sign(&iap()), "iap_jwt", IAP_AUD),
        (
            s.rsa.sign(&account_jwt()),
            "service_account_jwt",
            "https://pubsub.googleapis.com/",
        ),
    ];
    for (token, kind, audience) in &valid {
        let (code, answer) = s.judge(token, &["--audience", audience]);
        assert_eq!((code, &answer["kind"]), (0, &json!(kind)), "{answer:#}");
        assert_eq!(answer["valid"], true, "{answer:#}");
        // Without --audience: still judged, the audience said to be unchecked.
        let (code, answer) = s.judge(token, &[]);
        assert_eq!(code, 0, "{answer:#}");
        assert_eq!(answer["checks"]["aud"]["status"], "skipped", "{kind}");
    }
    // The headline names the kind and whom it speaks for.
    let jwks = s.jwks();
    let jwks = jwks.to_str().unwrap();
    for (token, headline) in [
        (
            &valid[0].0,
            "VALID Firebase ID token for bob@example.com (uid uid-42) of project demo-app, signed in with google.com\n",
        ),
        (
            &valid[1].0,
            "VALID Firebase session cookie for bob@example.com (uid uid-42) of project demo-app, signed in with google.com\n",
        ),
        (
            &valid[2].0,
            "VALID IAP assertion for carol@example.com (accounts.google.com:1100)\n",
        ),
        (
            &valid[3].0,
            "VALID service account JWT for service account ci-bot@demo-app.iam.gserviceaccount.com, made for https://pubsub.googleapis.com/\n",
        ),
    ] {
        let audience = valid.iter().find(|v| &v.0 == token).unwrap().2;
        let out = s.whoami(&[token, "--jwks", jwks, "--audience", audience], None);
        assert!(stdout(&out).starts_with(headline), "{}", stdout(&out));
    }
    let acting = s
        .rsa
        .sign(&with(account_jwt(), json!({"sub": "dave@example.com"})));
    // The user it says it acts for is reported, not checked: no token can show delegation.
    let (code, answer) = s.judge(&acting, &[]);
    assert_eq!(
        (code, &answer["checks"]["sub"]["status"]),
        (0, &json!("skipped"))
    );
    let out = s.whoami(&[&acting, "--jwks", jwks], None);
    assert!(
        stdout(&out).contains(
            "service account ci-bot@demo-app.iam.gserviceaccount.com acting for dave@example.com"
        ),
        "{}",
        stdout(&out)
    );

    // K1: the Firebase Auth emulator's tokens are named, shown, and never valid.
    let (code, answer) = s.judge(&unsigned(&firebase("securetoken.google.com")), &[]);
    assert_eq!(
        (code, &answer["kind"]),
        (3, &json!("firebase_emulator_token"))
    );
    assert_eq!(answer["claims"]["sub"], "uid-42");
    let signature = answer["checks"]["signature"]["detail"].as_str().unwrap();
    assert!(signature.contains("Firebase Auth emulator"), "{signature}");

    // K4: each kind's own rules, each failure by its name.
    let firebase_id = || firebase("securetoken.google.com");
    for (token, args, kind, checks) in [
        (
            s.rsa
                .sign(&with(firebase_id(), json!({"aud": "other-app"}))),
            vec![],
            "firebase_id_token",
            vec!["aud"],
        ),
        (
            s.rsa.sign(&firebase_id()),
            vec!["--audience", "other-app"],
            "firebase_id_token",
            vec!["aud"],
        ),
        (
            s.rsa
                .sign(&with(firebase_id(), json!({"auth_time": NOW + 3600}))),
            vec![],
            "firebase_id_token",
            vec!["auth_time"],
        ),
        (
            s.rsa
                .sign(&with(firebase_id(), json!({"sub": "u".repeat(129)}))),
            vec![],
            "firebase_id_token",
            vec!["sub"],
        ),
        (
            s.rsa.sign(&with(firebase_id(), json!({"sub": ""}))),
            vec![],
            "firebase_id_token",
            vec!["sub"],
        ),
        (
            s.rsa.sign(&with(
                firebase_id(),
                json!({"iat": NOW - 7200, "exp": NOW - 3600}),
            )),
            vec![],
            "firebase_id_token",
            vec!["exp"],
        ),
        (
            s.ec.sign(&with(iap(), json!({"exp": NOW + 3570}))),
            vec![],
            "iap_jwt",
            vec!["lifetime"],
        ),
        (
            s.ec.sign(&with(iap(), json!({"aud": "/projects/1/apps/other"}))),
            vec!["--audience", IAP_AUD],
            "iap_jwt",
            vec!["aud"],
        ),
        (
            s.ec.sign(&with(iap(), json!({"aud": "https://evil.example"}))),
            vec![],
            "iap_jwt",
            vec!["aud"],
        ),
        // `exp` before `iat`, within the skew.
        (
            s.ec.sign(&with(iap(), json!({"iat": NOW - 10, "exp": NOW - 20}))),
            vec![],
            "iap_jwt",
            vec!["lifetime"],
        ),
        // A kind with keys of its own names its key: no key set is searched for one.
        (
            s.rsa
                .sign_with_header(&json!({"alg": "RS256"}), &firebase_id()),
            vec![],
            "firebase_id_token",
            vec!["signature"],
        ),
        // IAP's skew is 30 s, not 60: 45 s past exp is expired.
        (
            s.ec.sign(&with(iap(), json!({"iat": NOW - 645, "exp": NOW - 45}))),
            vec![],
            "iap_jwt",
            vec!["exp"],
        ),
        (
            s.rsa.sign(&with(account_jwt(), json!({"exp": NOW + 7140}))),
            vec![],
            "service_account_jwt",
            vec!["lifetime"],
        ),
        (
            s.rsa.sign(&account_jwt()),
            vec!["--audience", "https://other.googleapis.com/"],
            "service_account_jwt",
            vec!["aud"],
        ),
    ] {
        let (code, answer) = s.judge(&token, &args);
        assert_eq!((code, &answer["kind"]), (3, &json!(kind)), "{answer:#}");
        assert_eq!(failed(&answer), checks, "{answer:#}");
    }
}

/// K3: the algorithm is the kind's. ES256 only for IAP, RS256 for the rest; `none` and HS256
/// keyed with the public key never.
#[test]
fn k3_an_algorithm_other_than_the_kinds_fails() {
    use base64::Engine;
    let s = Signers::new();
    let hs256 = |claims: &Value, key: &[u8]| {
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let input = format!(
            "{}.{}",
            b64(json!({"alg": "HS256", "kid": s.rsa.kid})
                .to_string()
                .as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let mac = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key),
            input.as_bytes(),
        );
        format!("{input}.{}", b64(mac.as_ref()))
    };
    let public = s.ec.public_pem();
    for (token, kind) in [
        (s.rsa.sign(&iap()), "iap_jwt"),
        (unsigned(&iap()), "iap_jwt"),
        (hs256(&iap(), public.as_bytes()), "iap_jwt"),
        (s.ec.sign(&firebase("securetoken.google.com")), "firebase_id_token"),
        (hs256(&firebase("securetoken.google.com"), public.as_bytes()), "firebase_id_token"),
        (s.ec.sign(&account_jwt()), "service_account_jwt"),
        (s.ec.sign(&json!({"iss": "https://accounts.google.com", "aud": "a", "sub": "1", "iat": NOW, "exp": NOW + 60})), "google_id_token"),
    ] {
        let (code, answer) = s.judge(&token, &["--audience", "a"]);
        assert_eq!((code, &answer["kind"]), (3, &json!(kind)), "{answer:#}");
        assert_eq!(answer["checks"]["alg"]["status"], "fail", "{answer:#}");
        assert_eq!(answer["checks"]["signature"]["status"], "fail", "{answer:#}");
    }
}

/// K3: a header naming its own key or key source is never followed: the server it names
/// hears nothing, and a key it carries verifies nothing.
#[test]
fn k3_no_header_names_the_keys() {
    let s = Signers::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/keys", listener.local_addr().unwrap());
    let mallory = SigningKey::generate();
    for header_key in ["jku", "x5u"] {
        let header = json!({"alg": "RS256", "kid": mallory.kid, header_key: url});
        let token = mallory.sign_with_header(&header, &firebase("securetoken.google.com"));
        let (code, answer) = s.judge(&token, &[]);
        assert_eq!(code, 3, "{answer:#}");
        assert_eq!(answer["checks"]["signature"]["status"], "fail");
    }
    // The attacker's own key inside the token.
    let header = json!({"alg": "RS256", "kid": mallory.kid, "jwk": mallory.jwk()});
    let token = mallory.sign_with_header(&header, &account_jwt());
    assert_eq!(s.judge(&token, &[]).0, 3);
    assert!(
        listener.accept().is_err(),
        "a key URL named by the token was fetched"
    );
    assert_eq!(s.proxy.seen().0, 0, "nothing was fetched at all");
}

/// K2: look-alike issuers are no kind of Google's: judged as any other issuer's token (and
/// rejected, naming its `iss`), never with a Google kind's keys or rules.
#[test]
fn k2_look_alike_issuers_are_judged_as_other_issuers_tokens() {
    let s = Signers::new();
    for iss in [
        "https://securetoken.google.com.evil/demo-app",
        "https://securetoken.google.com./demo-app",
        "https://SecureToken.google.com/demo-app",
        "https://cloud.google.com/iap/",
        "ci-bot@demo-app.iam.gserviceaccount.com.evil",
    ] {
        let token = s.rsa.sign(&with(firebase("x"), json!({"iss": iss})));
        let (code, answer) = s.judge(&token, &["--audience", PROJECT]);
        assert_eq!((code, &answer["kind"]), (3, &json!("id_token")), "{iss}");
        assert_eq!(failed(&answer), ["iss"], "{iss}: {answer:#}");
    }
}

/// K5: a batch fetches each kind's keys once, when its first token arrives, from the kind's
/// own source (here they cannot be reached: every token of those kinds is shown UNVERIFIED,
/// exit 5).
#[test]
fn k5_a_batch_fetches_each_kinds_keys_once_when_its_first_token_arrives() {
    let s = Signers::new();
    let mut lines = Vec::new();
    for i in 0..6 {
        lines.push(s.rsa.sign(&with(
            firebase("securetoken.google.com"),
            json!({"sub": format!("u{i}")}),
        )));
        lines.push(s.ec.sign(&iap()));
    }
    lines.push(s.rsa.sign(&account_jwt()));
    lines.push(s.rsa.sign(&account_jwt()));
    let out = s.whoami(&["-", "--json"], Some(lines.join("\n")));
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let answers: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), lines.len());
    for answer in &answers {
        assert_eq!(answer["valid"], false);
        assert_eq!(
            answer["checks"]["signature"]["status"], "skipped",
            "{answer:#}"
        );
    }
    // A token of such a kind naming no key is rejected all the same (exit 3, not 5).
    let header = json!({"alg": "RS256"});
    let kidless = s
        .rsa
        .sign_with_header(&header, &firebase("securetoken.google.com"));
    let out = s.whoami(&[&kidless, "--json"], None);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let kinds: Vec<&str> = answers
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        &kinds[..3],
        ["firebase_id_token", "iap_jwt", "firebase_id_token"]
    );
    // Three sources (the kinds'; the issuer's keys are needed by no token here), each tried
    // as one fetch is (three tries at most), not once per token.
    let (connections, seen) = s.proxy.seen();
    assert!(
        (3..=9).contains(&connections),
        "{connections} connections: {seen}"
    );
    assert!(seen.contains("CONNECT www.googleapis.com:443"), "{seen}");
    assert!(seen.contains("CONNECT www.gstatic.com:443"), "{seen}");
}

/// A token of tests/kinds/sign.py, the keys it is judged with, the audience, and the exit
/// code, kind and failed checks it must get.
type Case<'a> = (&'a str, &'a str, &'a str, i32, &'a str, &'a [&'a str]);

/// The same kinds, made by PyJWT and cryptography (tests/kinds/sign.py), one by one and as one
/// batch holding every kind.
#[test]
#[ignore = "needs PyJWT and cryptography (python3 -m venv tests/kinds/.venv; tests/kinds/.venv/bin/pip install -r tests/kinds/requirements.txt); bash .ci/run installs them and runs the ignored tests"]
fn k3_k4_k6_tokens_made_by_independent_signers_are_named_and_judged_by_their_kind() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kinds");
    let python = root.join(".venv/bin/python");
    if !python.exists() {
        crate::support::missing_tool(
            "PyJWT and cryptography: python3 -m venv tests/kinds/.venv && \
             tests/kinds/.venv/bin/pip install -r tests/kinds/requirements.txt",
        );
    }
    let s = Signers::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let jku = format!("http://{}/keys", listener.local_addr().unwrap());
    let out_dir = s.dir.path().join("made");
    let made = std::process::Command::new(&python)
        .arg(root.join("sign.py"))
        .arg(&out_dir)
        .arg(NOW.to_string())
        .arg(&jku)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let tokens: serde_json::Map<String, Value> =
        serde_json::from_slice(&std::fs::read(out_dir.join("tokens.json")).unwrap()).unwrap();
    let file = |name: &str| out_dir.join(name).display().to_string();
    let cases: &[Case] = &[
        (
            "google_id_token",
            "rsa-jwks.json",
            "123-web.apps.googleusercontent.com",
            0,
            "google_id_token",
            &[],
        ),
        (
            "service_account_id_token",
            "rsa-certs.json",
            "https://backend-abc123-uc.a.run.app",
            0,
            "google_id_token",
            &[],
        ),
        (
            "firebase_id_token",
            "rsa-certs.json",
            PROJECT,
            0,
            "firebase_id_token",
            &[],
        ),
        (
            "firebase_session_cookie",
            "rsa-certs.json",
            PROJECT,
            0,
            "firebase_session_cookie",
            &[],
        ),
        (
            "firebase_emulator_token",
            "rsa-certs.json",
            PROJECT,
            3,
            "firebase_emulator_token",
            &["alg", "signature"],
        ),
        ("iap_jwt", "ec-jwks.json", IAP_AUD, 0, "iap_jwt", &[]),
        ("iap_jwt", "ec-pem.json", IAP_AUD, 0, "iap_jwt", &[]),
        (
            "service_account_jwt",
            "rsa-certs.json",
            "https://pubsub.googleapis.com/",
            0,
            "service_account_jwt",
            &[],
        ),
        (
            "service_account_jwt_for_user",
            "rsa-certs.json",
            "https://pubsub.googleapis.com/",
            0,
            "service_account_jwt",
            &[],
        ),
        (
            "firebase_wrong_audience",
            "rsa-certs.json",
            PROJECT,
            3,
            "firebase_id_token",
            &["aud"],
        ),
        (
            "firebase_expired",
            "rsa-certs.json",
            PROJECT,
            3,
            "firebase_id_token",
            &["exp"],
        ),
        (
            "firebase_auth_time_in_future",
            "rsa-certs.json",
            PROJECT,
            3,
            "firebase_id_token",
            &["auth_time"],
        ),
        (
            "firebase_long_sub",
            "rsa-certs.json",
            PROJECT,
            3,
            "firebase_id_token",
            &["sub"],
        ),
        (
            "firebase_empty_sub",
            "rsa-certs.json",
            PROJECT,
            3,
            "firebase_id_token",
            &["sub"],
        ),
        (
            "firebase_hs256_public_key",
            "rsa-certs.json",
            PROJECT,
            3,
            "firebase_id_token",
            &["alg", "signature"],
        ),
        (
            "firebase_none_signed_iss",
            "rsa-certs.json",
            PROJECT,
            3,
            "google_id_token",
            &["alg", "signature"],
        ),
        (
            "firebase_jku",
            "rsa-certs.json",
            PROJECT,
            0,
            "firebase_id_token",
            &[],
        ),
        (
            "firebase_es256",
            "all-jwks.json",
            PROJECT,
            3,
            "firebase_id_token",
            &["alg", "signature"],
        ),
        (
            "iap_wrong_audience",
            "ec-jwks.json",
            IAP_AUD,
            3,
            "iap_jwt",
            &["aud"],
        ),
        (
            "iap_expired",
            "ec-jwks.json",
            IAP_AUD,
            3,
            "iap_jwt",
            &["exp"],
        ),
        (
            "iap_rs256",
            "all-jwks.json",
            IAP_AUD,
            3,
            "iap_jwt",
            &["alg", "signature"],
        ),
        (
            "iap_hs256_public_key",
            "all-jwks.json",
            IAP_AUD,
            3,
            "iap_jwt",
            &["alg", "signature"],
        ),
        (
            "iap_none",
            "ec-jwks.json",
            IAP_AUD,
            3,
            "iap_jwt",
            &["alg", "signature"],
        ),
        ("iap_jku", "ec-jwks.json", IAP_AUD, 0, "iap_jwt", &[]),
        (
            "iap_too_long_lived",
            "ec-jwks.json",
            IAP_AUD,
            3,
            "iap_jwt",
            &["lifetime"],
        ),
        (
            "service_account_jwt_expired",
            "rsa-certs.json",
            "https://pubsub.googleapis.com/",
            3,
            "service_account_jwt",
            &["exp"],
        ),
        (
            "service_account_jwt_too_long_lived",
            "rsa-certs.json",
            "https://pubsub.googleapis.com/",
            3,
            "service_account_jwt",
            &["lifetime"],
        ),
        (
            "service_account_jwt_es256",
            "all-jwks.json",
            "https://pubsub.googleapis.com/",
            3,
            "service_account_jwt",
            &["alg", "signature"],
        ),
        (
            "service_account_jwt_x5u",
            "rsa-certs.json",
            "https://pubsub.googleapis.com/",
            0,
            "service_account_jwt",
            &[],
        ),
        (
            "google_id_token_es256",
            "all-jwks.json",
            "123-web.apps.googleusercontent.com",
            3,
            "google_id_token",
            &["alg", "signature"],
        ),
        (
            "google_id_token_jwk_header",
            "rsa-jwks.json",
            "123-web.apps.googleusercontent.com",
            0,
            "google_id_token",
            &[],
        ),
    ];
    for (name, keys, audience, code, kind, checks) in cases {
        let token = tokens[*name].as_str().unwrap();
        let out = s.whoami(
            &[
                token,
                "--json",
                "--jwks",
                &file(keys),
                "--audience",
                audience,
            ],
            None,
        );
        let answer: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", stderr(&out)));
        assert_eq!(out.status.code(), Some(*code), "{name}: {answer:#}");
        assert_eq!(answer["kind"], *kind, "{name}");
        assert_eq!(failed(&answer), *checks, "{name}: {answer:#}");
    }
    // One batch holding every kind, judged with one key set: each line by its own kind.
    let names = [
        "google_id_token",
        "firebase_id_token",
        "firebase_session_cookie",
        "firebase_emulator_token",
        "iap_jwt",
        "service_account_jwt",
    ];
    let input: Vec<&str> = names.iter().map(|n| tokens[*n].as_str().unwrap()).collect();
    let out = s.whoami(
        &["-", "--json", "--jwks", &file("all-jwks.json")],
        Some(input.join("\n")),
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let answers: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = answers
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "google_id_token",
            "firebase_id_token",
            "firebase_session_cookie",
            "firebase_emulator_token",
            "iap_jwt",
            "service_account_jwt"
        ]
    );
    let valid: Vec<bool> = answers.iter().map(|a| a["valid"] == true).collect();
    // Only the emulator's unsigned token fails (no audience given: each is reported skipped).
    assert_eq!(
        valid,
        [true, true, true, false, true, true],
        "{}",
        stdout(&out)
    );
    assert!(
        listener.accept().is_err(),
        "a jku or x5u header was followed"
    );
    assert_eq!(s.proxy.seen().0, 0, "--jwks: nothing is fetched");
}

/// Google's key URLs, served on 127.0.0.1 over TLS (a throw-away CA, trusted through
/// SSL_CERT_FILE), reached through an HTTPS proxy that tunnels every host to it: each path
/// answers its documents in turn (the last one from then on), with an hour's Cache-Control,
/// and every request's path is logged.
struct GoogleKeys {
    proxy: String,
    ca: PathBuf,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl GoogleKeys {
    fn start(routes: Vec<(&str, Vec<Value>)>) -> GoogleKeys {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::{Arc, Mutex};
        let names = [
            "www.googleapis.com".to_string(),
            "www.gstatic.com".to_string(),
        ];
        let tls = gsignin_emulator::server::tls::generate_for(&names, &[]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, &tls.ca_pem).unwrap();
        let routes: Arc<Mutex<std::collections::HashMap<String, Vec<Value>>>> =
            Arc::new(Mutex::new(
                routes
                    .into_iter()
                    .map(|(p, d)| (p.to_string(), d))
                    .collect(),
            ));
        let log = Arc::new(Mutex::new(Vec::new()));
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server_at = server.local_addr().unwrap();
        let (config, served, logged) = (tls.config.clone(), routes.clone(), log.clone());
        std::thread::spawn(move || {
            for tcp in server.incoming().flatten() {
                let conn = rustls::ServerConnection::new(config.clone()).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let mut request = String::new();
                let mut reader = BufReader::new(&mut tls);
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
                logged.lock().unwrap().push(path.clone());
                let body = {
                    let mut routes = served.lock().unwrap();
                    match routes.get_mut(&path) {
                        Some(docs) if docs.len() > 1 => Some(docs.remove(0)),
                        Some(docs) => docs.first().cloned(),
                        None => None,
                    }
                };
                let answer = match body {
                    Some(doc) => {
                        let doc = doc.to_string();
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncache-control: public, max-age=3600\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{doc}",
                            doc.len()
                        )
                    }
                    None => {
                        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                            .into()
                    }
                };
                let _ = tls.write_all(answer.as_bytes());
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        });
        // The proxy: every CONNECT, whatever host it names, is tunnelled to the server above.
        let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
        std::thread::spawn(move || {
            for client in proxy.incoming().flatten() {
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(client.try_clone().unwrap());
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    let Ok(upstream) = std::net::TcpStream::connect(server_at) else {
                        return;
                    };
                    let _ = (&client).write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n");
                    let (mut down, mut up) =
                        (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut up, &mut down);
                    });
                    let mut from_client = reader.into_inner();
                    let mut to_server = upstream;
                    let _ = std::io::copy(&mut from_client, &mut to_server);
                });
            }
        });
        GoogleKeys {
            proxy: proxy_url,
            ca,
            log,
            _dir: dir,
        }
    }

    /// `gsignin whoami ARGS` in `home`, reaching Google only here.
    fn whoami(&self, home: &Path, args: &[&str], stdin: &str) -> std::process::Output {
        let mut cmd = bare_cmd();
        cmd.arg("--home")
            .arg(home)
            .args(["whoami", "--now", AT])
            .args(args)
            .env("HTTPS_PROXY", &self.proxy)
            .env("SSL_CERT_FILE", &self.ca)
            .write_stdin(stdin.to_string());
        cmd.output().unwrap()
    }

    fn fetched(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

const FIREBASE_KEYS: &str = "/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com";

/// A PEM certificate map of one key, as Google publishes Firebase's.
fn pem_map(kid: &str, key: &SigningKey) -> Value {
    json!({ kid: key.cert_pem })
}

/// K5: a kind's keys come from its own URL, are cached as Cache-Control says, and a key they
/// lack brings one refetch, in a batch as for one token; the issuer's keys are fetched only
/// for a token of the issuer's.
#[test]
fn k5_a_kinds_keys_are_fetched_cached_and_refetched_once_for_an_unknown_kid_on_every_path() {
    let old = SigningKey::generate();
    let new = SigningKey::generate();
    let token = new.sign(&firebase("securetoken.google.com"));
    let routes = || {
        vec![(
            FIREBASE_KEYS,
            vec![pem_map(&old.kid, &old), pem_map(&new.kid, &new)],
        )]
    };
    // One token: the keys lack its kid, one refetch brings it.
    let google = GoogleKeys::start(routes());
    let home = tempfile::tempdir().unwrap();
    let out = google.whoami(home.path(), &[&token, "--audience", PROJECT], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(google.fetched(FIREBASE_KEYS), 2);
    // Cached: the next run asks for nothing.
    let out = google.whoami(home.path(), &[&token, "--audience", PROJECT], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(google.fetched(FIREBASE_KEYS), 2);

    // A batch: the same, once for all its tokens, and the issuer's keys never fetched.
    let google = GoogleKeys::start(routes());
    let home = tempfile::tempdir().unwrap();
    let lines = [token.clone(), token.clone(), token.clone()].join("\n");
    let out = google.whoami(home.path(), &["-", "--json", "--audience", PROJECT], &lines);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(stdout(&out).lines().count(), 3);
    assert_eq!(google.fetched(FIREBASE_KEYS), 2);
    let log = google.log.lock().unwrap().clone();
    assert_eq!(log, [FIREBASE_KEYS, FIREBASE_KEYS], "only the kind's keys");
}
