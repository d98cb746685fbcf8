//! What an issuer says of an access token: Google's tokeninfo (its own shape, every value a
//! string), or a standard issuer's RFC 7662 introspection endpoint (with client
//! authentication), read into one shape.

use crate::config::client_secret::ClientSecret;
use crate::error::Result;
use crate::google::endpoints::ClientAuth;
use crate::http::{Auth, Body, Http, Method, Retry};
use crate::secret::Secret;
use serde_json::Value;

/// An access token, as its issuer sees it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Inspected {
    pub active: bool,
    pub aud: Option<String>,
    pub azp: Option<String>,
    pub sub: Option<String>,
    pub scopes: Vec<String>,
    pub expires_at: Option<i64>,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
}

/// Asks Google's tokeninfo, the token in an Authorization header (as Google's Node library
/// sends it): never in the URL, where proxies and logs keep it. Google answers 400
/// `invalid_token` for a token that is expired, revoked or unknown, without saying which.
pub fn tokeninfo(http: &Http, url: &str, token: &Secret) -> Result<Inspected> {
    let resp = http.send(
        Method::POST,
        url,
        Body::Form(&[]),
        Auth::Bearer(token),
        Retry::Safe,
    )?;
    if resp.status == 400 || resp.status == 401 {
        return Ok(Inspected::default());
    }
    if !resp.is_success() {
        return Err(crate::error::Error::server(
            format!("{url} answered {} when asked about the token", resp.status),
            "run with -v to see the answer; try again later",
        ));
    }
    let doc: Value = resp.json()?;
    let text = |k: &str| match &doc[k] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    Ok(Inspected {
        active: true,
        // The v1 shape names them issued_to / audience / user_id / verified_email.
        aud: text("aud").or_else(|| text("audience")),
        azp: text("azp").or_else(|| text("issued_to")),
        sub: text("sub").or_else(|| text("user_id")),
        scopes: crate::google::scopes::split(text("scope").as_deref()),
        expires_at: text("exp").and_then(|e| e.parse().ok()),
        email: text("email"),
        email_verified: flag(&doc["email_verified"]).or_else(|| flag(&doc["verified_email"])),
    })
}

/// Asks an RFC 7662 introspection endpoint, authenticated as the client.
pub fn introspect(
    http: &Http,
    url: &str,
    auth: ClientAuth,
    client: &ClientSecret,
    token: &Secret,
) -> Result<Inspected> {
    let id = client.client_id.as_str();
    let secret = client.client_secret.expose();
    let mut form = vec![
        ("token", token.expose()),
        ("token_type_hint", "access_token"),
    ];
    let resp = match auth {
        ClientAuth::Post => {
            form.extend([("client_id", id), ("client_secret", secret)]);
            http.post_form(url, &form, Retry::Safe)?
        }
        ClientAuth::Basic | ClientAuth::None => http.post_form_auth(
            url,
            &form,
            Auth::Basic(id, &client.client_secret),
            Retry::Safe,
        )?,
    };
    if !resp.is_success() {
        return Err(trouble(url, resp.status));
    }
    let doc: Value = resp.json()?;
    let text = |v: &Value| v.as_str().map(String::from);
    let aud = match &doc["aud"] {
        Value::Array(list) => list.first().and_then(text),
        other => text(other),
    };
    Ok(Inspected {
        active: doc["active"].as_bool() == Some(true),
        aud: aud.or_else(|| text(&doc["client_id"])),
        azp: text(&doc["client_id"]),
        sub: text(&doc["sub"]),
        scopes: crate::google::scopes::split(doc["scope"].as_str()),
        expires_at: doc["exp"].as_i64(),
        email: text(&doc["email"]).or_else(|| text(&doc["username"]).filter(|u| u.contains('@'))),
        email_verified: flag(&doc["email_verified"]),
    })
}

/// A boolean that Google may write as `"true"`.
fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => Some(s == "true"),
        _ => None,
    }
}

fn trouble(url: &str, status: u16) -> crate::error::Error {
    let e = crate::error::Error::server(
        format!("{url} answered {status} when asked about the token"),
        "run with -v to see the answer; try again later",
    );
    if (400..500).contains(&status) {
        return crate::error::Error::new(
            crate::error::Code::InvalidClient,
            format!("{url} refused to inspect the token ({status}): the client's credentials?"),
            "check the client secret (--client-secret) is the issuer's client for this token",
        );
    }
    e
}
