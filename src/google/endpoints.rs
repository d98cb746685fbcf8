//! Where the issuer's endpoints are. Google's are built in (no discovery round trip); any other
//! issuer is read from its `/.well-known/openid-configuration`, and its `issuer` must match the
//! URL asked for, as OpenID Connect Discovery requires.

use crate::cache::{Cache, max_age};
use crate::error::{Error, Result};
use crate::http::Http;
use serde::Deserialize;

pub use gsignin_verify::id_token::GOOGLE_ISSUER;

#[derive(Debug, Clone)]
pub struct Endpoints {
    /// The `iss` values an ID token from this issuer may carry.
    pub issuers: Vec<String>,
    pub token: String,
    /// Where a browser sign-in starts (`gsignin login`).
    pub authorization: Option<String>,
    pub jwks: String,
    pub revocation: Option<String>,
    /// How a client authenticates at the revocation endpoint.
    pub revocation_auth: ClientAuth,
    pub userinfo: Option<String>,
    /// Google's tokeninfo, for Google's issuer.
    pub tokeninfo: Option<String>,
    /// RFC 7662 token introspection, and how a client authenticates there.
    pub introspection: Option<String>,
    pub introspection_auth: ClientAuth,
    /// Endpoints the discovery document puts on another origin than the issuer's.
    pub elsewhere: Vec<String>,
}

/// Client authentication at an endpoint (RFC 7009 2.1: a confidential client authenticates
/// at the revocation endpoint too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// Only the token is sent: Google's revocation endpoint.
    None,
    /// client_secret_post: the ID and secret in the form, as gsignin does at the token endpoint.
    Post,
    /// client_secret_basic: HTTP Basic.
    Basic,
}

impl ClientAuth {
    /// The method to use, from the discovery document's list of supported ones. Post is
    /// preferred (the token endpoint uses it); without a list, RFC 8414 says basic.
    fn choose(supported: Option<&[String]>) -> ClientAuth {
        match supported {
            None => ClientAuth::Basic,
            Some(list) if list.iter().any(|m| m == "client_secret_post") => ClientAuth::Post,
            Some(list) if list.iter().any(|m| m == "client_secret_basic") => ClientAuth::Basic,
            Some(_) => ClientAuth::None,
        }
    }
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    token_endpoint: Option<String>,
    authorization_endpoint: Option<String>,
    jwks_uri: Option<String>,
    revocation_endpoint: Option<String>,
    revocation_endpoint_auth_methods_supported: Option<Vec<String>>,
    userinfo_endpoint: Option<String>,
    introspection_endpoint: Option<String>,
    introspection_endpoint_auth_methods_supported: Option<Vec<String>>,
}

impl Endpoints {
    pub fn google() -> Endpoints {
        Endpoints {
            // Google still issues the legacy spelling without a scheme for some flows.
            issuers: vec![GOOGLE_ISSUER.into(), "accounts.google.com".into()],
            token: "https://oauth2.googleapis.com/token".into(),
            authorization: Some("https://accounts.google.com/o/oauth2/v2/auth".into()),
            jwks: "https://www.googleapis.com/oauth2/v3/certs".into(),
            revocation: Some("https://oauth2.googleapis.com/revoke".into()),
            revocation_auth: ClientAuth::None,
            userinfo: Some("https://openidconnect.googleapis.com/v1/userinfo".into()),
            tokeninfo: Some("https://oauth2.googleapis.com/tokeninfo".into()),
            introspection: None,
            introspection_auth: ClientAuth::None,
            elsewhere: Vec::new(),
        }
    }

    pub fn is_google(issuer: &str) -> bool {
        issuer.trim_end_matches('/') == GOOGLE_ISSUER
    }

