//! Key sets as issuers publish them, read into keys the verifier takes: a JWKS document, or
//! Google's map of kid to PEM certificate (`/oauth2/v1/certs`). Pure: fetching and caching
//! them is the caller's (gsignin's CLI fetches, caches per Cache-Control and refetches once
//! for an unknown `kid`).

use crate::algorithm::Algorithm;
use crate::error::{KeyError, KeyProblem, KeySetError};
use crate::keys::{Key, KeySet};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// Reads a JWKS document, or a map of kid to PEM certificate or public key (Google's
/// `/oauth2/v1/certs`, IAP's `public_key`).
///
/// Each key is judged on its own (RFC 7517 5: what is not understood is ignored, the rest
/// kept): RSA and EC P-256 keys are read, each knowing the one algorithm it verifies; keys
/// that cannot verify a signature are set aside with the reason, so a token naming one is told
/// why instead of "no such key". Only a document that is not a key set at all is an error.
///
/// ```
/// use gsignin_verify::error::{KeyProblem, KeySetError};
/// use gsignin_verify::jwks;
///
/// // A key whose `use` is encryption cannot verify a signature: set aside, with the reason.
/// let doc = br#"{"keys": [{"kty": "RSA", "use": "enc", "kid": "k1", "n": "AQAB", "e": "AQAB"}]}"#;
/// let set = jwks::parse(doc).unwrap();
/// assert!(set.keys.is_empty());
/// assert_eq!(set.unusable[0].kid.as_deref(), Some("k1"));
/// assert!(matches!(set.unusable[0].problem, KeyProblem::NotForSignatures { .. }));
/// assert_eq!(jwks::parse(b"[]").unwrap_err(), KeySetError::NotAKeySet);
/// ```
pub fn parse(bytes: &[u8]) -> Result<KeySet, KeySetError> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| KeySetError::NotJson {
        reason: e.to_string(),
    })?;
    let mut set = KeySet::default();
    if let Some(keys) = doc.get("keys") {
        let keys = keys.as_array().ok_or(KeySetError::KeysNotAnArray)?;
        for jwk in keys {
            match from_jwk(jwk, &mut set.warnings) {
                Ok(key) => set.keys.push(key),
                Err(unusable) => set.unusable.push(unusable),
            }
        }
        return Ok(set);
    }
    if doc.as_object().is_none_or(serde_json::Map::is_empty) {
        return Err(KeySetError::NotAKeySet);
    }
    // Read again keeping every member: a JSON object read into a map keeps the last of two
    // equal names, so an impostor written after the real key under its kid would hide it
    // (in a JWKS array both are kept, and each is tried).
    let Ok(Members(map)) = serde_json::from_slice::<Members>(bytes) else {
        return Err(KeySetError::NotAKeySet);
    };
    for (kid, pem) in &map {
        if pem.as_str().is_some_and(|p| p.contains("PRIVATE KEY-----")) {
            set.warnings.push(format!(
                "the issuer's key set publishes PRIVATE key material (key {kid}): anyone who \
                 has this document can sign tokens that verify; the issuer must rotate that key"
            ));
        }
        let parsed = match pem.as_str() {
            Some(pem) => from_pem(kid, pem),
            None => Err(KeyError::new(Some(kid.clone()), KeyProblem::NotPemText)),
        };
        match parsed {
            Ok(key) => set.keys.push(key),
            Err(unusable) => set.unusable.push(unusable),
        }
    }
    Ok(set)
}

