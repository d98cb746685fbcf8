//! The emulator's signing keys: RSA-2048, a 40-hex `kid` like Google's, published as a JWKS
//! and as Google's PEM certificate map, rotated on request (the newest signs, the previous one
//! stays published so tokens it signed still verify). And ES256 keys (P-256), which sign as
//! IAP signs its assertions, for tests of ES256 tokens.

use crate::error::{KeyError, KeyProblem};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _, RSA_PKCS1_SHA256,
};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

pub struct SigningKey {
    pub kid: String,
    pair: KeyPair,
    pub n: Vec<u8>,
    pub e: Vec<u8>,
    pub cert_pem: String,
}

impl SigningKey {
    pub fn generate() -> SigningKey {
        // Failing to make a key or a certificate from it means the crypto library is broken;
        // there is nothing a user could do about it.
        let pair = KeyPair::generate(KeySize::Rsa2048).expect("RSA key generation"); // ok: see above
        let kid = hex(&rand::random::<[u8; 20]>());
        let public = pair.public_key();
        let n = public.modulus().big_endian_without_leading_zero().to_vec();
        let e = public.exponent().big_endian_without_leading_zero().to_vec();
        let cert_pem = self_signed_pem(&pair, &kid);
        SigningKey {
            kid,
            pair,
            n,
            e,
            cert_pem,
        }
    }

    /// A key made earlier: its PKCS#8 DER, its `kid`, and the self-signed certificate Google's
    /// PEM map publishes for it. Loading costs no key generation (an emulator's start in a
    /// debug build would otherwise spend most of its time there).
    pub fn from_pkcs8(der: &[u8], kid: &str, cert_pem: &str) -> Result<SigningKey, KeyError> {
        let pair = KeyPair::from_pkcs8(der).map_err(|e| {
            let reason = e.to_string();
            KeyError::new(Some(kid.to_string()), KeyProblem::NotPkcs8 { reason })
        })?;
        let public = pair.public_key();
        Ok(SigningKey {
            kid: kid.to_string(),
            n: public.modulus().big_endian_without_leading_zero().to_vec(),
            e: public.exponent().big_endian_without_leading_zero().to_vec(),
            pair,
            cert_pem: cert_pem.to_string(),
        })
    }

    pub fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(&self.n),
            "e": URL_SAFE_NO_PAD.encode(&self.e),
        })
    }

    /// Signs `claims` as an RS256 JWT whose header carries this key's kid.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        self.sign_with_header(&header, claims)
    }

    /// Signs with any header: tests use it to make tokens that lie about themselves.
    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        compact(header, claims, |input| {
            let mut sig = vec![0u8; self.pair.public_modulus_len()];
            self.pair
                .sign(
                    &RSA_PKCS1_SHA256,
                    &aws_lc_rs::rand::SystemRandom::new(),
                    input,
                    &mut sig,
                )
                .expect("RSA signing with a valid key"); // ok: a fixed-size buffer and a valid key
            sig
        })
    }
}

/// A compact JWS: header and claims in base64url, and `sign`'s signature of the two.
fn compact(header: &Value, claims: &Value, sign: impl FnOnce(&[u8]) -> Vec<u8>) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let sig = sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// An ECDSA P-256 key that signs ES256 tokens (as IAP signs its assertions), and publishes its
/// public half as a JWK or as a PEM public key (IAP's `public_key` map holds those).
pub struct Es256SigningKey {
    pub kid: String,
    pair: EcdsaKeyPair,
}

impl Es256SigningKey {
    pub fn generate() -> Es256SigningKey {
        // As for RSA: failing here means the crypto library is broken.
        let pair =
            EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("P-256 key generation"); // ok: see above
        Es256SigningKey {
            kid: hex(&rand::random::<[u8; 20]>()),
            pair,
        }
    }

    /// The public key as a JWK: `kty` EC, `crv` P-256, its `x` and `y`.
    pub fn jwk(&self) -> Value {
        // SEC 1 2.3.3: 0x04, x, y.
        let point = self.pair.public_key().as_ref();
        let (x, y) = point[1..].split_at(point.len() / 2);
        json!({
            "kty": "EC",
            "crv": "P-256",
            "alg": "ES256",
            "use": "sig",
            "kid": self.kid,
            "x": URL_SAFE_NO_PAD.encode(x),
            "y": URL_SAFE_NO_PAD.encode(y),
        })
    }

    /// The public key as a PEM `SubjectPublicKeyInfo` (`-----BEGIN PUBLIC KEY-----`).
    pub fn public_pem(&self) -> String {
        let der = self.pair.public_key().as_der().expect("DER of a valid key"); // ok: see generate()
        let body = STANDARD.encode(der.as_ref());
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|l| std::str::from_utf8(l).unwrap_or_default())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    }

    /// Signs `claims` as an ES256 JWT whose header carries this key's kid.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "ES256", "kid": self.kid, "typ": "JWT"});
        self.sign_with_header(&header, claims)
    }

    /// Signs with any header (RFC 7518 3.4's 64-byte R || S): tests use it to make tokens that
    /// lie about themselves.
    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        compact(header, claims, |input| {
            self.pair
                .sign(&aws_lc_rs::rand::SystemRandom::new(), input)
                .expect("ECDSA signing with a valid key") // ok: see generate()
                .as_ref()
                .to_vec()
        })
    }
}

fn self_signed_pem(pair: &KeyPair, kid: &str) -> String {
    let der = pair.as_der().expect("PKCS#8 of a generated key"); // ok: see generate()
    let key = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
        &rustls_pki_types::PrivatePkcs8KeyDer::from(der.as_ref().to_vec()),
        &rcgen::PKCS_RSA_SHA256,
    )
    .expect("rcgen accepts an RSA PKCS#8 key"); // ok: see generate()
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("empty SAN list"); // ok
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, kid);
    params
        .self_signed(&key)
        .expect("self-signing with a valid key") // ok: see generate()
        .pem()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The published keys, newest first.
pub struct Keys {
    /// Shared so that a handler can sign with a key after releasing the emulator's lock.
    pub keys: Vec<std::sync::Arc<SigningKey>>,
}

impl Keys {
    /// Two keys, as Google publishes.
    pub fn new() -> Keys {
        Keys {
            keys: vec![
                std::sync::Arc::new(SigningKey::generate()),
                std::sync::Arc::new(SigningKey::generate()),
            ],
        }
    }

    pub fn current(&self) -> &std::sync::Arc<SigningKey> {
        &self.keys[0]
    }

    /// A new key signs from now on; the oldest one is no longer published.
    pub fn rotate(&mut self) -> &SigningKey {
        self.keys
            .insert(0, std::sync::Arc::new(SigningKey::generate()));
        self.keys.truncate(2);
        &self.keys[0]
    }

    pub fn jwks(&self) -> Value {
        json!({"keys": self.keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()})
    }

    pub fn pem_map(&self) -> Value {
        let map: serde_json::Map<String, Value> = self
            .keys
            .iter()
            .map(|k| (k.kid.clone(), Value::String(k.cert_pem.clone())))
            .collect();
        Value::Object(map)
    }
}

impl Default for Keys {
    fn default() -> Self {
        Self::new()
    }
}
