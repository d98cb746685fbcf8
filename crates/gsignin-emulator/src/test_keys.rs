//! The signing keys of an emulator only this machine can reach: RSA-2048 keys made once and
//! kept in this crate, so that a start costs no key generation (two RSA keys take 0.2 to 3 s
//! in a debug build of a crate that depends on this one, where aws-lc is not optimised).
//!
//! Their private halves are public: a token they sign proves nothing outside a test. An
//! emulator others can reach (a bind beyond loopback, a public URL) and `gsignin emulator`
//! make their own keys at start instead; a rotation always makes a new one.

use gsignin_verify::signing::{Keys, SigningKey};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// kid, PKCS#8 DER, self-signed certificate (CN = kid), as Google's PEM map publishes them.
const POOL: [(&str, &[u8], &str); 16] = [
    (
        "04d44cabd432ad760de7066cbc764e092d47deb9",
        include_bytes!("test_keys/04d44cabd432ad760de7066cbc764e092d47deb9.pk8"),
        include_str!("test_keys/04d44cabd432ad760de7066cbc764e092d47deb9.pem"),
    ),
    (
        "0513858cfefbafe4946f3bc52146c0ea49e67ebc",
        include_bytes!("test_keys/0513858cfefbafe4946f3bc52146c0ea49e67ebc.pk8"),
        include_str!("test_keys/0513858cfefbafe4946f3bc52146c0ea49e67ebc.pem"),
    ),
    (
        "14ac5ce9a5f483c04b80cc06ed39fd963e29a823",
        include_bytes!("test_keys/14ac5ce9a5f483c04b80cc06ed39fd963e29a823.pk8"),
        include_str!("test_keys/14ac5ce9a5f483c04b80cc06ed39fd963e29a823.pem"),
    ),
    (
        "20bdc26310bb15feb362f800394d59e1ad964186",
        include_bytes!("test_keys/20bdc26310bb15feb362f800394d59e1ad964186.pk8"),
        include_str!("test_keys/20bdc26310bb15feb362f800394d59e1ad964186.pem"),
    ),
    (
        "438087ea17e7462e4256cdec0412d755d2556a59",
        include_bytes!("test_keys/438087ea17e7462e4256cdec0412d755d2556a59.pk8"),
        include_str!("test_keys/438087ea17e7462e4256cdec0412d755d2556a59.pem"),
    ),
    (
        "5fb7636df0a375541d9c579fef7691aaccb05352",
        include_bytes!("test_keys/5fb7636df0a375541d9c579fef7691aaccb05352.pk8"),
        include_str!("test_keys/5fb7636df0a375541d9c579fef7691aaccb05352.pem"),
    ),
    (
        "631e52225514567f82e49b65e97b620d0277c426",
        include_bytes!("test_keys/631e52225514567f82e49b65e97b620d0277c426.pk8"),
        include_str!("test_keys/631e52225514567f82e49b65e97b620d0277c426.pem"),
    ),
    (
        "684b77edb3d88e76cbef40b9783bbbe89f299f42",
        include_bytes!("test_keys/684b77edb3d88e76cbef40b9783bbbe89f299f42.pk8"),
        include_str!("test_keys/684b77edb3d88e76cbef40b9783bbbe89f299f42.pem"),
    ),
    (
        "96aa7d7d2dc2e2b28dbfec50e368d8c717449fac",
        include_bytes!("test_keys/96aa7d7d2dc2e2b28dbfec50e368d8c717449fac.pk8"),
        include_str!("test_keys/96aa7d7d2dc2e2b28dbfec50e368d8c717449fac.pem"),
    ),
    (
        "aa9c1a49bb1b3d4f680fb2a79120d5184b078cc2",
        include_bytes!("test_keys/aa9c1a49bb1b3d4f680fb2a79120d5184b078cc2.pk8"),
        include_str!("test_keys/aa9c1a49bb1b3d4f680fb2a79120d5184b078cc2.pem"),
    ),
    (
        "b03c4612bd44cd434992380956701be30f068fb1",
        include_bytes!("test_keys/b03c4612bd44cd434992380956701be30f068fb1.pk8"),
        include_str!("test_keys/b03c4612bd44cd434992380956701be30f068fb1.pem"),
    ),
    (
        "b1e20344d9f4155f0462571146615812f6efa029",
        include_bytes!("test_keys/b1e20344d9f4155f0462571146615812f6efa029.pk8"),
        include_str!("test_keys/b1e20344d9f4155f0462571146615812f6efa029.pem"),
    ),
    (
        "c52d6ee8f7eb8b965dd958ba04b589f5babe6207",
        include_bytes!("test_keys/c52d6ee8f7eb8b965dd958ba04b589f5babe6207.pk8"),
        include_str!("test_keys/c52d6ee8f7eb8b965dd958ba04b589f5babe6207.pem"),
    ),
    (
        "d253583060b06c5c916ee00ba9b3f2004b8175b9",
        include_bytes!("test_keys/d253583060b06c5c916ee00ba9b3f2004b8175b9.pk8"),
        include_str!("test_keys/d253583060b06c5c916ee00ba9b3f2004b8175b9.pem"),
    ),
    (
        "e34e80c0645d128c10fac76cd55c967b839ca8ba",
        include_bytes!("test_keys/e34e80c0645d128c10fac76cd55c967b839ca8ba.pk8"),
        include_str!("test_keys/e34e80c0645d128c10fac76cd55c967b839ca8ba.pem"),
    ),
    (
        "fc6e48e2f2d947041cab87a37c573cf348071434",
        include_bytes!("test_keys/fc6e48e2f2d947041cab87a37c573cf348071434.pk8"),
        include_str!("test_keys/fc6e48e2f2d947041cab87a37c573cf348071434.pem"),
    ),
];

