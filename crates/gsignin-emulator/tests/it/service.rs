//! The emulator as a service other machines reach (a CI service container), through its public
//! API alone: the bind address, the public URL every answer names, and the control API behind
//! its token and its Host rules.

use gsignin_emulator::{Emulator, Iss, MintRequest};
use gsignin_emulator::{WEB_CLIENT_ID, WEB_CLIENT_SECRET};
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{Value, json};

const PUBLIC: &str = "http://google-emulator:8080";
const TOKEN: &str = "a-chosen-control-token-0123456789";

fn client() -> Client {
    Client::builder().no_proxy().build().unwrap()
}

/// A control request from the emulator's own machine, with `host` as the Host header.
fn control(google: &Emulator, path: &str, host: Option<&str>) -> RequestBuilder {
    let req = client()
        .post(format!("{}/control/{path}", google.base_url()))
        .json(&json!({}));
    match host {
        Some(host) => req.header("host", host),
        None => req,
    }
}

fn status_and_json(resp: Response) -> (u16, Value, Option<String>) {
    let status = resp.status().as_u16();
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string());
    let body = resp.json().unwrap_or(Value::Null);
    (status, body, challenge)
}

#[test]
fn a_public_url_is_what_discovery_client_secrets_and_every_answer_name() {
    let google = Emulator::builder().public_url(PUBLIC).start().unwrap();
    let local = google.base_url().to_string();
    assert!(local.starts_with("http://127.0.0.1:"), "{local}");
    assert_eq!(google.public_url(), PUBLIC);
    // With a public URL and no iss chosen, ID tokens name the public URL.
    assert_eq!(google.iss(), PUBLIC);
    let discovery: Value = client()
        .get(format!("{local}/.well-known/openid-configuration"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(discovery["issuer"], PUBLIC);
    assert_eq!(discovery["token_endpoint"], format!("{PUBLIC}/token"));
    assert_eq!(discovery["jwks_uri"], format!("{PUBLIC}/oauth2/v3/certs"));
    for secret in [
        google.client_secret_json(),
        google.installed_client_secret_json(),
    ] {
        assert!(secret.contains(&format!("{PUBLIC}/token")), "{secret}");
        assert!(!secret.contains(&local), "{secret}");
    }
    let code = google.mint(MintRequest::default());
    let tokens: Value = client()
        .post(format!("{local}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", WEB_CLIENT_ID),
            ("client_secret", WEB_CLIENT_SECRET),
            ("redirect_uri", ""),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    let id_token = tokens["id_token"].as_str().unwrap();
    let info: Value = client()
        .get(format!("{local}/tokeninfo?id_token={id_token}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(info["iss"], PUBLIC, "{info}");
    assert_eq!(info["aud"], WEB_CLIENT_ID, "{info}");
    assert!(!tokens.to_string().contains(&local) && !info.to_string().contains(&local));
}

#[test]
fn an_explicit_iss_keeps_googles_beside_a_public_url() {
    let google = Emulator::builder()
        .public_url(PUBLIC)
        .iss(Iss::Google)
        .start()
        .unwrap();
    assert_eq!(google.iss(), "https://accounts.google.com");
    assert!(google.client_secret_json().contains(PUBLIC));
    // Without a public URL the default stays Google's.
    let plain = Emulator::builder().start().unwrap();
    assert_eq!(plain.iss(), "https://accounts.google.com");
    assert_eq!(plain.public_url(), plain.base_url());
}

#[test]
fn m9_a_non_loopback_bind_puts_the_whole_control_api_behind_a_random_token() {
    let google = Emulator::builder()
        .bind("0.0.0.0".parse().unwrap())
        .start()
        .unwrap();
    // Reached from this machine on loopback, whatever it listens on.
    assert!(google.base_url().starts_with("http://127.0.0.1:"));
    let token = google
        .control_token()
        .expect("a token on a non-loopback bind");
    assert!(token.len() >= 43, "{token}");
    let other = Emulator::builder()
        .bind("0.0.0.0".parse().unwrap())
        .start()
        .unwrap();
    assert_ne!(
        other.control_token(),
        Some(token),
        "a new token per emulator"
    );

    let (status, body, challenge) =
        status_and_json(control(&google, "codes", None).send().unwrap());
    assert_eq!(status, 401, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );
    assert_eq!(
        challenge.as_deref(),
        Some("Bearer realm=\"gsignin-emulator control\"")
    );
    let wrong = control(&google, "codes", None).bearer_auth("x".repeat(token.len()));
    let (status, body, challenge) = status_and_json(wrong.send().unwrap());
    assert_eq!(status, 401, "{body}");
    assert!(challenge.unwrap().contains("invalid_token"));
    // Every path under /control/, GET or POST, real or made up.
    for path in ["stats", "nowhere", "drive/files"] {
        let url = format!("{}/control/{path}", google.base_url());
        assert_eq!(client().get(&url).send().unwrap().status(), 401, "{path}");
    }
    assert!(
        google.codes().is_empty(),
        "nothing was minted without the token"
    );

    // The token, its scheme in any case, opens it.
    let ok = control(&google, "codes", None).header("authorization", format!("bearer {token}"));
    let (status, body, _) = status_and_json(ok.send().unwrap());
    assert_eq!(status, 200, "{body}");
    assert!(google.code_unspent(body["code"].as_str().unwrap()));
    // Google's own endpoints need no token, and the handle's methods act in-process.
    let discovery = client()
        .get(format!(
            "{}/.well-known/openid-configuration",
            google.base_url()
        ))
        .send()
        .unwrap();
    assert_eq!(discovery.status(), 200);
    assert!(google.mint(MintRequest::default()).starts_with("4/"));
    google.advance_clock(60);
    assert_eq!(google.hits("/control/codes"), 3);
}

#[test]
fn m9_a_chosen_token_is_required_on_loopback_too_and_loopback_without_one_stays_open() {
    let builder = Emulator::builder().control_token(TOKEN);
    assert!(
        !format!("{builder:?}").contains(TOKEN),
        "a Builder never shows it"
    );
    let google = builder.start().unwrap();
    assert_eq!(google.control_token(), Some(TOKEN));
    assert_eq!(
        control(&google, "codes", None).send().unwrap().status(),
        401
    );
    let ok = control(&google, "codes", None).bearer_auth(TOKEN);
    assert_eq!(ok.send().unwrap().status(), 200);
    let almost = control(&google, "codes", None).bearer_auth(&TOKEN[1..]);
    assert_eq!(almost.send().unwrap().status(), 401);

    let open = Emulator::builder().start().unwrap();
    assert_eq!(open.control_token(), None);
    assert_eq!(control(&open, "codes", None).send().unwrap().status(), 200);
}

#[test]
fn m10_the_control_api_takes_a_loopback_host_or_the_public_urls_and_no_other() {
    let google = Emulator::builder()
        .public_url(PUBLIC)
        .control_token(TOKEN)
        .start()
        .unwrap();
    for host in [
        "google-emulator:8080",
        "127.0.0.1",
        "localhost:8080",
        "[::1]:9",
    ] {
        let req = control(&google, "codes", Some(host)).bearer_auth(TOKEN);
        assert_eq!(req.send().unwrap().status(), 200, "{host}");
    }
    for host in [
        "attacker.example",
        "google-emulator",
        "google-emulator:9999",
        "google-emulator.attacker.example:8080",
        "10.89.0.2:8080",
    ] {
        // The Host is judged first: the right token does not make up for it.
        let req = control(&google, "codes", Some(host)).bearer_auth(TOKEN);
        let (status, body, _) = status_and_json(req.send().unwrap());
        assert_eq!(status, 403, "{host}: {body}");
        assert!(body["error"].as_str().unwrap().contains(PUBLIC), "{body}");
    }
    // Without a public URL, only loopback names.
    let plain = Emulator::builder().start().unwrap();
    let rebound = control(&plain, "codes", Some("google-emulator:8080"));
    assert_eq!(rebound.send().unwrap().status(), 403);
}

#[test]
fn m11_a_token_or_public_url_it_cannot_use_is_refused_before_listening() {
    for token in [
        "short",
        "a token with spaces in it",
        "tøken-not-ascii-0123456789",
    ] {
        let err = Emulator::builder()
            .control_token(token)
            .start()
            .err()
            .expect("refused");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(!err.to_string().contains(token), "{err}");
    }
    for url in [
        "google-emulator:8080",
        "http://emu.example/prefix",
        "ftp://emu.example",
    ] {
        let err = Emulator::builder()
            .public_url(url)
            .start()
            .err()
            .expect("refused");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{url}");
    }
}

#[test]
fn it_listens_on_ipv6_and_the_unspecified_address_is_reached_on_loopback() {
    let google = Emulator::builder()
        .bind("::1".parse().unwrap())
        .start()
        .unwrap();
    assert!(
        google.base_url().starts_with("http://[::1]:"),
        "{}",
        google.base_url()
    );
    assert_eq!(google.control_token(), None, "::1 is loopback");
    let discovery: Value = client()
        .get(format!(
            "{}/.well-known/openid-configuration",
            google.base_url()
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        discovery["token_endpoint"],
        format!("{}/token", google.base_url())
    );
    let every = Emulator::builder()
        .bind("::".parse().unwrap())
        .public_url("http://[fd00::2]:8080")
        .start()
        .unwrap();
    assert!(every.base_url().starts_with("http://[::1]:"));
    assert!(every.control_token().is_some(), ":: is every address");
    let req = control(&every, "codes", Some("[fd00::2]:8080"))
        .bearer_auth(every.control_token().unwrap());
    assert_eq!(req.send().unwrap().status(), 200);
}

#[test]
fn a_throw_away_certificate_names_the_public_host() {
    let google = Emulator::builder()
        .tls()
        .public_url("https://google-emulator:8443")
        .start()
        .unwrap();
    let ca = reqwest::Certificate::from_pem(google.ca_pem().unwrap().as_bytes()).unwrap();
    let local: std::net::SocketAddr = google
        .base_url()
        .trim_start_matches("https://")
        .parse()
        .unwrap();
    // The public name, resolved to where it listens, as a service network would.
    let client = Client::builder()
        .no_proxy()
        .tls_certs_only([ca])
        .resolve("google-emulator", local)
        .build()
        .unwrap();
    let url = format!(
        "https://google-emulator:{}/.well-known/openid-configuration",
        local.port()
    );
    let discovery: Value = client.get(url).send().unwrap().json().unwrap();
    assert_eq!(discovery["issuer"], "https://google-emulator:8443");
}
