//! Google ID-token verification as a pure function, as gsignin does it: bytes, keys,
//! expectations and `now` in, a [`Verdict`](id_token::Verdict) with every check's status and
//! reason out. No I/O: fetching and caching keys is the caller's. Verification reads no clock
//! (`now` is an argument); [`time::Clock`] is there for callers that want the system's.
//!
//! ```
//! use gsignin_verify::id_token::{Expectations, verify};
//! use gsignin_verify::jwks;
//!
//! // A key set as Google publishes it (here an empty one), and what the token must say.
//! let keys = jwks::parse(br#"{"keys": []}"#).unwrap();
//! let expect = Expectations::for_client(
//!     &["https://accounts.google.com".to_string()],
//!     "1234.apps.googleusercontent.com",
//! );
//! let verdict = verify(b"not.a.token", &keys, &expect, 1_795_500_000);
//! assert!(!verdict.valid());
//! ```
//!
//! What is wrong with a token's form, with one published key or with a key set document comes
//! back typed ([`error`]), each error reading as the reason the verdict gives. A
//! [`Verdict`](id_token::Verdict) is data: how to show it, as text or JSON, is the caller's.
//!
//! Key sets may hold RSA and EC P-256 keys; each is checked when it is read (an EC point off
//! the curve is refused) and verifies one [`Algorithm`](algorithm::Algorithm) only: RS256 for RSA,
//! ES256 for EC. An ID token is RS256, whatever keys its issuer publishes.
//!
//! The `signing` feature adds the `signing` module: RSA keys that sign tokens and publish themselves
//! as a JWKS and a PEM certificate map, as an issuer (or a test's fake one) does, and ES256
//! (P-256) keys that sign as IAP does.

#![forbid(unsafe_code)]

pub mod algorithm;
pub mod check;
pub mod error;
pub mod id_token;
pub mod identity;
pub mod jwks;
pub mod keys;
pub mod kind;
#[cfg(any(test, feature = "signing"))]
pub mod signing;
mod spki;
pub mod time;
