//! What kind of public key a DER `SubjectPublicKeyInfo` holds, read from its algorithm
//! identifier before any key is parsed: an RSA parser handed an EC key (or the other way
//! round) would refuse it for the wrong reason.

use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521, Oid,
};
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

pub(crate) enum Kind {
    /// An EC key on P-256, the one curve ES256 uses.
    P256,
    /// An EC key on another curve, named (`P-384`) or as its OID.
    OtherCurve(String),
    /// RSA, any other algorithm, or no `SubjectPublicKeyInfo` at all (an RSA `RSAPublicKey`):
    /// for the RSA parser to take or refuse.
    Other,
}

pub(crate) fn kind(der: &[u8]) -> Kind {
    let Ok((_, spki)) = SubjectPublicKeyInfo::from_der(der) else {
        return Kind::Other;
    };
    if spki.algorithm.algorithm != OID_KEY_TYPE_EC_PUBLIC_KEY {
        return Kind::Other;
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| Oid::try_from(p).ok());
    match curve {
        Some(c) if c == OID_EC_P256 => Kind::P256,
        Some(c) if c == OID_NIST_EC_P384 => Kind::OtherCurve("P-384".into()),
        Some(c) if c == OID_NIST_EC_P521 => Kind::OtherCurve("P-521".into()),
        Some(c) => Kind::OtherCurve(c.to_id_string()),
        None => Kind::OtherCurve("an unnamed curve".into()),
    }
}
