//! The emulator's Google semantics, seen from any backend (plain HTTP, no gsignin client).

mod support;

use base64::Engine;
use gsignin::emulator::state::{WEB_CLIENT_ID, WEB_CLIENT_SECRET};
use serde_json::Value;
use support::Env;

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

#[test]
fn client_secret_basic_works_and_the_tokens_work_at_userinfo() {
    let env = Env::new();
    let base = env.emu.base_url();
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{WEB_CLIENT_ID}:{WEB_CLIENT_SECRET}"));
    let resp = http()
        .post(format!("{base}/token"))
        .header("authorization", format!("Basic {basic}"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &env.code()),
            ("redirect_uri", ""),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()["cache-control"],
        "no-cache, no-store, max-age=0, must-revalidate"
    );
    let body: Value = resp.json().unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert!(body["access_token"].as_str().unwrap().starts_with("ya29."));
    assert!(body["refresh_token"].as_str().unwrap().starts_with("1//0"));

    let info: Value = http()
        .get(format!("{base}/v1/userinfo"))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(info["email"], "alice@example.com");
    assert_eq!(info["email_verified"], true);

    let resp = http()
        .get(format!("{base}/v1/userinfo"))
        .bearer_auth("ya29.nonsense")
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["error_description"], "Invalid Credentials");
}

#[test]
fn google_errors_are_exact() {
    let env = Env::new();
    let base = env.emu.base_url();
    let post = |form: &[(&str, &str)]| -> (u16, Value) {
        let resp = http()
            .post(format!("{base}/token"))
            .form(form)
            .send()
            .unwrap();
        (resp.status().as_u16(), resp.json().unwrap())
    };
    let code = env.code();
    let good = [
        ("grant_type", "authorization_code"),
        ("client_id", WEB_CLIENT_ID),
        ("client_secret", WEB_CLIENT_SECRET),
        ("redirect_uri", ""),
    ];
    let with = |extra: &[(&'static str, String)]| {
        let mut f: Vec<(&str, String)> = good.iter().map(|(k, v)| (*k, v.to_string())).collect();
        for (k, v) in extra {
            f.retain(|(key, _)| key != k);
            f.push((k, v.clone()));
        }
        f
    };
    let send = |f: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(&pairs)
    };
    let (s, b) = send(with(&[("code", code.replace('/', "%2F"))]));
    assert_eq!(
        (s, b["error_description"].as_str()),
        (400, Some("Malformed auth code."))
    );
    let (s, b) = send(with(&[
        ("code", code.clone()),
        ("client_secret", "wrong".into()),
    ]));
    assert_eq!(
        (s, b["error"].as_str(), b["error_description"].as_str()),
        (401, Some("invalid_client"), Some("Unauthorized"))
    );
    let (s, b) = send(with(&[
        ("code", code.clone()),
        ("client_id", "nobody.apps.googleusercontent.com".into()),
    ]));
    assert_eq!(
        (s, b["error_description"].as_str()),
        (401, Some("The OAuth client was not found."))
    );
    let (s, b) = send(with(&[("code", code.clone()), ("grant_type", "".into())]));
    assert_eq!(
        (s, b["error_description"].as_str()),
        (400, Some("Invalid grant_type: "))
    );
    let (s, b) = send(with(&[
        ("code", code.clone()),
        ("redirect_uri", "postmessage".into()),
    ]));
    assert_eq!(
        (s, b["error"].as_str()),
        (400, Some("redirect_uri_mismatch"))
    );
    let mut missing = with(&[("code", code.clone())]);
    missing.retain(|(k, _)| *k != "redirect_uri");
    let (s, b) = send(missing);
    assert_eq!(
        (s, b["error_description"].as_str()),
        (400, Some("Missing parameter: redirect_uri"))
    );
    let (s, _) = send(with(&[("code", code.clone())]));
    assert_eq!(s, 200);
    let (s, b) = send(with(&[("code", code.clone())]));
    assert_eq!(
        (s, b["error"].as_str()),
        (400, Some("invalid_grant")),
        "single use"
    );

    // A code outlives its 10 minutes only on the emulator's clock.
    let late = env.code();
    env.emu.state().clock_offset += 601;
    let (s, b) = send(with(&[("code", late)]));
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_grant")));

    let resp = http()
        .post(format!("{base}/revoke"))
        .form(&[("token", "1//0unknown")])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["error_description"], "Token expired or revoked");
    assert_eq!(
        http()
            .get(format!("{base}/revoke"))
            .send()
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}
