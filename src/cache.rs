//! A small on-disk cache of HTTP bodies, kept as long as the server's Cache-Control max-age
//! says, shared by every run: the issuer's keys and discovery document change rarely, and
//! fetching them is most of a short command's time.

use crate::fsutil;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// However long a server says its answer stays good, a cached copy is used for a day at most.
const MAX_AGE: i64 = 24 * 3600;
/// Discovery documents and key sets are a few KB; anything near this is not one.
const MAX_ENTRY: u64 = 4 << 20;
const HEX: &[u8; 16] = b"0123456789abcdef";

pub struct Cache {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    url: String,
    fetched_at: i64,
    expires_at: i64,
    body: String,
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
        let Ok(entry) = serde_json::from_slice::<Entry>(&bytes) else {
            return Ok(None);
        };
        // An entry from the future means the clock moved back: do not trust its age.
        let fresh = entry.url == url
            && entry.fetched_at <= now.saturating_add(60)
            && now < entry.expires_at
            && now < entry.fetched_at.saturating_add(MAX_AGE);
        Ok(fresh.then_some(entry.body))
    }

    /// Keeps `body` for `max_age` seconds. A cache that cannot be written only costs a fetch
    /// next time, so failures are ignored.
    pub fn put(&self, url: &str, body: &[u8], max_age: i64, now: i64) {
        if max_age <= 0 {
            return;
        }
        let entry = Entry {
            url: url.to_string(),
            fetched_at: now,
            expires_at: now.saturating_add(max_age.min(MAX_AGE)),
            body: String::from_utf8_lossy(body).into_owned(),
        };
        if let Ok(bytes) = serde_json::to_vec(&entry) {
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
    fn cache_entries_live_a_day_at_most_whatever_max_age_says() {
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
