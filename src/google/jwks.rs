//! The issuer's signing keys: parsed from a JWKS document, fetched from the issuer.
//!
//! Keys are parsed once per run and handed to the pure verifier; an unknown `kid` triggers
//! exactly one refetch (the issuer may have rotated since the keys were read).

use crate::error::{Error, Result};
use crate::google::id_token::{Key, KeySet};
use crate::http::Http;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: Option<String>,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

/// Reads a JWKS document. Keys that are not RSA signing keys are left out, not errors: issuers
/// publish EC and encryption keys beside the ones that sign ID tokens.
pub fn parse(bytes: &[u8]) -> std::result::Result<KeySet, String> {
    let jwks: Jwks =
        serde_json::from_slice(bytes).map_err(|e| format!("not a JWKS document: {e}"))?;
    let keys = jwks
        .keys
        .into_iter()
        .filter(|k| k.kty.as_deref() == Some("RSA") && k.use_.as_deref() != Some("enc"))
        .filter_map(|k| {
            let n = URL_SAFE_NO_PAD.decode(k.n?.trim_end_matches('=')).ok()?;
            let e = URL_SAFE_NO_PAD.decode(k.e?.trim_end_matches('=')).ok()?;
            Some(Key {
                kid: k.kid,
                alg: k.alg,
                n,
                e,
            })
        })
        .collect();
    Ok(KeySet { keys })
}

/// Fetches the issuer's keys.
pub fn fetch(http: &Http, url: &str) -> Result<KeySet> {
    let resp = http.get(url, None)?;
    if !resp.is_success() {
        return Err(Error::server(
            format!("the issuer's keys at {url} answered {}", resp.status),
            "try again later; run with -v to see the answer",
        ));
    }
    parse(&resp.body).map_err(|e| {
        Error::server(
            format!("the issuer's keys at {url}: {e}"),
            "check --issuer; run with -v to see the answer",
        )
    })
}

/// The issuer's keys for one run: fetched at most twice (once, and once more when a token
/// names a kid the first set lacks, since the issuer may have rotated meanwhile).
pub struct KeySource<'a> {
    http: Option<&'a Http>,
    url: String,
    keys: KeySet,
    refetched: bool,
}

impl<'a> KeySource<'a> {
    /// Keys fetched from `url`.
    pub fn fetched(http: &'a Http, url: &str) -> Result<KeySource<'a>> {
        Ok(KeySource {
            keys: fetch(http, url)?,
            http: Some(http),
            url: url.to_string(),
            refetched: false,
        })
    }

    /// Keys given up front (`--jwks FILE`): never refetched, never touches the network.
    pub fn fixed(keys: KeySet) -> KeySource<'static> {
        KeySource {
            http: None,
            url: String::new(),
            keys,
            refetched: true,
        }
    }

    pub fn verify(
        &mut self,
        token: &[u8],
        expect: &crate::google::id_token::Expectations,
        now: i64,
    ) -> crate::google::id_token::Verdict {
        let verdict = crate::google::id_token::verify(token, &self.keys, expect, now);
        if !verdict.unknown_kid || self.refetched {
            return verdict;
        }
        self.refetched = true;
        match self.http.map(|h| fetch(h, &self.url)) {
            Some(Ok(keys)) => {
                self.keys = keys;
                crate::google::id_token::verify(token, &self.keys, expect, now)
            }
            _ => verdict,
        }
    }
}
