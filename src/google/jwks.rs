//! The issuer's signing keys, fetched from the issuer (parsed by `gsignin_verify::jwks`).
//!
//! Keys are parsed once per run and handed to the pure verifier; an unknown `kid` triggers
//! one refetch, and another only after `REFETCH_AGAIN` (the issuer may have rotated since the
//! keys were read).

use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::google::id_token::{self, Expectations, Verdict};
use crate::http::Http;
pub use gsignin_verify::jwks::parse;
use gsignin_verify::keys::KeySet;

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

/// A token naming a kid the keys lack fetches them again (the issuer may have rotated since),
/// and again only this long after: a stream of tokens with made-up kids costs the issuer one
/// request per five minutes at most, and a batch reading stdin for hours still meets the
/// issuer's next key.
pub const REFETCH_AGAIN: std::time::Duration = std::time::Duration::from_secs(300);

/// The issuer's keys for one run. They come from the on-disk cache while its Cache-Control
/// max-age lasts (every run shares it), else from the issuer; a token naming a kid the keys
/// lack triggers a refetch (at most one per [`REFETCH_AGAIN`]).
pub struct KeySource<'a> {
    http: Option<&'a Http>,
    url: String,
    cache: Option<Cache>,
    now: i64,
    keys: Option<KeySet>,
    /// When the keys were last fetched again.
    refetched: Option<std::time::Instant>,
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
            refetched: None,
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
            refetched: None,
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

    /// Fetches again, bypassing the cache, unless it did less than [`REFETCH_AGAIN`] ago (or the
    /// keys were given up front). Returns whether new keys came.
    pub fn refetch(&mut self) -> Result<bool> {
        let recently = self
            .refetched
            .is_some_and(|at| at.elapsed() < REFETCH_AGAIN);
        if recently || self.http.is_none() {
            return Ok(false);
        }
        self.refetched = Some(std::time::Instant::now());
        let keys = self.fetch_and_cache()?;
        self.keys = Some(keys);
        Ok(true)
    }

    /// Verifies one token; an unknown kid refetches the keys once and tries again.
    pub fn verify(&mut self, token: &[u8], expect: &Expectations, now: i64) -> Result<Verdict> {
        let verdict = id_token::verify(token, self.keys()?, expect, now);
        // A failed refetch leaves the verdict as it was ("no key with kid …"); -v shows why.
        if verdict.unknown_kid && self.refetch().unwrap_or(false) {
            return Ok(id_token::verify(token, self.keys()?, expect, now));
        }
        Ok(verdict)
    }

    fn cached(&self) -> Result<Option<KeySet>> {
        let Some(cache) = self.cache.as_ref() else {
            return Ok(None);
        };
        let keys = cache
            .get(&self.url, self.now)?
            .and_then(|body| parse(body.as_bytes()).ok());
        if let (Some(keys), Some(http)) = (&keys, self.http) {
            for warning in &keys.warnings {
                http.diagnostics()
                    .warn(&format!("{warning} ({})", self.url));
            }
        }
        Ok(keys)
    }

    fn fetch_and_cache(&self) -> Result<KeySet> {
        let Some(http) = self.http else {
            return Ok(KeySet::default());
        };
        let fetched = fetch(http, &self.url)?;
        for warning in &fetched.keys.warnings {
            http.diagnostics()
                .warn(&format!("{warning} ({})", self.url));
        }
        if let Some(cache) = &self.cache {
            cache.put(&self.url, &fetched.body, fetched.max_age, self.now);
        }
        Ok(fetched.keys)
    }
}