/// A JSON object's members in order, names repeated as they come.
struct Members(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Members, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// One JWK (RSA, or EC on P-256), or why it cannot verify a signature (with its kid, when it
/// has a usable one).
/// Private key material in it is said in `warnings`: the key is still usable to verify.
pub fn from_jwk(jwk: &Value, warnings: &mut Vec<String>) -> Result<Key, KeyError> {
    let Some(obj) = jwk.as_object() else {
        return Err(KeyError::new(None, KeyProblem::NotAnObject));
    };
    let kid = match obj.get("kid") {
        None => None,
        Some(Value::String(k)) => Some(k.clone()),
        Some(other) => {
            return Err(KeyError::new(
                None,
                KeyProblem::KidNotAString {
                    value: other.to_string(),
                },
            ));
        }
    };
    let unusable = |problem: KeyProblem| KeyError::new(kid.clone(), problem);
    let text = |member: &'static str| -> Result<Option<&str>, KeyError> {
        match obj.get(member) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(unusable(KeyProblem::NotAString { member })),
        }
    };
    let private: Vec<&str> = ["d", "p", "q", "dp", "dq", "qi", "k"]
        .into_iter()
        .filter(|m| obj.contains_key(*m))
        .collect();
    if !private.is_empty() {
        warnings.push(format!(
            "the issuer's key set publishes PRIVATE key material ({} of key {}): anyone who \
             has this document can sign tokens that verify; the issuer must rotate that key",
            private.join(", "),
            kid.as_deref().unwrap_or("without kid")
        ));
    }
    let algorithm = match text("kty")? {
        Some("RSA") => Algorithm::Rs256,
        Some("EC") => Algorithm::Es256,
        Some(k) if k.eq_ignore_ascii_case("RSA") || k.eq_ignore_ascii_case("EC") => {
            return Err(unusable(KeyProblem::KtyCase {
                kty: k.into(),
                expected: if k.eq_ignore_ascii_case("EC") {
                    "EC"
                } else {
                    "RSA"
                },
            }));
        }
        Some(k) => return Err(unusable(KeyProblem::UnsupportedKty { kty: k.into() })),
        None => return Err(unusable(KeyProblem::NoKty)),
    };
    if let Some(u) = text("use")?
        && u != "sig"
    {
        return Err(unusable(KeyProblem::NotForSignatures { usage: u.into() }));
    }
    if let Some(ops) = obj.get("key_ops") {
        let verify = ops
            .as_array()
            .is_some_and(|ops| ops.iter().any(|o| o.as_str() == Some("verify")));
        if !verify {
            return Err(unusable(KeyProblem::NoVerifyOp {
                key_ops: ops.to_string(),
            }));
        }
    }
    if algorithm == Algorithm::Es256 {
        match text("crv")? {
            Some("P-256") => {}
            Some(crv) => return Err(unusable(KeyProblem::UnsupportedCurve { crv: crv.into() })),
            None => return Err(unusable(KeyProblem::NoCurve)),
        }
    }
    let alg = text("alg")?.map(String::from);
    let base64url = |member: &'static str, value: &str| {
        URL_SAFE_NO_PAD
            .decode(value.trim_end_matches('='))
            .map_err(|e| {
                unusable(KeyProblem::NotBase64 {
                    member,
                    reason: e.to_string(),
                })
            })
    };
    let members = match algorithm {
        Algorithm::Rs256 => ["n", "e"],
        Algorithm::Es256 => ["x", "y"],
    };
    let (Some(first), Some(second)) = (text(members[0])?, text(members[1])?) else {
        return Err(unusable(KeyProblem::NoComponents {
            members: match algorithm {
                Algorithm::Rs256 => "`n` and `e`",
                Algorithm::Es256 => "`x` and `y`",
            },
            x5c_only: obj.contains_key("x5c"),
        }));
    };
    let (first, second) = (
        base64url(members[0], first)?,
        base64url(members[1], second)?,
    );
    match algorithm {
        Algorithm::Rs256 => Key::from_components(kid.clone(), alg, &first, &second),
        Algorithm::Es256 => Key::from_p256_coordinates(kid.clone(), alg, &first, &second),
    }
}

