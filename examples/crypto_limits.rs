//! The machine's RS256 limits with the crypto library gsignin uses (aws-lc-rs), measured the
//! way gsignin works: verifies with a public key parsed once, signs with one RSA-2048 key, on
//! every core. The benchmarks divide gsignin's rates by these (bench/run prints the ratios).
//!
//! cargo run --release --example crypto_limits -- [SECONDS]   (prints one JSON line)

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{
    KeyPair as _, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs `work` on every core for `secs` and returns how many times it ran per second.
fn rate(secs: f64, work: impl Fn() + Send + Sync + 'static) -> f64 {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let work = Arc::new(work);
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let started = Instant::now();
    let counts: Vec<u64> = (0..threads)
        .map(|_| {
            let work = work.clone();
            std::thread::spawn(move || {
                let mut n = 0u64;
                while Instant::now() < until {
                    for _ in 0..16 {
                        work();
                    }
                    n += 16;
                }
                n
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap_or(0))
        .collect();
    counts.iter().sum::<u64>() as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let secs: f64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3.0);
    let pair = Arc::new(KeyPair::generate(KeySize::Rsa2048).expect("an RSA key"));
    // A token's signing input is a few hundred bytes; its exact size barely matters to RSA.
    let input: Arc<Vec<u8>> = Arc::new(vec![b'x'; 700]);
    let mut signature = vec![0u8; pair.public_modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        &input,
        &mut signature,
    )
    .expect("a signature");
    let public = Arc::new(
        ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref())
            .expect("the public key"),
    );
    let (verify_key, verify_input, sig) = (public.clone(), input.clone(), Arc::new(signature));
    let verifies = rate(secs, move || {
        let ok = verify_key.verify_sig(&verify_input, &sig).is_ok();
        assert!(ok, "a valid signature verifies");
    });
    let (sign_pair, sign_input) = (pair.clone(), input.clone());
    let signs = rate(secs, move || {
        let mut out = vec![0u8; sign_pair.public_modulus_len()];
        sign_pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                &sign_input,
                &mut out,
            )
            .expect("a signature");
    });
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!(
        "{{\"threads\":{threads},\"rs256_verifies_per_s\":{verifies:.0},\"rs256_signs_per_s\":{signs:.0}}}"
    );
}
