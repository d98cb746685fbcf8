//! Writes a test corpus for benchmarks: `jwks.json`, `pem.json` (Google's certificate map) and
//! `tokens.txt` with N distinct ID tokens signed by those keys, as Google would issue them.
//!
//! cargo run --release --example mint_tokens -- N DIR [AUDIENCE]

use gsignin_verify::signing::Keys;
use serde_json::json;
use std::io::Write;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let aud = args
        .next()
        .unwrap_or_else(|| "000000000000-gsigninemulator.apps.googleusercontent.com".into());
    std::fs::create_dir_all(&dir)?;
    let keys = Keys::new();
    std::fs::write(dir.join("jwks.json"), keys.jwks().to_string())?;
    std::fs::write(dir.join("pem.json"), keys.pem_map().to_string())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("tokens.txt"))?);
    for i in 0..n {
        let claims = json!({
            "iss": "https://accounts.google.com",
            "azp": "000000000000-gsigninandroid.apps.googleusercontent.com",
            "aud": aud,
            "sub": format!("{}", 100_000_000_000_000_000_000u128 + i as u128),
            "email": format!("user{i}@example.com"),
            "email_verified": true,
            "iat": now,
            "exp": now + 3600,
        });
        writeln!(out, "{}", keys.keys[i % 2].sign(&claims))?;
    }
    out.flush()
}
