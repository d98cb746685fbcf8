//! The emulator's Google semantics at the token, tokeninfo, userinfo and revoke endpoints, and
//! what its control API and its connections refuse, seen from any backend (plain HTTP).

use crate::support::{Env, http};
use base64::Engine;
use gsignin_emulator::{WEB_CLIENT_ID, WEB_CLIENT_SECRET};
use serde_json::Value;

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
fn m6_google_errors_are_exact() {
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
    env.emu.advance_clock(601);
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

#[test]
fn m7_the_control_api_takes_json_from_a_loopback_host_only() {
    let env = Env::new();
    let url = format!("{}/control/keys/rotate", env.emu.base_url());
    let client = reqwest::blocking::Client::new();
    // A form any web page could post cross-site.
    let form = client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x=1")
        .send()
        .unwrap();
    assert_eq!(form.status(), 415);
    let bare = client.post(&url).send().unwrap();
    assert_eq!(bare.status(), 415);
    // DNS rebinding: the page's own name in Host.
    let rebound = client
        .post(&url)
        .header("host", "attacker.example")
        .json(&serde_json::json!({}))
        .send()
        .unwrap();
    assert_eq!(rebound.status(), 403);
    let stats = client
        .get(format!("{}/control/stats", env.emu.base_url()))
        .header("host", "attacker.example")
        .send()
        .unwrap();
    assert_eq!(stats.status(), 403);
    let before = env.emu.kid();
    let ok = client
        .post(&url)
        .json(&serde_json::json!({}))
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_ne!(env.emu.kid(), before);
    // `curl -X DELETE …/control/faults`, as the banner shows it: no body, no content type,
    // and the faults are gone (it was 415, and a `hang` stayed on).
    let faults = format!("{}/control/faults", env.emu.base_url());
    env.emu.inject_fault(gsignin_emulator::Fault {
        path: "/token".into(),
        hang: true,
        ..Default::default()
    });
    assert_eq!(client.delete(&faults).send().unwrap().status(), 200);
    let posted = env.code();
    let trade = client
        .post(format!("{}/token", env.emu.base_url()))
        .timeout(std::time::Duration::from_secs(5))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", posted.as_str()),
            ("client_id", gsignin_emulator::WEB_CLIENT_ID),
            ("client_secret", gsignin_emulator::WEB_CLIENT_SECRET),
            ("redirect_uri", ""),
        ])
        .send()
        .unwrap();
    assert_eq!(trade.status(), 200, "the hang fault is gone");
    // A DELETE that carries a body still needs JSON.
    let with_body = client.delete(&faults).body("x=1").send().unwrap();
    assert_eq!(with_body.status(), 415);
}

