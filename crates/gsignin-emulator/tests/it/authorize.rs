//! The emulator's authorization page, driven over plain HTTP as a browser would submit its
//! forms (the browser tests click the same pages in Chromium).

use crate::support::{Env, http, submit_consent};
use gsignin_emulator::{
    INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET, WEB_CLIENT_ID, WEB_CLIENT_SECRET,
};
use serde_json::Value;

const DRIVE_APPDATA: &str = "https://www.googleapis.com/auth/drive.appdata";
const WEB_REDIRECT: &str = "http://127.0.0.1:8085";

/// An authorization request's parameters.
fn request(client_id: &str, redirect: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = [
        ("client_id", client_id),
        ("redirect_uri", redirect),
        ("response_type", "code"),
        ("scope", &format!("openid email profile {DRIVE_APPDATA}")),
        ("state", "st-123"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        p.retain(|(pk, _)| pk != k);
        p.push((k.to_string(), v.to_string()));
    }
    p
}

fn auth_url(env: &Env, path: &str, params: &[(String, String)]) -> String {
    let mut url = url::Url::parse(&format!("{}{path}", env.emu.base_url())).unwrap();
    url.query_pairs_mut().extend_pairs(params);
    url.to_string()
}

fn get_auth(env: &Env, params: &[(String, String)]) -> reqwest::blocking::Response {
    http()
        .get(auth_url(env, "/o/oauth2/v2/auth", params))
        .send()
        .unwrap()
}

/// The redirect's query parameters, in order.
fn callback(resp: &reqwest::blocking::Response, redirect: &str) -> Vec<(String, String)> {
    assert_eq!(resp.status().as_u16(), 302, "a redirect back to the app");
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(redirect), "{location}");
    url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn redeem(
    env: &Env,
    client: (&str, &str),
    code: &str,
    redirect: &str,
    verifier: Option<&str>,
) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", client.0),
        ("client_secret", client.1),
        ("redirect_uri", redirect),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    let resp = http()
        .post(format!("{}/token", env.emu.base_url()))
        .form(&form)
        .send()
        .unwrap();
    (resp.status().as_u16(), resp.json().unwrap())
}

fn claims(id_token: &str) -> Value {
    use base64::Engine;
    let payload = id_token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn m6_a_web_sign_in_comes_back_with_googles_parameters_in_googles_order() {
    let env = Env::new();
    let params = request(
        WEB_CLIENT_ID,
        WEB_REDIRECT,
        &[("access_type", "offline"), ("nonce", "n-0S6_WzA2Mj")],
    );
    // The chooser lists the accounts, then the consent page shows the scopes.
    let page = get_auth(&env, &params);
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().unwrap();
    assert!(html.contains("Choose an account"), "{html}");
    assert!(html.contains("alice@example.com"));
    let mut form = params.clone();
    form.push(("email".into(), "carol@example.com".into()));
    let consent = http()
        .post(format!("{}/o/oauth2/v2/auth/consent", env.emu.base_url()))
        .form(&form)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(consent.contains(">Allow</button>") && consent.contains(">Cancel</button>"));
    assert!(consent.contains(&format!("value=\"{DRIVE_APPDATA}\" checked")));
    assert!(
        consent.contains("<label for=\"scope0\">"),
        "every checkbox has a label"
    );

    let resp = submit_consent(
        &env,
        &params,
        "carol@example.com",
        "allow",
        &[DRIVE_APPDATA],
    );
    let back = callback(&resp, WEB_REDIRECT);
    let names: Vec<&str> = back.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        ["state", "iss", "code", "scope", "authuser", "prompt"]
    );
    assert_eq!(param(&back, "state"), Some("st-123"));
    assert_eq!(param(&back, "iss"), Some("https://accounts.google.com"));
    assert_eq!(param(&back, "prompt"), Some("consent"));
    assert_eq!(
        param(&back, "scope"),
        Some(format!("openid email profile {DRIVE_APPDATA}").as_str())
    );
    let code = param(&back, "code").unwrap();
    assert!(code.starts_with("4/0A"));

    // A code is redeemed only with the redirect it was issued for.
    let web = (WEB_CLIENT_ID, WEB_CLIENT_SECRET);
    let (status, body) = redeem(&env, web, code, "http://127.0.0.1:8086", None);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("redirect_uri_mismatch"))
    );
    let (status, body) = redeem(&env, web, code, WEB_REDIRECT, None);
    assert_eq!(status, 200, "{body}");
    assert!(
        body["refresh_token"].is_string(),
        "access_type=offline, first time"
    );
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["email"], "carol@example.com");
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["aud"], WEB_CLIENT_ID);
    assert_eq!(id["azp"], WEB_CLIENT_ID);
    assert_eq!(id["iss"], "https://accounts.google.com");
}

