//! The JWS algorithms this crate verifies, and what RFC 7518 fixes about each: a key is of one
//! of them, and a header's `alg` is read into one of them or refused.

/// The JWS algorithm a key verifies: one per key, fixed by its type when it is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 3.3): Google's ID tokens.
    Rs256,
    /// ECDSA on P-256 with SHA-256 (RFC 7518 3.4): IAP's assertions, for one.
    Es256,
}

impl Algorithm {
    /// The name a JWS header's `alg` and a JWK's `alg` give it.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RS256",
            Algorithm::Es256 => "ES256",
        }
    }

    /// The algorithm an `alg` names, exactly (the names are case-sensitive); `none`, HMAC and
    /// whatever this crate cannot verify are None.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        match name {
            "RS256" => Some(Algorithm::Rs256),
            "ES256" => Some(Algorithm::Es256),
            _ => None,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// RFC 7518 3.4: an ES256 signature is R and S, each a 32-byte big-endian integer, joined.
pub(crate) const ES256_SIGNATURE_LEN: usize = 64;

/// The size of a P-256 coordinate (`x`, `y`) in bytes.
pub(crate) const P256_COORDINATE_LEN: usize = 32;