    /// Google's built-in endpoints, or the issuer's discovery document.
    /// The document is cached per its Cache-Control, like the keys.
    pub fn resolve(http: &Http, cache: &Cache, issuer: &str, now: i64) -> Result<Endpoints> {
        if Self::is_google(issuer) {
            return Ok(Self::google());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let cached = cache
            .get(&url, now)?
            .and_then(|body| serde_json::from_str::<Discovery>(&body).ok());
        let doc = match cached {
            Some(doc) => doc,
            None => {
                let resp = http.get(&url, None)?;
                if !resp.is_success() {
                    return Err(Error::server(
                        format!("{url} answered {}: not an OpenID issuer?", resp.status),
                        "check --issuer / GSIGNIN_ISSUER (the base URL, without /.well-known/...)",
                    ));
                }
                let doc: Discovery = resp.json()?;
                let max_age = max_age(resp.header("cache-control"), resp.header("age"));
                cache.put(&url, &resp.body, max_age, now);
                doc
            }
        };
        // A Google emulator on this machine (gsignin's own, or another) serves Google's `iss`
        // from a loopback URL the user chose with --issuer. Only there is a discovery document
        // naming Google taken at its word; its tokens are then judged as Google's (both
        // spellings), against that document's keys.
        let loopback = url::Url::parse(issuer).is_ok_and(|u| crate::http::is_loopback(&u));
        let google = Self::google().issuers;
        let google_here = loopback && google.contains(&doc.issuer);
        if !google_here && doc.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
            return Err(Error::server(
                format!(
                    "{url} names issuer `{}`, not `{issuer}` as asked",
                    doc.issuer
                ),
                format!("use --issuer {} if you trust that issuer", doc.issuer),
            ));
        }
        let mut endpoints = Self::from_discovery(doc, &url)?;
        if google_here {
            endpoints.issuers = google;
        }
        endpoints.elsewhere = endpoints.on_other_origins(issuer);
        Ok(endpoints)
    }

    fn from_discovery(doc: Discovery, url: &str) -> Result<Endpoints> {
        let missing = |field: &str| {
            Error::server(
                format!("the discovery document at {url} has no `{field}`"),
                "this issuer cannot be used for sign-in; check --issuer",
            )
        };
        Ok(Endpoints {
            issuers: vec![doc.issuer.clone()],
            token: doc
                .token_endpoint
                .ok_or_else(|| missing("token_endpoint"))?,
            authorization: doc.authorization_endpoint,
            jwks: doc.jwks_uri.ok_or_else(|| missing("jwks_uri"))?,
            revocation: doc.revocation_endpoint,
            revocation_auth: ClientAuth::choose(
                doc.revocation_endpoint_auth_methods_supported.as_deref(),
            ),
            userinfo: doc.userinfo_endpoint,
            tokeninfo: None,
            introspection: doc.introspection_endpoint,
            introspection_auth: ClientAuth::choose(
                doc.introspection_endpoint_auth_methods_supported.as_deref(),
            ),
            elsewhere: Vec::new(),
        })
    }

    /// `name host:port` for every endpoint whose origin (scheme, host, port) is not the
    /// issuer's: OpenID clients follow them, but the user should know where the code goes.
    fn on_other_origins(&self, issuer: &str) -> Vec<String> {
        let origin = |u: &str| url::Url::parse(u).ok().map(|u| crate::http::origin(&u));
        let home = std::cell::OnceCell::new();
        let authority = written_authority(issuer);
        [
            ("token endpoint", Some(&self.token)),
            ("authorization endpoint", self.authorization.as_ref()),
            ("keys", Some(&self.jwks)),
            ("revocation endpoint", self.revocation.as_ref()),
            ("userinfo endpoint", self.userinfo.as_ref()),
            ("introspection endpoint", self.introspection.as_ref()),
        ]
        .into_iter()
        .filter_map(|(name, url)| {
            let url = url?;
            // Written under the issuer's own scheme and authority: the same origin, without
            // parsing (URL parsing was a warm `whoami`'s largest cost after the RSA check).
            if authority.is_some_and(|a| {
                url.strip_prefix(a)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
            }) {
                return None;
            }
            let there = origin(url);
            (there != *home.get_or_init(|| origin(issuer)))
                .then(|| format!("its {name} at {}", there.unwrap_or_default()))
        })
        .collect()
    }
}

