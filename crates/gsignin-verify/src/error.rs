//! What can be wrong with a token's form, with one published key, or with a key set document:
//! typed, so that a program can tell the cases apart, and each with the sentence a person is
//! shown (the verdict's reasons are these texts).
//!
//! The enums are `#[non_exhaustive]`: a new way for input to be wrong is a new variant, not a
//! breaking change. No variant holds another crate's type: what a decoder said is kept as its
//! text, so that updating base64, serde_json or aws-lc changes nothing here.

use crate::algorithm::{Algorithm, P256_COORDINATE_LEN};
use std::fmt;

/// Why a token is not a compact JWS at all: nothing was judged but its form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// Nothing but white space (or a byte-order mark).
    Empty,
    /// Longer than [`MAX_TOKEN_BYTES`](crate::id_token::MAX_TOKEN_BYTES): not decoded.
    TooLong,
    /// White space or a line break inside the token, first at byte `at`.
    WhiteSpace { at: usize },
    /// Not UTF-8 from byte `at` on.
    NotText { at: usize },
    /// Not three dot-separated parts (five is an encrypted JWE).
    Parts { count: usize },
    /// A part that is not unpadded base64url; `reason` is the decoder's.
    NotBase64 { part: Part, reason: String },
    /// The header or payload is not JSON; `reason` is the parser's.
    NotJson { part: Part, reason: String },
    /// The header or payload is JSON, but not an object.
    NotAnObject { part: Part },
}

/// The three parts of a compact JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Header,
    Payload,
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => f.write_str("the token is empty"),
            DecodeError::TooLong => f.write_str(
                "the token is longer than 1 MiB, which no ID token is (Google's are about 1 KB): \
                 not decoded",
            ),
            DecodeError::WhiteSpace { at } => write!(
                f,
                "the token holds whitespace or a line break at byte {at}: two tokens on one \
                 line? (one token per line, each line ending in \\n)"
            ),
            DecodeError::NotText { at } => {
                write!(f, "the token is not text (invalid UTF-8 at byte {at})")
            }
            DecodeError::Parts { count } => write!(
                f,
                "a JWT has 3 dot-separated parts, this has {count}{}",
                if *count == 5 {
                    " (an encrypted JWE, not an ID token)"
                } else {
                    ""
                }
            ),
            DecodeError::NotBase64 { part, reason } => {
                write!(f, "the {part} is not valid unpadded base64url: {reason}")
            }
            DecodeError::NotJson { part, reason } => write!(f, "the {part} is not JSON: {reason}"),
            DecodeError::NotAnObject { part } => write!(f, "the {part} is JSON but not an object"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// One published key the verifier cannot use, and the `kid` it was published under (when it
/// has one that is a string): a token naming that kid is told why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyError {
    pub kid: Option<String>,
    pub problem: KeyProblem,
}

impl KeyError {
    pub(crate) fn new(kid: Option<String>, problem: KeyProblem) -> KeyError {
        KeyError { kid, problem }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kid {
            Some(kid) => write!(f, "key {kid}: {}", self.problem),
            None => fmt::Display::fmt(&self.problem, f),
        }
    }
}

impl std::error::Error for KeyError {}