/// A PEM value of Google's certificate map: an X.509 certificate, or (as google-auth also
/// takes, and IAP's `public_key` map holds) a bare public key; RSA, or EC on P-256.
pub fn from_pem(kid: &str, pem: &str) -> Result<Key, KeyError> {
    let unusable = |problem: KeyProblem| KeyError::new(Some(kid.to_string()), problem);
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).map_err(|e| {
        unusable(KeyProblem::NotPem {
            reason: e.to_string(),
        })
    })?;
    match pem.label.as_str() {
        "CERTIFICATE" => {
            let cert = pem.parse_x509().map_err(|e| {
                unusable(KeyProblem::NotCertificate {
                    reason: e.to_string(),
                })
            })?;
            let mut key = Key::from_der(Some(kid.to_string()), None, cert.public_key().raw)?;
            if let Ok(x509_parser::public_key::PublicKey::RSA(rsa)) = cert.public_key().parsed() {
                key.bits = Some(crate::keys::modulus_bits(rsa.modulus));
            }
            Ok(key)
        }
        "PUBLIC KEY" | "RSA PUBLIC KEY" => {
            Key::from_der(Some(kid.to_string()), None, &pem.contents)
        }
        other => Err(unusable(KeyProblem::PemLabel {
            label: other.to_string(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id_token::{self, Expectations};
    use crate::signing::Keys;

    #[test]
    fn reads_jwks_and_pem_certificate_maps_to_the_same_keys() {
        let keys = Keys::new();
        let from_jwks = parse(keys.jwks().to_string().as_bytes()).unwrap();
        let from_pem = parse(keys.pem_map().to_string().as_bytes()).unwrap();
        assert_eq!(from_jwks.keys.len(), 2);
        assert_eq!(from_pem.keys.len(), 2);
        let claims =
            serde_json::json!({"iss": "i", "aud": "a", "sub": "1", "iat": 100, "exp": 200});
        let token = keys.current().sign(&claims);
        let expect = Expectations {
            issuers: vec!["i".into()],
            audience: Some("a".into()),
            leeway: 60,
            hd: None,
            nonce: None,
            kind: None,
        };
        assert!(id_token::verify(token.as_bytes(), &from_jwks, &expect, 150).valid());
        assert!(id_token::verify(token.as_bytes(), &from_pem, &expect, 150).valid());
        assert!(parse(b"{}").is_err());
        assert!(parse(br#"{"keys": 5}"#).is_err());
        let bad = parse(br#"{"k": "not a pem"}"#).unwrap();
        assert!(bad.keys.is_empty());
        assert_eq!(bad.unusable[0].kid.as_deref(), Some("k"));
    }

    /// A PEM map naming one kid twice keeps both keys: an impostor written after the real
    /// key does not hide it (a JSON map would keep the last alone).
    #[test]
    fn w9_an_impostor_after_the_real_key_in_a_pem_map_does_not_hide_it() {
        let (real, impostor) = (
            crate::signing::SigningKey::generate(),
            crate::signing::SigningKey::generate(),
        );
        let pem = |k: &crate::signing::SigningKey| serde_json::to_string(&k.cert_pem).unwrap();
        let doc = format!(r#"{{"k": {}, "k": {}}}"#, pem(&real), pem(&impostor));
        let set = parse(doc.as_bytes()).unwrap();
        assert_eq!(set.keys.len(), 2);
        let claims =
            serde_json::json!({"iss": "i", "aud": "a", "sub": "1", "iat": 100, "exp": 200});
        let header = serde_json::json!({"alg": "RS256", "kid": "k"});
        let token = real.sign_with_header(&header, &claims);
        let expect = Expectations::new(["i"]).with_audience("a");
        assert!(id_token::verify(token.as_bytes(), &set, &expect, 150).valid());
    }

    #[test]
    fn w10_private_key_material_in_a_pem_map_is_warned_about() {
        let key = crate::signing::SigningKey::generate();
        let doc = serde_json::json!({
            "k": key.cert_pem,
            "leak": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        });
        let set = parse(doc.to_string().as_bytes()).unwrap();
        assert_eq!(set.keys.len(), 1);
        assert!(
            set.warnings
                .iter()
                .any(|w| w.contains("PRIVATE key material (key leak)")),
            "{:?}",
            set.warnings
        );
    }

    #[test]
    fn w10_one_odd_key_never_spoils_the_set_and_each_unusable_key_says_why() {
        let keys = Keys::new();
        let good = keys.current().jwk();
        let mut doc = serde_json::json!({"keys": [
            {"kid": 7, "kty": "RSA"},
            {"kid": "enc1", "kty": "RSA", "use": "enc", "n": good["n"], "e": good["e"]},
            {"kid": "SIG", "kty": "RSA", "use": "SIG", "n": good["n"], "e": good["e"]},
            {"kid": "ops", "kty": "RSA", "key_ops": ["encrypt"], "n": good["n"], "e": good["e"]},
            {"kid": "x5c", "kty": "RSA", "x5c": ["MIIB"]},
            {"kid": "case", "kty": "rsa", "n": good["n"], "e": good["e"]},
            {"kid": "badexp", "kty": "RSA", "n": good["n"], "e": "!!"},
            {"kid": "ec", "kty": "EC", "crv": "P-256", "x": "a", "y": "b"},
            {"kid": "okp", "kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
            "not an object",
        ]});
        doc["keys"].as_array_mut().unwrap().push(good.clone());
        let mut leaked = good.clone();
        leaked["kid"] = "leaked".into();
        leaked["d"] = "private".into();
        doc["keys"].as_array_mut().unwrap().push(leaked);
        let set = parse(doc.to_string().as_bytes()).unwrap();
        assert_eq!(
            set.keys.len(),
            2,
            "the good key and the leaked one stay usable"
        );
        let why = |kid: &str| {
            set.unusable
                .iter()
                .find(|u| u.kid.as_deref() == Some(kid))
                .map(|u| u.problem.to_string())
                .unwrap_or_else(|| panic!("{kid} not set aside"))
        };
        assert!(why("enc1").contains("`enc`"));
        assert!(why("SIG").contains("`SIG`"));
        assert!(why("ops").contains("verify"));
        assert!(why("x5c").contains("x5c"));
        assert!(why("case").contains("case-sensitive"));
        assert!(why("badexp").contains("`e`"));
        assert!(why("ec").contains("`x`"), "{}", why("ec"));
        assert!(why("okp").contains("an OKP key"), "{}", why("okp"));
        assert_eq!(set.warnings.len(), 1);
        assert!(set.warnings[0].contains("PRIVATE"), "{}", set.warnings[0]);

        // A token naming a set-aside key is told why, and asks for no refetch.
        let claims =
            serde_json::json!({"iss": "i", "aud": "a", "sub": "1", "iat": 100, "exp": 200});
        let token = keys
            .current()
            .sign_with_header(&serde_json::json!({"alg": "RS256", "kid": "enc1"}), &claims);
        let expect = Expectations {
            issuers: vec!["i".into()],
            audience: Some("a".into()),
            leeway: 60,
            hd: None,
            nonce: None,
            kind: None,
        };
        let v = id_token::verify(token.as_bytes(), &set, &expect, 150);
        assert!(!v.unknown_kid);
        let sig = &v.checks.iter().find(|(n, _)| *n == "signature").unwrap().1;
        assert!(
            sig.detail.contains("published but unusable"),
            "{}",
            sig.detail
        );

        // A Google PEM map with a bare public key and an EC key: the RSA ones are kept.
        let map = keys.pem_map();
        let kid = &keys.current().kid;
        let cert = &map[kid];
        let mut doc = serde_json::json!({"ec": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n"});
        doc[kid] = cert.clone();
        let set = parse(doc.to_string().as_bytes()).unwrap();
        assert_eq!(set.keys.len(), 1);
        assert_eq!(set.unusable.len(), 1);

        // A bare public key (SubjectPublicKeyInfo PEM), as google-auth also takes, verifies.
        let pem_cert = cert.as_str().unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(pem_cert.as_bytes()).unwrap();
        let spki = pem.parse_x509().unwrap().public_key().raw.to_vec();
        use base64::engine::general_purpose::STANDARD;
        let public = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            STANDARD.encode(spki)
        );
        let set = parse(serde_json::json!({ kid: public }).to_string().as_bytes()).unwrap();
        assert_eq!(set.keys.len(), 1, "{:?}", set.unusable);
        let token = keys
            .current()
            .sign_with_header(&serde_json::json!({"alg": "RS256", "kid": kid}), &claims);
        assert!(id_token::verify(token.as_bytes(), &set, &expect, 150).valid());
    }
}
