//! The issuer's public keys as the verifier uses them: parsed once per run (RSA from a JWK's
//! modulus and exponent, EC P-256 from its coordinates, either from DER) and shared by every
//! verification on every thread.
//!
//! A key is parsed, and so checked, when it is loaded (an EC point off the curve is refused
//! then, not at the first token), and it verifies one algorithm only: an RSA key never checks
//! an ES256 signature, nor an EC key an RS256 one (RFC 8725 3.1: one algorithm per key, so no
//! confusion between them).
//!
//! A JWK's `n` and `e` are turned into a DER `RSAPublicKey` for aws-lc: its component API
//! (`PublicKeyComponents::verify`) would rebuild the key on every verification, and a batch
//! verifies against the same few keys a hundred thousand times.

use crate::algorithm::{Algorithm, ES256_SIGNATURE_LEN, P256_COORDINATE_LEN};
use crate::error::{KeyError, KeyProblem};
use crate::spki;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, VerificationAlgorithm,
};

/// One public key of the issuer, parsed once and shared by every verification (and every
/// thread) of a run.
#[derive(Clone)]
pub struct Key {
    pub kid: Option<String>,
    /// The JWK's `alg`, when it names one.
    pub alg: Option<String>,
    /// An RSA modulus's size, when known: a key under 2048 bits is refused by name, not taken
    /// for a forgery.
    pub bits: Option<usize>,
    algorithm: Algorithm,
    parsed: std::sync::Arc<ParsedPublicKey>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl Key {
    /// An RSA key from a JWK's modulus and exponent (big-endian bytes).
    pub fn from_components(
        kid: Option<String>,
        alg: Option<String>,
        n: &[u8],
        e: &[u8],
    ) -> Result<Key, KeyError> {
        let mut key = Self::rsa(kid, alg, &rsa_public_key_der(n, e))?;
        key.bits = Some(modulus_bits(n));
        Ok(key)
    }

    /// An EC P-256 key from a JWK's `x` and `y` (32 big-endian bytes each), refused unless the
    /// point is on the curve.
    pub fn from_p256_coordinates(
        kid: Option<String>,
        alg: Option<String>,
        x: &[u8],
        y: &[u8],
    ) -> Result<Key, KeyError> {
        for (member, c) in [("x", x), ("y", y)] {
            if c.len() != P256_COORDINATE_LEN {
                let problem = KeyProblem::CoordinateLength {
                    member,
                    len: c.len(),
                };
                return Err(KeyError::new(kid, problem));
            }
        }
        // SEC 1 2.3.3: an uncompressed point is 0x04, then x, then y.
        let point = [&[0x04][..], x, y].concat();
        Self::p256(kid, alg, &point)
    }

    /// From DER: an RSA `RSAPublicKey` (PKCS#1), or a `SubjectPublicKeyInfo` holding an RSA or
    /// an EC P-256 key. An EC key on any other curve is refused.
    pub fn from_der(kid: Option<String>, alg: Option<String>, der: &[u8]) -> Result<Key, KeyError> {
        match spki::kind(der) {
            spki::Kind::P256 => Self::p256(kid, alg, der),
            spki::Kind::OtherCurve(crv) => {
                Err(KeyError::new(kid, KeyProblem::UnsupportedCurve { crv }))
            }
            spki::Kind::Other => Self::rsa(kid, alg, der),
        }
    }

    fn rsa(kid: Option<String>, alg: Option<String>, der: &[u8]) -> Result<Key, KeyError> {
        Self::parsed(kid, alg, Algorithm::Rs256, der)
    }

    /// aws-lc takes the point alone or in a `SubjectPublicKeyInfo`, and checks it is on the
    /// curve as it parses.
    fn p256(kid: Option<String>, alg: Option<String>, der: &[u8]) -> Result<Key, KeyError> {
        Self::parsed(kid, alg, Algorithm::Es256, der)
    }

    fn parsed(
        kid: Option<String>,
        alg: Option<String>,
        algorithm: Algorithm,
        der: &[u8],
    ) -> Result<Key, KeyError> {
        let verification: &'static dyn VerificationAlgorithm = match algorithm {
            Algorithm::Rs256 => &RSA_PKCS1_2048_8192_SHA256,
            Algorithm::Es256 => &ECDSA_P256_SHA256_FIXED,
        };
        let parsed = match ParsedPublicKey::new(verification, der) {
            Ok(parsed) => parsed,
            Err(e) => {
                let reason = e.to_string();
                return Err(KeyError::new(
                    kid,
                    KeyProblem::Rejected { algorithm, reason },
                ));
            }
        };
        Ok(Key {
            kid,
            alg,
            bits: None,
            algorithm,
            parsed: std::sync::Arc::new(parsed),
        })
    }

