//! `id_token::verify` (as a Google ID token, and as the token's own kind: Firebase's, IAP's, a
//! service account's), `decode` and the key parser over arbitrary bytes, and the texts of what
//! they find wrong: none may panic.
//!
//! cargo +nightly fuzz run -a verify -- -max_total_time=600
//! (or, with the stable toolchain: RUSTC_BOOTSTRAP=1 cargo fuzz run -a verify ...)
#![no_main]

use gsignin_verify::id_token::{Expectations, decode, verify};
use gsignin_verify::keys::{Key, KeySet};
use gsignin_verify::jwks;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Real keys (an RSA one as the emulator's, an EC P-256 one as IAP's), so inputs that reach
/// the signature check exercise it, with a key of either algorithm.
fn keys() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let k = gsignin_verify::signing::SigningKey::generate();
        let ec = gsignin_verify::signing::Es256SigningKey::generate();
        KeySet::new(vec![
            Key::from_components(Some(k.kid.clone()), None, &k.n, &k.e).unwrap(),
            jwks::from_jwk(&ec.jwk(), &mut Vec::new()).unwrap(),
        ])
    })
}

fuzz_target!(|data: &[u8]| {
    let expect = Expectations::new(["https://accounts.google.com"])
        .with_audience("aud")
        .with_leeway(60)
        .with_hd("example.com")
        .with_nonce("n-0S6_WzA2Mj");
    let verdict = verify(data, keys(), &expect, 1_795_500_000);
    let _ = serde_json::to_string(&verdict.checks);
    let _ = verdict.who();
    // Judged again by the kind its own `iss` names, as `whoami` does.
    if verdict.kind.own_rules() {
        let by_kind = Expectations::for_kind(&verdict.kind).with_audience("aud");
        let again = verify(data, keys(), &by_kind, 1_795_500_000);
        let _ = (again.valid(), again.kind.keys_url(), again.kind.words());
    }
    if let Err(e) = decode(data) {
        let _ = e.to_string();
    }
    match jwks::parse(data) {
        Ok(set) => set.unusable.iter().for_each(|u| drop(u.to_string())),
        Err(e) => drop(e.to_string()),
    }
});
