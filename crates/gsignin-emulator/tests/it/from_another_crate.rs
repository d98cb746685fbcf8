//! The emulator as another team's tests use it: through its public API alone (the test binary
//! is a crate of its own), against a plain HTTP client standing in for their backend.

use gsignin_emulator::{Emulator, Fault, Iss, MintRequest};
use gsignin_emulator::{WEB_CLIENT_ID, WEB_CLIENT_SECRET};
use serde_json::{Value, json};

fn trade(base: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = reqwest::blocking::Client::new()
        .post(format!("{base}/token"))
        .form(form)
        .send()
        .unwrap();
    (resp.status().as_u16(), resp.json().unwrap())
}

#[test]
fn a_backend_trades_a_code_refreshes_and_sees_faults_rotation_and_the_clock() {
    let google = Emulator::builder()
        .rotate_refresh_tokens(true)
        .iss(Iss::Google)
        .start()
        .unwrap();
    let base = google.base_url().to_string();
    let code = google.mint(MintRequest {
        email: Some("ann@example.com".into()),
        ..Default::default()
    });
    assert!(google.code_unspent(&code));
    let redeem = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", WEB_CLIENT_ID),
        ("client_secret", WEB_CLIENT_SECRET),
        ("redirect_uri", ""),
    ];
    let (status, tokens) = trade(&base, &redeem);
    assert_eq!(status, 200, "{tokens}");
    assert!(!google.code_unspent(&code), "single-use");
    assert_eq!(trade(&base, &redeem).1["error"], "invalid_grant");
    let rt = tokens["refresh_token"].as_str().unwrap().to_string();

    // A fault, then the refresh through; the old refresh token is rotated away.
    google.inject_fault(Fault {
        path: "/token".into(),
        status: Some(503),
        count: Some(1),
        ..Default::default()
    });
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", rt.as_str()),
        ("client_id", WEB_CLIENT_ID),
        ("client_secret", WEB_CLIENT_SECRET),
    ];
    assert_eq!(trade(&base, &refresh).0, 503);
    let (status, refreshed) = trade(&base, &refresh);
    assert_eq!(status, 200, "{refreshed}");
    assert!(google.refresh_token(&rt).unwrap().rotated);
    assert_eq!(google.hits("/token"), 4);

    // Its keys sign what a test needs; the clock moves; keys rotate.
    let now = google.now();
    let token = google.sign(&json!({"iss": google.iss(), "sub": "1", "iat": now, "exp": now + 60}));
    assert_eq!(token.split('.').count(), 3);
    assert!(google.advance_clock(3600) >= now + 3600);
    let kid = google.kid();
    assert_ne!(google.rotate_keys(), kid);
    assert_eq!(google.jwks()["keys"].as_array().unwrap().len(), 2);

    // Revoking every grant, as a user removing access does.
    google.revoke_grants();
    let newest = google
        .refresh_tokens()
        .into_iter()
        .find(|(_, s)| !s.rotated)
        .unwrap()
        .0;
    let (status, body) = trade(
        &base,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", newest.as_str()),
            ("client_id", WEB_CLIENT_ID),
            ("client_secret", WEB_CLIENT_SECRET),
        ],
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[test]
fn over_https_with_its_throwaway_ca() {
    let google = Emulator::builder().tls().start().unwrap();
    assert!(google.base_url().starts_with("https://127.0.0.1:"));
    let ca = reqwest::Certificate::from_pem(google.ca_pem().unwrap().as_bytes()).unwrap();
    let client = reqwest::blocking::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap();
    let doc: Value = client
        .get(format!(
            "{}/.well-known/openid-configuration",
            google.base_url()
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(doc["issuer"], "https://accounts.google.com");
}