    /// The one algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// A key the verifier refuses to use whatever the signature: RSA under 2048 bits.
    pub(crate) fn too_small(&self) -> Option<usize> {
        self.bits.filter(|b| *b < MIN_RSA_BITS)
    }

    /// Whether `signature` is this key's signature of `message` under `algorithm`: never when
    /// `algorithm` is not the key's own, whatever the bytes.
    pub(crate) fn verifies(&self, algorithm: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        if algorithm != self.algorithm {
            return false;
        }
        match algorithm {
            Algorithm::Rs256 => self.parsed.verify_sig(message, signature).is_ok(),
            // RFC 7518 3.4: R || S, 64 bytes, nothing else; a DER `ECDSA-Sig-Value` (what
            // OpenSSL and Java sign by default) is not a JWS signature. aws-lc's fixed form
            // refuses other lengths too; the rule is checked here, where it is read.
            //
            // RFC 7518 3.4 asks for no low S (unlike Bitcoin's BIP 62): for a valid (r, s),
            // (r, n - s) is valid too, and aws-lc accepts both. So a signature is malleable:
            // anyone holding a token can give it other signature bytes that verify, and
            // nothing may key on a token's signature (a replay check keys on its claims).
            Algorithm::Es256 => {
                signature.len() == ES256_SIGNATURE_LEN
                    && self.parsed.verify_sig(message, signature).is_ok()
            }
        }
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
    /// Keys the issuer published that the verifier cannot use, each with its kid and why: a
    /// token naming one is told the reason.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::KeyProblem;
    use crate::jwks;
    use crate::signing::{Es256SigningKey, SigningKey};
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The order n of P-256's base point (FIPS 186-4 D.1.2.3).
    const P256_N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];