/// Why one key cannot verify a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// A JWK that is not a JSON object.
    NotAnObject,
    /// A JWK whose `kid` is not a string; `value` is it as JSON.
    KidNotAString { value: String },
    /// A member that must be a string is not.
    NotAString { member: &'static str },
    /// A JWK without `kty`.
    NoKty,
    /// A `kty` that names a supported type (`expected`) in the wrong case (`rsa`, `ec`): the
    /// name is case-sensitive.
    KtyCase { kty: String, expected: &'static str },
    /// A key type the verifier does not use.
    UnsupportedKty { kty: String },
    /// `use` is not `sig`.
    NotForSignatures { usage: String },
    /// `key_ops` without `verify`; `key_ops` is the member as JSON.
    NoVerifyOp { key_ops: String },
    /// A JWK without the members its type needs (`members`: "`n` and `e`", "`x` and `y`");
    /// `x5c_only` when it carries a certificate chain instead.
    NoComponents {
        members: &'static str,
        x5c_only: bool,
    },
    /// An EC JWK without `crv`.
    NoCurve,
    /// An EC key on a curve other than P-256 (`crv` as the JWK names it, or the curve's name
    /// or OID in a certificate).
    UnsupportedCurve { crv: String },
    /// An EC coordinate that is not the 32 bytes of a P-256 one.
    CoordinateLength { member: &'static str, len: usize },
    /// A member that is not base64url; `reason` is the decoder's.
    NotBase64 {
        member: &'static str,
        reason: String,
    },
    /// The key material is refused for `algorithm`: an RSA key outside 2048 to 8192 bits, an
    /// EC point not on P-256, bytes that are no key; `reason` is the crypto library's.
    Rejected {
        algorithm: Algorithm,
        reason: String,
    },
    /// Not PEM; `reason` is the parser's.
    NotPem { reason: String },
    /// A PEM certificate that is not X.509; `reason` is the parser's.
    NotCertificate { reason: String },
    /// A PEM block of another kind (a private key, a request).
    PemLabel { label: String },
    /// A value of a PEM certificate map that is not a string.
    NotPemText,
    /// A private key that is not PKCS#8 of the expected kind; `reason` is the crypto library's.
    NotPkcs8 { reason: String },
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProblem::NotAnObject => f.write_str("a key that is not a JSON object"),
            KeyProblem::KidNotAString { value } => {
                write!(f, "a key whose `kid` is not a string ({value})")
            }
            KeyProblem::NotAString { member } => write!(f, "its `{member}` is not a string"),
            KeyProblem::NoKty => f.write_str("a key without `kty`"),
            KeyProblem::KtyCase { kty, expected } => write!(
                f,
                "its kty is `{kty}`, not `{expected}` (the name is case-sensitive)"
            ),
            KeyProblem::UnsupportedKty { kty } => {
                write!(f, "an {kty} key; ID tokens here are RS256 (RSA)")
            }
            KeyProblem::NotForSignatures { usage } => write!(f, "its use is `{usage}`, not `sig`"),
            KeyProblem::NoVerifyOp { key_ops } => {
                write!(f, "its key_ops {key_ops} do not include `verify`")
            }
            KeyProblem::NoComponents {
                members,
                x5c_only: true,
            } => write!(f, "it has only an x5c certificate chain, no {members}"),
            KeyProblem::NoComponents {
                members,
                x5c_only: false,
            } => write!(f, "it has no {members}"),
            KeyProblem::NoCurve => f.write_str("an EC key without `crv`"),
            KeyProblem::UnsupportedCurve { crv } => {
                write!(f, "an EC key on {crv}; only P-256 (ES256) keys verify here")
            }
            KeyProblem::CoordinateLength { member, len } => write!(
                f,
                "its `{member}` is {len} bytes, not the {P256_COORDINATE_LEN} of a P-256 coordinate"
            ),
            KeyProblem::NotBase64 { member, reason } => {
                write!(f, "its `{member}` is not base64url: {reason}")
            }
            KeyProblem::Rejected {
                algorithm: Algorithm::Rs256,
                reason,
            } => write!(f, "not a usable RSA key (2048 to 8192 bits): {reason}"),
            KeyProblem::Rejected {
                algorithm: Algorithm::Es256,
                reason,
            } => write!(f, "not a usable P-256 key (a point on the curve): {reason}"),
            KeyProblem::NotPem { reason } => write!(f, "not PEM: {reason}"),
            KeyProblem::NotCertificate { reason } => {
                write!(f, "not an X.509 certificate: {reason}")
            }
            KeyProblem::PemLabel { label } => {
                write!(f, "a PEM `{label}`, not a certificate or public key")
            }
            KeyProblem::NotPemText => f.write_str("the value is not a PEM string"),
            KeyProblem::NotPkcs8 { reason } => write!(f, "not an RSA PKCS#8 key: {reason}"),
        }
    }
}

/// Why a document is not a key set at all (one odd key in it is a [`KeyError`] instead, and
/// the rest are kept).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySetError {
    /// Not JSON; `reason` is the parser's.
    NotJson { reason: String },
    /// A JWKS whose `keys` is not an array.
    KeysNotAnArray,
    /// Neither `{"keys": [...]}` nor a non-empty map of kid to PEM certificate.
    NotAKeySet,
}

impl fmt::Display for KeySetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySetError::NotJson { reason } => write!(f, "not JSON: {reason}"),
            KeySetError::KeysNotAnArray => {
                f.write_str("not a JWKS document: `keys` is not an array")
            }
            KeySetError::NotAKeySet => f.write_str(
                "neither a JWKS ({\"keys\": [...]}) nor a map of kid to PEM certificate",
            ),
        }
    }
}

impl std::error::Error for KeySetError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts are the verdict's reasons and the CLI's messages: they read as they did when
    /// they were strings.
    #[test]
    fn each_error_reads_as_its_reason() {
        assert_eq!(
            DecodeError::Parts { count: 5 }.to_string(),
            "a JWT has 3 dot-separated parts, this has 5 (an encrypted JWE, not an ID token)"
        );
        assert_eq!(
            DecodeError::NotAnObject {
                part: Part::Payload
            }
            .to_string(),
            "the payload is JSON but not an object"
        );
        let unusable = KeyError::new(
            Some("k1".into()),
            KeyProblem::NotForSignatures {
                usage: "enc".into(),
            },
        );
        assert_eq!(unusable.problem.to_string(), "its use is `enc`, not `sig`");
        assert_eq!(unusable.to_string(), "key k1: its use is `enc`, not `sig`");
        assert_eq!(
            KeySetError::KeysNotAnArray.to_string(),
            "not a JWKS document: `keys` is not an array"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(KeySetError::NotAKeySet);
        assert!(boxed.to_string().starts_with("neither a JWKS"));
    }
}