#[test]
fn access_type_and_prompt_decide_who_gets_a_refresh_token() {
    let env = Env::new();
    let web = (WEB_CLIENT_ID, WEB_CLIENT_SECRET);
    let sign_in = |extra: &[(&str, &str)]| {
        let params = request(WEB_CLIENT_ID, WEB_REDIRECT, extra);
        let back = callback(
            &submit_consent(&env, &params, "dan@example.com", "allow", &[DRIVE_APPDATA]),
            WEB_REDIRECT,
        );
        let (status, body) = redeem(&env, web, param(&back, "code").unwrap(), WEB_REDIRECT, None);
        assert_eq!(status, 200, "{body}");
        body["refresh_token"].is_string()
    };
    assert!(!sign_in(&[]), "online (the default): no refresh token");
    assert!(
        sign_in(&[("access_type", "offline")]),
        "offline, first time"
    );
    assert!(
        !sign_in(&[("access_type", "offline")]),
        "offline again: none"
    );
    assert!(
        sign_in(&[("access_type", "offline"), ("prompt", "consent")]),
        "prompt=consent: a new one"
    );

    // A Desktop client always gets one.
    let desktop = (INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET);
    for _ in 0..2 {
        let redirect = "http://127.0.0.1:49152/";
        let params = request(INSTALLED_CLIENT_ID, redirect, &[]);
        let back = callback(
            &submit_consent(&env, &params, "dan@example.com", "allow", &[]),
            redirect,
        );
        let (status, body) = redeem(&env, desktop, param(&back, "code").unwrap(), redirect, None);
        assert_eq!(status, 200, "{body}");
        assert!(body["refresh_token"].is_string());
        assert_eq!(
            body["scope"],
            "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
            "the unchecked scope is absent from the grant"
        );
    }
}

#[test]
fn m4_an_unchecked_scope_is_absent_from_the_grant_and_a_forged_one_is_never_added() {
    let env = Env::new();
    let params = request(WEB_CLIENT_ID, WEB_REDIRECT, &[("scope", "openid email")]);
    // The form gains a checkbox the app never asked for: it grants nothing.
    let back = callback(
        &submit_consent(
            &env,
            &params,
            "erin@example.com",
            "allow",
            &["https://www.googleapis.com/auth/drive"],
        ),
        WEB_REDIRECT,
    );
    let (_, body) = redeem(
        &env,
        (WEB_CLIENT_ID, WEB_CLIENT_SECRET),
        param(&back, "code").unwrap(),
        WEB_REDIRECT,
        None,
    );
    assert_eq!(
        body["scope"],
        "openid https://www.googleapis.com/auth/userinfo.email"
    );
}

#[test]
fn cancel_redirects_access_denied_with_the_state() {
    let env = Env::new();
    let params = request(WEB_CLIENT_ID, WEB_REDIRECT, &[]);
    let back = callback(
        &submit_consent(&env, &params, "alice@example.com", "cancel", &[]),
        WEB_REDIRECT,
    );
    assert_eq!(
        back,
        [
            ("error".to_string(), "access_denied".to_string()),
            ("state".to_string(), "st-123".to_string())
        ]
    );
}

