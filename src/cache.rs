//! A small on-disk cache of HTTP bodies, kept as long as the server's Cache-Control max-age
//! says, shared by every run: the issuer's keys and discovery document change rarely, and
//! fetching them is most of a short command's time.

use crate::fsutil;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::path::{Path, PathBuf};

/// However long a server says its answer stays good, a cached copy is used for a day at most.
const MAX_AGE: i64 = 24 * 3600;
/// Discovery documents and key sets are a few KB; anything near this is not one.
const MAX_ENTRY: u64 = 4 << 20;
const HEX: &[u8; 16] = b"0123456789abcdef";

pub struct Cache {
    dir: PathBuf,
}

/// One cached answer. A body that is a JSON object or array (a key set, a discovery document)
/// is kept as itself, read back without unescaping; any other body as a JSON string.
#[derive(Serialize, Deserialize)]
struct Entry<'a, B> {
    #[serde(borrow)]
    url: std::borrow::Cow<'a, str>,
    fetched_at: i64,
    expires_at: i64,
    body: B,
}

impl Cache {
    pub fn new(dir: &Path) -> Cache {
        Cache {
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self, url: &str) -> PathBuf {
        // aws-lc's SHA-256: the RSA checks load it anyway, and a second SHA-256 library would
        // probe the CPU again (each CPUID is a trap to the hypervisor on a virtual machine).
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, url.as_bytes());
        let mut name = String::with_capacity(29);
        for b in &digest.as_ref()[..12] {
            name.push(char::from(HEX[usize::from(b >> 4)]));
            name.push(char::from(HEX[usize::from(b & 15)]));
        }
        name.push_str(".json");
        self.dir.join("http").join(name)
    }

    /// The body cached for `url`, while fresh at `now`. An entry that another user could have
    /// written is refused: planted keys would make forged tokens verify.
    pub fn get(&self, url: &str, now: i64) -> crate::error::Result<Option<String>> {
        let path = self.path(url);
        let bytes = match fsutil::read_limited(&path, MAX_ENTRY, true) {
            Ok(bytes) => bytes,
            Err(fsutil::ReadFailure::Untrusted(why)) => {
                return Err(fsutil::untrusted_error(&path, &why));
            }
            // A cache that cannot be read only costs a fetch.
            Err(_) => return Ok(None),
        };
        let Ok(entry) = serde_json::from_slice::<Entry<&RawValue>>(&bytes) else {
            return Ok(None);
        };
        // An entry from the future means the clock moved back: do not trust its age.
        let fresh = entry.url == url
            && entry.fetched_at <= now.saturating_add(60)
            && now < entry.expires_at
            && now < entry.fetched_at.saturating_add(MAX_AGE);
        if !fresh {
            return Ok(None);
        }
        let body = entry.body.get();
        Ok(if body.starts_with('"') {
            serde_json::from_str(body).ok()
        } else {
            Some(body.to_owned())
        })
    }

    /// Keeps `body` for `max_age` seconds. A cache that cannot be written only costs a fetch
    /// next time, so failures are ignored.
    pub fn put(&self, url: &str, body: &[u8], max_age: i64, now: i64) {
        if max_age <= 0 {
            return;
        }
        fn entry<B: Serialize>(url: &str, now: i64, max_age: i64, body: B) -> Vec<u8> {
            let entry = Entry {
                url: url.into(),
                fetched_at: now,
                expires_at: now.saturating_add(max_age.min(MAX_AGE)),
                body,
            };
            serde_json::to_vec(&entry).unwrap_or_default()
        }
        let structured = std::str::from_utf8(body)
            .ok()
            .filter(|text| text.trim_start().starts_with(['{', '[']))
            .and_then(|text| serde_json::from_str::<&RawValue>(text).ok());
        let bytes = match structured {
            Some(raw) => entry(url, now, max_age, raw),
            None => entry(url, now, max_age, String::from_utf8_lossy(body)),
        };
        if !bytes.is_empty() {
            let _ = fsutil::write_private_atomic(&self.path(url), &bytes);
        }
    }
}

/// Seconds a response may be reused per its Cache-Control (less its Age); 0 for no-store or
/// no-cache, or without a max-age.
pub fn max_age(cache_control: Option<&str>, age: Option<&str>) -> i64 {
    let Some(cc) = cache_control else {
        return 0;
    };
    let directives: Vec<String> = cc
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    if directives
        .iter()
        .any(|d| d == "no-store" || d == "no-cache")
    {
        return 0;
    }
    let max_age: i64 = directives
        .iter()
        .find_map(|d| d.strip_prefix("max-age=")?.trim_matches('"').parse().ok())
        .unwrap_or(0);
    let age: i64 = age.and_then(|a| a.trim().parse().ok()).unwrap_or(0);
    (max_age - age).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_follows_cache_control_and_age() {
        let google = Some("public, max-age=21600, must-revalidate, no-transform");
        assert_eq!(max_age(google, None), 21600);
        assert_eq!(max_age(google, Some("600")), 21000);
        assert_eq!(
            max_age(Some("no-cache, no-store, max-age=0, must-revalidate"), None),
            0
        );
        assert_eq!(max_age(Some("private"), None), 0);
        assert_eq!(max_age(None, None), 0);
    }

    /// Entries written by earlier versions are found again: the name is the URL's SHA-256.
    #[test]
    fn an_entrys_file_is_named_by_its_urls_sha256() {
        let cache = Cache::new(Path::new("/c"));
        assert_eq!(
            cache.path("https://www.googleapis.com/oauth2/v3/certs"),
            Path::new("/c/http/2648cd7d39447e7c90650851.json")
        );
    }

    /// Whatever the body, it comes back as it went in (a JSON document without its outer
    /// white space); entries written as strings by earlier versions are read too.
    #[test]
    fn a_body_comes_back_as_it_was_cached_in_either_form() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        for body in [
            r#"{"keys":[{"kid":"a\"b","n":"x"}]}"#,
            r#" [1, "\u00e9"] "#,
            r#""a JSON string""#,
            "plain text",
            "{not json",
            "",
        ] {
            cache.put("http://x/keys", body.as_bytes(), 100, 1000);
            let back = cache.get("http://x/keys", 1001).unwrap();
            assert_eq!(back.as_deref(), Some(body.trim()), "{body:?}");
        }
        let old =
            r#"{"url":"http://x/old","fetched_at":1000,"expires_at":1100,"body":"{\"keys\":[]}"}"#;
        fsutil::write_private_atomic(&cache.path("http://x/old"), old.as_bytes()).unwrap();
        assert_eq!(
            cache.get("http://x/old", 1001).unwrap().as_deref(),
            Some(r#"{"keys":[]}"#)
        );
    }

    #[test]
    fn entries_live_for_their_max_age() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.put("http://x/keys", b"{}", 100, 1000);
        let get = |url: &str, now: i64| cache.get(url, now).unwrap();
        assert_eq!(get("http://x/keys", 1050).as_deref(), Some("{}"));
        assert_eq!(get("http://x/keys", 1100), None);
        assert_eq!(get("http://x/other", 1050), None);
        cache.put("http://x/nostore", b"{}", 0, 1000);
        assert_eq!(get("http://x/nostore", 1000), None);
    }

    #[test]
    fn w11_cache_entries_live_a_day_at_most_whatever_max_age_says() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.put("http://x/keys", b"{}", i64::MAX, 1000);
        assert!(
            cache
                .get("http://x/keys", 1000 + MAX_AGE - 1)
                .unwrap()
                .is_some()
        );
        assert_eq!(cache.get("http://x/keys", 1000 + MAX_AGE).unwrap(), None);
    }
}
