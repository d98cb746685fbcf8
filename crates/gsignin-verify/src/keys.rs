//! The issuer's RSA public keys as the verifier uses them: parsed once per run (from a JWK's
//! modulus and exponent, or DER) and shared by every verification on every thread.
//!
//! A JWK's `n` and `e` are turned into a DER `RSAPublicKey` for aws-lc: its component API
//! (`PublicKeyComponents::verify`) would rebuild the key on every verification, and a batch
//! verifies against the same few keys a hundred thousand times.

use crate::error::{KeyError, KeyProblem};
use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

/// One RSA public key of the issuer, parsed once and shared by every verification (and every
/// thread) of a run.
#[derive(Clone)]
pub struct Key {
    pub kid: Option<String>,
    /// The JWK's `alg`, when it names one.
    pub alg: Option<String>,
    /// The modulus size, when known: a key under 2048 bits is refused by name, not taken for
    /// a forgery.
    pub bits: Option<usize>,
    parsed: std::sync::Arc<ParsedPublicKey>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl Key {
    /// From a JWK's modulus and exponent (big-endian bytes).
    pub fn from_components(
        kid: Option<String>,
        alg: Option<String>,
        n: &[u8],
        e: &[u8],
    ) -> Result<Key, KeyError> {
        let mut key = Self::from_der(kid, alg, &rsa_public_key_der(n, e))?;
        key.bits = Some(modulus_bits(n));
        Ok(key)
    }

    /// From a DER `RSAPublicKey` (PKCS#1) or `SubjectPublicKeyInfo`.
    pub fn from_der(kid: Option<String>, alg: Option<String>, der: &[u8]) -> Result<Key, KeyError> {
        let parsed = match ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, der) {
            Ok(parsed) => parsed,
            Err(e) => {
                let reason = e.to_string();
                return Err(KeyError::new(kid, KeyProblem::Rejected { reason }));
            }
        };
        Ok(Key {
            kid,
            alg,
            bits: None,
            parsed: std::sync::Arc::new(parsed),
        })
    }

    /// A key the verifier refuses to use whatever the signature: under 2048 bits.
    pub(crate) fn too_small(&self) -> Option<usize> {
        self.bits.filter(|b| *b < MIN_RSA_BITS)
    }

    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        self.parsed.verify_sig(message, signature).is_ok()
    }
}

/// RS256 keys must have at least this many bits (RFC 7518 3.3).
pub const MIN_RSA_BITS: usize = 2048;

/// The size of a big-endian modulus in bits.
pub fn modulus_bits(n: &[u8]) -> usize {
    match n.iter().position(|b| *b != 0) {
        Some(i) => (n.len() - i) * 8 - n[i].leading_zeros() as usize,
        None => 0,
    }
}

/// DER `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
fn rsa_public_key_der(n: &[u8], e: &[u8]) -> Vec<u8> {
    fn length(len: usize, out: &mut Vec<u8>) {
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend(bytes);
        }
    }
    fn integer(v: &[u8], out: &mut Vec<u8>) {
        let v = match v.iter().position(|b| *b != 0) {
            Some(i) => &v[i..],
            None => &[0u8][..],
        };
        // A leading 1 bit would make the INTEGER negative: prefix a zero byte.
        let pad = v[0] & 0x80 != 0;
        out.push(0x02);
        length(v.len() + usize::from(pad), out);
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
    }
    let mut body = Vec::with_capacity(n.len() + e.len() + 16);
    integer(n, &mut body);
    integer(e, &mut body);
    let mut out = vec![0x30];
    length(body.len(), &mut out);
    out.extend(body);
    out
}

#[derive(Debug, Clone, Default)]
pub struct KeySet {
    pub keys: Vec<Key>,
    /// Keys the issuer published that cannot verify an RS256 ID token, each with its kid and
    /// why: a token naming one is told the reason.
    pub unusable: Vec<KeyError>,
    /// Things about the key set a person must hear (private key material published).
    pub warnings: Vec<String>,
}

impl KeySet {
    pub fn new(keys: Vec<Key>) -> KeySet {
        KeySet {
            keys,
            ..KeySet::default()
        }
    }
}

impl KeySet {
    /// Every key published under `kid`: an issuer may (wrongly) reuse one, and each is tried.
    pub fn with_kid<'k>(&'k self, kid: &'k str) -> impl Iterator<Item = &'k Key> + 'k {
        self.keys
            .iter()
            .filter(move |k| k.kid.as_deref() == Some(kid))
    }
}