#[test]
fn m1_m2_errors_about_the_client_or_redirect_are_shown_on_the_page_and_never_redirected() {
    let env = Env::new();
    type Case = (Vec<(String, String)>, u16, &'static str, &'static str);
    let cases: Vec<Case> = vec![
        (
            request("", WEB_REDIRECT, &[]),
            400,
            "invalid_request",
            "Missing required parameter: client_id",
        ),
        (
            request("1-unknown.apps.googleusercontent.com", WEB_REDIRECT, &[]),
            401,
            "invalid_client",
            "The OAuth client was not found.",
        ),
        (
            request(WEB_CLIENT_ID, "https://evil.example/cb", &[]),
            400,
            "redirect_uri_mismatch",
            "register the redirect URI",
        ),
        (
            // A web client's redirect must match exactly: another port is another URI.
            request(WEB_CLIENT_ID, "http://127.0.0.1:8086", &[]),
            400,
            "redirect_uri_mismatch",
            "redirect_uri: http://127.0.0.1:8086",
        ),
        (
            request(WEB_CLIENT_ID, "http://127.0.0.1:8085/", &[]),
            400,
            "redirect_uri_mismatch",
            "trailing slash",
        ),
        (
            // A Desktop client may use any loopback port, and nothing but loopback.
            request(INSTALLED_CLIENT_ID, "http://evil.example:8080", &[]),
            400,
            "redirect_uri_mismatch",
            "OAuth 2.0 policy",
        ),
        (
            request(INSTALLED_CLIENT_ID, "urn:ietf:wg:oauth:2.0:oob", &[]),
            400,
            "redirect_uri_mismatch",
            "OAuth 2.0 policy",
        ),
        (
            request(WEB_CLIENT_ID, WEB_REDIRECT, &[("response_type", "")]),
            400,
            "invalid_request",
            "Required parameter is missing: response_type",
        ),
        (
            request(WEB_CLIENT_ID, WEB_REDIRECT, &[("response_type", "token")]),
            400,
            "invalid_request",
            "Invalid response_type: token",
        ),
        (
            request(WEB_CLIENT_ID, WEB_REDIRECT, &[("scope", "")]),
            400,
            "invalid_request",
            "Missing required parameter: scope",
        ),
        (
            request(WEB_CLIENT_ID, WEB_REDIRECT, &[("scope", "openid bogus")]),
            400,
            "invalid_scope",
            "Some requested scopes were invalid. {invalid=[bogus]}",
        ),
        (
            request(
                WEB_CLIENT_ID,
                WEB_REDIRECT,
                &[("code_challenge", "x"), ("code_challenge_method", "S512")],
            ),
            400,
            "invalid_request",
            "&#39;S512&#39; is not a valid CodeChallengeMethod",
        ),
        (
            request(WEB_CLIENT_ID, WEB_REDIRECT, &[("prompt", "none consent")]),
            400,
            "invalid_request",
            "none must not be specified with other values",
        ),
    ];
    for (params, status, code, text) in cases {
        let resp = get_auth(&env, &params);
        assert_eq!(resp.status().as_u16(), status, "{params:?}");
        assert!(resp.headers().get("location").is_none(), "{params:?}");
        let html = resp.text().unwrap();
        assert!(
            html.contains(&format!("Error {status}: {code}")),
            "{params:?}: {html}"
        );
        // The trailing-slash case names the URI; the text check is of the page's words.
        if text != "trailing slash" {
            assert!(html.contains(text), "{params:?}: {html}");
        }
    }
    // The legacy path is the same endpoint.
    let resp = http()
        .get(auth_url(
            &env,
            "/o/oauth2/auth",
            &request(WEB_CLIENT_ID, "https://evil.example/cb", &[]),
        ))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    // The form steps check the same rules: a forged consent cannot redirect elsewhere.
    let forged = submit_consent(
        &env,
        &request(WEB_CLIENT_ID, "https://evil.example/cb", &[]),
        "alice@example.com",
        "allow",
        &[],
    );
    assert_eq!(forged.status().as_u16(), 400);
    assert!(forged.headers().get("location").is_none());
}

