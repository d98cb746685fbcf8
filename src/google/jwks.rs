//! The issuer's signing keys: parsed from a JWKS document, fetched from the issuer.
//!
//! Keys are parsed once per run and handed to the pure verifier; an unknown `kid` triggers
//! exactly one refetch (the issuer may have rotated since the keys were read).

use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::google::id_token::{self, Expectations, Key, KeySet, Verdict};
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

/// Reads a JWKS document, or Google's map of kid to PEM certificate (`/oauth2/v1/certs`).
/// Keys that are not RSA signing keys are left out, not errors: issuers publish EC and
/// encryption keys beside the ones that sign ID tokens.
pub fn parse(bytes: &[u8]) -> std::result::Result<KeySet, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    if doc.get("keys").is_some() {
        let jwks: Jwks =
            serde_json::from_value(doc).map_err(|e| format!("not a JWKS document: {e}"))?;
        return Ok(from_jwks(jwks));
    }
    let Some(map) = doc.as_object().filter(|m| !m.is_empty()) else {
        return Err(
            "neither a JWKS ({\"keys\": [...]}) nor a map of kid to PEM certificate".into(),
        );
    };
    let mut keys = Vec::new();
    for (kid, pem) in map {
        let pem = pem
            .as_str()
            .ok_or_else(|| format!("the value for kid {kid} is not a PEM string"))?;
        keys.push(from_pem_certificate(kid, pem)?);
    }
    Ok(KeySet { keys })
}

fn from_jwks(jwks: Jwks) -> KeySet {
    let keys = jwks
        .keys
        .into_iter()
        .filter(|k| k.kty.as_deref() == Some("RSA") && k.use_.as_deref() != Some("enc"))
        .filter_map(|k| {
            let n = URL_SAFE_NO_PAD.decode(k.n?.trim_end_matches('=')).ok()?;
            let e = URL_SAFE_NO_PAD.decode(k.e?.trim_end_matches('=')).ok()?;
            Key::from_components(k.kid, k.alg, &n, &e).ok()
        })
        .collect();
    KeySet { keys }
}

fn from_pem_certificate(kid: &str, pem: &str) -> std::result::Result<Key, String> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes())
        .map_err(|e| format!("kid {kid}: not a PEM certificate: {e}"))?;
    let cert = pem
        .parse_x509()
        .map_err(|e| format!("kid {kid}: not an X.509 certificate: {e}"))?;
    let mut key = Key::from_der(Some(kid.to_string()), None, cert.public_key().raw)
        .map_err(|e| format!("kid {kid}: {e}"))?;
    if let Ok(x509_parser::public_key::PublicKey::RSA(rsa)) = cert.public_key().parsed() {
        key.bits = Some(id_token::modulus_bits(rsa.modulus));
    }
    Ok(key)
}

/// What one fetch brought: the keys, and how long the issuer says they stay good.
struct Fetched {
    body: Vec<u8>,
    keys: KeySet,
    max_age: i64,
}

fn fetch(http: &Http, url: &str) -> Result<Fetched> {
    let resp = http.get(url, None)?;
    if !resp.is_success() {
        return Err(Error::server(
            format!("the issuer's keys at {url} answered {}", resp.status),
            "try again later; run with -v to see the answer",
        ));
    }
    let keys = parse(&resp.body).map_err(|e| {
        Error::server(
            format!("the issuer's keys at {url}: {e}"),
            "check --issuer; run with -v to see the answer",
        )
    })?;
    let max_age = crate::cache::max_age(resp.header("cache-control"), resp.header("age"));
    Ok(Fetched {
        body: resp.body,
        keys,
        max_age,
    })
}

/// The issuer's keys for one run. They come from the on-disk cache while its Cache-Control
/// max-age lasts (every run shares it), else from the issuer; a token naming a kid the keys
/// lack triggers one refetch per run (the issuer may have rotated since).
pub struct KeySource<'a> {
    http: Option<&'a Http>,
    url: String,
    cache: Option<Cache>,
    now: i64,
    keys: Option<KeySet>,
    refetched: bool,
}

impl<'a> KeySource<'a> {
    /// The keys at `url`, through `cache`.
    pub fn issuer(http: &'a Http, url: &str, cache: Cache, now: i64) -> KeySource<'a> {
        KeySource {
            http: Some(http),
            url: url.to_string(),
            cache: Some(cache),
            now,
            keys: None,
            refetched: false,
        }
    }

    /// Keys given up front (`--jwks FILE`): never refetched, never touches the network.
    pub fn fixed(keys: KeySet) -> KeySource<'static> {
        KeySource {
            http: None,
            url: String::new(),
            cache: None,
            now: 0,
            keys: Some(keys),
            refetched: true,
        }
    }

    /// The current keys, from memory, the cache, or the issuer.
    pub fn keys(&mut self) -> Result<&KeySet> {
        if self.keys.is_none() {
            let keys = match self.cached()? {
                Some(keys) => keys,
                None => self.fetch_and_cache()?,
            };
            self.keys = Some(keys);
        }
        Ok(self.keys.get_or_insert_with(KeySet::default))
    }

    /// Fetches again, once per run, bypassing the cache. Returns whether new keys came.
    pub fn refetch_once(&mut self) -> Result<bool> {
        if self.refetched || self.http.is_none() {
            return Ok(false);
        }
        self.refetched = true;
        let keys = self.fetch_and_cache()?;
        self.keys = Some(keys);
        Ok(true)
    }

    /// Verifies one token; an unknown kid refetches the keys once and tries again.
    pub fn verify(&mut self, token: &[u8], expect: &Expectations, now: i64) -> Result<Verdict> {
        let verdict = id_token::verify(token, self.keys()?, expect, now);
        // A failed refetch leaves the verdict as it was ("no key with kid …"); -v shows why.
        if verdict.unknown_kid && self.refetch_once().unwrap_or(false) {
            return Ok(id_token::verify(token, self.keys()?, expect, now));
        }
        Ok(verdict)
    }

    fn cached(&self) -> Result<Option<KeySet>> {
        let Some(cache) = self.cache.as_ref() else {
            return Ok(None);
        };
        Ok(cache
            .get(&self.url, self.now)?
            .and_then(|body| parse(body.as_bytes()).ok()))
    }

    fn fetch_and_cache(&self) -> Result<KeySet> {
        let Some(http) = self.http else {
            return Ok(KeySet::default());
        };
        let fetched = fetch(http, &self.url)?;
        if let Some(cache) = &self.cache {
            cache.put(&self.url, &fetched.body, fetched.max_age, self.now);
        }
        Ok(fetched.keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::keys::Keys;

    #[test]
    fn reads_jwks_and_pem_certificate_maps_to_the_same_keys() {
        let keys = Keys::new();
        let from_jwks = parse(keys.jwks().to_string().as_bytes()).unwrap();
        let from_pem = parse(keys.pem_map().to_string().as_bytes()).unwrap();
        assert_eq!(from_jwks.keys.len(), 2);
        assert_eq!(from_pem.keys.len(), 2);
        let claims = serde_json::json!({"iss": "i", "aud": "a", "iat": 100, "exp": 200});
        let token = keys.current().sign(&claims);
        let expect = Expectations {
            issuers: vec!["i".into()],
            audience: Some("a".into()),
            leeway: 60,
            hd: None,
        };
        assert!(id_token::verify(token.as_bytes(), &from_jwks, &expect, 150).valid());
        assert!(id_token::verify(token.as_bytes(), &from_pem, &expect, 150).valid());
        assert!(parse(b"{}").is_err());
        assert!(parse(br#"{"k": "not a pem"}"#).is_err());
    }
}