    /// `n - s`, big-endian: the other S that verifies with the same R.
    fn negate_s(s: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let d = i16::from(P256_N[i]) - i16::from(s[i]) - borrow;
            borrow = i16::from(d < 0);
            out[i] = (d + 256 * borrow) as u8;
        }
        out
    }

    /// A DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (what `openssl dgst -sign`
    /// writes) as JWS's R || S, each left-padded to 32 bytes.
    fn der_to_fixed(der: &[u8]) -> Vec<u8> {
        assert_eq!(der[0], 0x30, "a SEQUENCE");
        assert!(der[1] < 0x80, "a P-256 signature's length fits one byte");
        let mut rest = &der[2..];
        let mut fixed = Vec::with_capacity(64);
        for _ in 0..2 {
            assert_eq!(rest[0], 0x02, "an INTEGER");
            let len = usize::from(rest[1]);
            let int = &rest[2..2 + len];
            let int = &int[int.iter().position(|b| *b != 0).unwrap_or(int.len())..];
            fixed.extend(std::iter::repeat_n(0, 32 - int.len()));
            fixed.extend_from_slice(int);
            rest = &rest[2 + len..];
        }
        fixed
    }

    /// A folder for openssl's files. Run without openssl (`--ignored`), the test fails naming
    /// it: it never passes without having run.
    fn openssl_dir(test: &str) -> PathBuf {
        let found = Command::new("openssl").arg("version").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "tool missing: openssl is not on PATH; `bash .ci/run` installs every tool the tests need"
        );
        let dir = std::env::temp_dir().join(format!(
            "gsignin-verify-{test}-{}-{}",
            std::process::id(),
            crate::signing::hex(&rand::random::<[u8; 4]>())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn openssl(dir: &Path, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// An independent signer: openssl makes the key, its public PEM and certificate, and the
    /// signature; this crate only verifies.
    #[test]
    #[ignore = "needs openssl (apt-get install openssl); bash .ci/run installs it and runs the ignored tests"]
    fn k6_es256_verifies_what_openssl_signs_and_only_as_rfc_7518_writes_it() {
        let dir = openssl_dir("es256");
        openssl(
            &dir,
            &[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                "key.pem",
            ],
        );
        openssl(
            &dir,
            &["ec", "-in", "key.pem", "-pubout", "-out", "public.pem"],
        );
        openssl(
            &dir,
            &[
                "req", "-new", "-x509", "-key", "key.pem", "-subj", "/CN=iap", "-days", "1",
                "-out", "cert.pem",
            ],
        );
        let input = b"eyJhbGciOiJFUzI1NiIsImtpZCI6Im9zc2wifQ.eyJzdWIiOiIxIn0";
        std::fs::write(dir.join("input"), input).unwrap();
        openssl(
            &dir,
            &[
                "dgst", "-sha256", "-sign", "key.pem", "-out", "sig.der", "input",
            ],
        );
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
        let der = read("sig.der");
        let public = String::from_utf8(read("public.pem")).unwrap();
        let cert = String::from_utf8(read("cert.pem")).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();

        let fixed = der_to_fixed(&der);
        for pem in [&public, &cert] {
            let key = jwks::from_pem("ossl", pem).unwrap();
            assert_eq!(key.algorithm(), Algorithm::Es256);
            assert!(key.verifies(Algorithm::Es256, input, &fixed), "{pem}");
            assert!(!key.verifies(Algorithm::Es256, &input[1..], &fixed));
            // The DER form openssl wrote is not a JWS signature.
            assert!(!key.verifies(Algorithm::Es256, input, &der));
            // 63 and 65 bytes: one dropped, one zero added in front of R.
            assert!(!key.verifies(Algorithm::Es256, input, &fixed[1..]));
            assert!(!key.verifies(Algorithm::Es256, input, &[&[0][..], &fixed].concat()));
            // RFC 7518 asks for no low S: (r, n - s) verifies as (r, s) does.
            let high = [&fixed[..32], &negate_s(&fixed[32..])[..]].concat();
            assert_ne!(high, fixed);
            assert!(key.verifies(Algorithm::Es256, input, &high));
            // An EC key verifies nothing as RS256, whatever the bytes.
            assert!(!key.verifies(Algorithm::Rs256, input, &fixed));
        }
    }

    #[test]
    fn w10_k6_an_ec_key_is_refused_at_load_unless_it_is_a_p256_point() {
        let issuer = Es256SigningKey::generate();
        let jwk = issuer.jwk();
        let one = |jwk: &serde_json::Value| {
            let set = jwks::parse(serde_json::json!({ "keys": [jwk] }).to_string().as_bytes());
            let set = set.unwrap();
            match (set.keys.first(), set.unusable.first()) {
                (Some(key), None) => Ok(key.algorithm()),
                (None, Some(unusable)) => Err(unusable.problem.clone()),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(one(&jwk), Ok(Algorithm::Es256));
        // A point off the curve: y's last bit flipped.
        let mut y = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            jwk["y"].as_str().unwrap(),
        )
        .unwrap();
        y[31] ^= 1;
        let mut off = jwk.clone();
        off["y"] =
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &y).into();
        let refused = one(&off).unwrap_err();
        assert!(
            matches!(
                refused,
                KeyProblem::Rejected {
                    algorithm: Algorithm::Es256,
                    ..
                }
            ),
            "{refused:?}"
        );
        assert!(refused.to_string().contains("P-256"), "{refused}");
        let with = |member: &str, value: serde_json::Value| {
            let mut changed = jwk.clone();
            changed[member] = value;
            one(&changed).unwrap_err()
        };
        assert_eq!(
            with("crv", "P-384".into()),
            KeyProblem::UnsupportedCurve {
                crv: "P-384".into()
            }
        );
        assert_eq!(
            with("x", "AAAA".into()),
            KeyProblem::CoordinateLength {
                member: "x",
                len: 3
            }
        );
        assert!(matches!(
            with("kty", "ec".into()),
            KeyProblem::KtyCase { expected: "EC", .. }
        ));
        let mut no_crv = jwk.clone();
        no_crv.as_object_mut().unwrap().remove("crv");
        assert_eq!(one(&no_crv), Err(KeyProblem::NoCurve));

        // A bare public key as IAP's map holds it loads.
        let key = jwks::from_pem("iap", &issuer.public_pem()).unwrap();
        assert_eq!(key.algorithm(), Algorithm::Es256);
    }

    /// A P-384 public key, as openssl writes it, is named and refused.
    #[test]
    #[ignore = "needs openssl (apt-get install openssl); bash .ci/run installs it and runs the ignored tests"]
    fn w10_k6_a_p384_key_made_by_openssl_is_refused_by_name() {
        let dir = openssl_dir("p384");
        openssl(
            &dir,
            &[
                "ecparam",
                "-name",
                "secp384r1",
                "-genkey",
                "-noout",
                "-out",
                "key.pem",
            ],
        );
        openssl(
            &dir,
            &["ec", "-in", "key.pem", "-pubout", "-out", "public.pem"],
        );
        let pem = std::fs::read_to_string(dir.join("public.pem")).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            jwks::from_pem("p384", &pem).unwrap_err().problem,
            KeyProblem::UnsupportedCurve {
                crv: "P-384".into()
            }
        );
    }

    /// RFC 8725 3.1: each key verifies one algorithm, whatever a header says.
    #[test]
    fn w1_k6_a_key_verifies_its_own_algorithm_only() {
        let input = b"header.payload";
        let rsa = SigningKey::generate();
        let token = rsa.sign(&serde_json::json!({}));
        let (signed, sig) = token.rsplit_once('.').unwrap();
        let sig =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sig).unwrap();
        let key = Key::from_components(None, None, &rsa.n, &rsa.e).unwrap();
        assert_eq!(key.algorithm(), Algorithm::Rs256);
        assert!(key.verifies(Algorithm::Rs256, signed.as_bytes(), &sig));
        assert!(!key.verifies(Algorithm::Es256, signed.as_bytes(), &sig));

        let ec = Es256SigningKey::generate();
        let token =
            ec.sign_with_header(&serde_json::json!({"alg": "ES256"}), &serde_json::json!({}));
        let (signed, sig) = token.rsplit_once('.').unwrap();
        let sig =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sig).unwrap();
        assert_eq!(sig.len(), 64, "R || S");
        let key = jwks::from_jwk(&ec.jwk(), &mut Vec::new()).unwrap();
        assert!(key.verifies(Algorithm::Es256, signed.as_bytes(), &sig));
        assert!(!key.verifies(Algorithm::Rs256, signed.as_bytes(), &sig));
        assert!(!key.verifies(Algorithm::Es256, input, &sig));
        assert_eq!(Algorithm::from_name("ES256"), Some(Algorithm::Es256));
        assert_eq!(Algorithm::from_name("es256"), None);
        assert_eq!(Algorithm::from_name("HS256"), None);
    }
}
