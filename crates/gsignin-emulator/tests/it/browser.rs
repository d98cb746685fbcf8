//! The emulator's authorization page in a real browser: Debian's Chromium, headless, driven
//! by tests/browser/drive.js (playwright-core), clicking Allow and Cancel as a person would.

use crate::support::{Env, Landing, browser_driver};
use gsignin_emulator::{INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET};
use serde_json::Value;

fn auth_url(env: &Env, redirect: &str, state: &str) -> String {
    let mut url = url::Url::parse(&format!("{}/o/oauth2/v2/auth", env.emu.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", INSTALLED_CLIENT_ID)
        .append_pair("redirect_uri", redirect)
        .append_pair("response_type", "code")
        .append_pair(
            "scope",
            "openid email profile https://www.googleapis.com/auth/drive.appdata https://www.googleapis.com/auth/drive.file",
        )
        .append_pair("state", state)
        .append_pair("access_type", "offline");
    url.to_string()
}

fn drive(args: &[&str]) -> Value {
    let mut cmd = browser_driver();
    let out = cmd.args(args).output().expect("node runs");
    assert!(
        out.status.success(),
        "drive.js failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

#[test]
#[ignore = "needs Chromium and node (apt-get install chromium nodejs npm; npm ci --prefix crates/gsignin-emulator/tests/browser); bash .ci/run installs them and runs the ignored tests"]
fn chromium_clicks_allow_and_lands_on_the_loopback_redirect_with_a_working_code() {
    let env = Env::new();
    env.code_for("bob@example.com"); // a second account in the chooser
    let landing = Landing::start();
    let shot = env.dir().join("consent.png");
    let result = drive(&[
        "--email",
        "bob@example.com",
        "--uncheck",
        "https://www.googleapis.com/auth/drive.file",
        "--screenshot",
        shot.to_str().unwrap(),
        &auth_url(&env, &landing.url, "chromium-allow"),
    ]);
    assert_eq!(result["stray"], serde_json::json!([]));
    assert_eq!(result["status"], 200, "{result}");
    assert!(
        result["text"]
            .as_str()
            .unwrap()
            .contains("the app got its answer")
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG"),
        "a screenshot of the consent page"
    );

    let final_url = url::Url::parse(result["url"].as_str().unwrap()).unwrap();
    assert!(final_url.as_str().starts_with(&landing.url));
    let q: std::collections::HashMap<String, String> =
        final_url.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "chromium-allow");
    assert_eq!(q["prompt"], "consent");
    assert!(
        !q["scope"].contains("drive.file"),
        "unchecked: {}",
        q["scope"]
    );
    // The code works at the token endpoint, for bob, without the unchecked scope.
    let body: Value = reqwest::blocking::Client::new()
        .post(format!("{}/token", env.emu.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", q["code"].as_str()),
            ("client_id", INSTALLED_CLIENT_ID),
            ("client_secret", INSTALLED_CLIENT_SECRET),
            ("redirect_uri", landing.url.as_str()),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(body["refresh_token"].is_string(), "{body}");
    let scope = body["scope"].as_str().unwrap();
    assert!(
        scope.contains("drive.appdata") && !scope.contains("drive.file"),
        "{scope}"
    );
    assert_eq!(landing.seen.lock().unwrap().len(), 1);
}

#[test]
#[ignore = "needs Chromium and node (apt-get install chromium nodejs npm; npm ci --prefix crates/gsignin-emulator/tests/browser); bash .ci/run installs them and runs the ignored tests"]
fn chromium_clicks_cancel_and_the_app_is_told_access_denied() {
    let env = Env::new();
    let landing = Landing::start();
    let result = drive(&[
        "--action",
        "cancel",
        &auth_url(&env, &landing.url, "chromium-cancel"),
    ]);
    let final_url = url::Url::parse(result["url"].as_str().unwrap()).unwrap();
    let q: Vec<(String, String)> = final_url.query_pairs().into_owned().collect();
    assert_eq!(
        q,
        [
            ("error".to_string(), "access_denied".to_string()),
            ("state".to_string(), "chromium-cancel".to_string())
        ]
    );
    assert!(env.emu.codes().is_empty(), "no code was minted");
}