#[test]
fn m3_markup_in_the_request_is_shown_as_text_and_the_pages_cannot_be_framed() {
    let env = Env::new();
    let evil = "\"><script>alert(1)</script>";
    let params = request(
        INSTALLED_CLIENT_ID,
        "http://127.0.0.1:5000",
        &[("state", evil), ("login_hint", evil)],
    );
    let resp = get_auth(&env, &params);
    assert_eq!(resp.headers()["x-frame-options"], "DENY");
    assert!(
        resp.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let html = resp.text().unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"));
    // A typed address that could break a page is refused, not stored.
    let mut form = params.clone();
    form.push(("email".into(), format!("x{evil}@example.com")));
    let again = http()
        .post(format!("{}/o/oauth2/v2/auth/consent", env.emu.base_url()))
        .form(&form)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(again.contains("Enter a valid email address."));
    assert!(!again.contains("<script>"));
}

#[test]
fn m5_login_hint_preselects_and_prompt_none_answers_only_after_consent() {
    let env = Env::new();
    let redirect = "http://[::1]:7777/cb";
    let hinted = request(
        INSTALLED_CLIENT_ID,
        redirect,
        &[("login_hint", "frank@example.com")],
    );
    let html = get_auth(&env, &hinted).text().unwrap();
    assert!(
        html.contains("Choose an account") && html.contains("value=\"frank@example.com\""),
        "an unknown hinted address is typed in for the user: {html}"
    );

    let none = request(
        INSTALLED_CLIENT_ID,
        redirect,
        &[("login_hint", "frank@example.com"), ("prompt", "none")],
    );
    let back = callback(&get_auth(&env, &none), redirect);
    assert_eq!(param(&back, "error"), Some("interaction_required"));
    assert_eq!(param(&back, "state"), Some("st-123"));

    callback(
        &submit_consent(
            &env,
            &hinted,
            "frank@example.com",
            "allow",
            &[DRIVE_APPDATA],
        ),
        redirect,
    );
    // Known now, and everything asked already granted: no page at all, `prompt=none`, as
    // Google does for a returning user; `prompt=consent` shows the consent page again.
    let back = callback(&get_auth(&env, &hinted), redirect);
    assert_eq!(param(&back, "prompt"), Some("none"));
    let mut forced = hinted.clone();
    forced.push(("prompt".into(), "consent".into()));
    let html = get_auth(&env, &forced).text().unwrap();
    assert!(html.contains("wants access") && html.contains("frank@example.com"));
    // And prompt=none answers at once, saying no page was shown.
    let back = callback(&get_auth(&env, &none), redirect);
    assert_eq!(param(&back, "prompt"), Some("none"));
    assert!(param(&back, "code").is_some());
}

#[test]
fn m6_pkce_through_the_page_is_verified_at_the_token_endpoint() {
    let env = Env::new();
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let redirect = "http://localhost:9004";
    let desktop = (INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET);
    let params = request(
        INSTALLED_CLIENT_ID,
        redirect,
        &[
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let back = callback(
        &submit_consent(&env, &params, "alice@example.com", "allow", &[]),
        redirect,
    );
    let code = param(&back, "code").unwrap();
    let (status, body) = redeem(&env, desktop, code, redirect, None);
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("Missing code verifier."))
    );
    let (status, body) = redeem(&env, desktop, code, redirect, Some("x".repeat(43).as_str()));
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("Invalid code verifier."))
    );
    let (status, body) = redeem(&env, desktop, code, redirect, Some(verifier));
    assert_eq!(status, 200, "{body}");
    // A Desktop client still sends its secret, PKCE or not.
    let back = callback(
        &submit_consent(&env, &params, "alice@example.com", "allow", &[]),
        redirect,
    );
    let (status, body) = redeem(
        &env,
        (INSTALLED_CLIENT_ID, ""),
        param(&back, "code").unwrap(),
        redirect,
        Some(verifier),
    );
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("client_secret is missing."))
    );
}