#[test]
fn m8_the_emulator_bounds_what_unauthenticated_requests_can_cost() {
    let env = Env::new();
    let base = env.emu.base_url().to_string();
    let client = reqwest::blocking::Client::new();
    let huge = client
        .post(format!("{base}/control/codes"))
        .json(&serde_json::json!({"email": "a".repeat(1_900_000)}))
        .send()
        .unwrap();
    assert_eq!(huge.status(), 413);
    // The server answered before reading the whole body and closed that connection: a new one.
    let client = reqwest::blocking::Client::new();
    let long = client
        .post(format!("{base}/control/codes"))
        .json(&serde_json::json!({"email": format!("{}@example.com", "a".repeat(400))}))
        .send()
        .unwrap();
    assert_eq!(long.status(), 400);
    for i in 0..3000 {
        let _ = client.get(format!("{base}/nowhere/{i}")).send().unwrap();
        let _ = client
            .get(format!("{base}/drive/v3/files/{i}"))
            .send()
            .unwrap();
    }
    let counters = env.emu.paths_counted();
    assert!(
        counters <= 1010,
        "{counters} counters for 6000 made-up paths"
    );
    // The clock saturates instead of wrapping.
    for _ in 0..2 {
        let moved: serde_json::Value = client
            .post(format!("{base}/control/clock"))
            .json(&serde_json::json!({"advance": i64::MAX}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert!(moved["now"].as_i64().unwrap() > 0, "{moved}");
    }
}

#[test]
fn m8_half_sent_and_idle_connections_are_closed() {
    use std::io::{Read, Write};
    let emu = gsignin_emulator::Emulator::builder()
        .header_timeout(std::time::Duration::from_secs(1))
        .start()
        .unwrap();
    let addr = emu.base_url().trim_start_matches("http://").to_string();
    let mut half = std::net::TcpStream::connect(&addr).unwrap();
    half.write_all(b"GET /oauth2/v3/certs HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let mut idle = std::net::TcpStream::connect(&addr).unwrap();
    for conn in [&mut half, &mut idle] {
        conn.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let mut buf = [0u8; 1024];
        // Closed by the server (0 bytes, or at most an error answer first, then 0).
        loop {
            match conn.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) => panic!("not closed within 30 s: {e}"),
            }
        }
    }
}

/// Tokens from a fresh exchange at the emulator: (access token, ID token).
fn tokens(env: &Env) -> (String, String) {
    let body: Value = http()
        .post(format!("{}/token", env.emu.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &env.code()),
            ("client_id", WEB_CLIENT_ID),
            ("client_secret", WEB_CLIENT_SECRET),
            ("redirect_uri", ""),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    let s = |k: &str| body[k].as_str().unwrap().to_string();
    (s("access_token"), s("id_token"))
}

#[test]
fn tokeninfo_answers_as_google_does_on_every_path_and_form() {
    let env = Env::new();
    let base = env.emu.base_url();
    let (access, id) = tokens(&env);
    // Query, as most clients; POST with a Bearer header, as google-auth-library-nodejs.
    let by_query: Value = http()
        .get(format!("{base}/tokeninfo?access_token={access}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let by_bearer: Value = http()
        .post(format!("{base}/tokeninfo"))
        .bearer_auth(&access)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .unwrap()
        .json()
        .unwrap();
    for info in [&by_query, &by_bearer] {
        assert_eq!(info["aud"], WEB_CLIENT_ID, "{info}");
        assert_eq!(info["email"], "alice@example.com");
        assert_eq!(info["email_verified"], "true", "all values are strings");
        assert!(
            info["exp"].is_string() && info["expires_in"].is_string(),
            "{info}"
        );
        assert_eq!(info["access_type"], "offline");
    }
    let legacy: Value = http()
        .get(format!("{base}/oauth2/v1/tokeninfo?access_token={access}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        legacy["issued_to"],
        "000000000000-gsigninandroid.apps.googleusercontent.com"
    );
    assert_eq!(legacy["verified_email"], true);
    assert!(legacy["expires_in"].is_number());
    let of_id: Value = http()
        .get(format!("{base}/oauth2/v3/tokeninfo?id_token={id}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(of_id["email_verified"], "true");
    assert_eq!(of_id["alg"], "RS256");
    assert!(
        of_id["exp"].is_string() && of_id["kid"].is_string(),
        "{of_id}"
    );
    // Bad tokens: 400 "Invalid Value", without `error` on the v3 path.
    for (path, error) in [
        ("/tokeninfo", Some("invalid_token")),
        ("/oauth2/v1/tokeninfo", Some("invalid_token")),
        ("/oauth2/v3/tokeninfo", None),
    ] {
        let resp = http()
            .get(format!("{base}{path}?access_token=ya29.nonsense"))
            .send()
            .unwrap();
        assert_eq!(resp.status(), 400, "{path}");
        let body: Value = resp.json().unwrap();
        assert_eq!(body["error_description"], "Invalid Value", "{path}");
        assert_eq!(body["error"].as_str(), error, "{path}");
    }
}

#[test]
fn userinfo_v2_drive_and_the_token_endpoint_refuse_as_google_does() {
    let env = Env::new();
    let base = env.emu.base_url();
    let (access, _) = tokens(&env);
    for path in ["/oauth2/v2/userinfo", "/userinfo/v2/me"] {
        let info: Value = http()
            .get(format!("{base}{path}"))
            .bearer_auth(&access)
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert!(
            info["id"].is_string() && info.get("sub").is_none(),
            "{info}"
        );
        assert_eq!(info["verified_email"], true, "{info}");
    }
    // 401s carry the challenge; no token at all is "Login Required".
    for (bearer, challenge) in [
        (None, "Bearer realm=\"https://accounts.google.com/\""),
        (
            Some("ya29.nonsense"),
            "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
        ),
    ] {
        for path in [
            "/drive/v3/files/appfolder",
            "/v1/userinfo",
            "/oauth2/v2/userinfo",
        ] {
            let mut req = http().get(format!("{base}{path}"));
            if let Some(b) = bearer {
                req = req.bearer_auth(b);
            }
            let resp = req.send().unwrap();
            assert_eq!(resp.status(), 401, "{path}");
            assert_eq!(resp.headers()["www-authenticate"], challenge, "{path}");
            if path.starts_with("/drive") && bearer.is_none() {
                let body: Value = resp.json().unwrap();
                assert_eq!(body["error"]["errors"][0]["message"], "Login Required.");
            }
        }
    }
    // The token endpoint without a secret, or without a client at all.
    for (form, description) in [
        (
            vec![("client_id", WEB_CLIENT_ID)],
            "client_secret is missing.",
        ),
        (vec![], "Could not determine client ID from request."),
    ] {
        let mut form = form;
        form.extend([("grant_type", "authorization_code"), ("code", "4/0x")]);
        let resp = http()
            .post(format!("{base}/token"))
            .form(&form)
            .send()
            .unwrap();
        assert_eq!(resp.status(), 400);
        let body: Value = resp.json().unwrap();
        assert_eq!(body["error"], "invalid_request");
        assert_eq!(body["error_description"], description);
    }
}

#[test]
fn date_and_expires_follow_one_clock_and_the_client_secret_names_every_endpoint() {
    let env = Env::new();
    let base = env.emu.base_url();
    http()
        .post(format!("{base}/control/clock"))
        .json(&serde_json::json!({"advance": 86400 * 30}))
        .send()
        .unwrap();
    let resp = http()
        .get(format!("{base}/oauth2/v3/certs"))
        .send()
        .unwrap();
    let header = |n: &str| resp.headers()[n].to_str().unwrap().to_string();
    let parse = |d: &str| {
        time::OffsetDateTime::parse(d, &time::format_description::well_known::Rfc2822)
            .unwrap()
            .unix_timestamp()
    };
    let max_age: i64 = header("cache-control")
        .split("max-age=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(parse(&header("expires")) - parse(&header("date")), max_age);
    assert_eq!(header("age"), "0");
    let emulated = env.emu.now();
    assert!(
        (parse(&header("date")) - emulated).abs() <= 2,
        "Date is the emulated clock"
    );
    let secret: Value = serde_json::from_str(&env.emu.client_secret_json()).unwrap();
    assert_eq!(secret["web"]["revoke_uri"], format!("{base}/revoke"));
    assert_eq!(secret["web"]["token_info_uri"], format!("{base}/tokeninfo"));
}

#[test]
fn pkce_is_verified_at_the_token_endpoint_with_googles_errors() {
    use gsignin_emulator::MintRequest;
    let env = Env::new();
    let base = env.emu.base_url();
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636 appendix B
    let exchange = |code: &str, verifier: Option<&str>| {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", WEB_CLIENT_ID),
            ("client_secret", WEB_CLIENT_SECRET),
            ("redirect_uri", ""),
        ];
        if let Some(v) = verifier {
            form.push(("code_verifier", v));
        }
        let resp = http()
            .post(format!("{base}/token"))
            .form(&form)
            .send()
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json::<Value>().unwrap())
    };
    for method in ["S256", "plain"] {
        let sent = if method == "S256" {
            challenge
        } else {
            verifier
        };
        let code = env.emu.mint(MintRequest {
            code_challenge: Some(sent.into()),
            code_challenge_method: Some(method.into()),
            ..Default::default()
        });
        let (status, body) = exchange(&code, None);
        assert_eq!(
            (status, body["error_description"].as_str()),
            (400, Some("Missing code verifier."))
        );
        let (status, body) = exchange(&code, Some("wrong-verifier-wrong-verifier-wrong-verifier"));
        assert_eq!(
            (status, body["error_description"].as_str()),
            (400, Some("Invalid code verifier."))
        );
        assert!(
            env.emu.code_unspent(&code),
            "{method}: a PKCE failure spends nothing"
        );
        let (status, body) = exchange(&code, Some(verifier));
        assert_eq!(status, 200, "{method}: {body}");
    }
    let (status, body) = exchange(&env.code(), Some(verifier));
    assert_eq!(status, 400);
    assert_eq!(
        body["error_description"],
        "code_verifier or verifier is not needed."
    );
}