/// Which pair of the pool the next emulator of this process takes: emulators started one
/// after another (a test comparing two issuers) never share a key until eight have started.
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Two keys of the pool, the newest first, as Google publishes two.
pub fn pair() -> Keys {
    let first = NEXT.fetch_add(1, Ordering::Relaxed).wrapping_mul(2) % POOL.len();
    Keys {
        keys: vec![key(first), key(first + 1)],
    }
}

fn key(at: usize) -> Arc<SigningKey> {
    let (kid, der, cert) = POOL[at];
    // The pool is fixed and tested below: a key that does not load is a broken build.
    Arc::new(SigningKey::from_pkcs8(der, kid, cert).expect("a pool key loads")) // ok: see above
}

/// Whether `kid` names one of the pool's keys (an emulator others reach must not sign with one).
#[cfg(test)]
fn is_pool_key(kid: &str) -> bool {
    POOL.iter().any(|(k, _, _)| *k == kid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pool_key_loads_signs_and_verifies_and_its_certificate_names_it() {
        for at in 0..POOL.len() {
            let key = key(at);
            let keys = Keys {
                keys: vec![key.clone()],
            };
            let token = key.sign(&serde_json::json!({"sub": "1"}));
            let set = gsignin_verify::jwks::parse(keys.jwks().to_string().as_bytes()).unwrap();
            let expect = gsignin_verify::id_token::Expectations::for_client(&["x".into()], "y");
            let verdict = gsignin_verify::id_token::verify(token.as_bytes(), &set, &expect, 0);
            let signature = verdict
                .checks
                .iter()
                .find(|(n, _)| *n == "signature")
                .unwrap();
            assert_eq!(
                signature.1.status,
                gsignin_verify::check::Status::Pass,
                "{}",
                key.kid
            );
            let pem = gsignin_verify::jwks::parse(keys.pem_map().to_string().as_bytes()).unwrap();
            let verdict = gsignin_verify::id_token::verify(token.as_bytes(), &pem, &expect, 0);
            let signature = verdict
                .checks
                .iter()
                .find(|(n, _)| *n == "signature")
                .unwrap();
            assert_eq!(signature.1.status, gsignin_verify::check::Status::Pass);
        }
    }

    /// M16: only an emulator no other machine reaches signs with the published test keys.
    #[test]
    fn m16_an_emulator_others_can_reach_signs_with_keys_of_its_own() {
        let kids = |emu: &crate::Emulator| -> Vec<String> {
            emu.jwks()["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["kid"].as_str().unwrap().to_string())
                .collect()
        };
        let local = crate::Emulator::builder().start().unwrap();
        assert!(kids(&local).iter().all(|k| is_pool_key(k)));
        let reachable = [
            crate::Emulator::builder().bind("0.0.0.0".parse().unwrap()),
            crate::Emulator::builder().public_url("http://google-emulator:8080"),
            crate::Emulator::builder().fresh_keys(true),
        ];
        for builder in reachable {
            let emu = builder.clone().start().unwrap();
            assert!(kids(&emu).iter().all(|k| !is_pool_key(k)), "{builder:?}");
        }
        // A rotation makes a new key whatever the emulator started with.
        local.rotate_keys();
        assert!(!is_pool_key(&kids(&local)[0]));
    }

    #[test]
    fn emulators_started_one_after_another_get_other_keys() {
        let (a, b) = (pair(), pair());
        for k in &a.keys {
            assert!(b.keys.iter().all(|o| o.kid != k.kid));
        }
    }
}