#[test]
fn auto_approve_and_the_hosted_domain_are_settings_and_hints() {
    let env = Env::new();
    let resp = http()
        .post(format!("{}/control/settings", env.emu.base_url()))
        .json(&serde_json::json!({"auto_approve": true}))
        .send()
        .unwrap();
    assert_eq!(resp.json::<Value>().unwrap()["auto_approve"], true);
    let redirect = "http://127.0.0.1:6000";
    let params = request(
        INSTALLED_CLIENT_ID,
        redirect,
        &[("login_hint", "gina@corp.example"), ("hd", "corp.example")],
    );
    let back = callback(&get_auth(&env, &params), redirect);
    assert_eq!(param(&back, "hd"), Some("corp.example"));
    let (_, body) = redeem(
        &env,
        (INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET),
        param(&back, "code").unwrap(),
        redirect,
        None,
    );
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(
        (id["email"].as_str(), id["hd"].as_str()),
        (Some("gina@corp.example"), Some("corp.example"))
    );

    // With hd, the chooser offers only that domain's accounts.
    http()
        .post(format!("{}/control/settings", env.emu.base_url()))
        .json(&serde_json::json!({"auto_approve": false}))
        .send()
        .unwrap();
    env.code_for("henry@example.com");
    let html = get_auth(
        &env,
        &request(INSTALLED_CLIENT_ID, redirect, &[("hd", "corp.example")]),
    )
    .text()
    .unwrap();
    assert!(
        html.contains("gina@corp.example") && !html.contains("henry@example.com"),
        "{html}"
    );

    // The web client's redirect list is a setting too.
    let resp = http()
        .post(format!("{}/control/settings", env.emu.base_url()))
        .json(&serde_json::json!({"web_redirect_uris": ["https://app.example/cb"]}))
        .send()
        .unwrap();
    assert_eq!(
        resp.json::<Value>().unwrap()["web_redirect_uris"][0],
        "https://app.example/cb"
    );
    assert_eq!(
        get_auth(&env, &request(WEB_CLIENT_ID, WEB_REDIRECT, &[]))
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        get_auth(&env, &request(WEB_CLIENT_ID, "https://app.example/cb", &[]))
            .status()
            .as_u16(),
        200
    );
}

#[test]
fn m8_typed_accounts_are_bounded_and_the_chooser_stays_a_page() {
    use gsignin_emulator::{MAX_USERS, User};
    let env = Env::new();
    for i in 0..MAX_USERS {
        let email = format!("u{i}@example.com");
        env.emu.add_user(User::for_email(&email, None, None));
    }
    let params = request(INSTALLED_CLIENT_ID, "http://127.0.0.1:7000", &[]);
    let html = get_auth(&env, &params).text().unwrap();
    assert!(
        html.matches("Continue as").count() <= 50,
        "a page, not a directory"
    );
    let mut form = params.clone();
    form.push(("email".into(), "newcomer@example.com".into()));
    let page = http()
        .post(format!("{}/o/oauth2/v2/auth/consent", env.emu.base_url()))
        .form(&form)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("too many accounts"), "{page}");
    let resp = submit_consent(&env, &params, "newcomer2@example.com", "allow", &[]);
    assert_ne!(
        resp.status().as_u16(),
        302,
        "no code for an account past the bound"
    );
    assert_eq!(env.emu.user_count(), MAX_USERS);
    // Known accounts still sign in.
    callback(
        &submit_consent(&env, &params, "u7@example.com", "allow", &[]),
        "http://127.0.0.1:7000",
    );
}