/// `scheme://authority` as written at the start of `url`, up to where its path, query or
/// fragment starts (a backslash counts as a slash, as URL parsers read it). None when the text
/// there is not plainly an authority: empty (`http:///host`, which parsers read past to
/// `host`), or holding white space or control characters (which parsers drop).
fn written_authority(url: &str) -> Option<&str> {
    let start = url.find("://")? + 3;
    let end = url[start..]
        .find(['/', '\\', '?', '#'])
        .map_or(url.len(), |i| start + i);
    let plain = end > start
        && !url[..end]
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control());
    plain.then(|| &url[..end])
}

#[cfg(test)]
mod tests {
    use super::{ClientAuth, Discovery, Endpoints};

    /// Only an endpoint on another origin is named, however the same origin is spelt: the
    /// prefix shortcut must agree with parsing the URLs.
    #[test]
    fn w12_endpoints_on_the_issuers_origin_are_not_named_however_written() {
        let issuer = "https://issuer.example/tenant";
        let doc = |token: &str, jwks: &str| Discovery {
            issuer: issuer.into(),
            token_endpoint: Some(token.into()),
            authorization_endpoint: None,
            jwks_uri: Some(jwks.into()),
            revocation_endpoint: None,
            revocation_endpoint_auth_methods_supported: None,
            userinfo_endpoint: None,
            introspection_endpoint: None,
            introspection_endpoint_auth_methods_supported: None,
        };
        let elsewhere = |token: &str, jwks: &str| {
            Endpoints::from_discovery(doc(token, jwks), "discovery")
                .unwrap()
                .on_other_origins(issuer)
        };
        let same = [
            "https://issuer.example/token",
            "https://issuer.example",
            "https://issuer.example?x",
            "https://ISSUER.example:443/token",
            "HTTPS://issuer.example/token",
            "https://issuer.example\\token",
        ];
        for url in same {
            assert_eq!(elsewhere(url, url), Vec::<String>::new(), "{url}");
        }
        let other = [
            (
                "https://issuer.example@evil.example/token",
                "evil.example:443",
            ),
            (
                "https://issuer.example.evil.example/token",
                "issuer.example.evil.example:443",
            ),
            ("https://issuer.example:8443/token", "issuer.example:8443"),
            ("http://issuer.example/token", "http://issuer.example:80"),
        ];
        for (url, named) in other {
            let found = elsewhere("https://issuer.example/token", url);
            assert_eq!(found.len(), 1, "{url}: {found:?}");
            assert!(
                found[0].starts_with("its keys at ") && found[0].ends_with(named),
                "{found:?}"
            );
        }
        // An issuer written with an empty authority, which parsers read past: its prefix
        // proves nothing about an endpoint written the same way.
        for (issuer, url) in [
            ("http:///127.0.0.1:1", "http:///evil.example/keys"),
            ("http://\\127.0.0.1:1", "http://\\evil.example/keys"),
            ("http://\t/127.0.0.1:1", "http://\t/evil.example/keys"),
        ] {
            let mut d = doc(url, url);
            d.issuer = issuer.into();
            let found = Endpoints::from_discovery(d, "discovery")
                .unwrap()
                .on_other_origins(issuer);
            assert!(
                found.iter().any(|f| f.contains("evil.example")),
                "{issuer}: {found:?}"
            );
        }
    }

    #[test]
    fn revocation_client_auth_follows_discovery() {
        let list = |l: &[&str]| {
            l.iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
        };
        // RFC 8414: no list means client_secret_basic.
        assert_eq!(ClientAuth::choose(None), ClientAuth::Basic);
        assert_eq!(
            ClientAuth::choose(Some(&list(&["client_secret_basic", "client_secret_post"]))),
            ClientAuth::Post
        );
        assert_eq!(
            ClientAuth::choose(Some(&list(&["client_secret_basic", "private_key_jwt"]))),
            ClientAuth::Basic
        );
        assert_eq!(ClientAuth::choose(Some(&list(&["none"]))), ClientAuth::None);
    }
}
