//! ID-token verification as a pure function: bytes, keys, expectations and `now` in, a
//! [`Verdict`] with every check's status and reason out. No I/O, no clock, no panics on any
//! input, so the bad-token corpus is a table test and the fuzz target is trivial.
//!
//! The rules are Google's (RS256 only; `iss` either Google spelling; `aud` your client ID;
//! `exp`/`iat`/`nbf` with leeway) and OpenID Connect's for any other issuer. Every check runs
//! even after one fails, so a support engineer sees all the reasons at once.

use crate::time::{relative, rfc3339, span};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

pub const DEFAULT_LEEWAY: i64 = 60;

/// The longest token judged, in bytes once surrounding white space is trimmed: a thousand times
/// a Google ID token (about 1 KB), so any real one, however many claims it carries, is judged.
/// A longer one fails the format check as too long, whichever way it arrives: one cap, so a
/// token pasted as an argument and the same token on a line of a batch get one verdict.
pub const MAX_TOKEN_BYTES: usize = 1 << 20;

/// The token as judged: white space around it and a byte-order mark before it (a file saved
/// by an editor that writes one) go, whichever way the token came: one token, one verdict.
/// Public so that a caller unwrapping a pasted token first trims it the same way.
pub fn bare(token: &[u8]) -> &[u8] {
    let token = token.trim_ascii();
    token
        .strip_prefix(b"\xEF\xBB\xBF")
        .map_or(token, <[u8]>::trim_ascii)
}

use crate::algorithm::Algorithm;
use crate::check::{Check, Status, fail, pass, skipped};
use crate::error::{DecodeError, Part};
use crate::keys::{Key, KeySet, MIN_RSA_BITS};
use crate::kind::Kind;

/// Google's issuer, as its discovery document and its ID tokens spell it (tokens may also
/// carry the legacy `accounts.google.com`).
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";

/// What the token must say. Made with [`Expectations::new`] (or [`Expectations::for_client`])
/// and the `with_…` methods, so that a check added later is a field with a default, not a
/// change every caller must make.
///
/// ```
/// use gsignin_verify::id_token::Expectations;
///
/// let expect = Expectations::new(["https://accounts.google.com", "accounts.google.com"])
///     .with_audience("web.apps.googleusercontent.com")
///     .with_hd("example.com");
/// assert_eq!(expect.audience.as_deref(), Some("web.apps.googleusercontent.com"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Expectations {
    /// Accepted `iss` values.
    pub issuers: Vec<String>,
    /// The expected `aud`; `None` reports the audience check as skipped.
    pub audience: Option<String>,
    pub leeway: i64,
    /// Required `hd` (Workspace domain), if any.
    pub hd: Option<String>,
    /// The nonce the authorization request sent, which the token must carry; checked (and
    /// reported) only when one was sent.
    pub nonce: Option<String>,
    /// The kind whose own rules apply beyond OpenID Connect's ([`Expectations::for_kind`]);
    /// `None`: Google's ID tokens' and any OpenID issuer's.
    pub kind: Option<Kind>,
}

impl Expectations {
    /// One of `issuers` as `iss`, the default leeway, and nothing else: the audience check is
    /// reported skipped until [`with_audience`](Self::with_audience) names one.
    pub fn new<S: Into<String>>(issuers: impl IntoIterator<Item = S>) -> Expectations {
        Expectations {
            issuers: issuers.into_iter().map(Into::into).collect(),
            audience: None,
            leeway: DEFAULT_LEEWAY,
            hd: None,
            nonce: None,
            kind: None,
        }
    }

    /// What a token of `kind` must say: its issuer exactly, its algorithm, its leeway and its
    /// own checks (see [`crate::kind`]). The audience check is the kind's until
    /// [`with_audience`](Self::with_audience) names one.
    pub fn for_kind(kind: &Kind) -> Expectations {
        let mut expect = Expectations::new(kind.issuers());
        if *kind == Kind::IapJwt {
            expect.leeway = crate::kind::IAP_LEEWAY;
        }
        expect.kind = Some(kind.clone());
        expect
    }

    /// The one algorithm the token must be signed with: RS256, ES256 for IAP's assertions.
    fn algorithm(&self) -> Algorithm {
        match self.kind.as_ref().and_then(Kind::alg) {
            Some("ES256") => Algorithm::Es256,
            _ => Algorithm::Rs256,
        }
    }

    /// What a token issued to our own client must say: one of the issuer's `iss` values, our
    /// client ID as `aud`, the default leeway.
    pub fn for_client(issuers: &[String], client_id: &str) -> Expectations {
        Expectations::new(issuers.iter().cloned()).with_audience(client_id)
    }

    /// The `aud` the token must hold.
    pub fn with_audience(mut self, audience: impl Into<String>) -> Expectations {
        self.audience = Some(audience.into());
        self
    }

    /// The Workspace domain (`hd`) the token must name.
    pub fn with_hd(mut self, hd: impl Into<String>) -> Expectations {
        self.hd = Some(hd.into());
        self
    }

    /// The nonce the authorization request sent, which the token must carry.
    pub fn with_nonce(mut self, nonce: impl Into<String>) -> Expectations {
        self.nonce = Some(nonce.into());
        self
    }

    /// Seconds of clock skew allowed on `exp`, `iat` and `nbf` (default [`DEFAULT_LEEWAY`]).
    pub fn with_leeway(mut self, seconds: i64) -> Expectations {
        self.leeway = seconds;
        self
    }
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub header: Option<Map<String, Value>>,
    pub claims: Option<Map<String, Value>>,
    /// In a fixed order: format, alg, typ, signature, iss, sub, aud, exp, iat, nbf, hd, azp,
    /// nonce, email_verified. `hd` fails only with a required domain, `nonce` only when one
    /// was sent, `email_verified` never (it is reported, not required).
    pub checks: Vec<(&'static str, Check)>,
    /// The header names a `kid` the key set lacks: the caller may refetch the keys once.
    pub unknown_kid: bool,
    /// The kind the token's own `iss` and `alg` name, whatever it was judged as: a caller that
    /// judged it as another kind judges it again as this one.
    pub kind: Kind,
}

impl Verdict {
    pub fn valid(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|(_, c)| c.status != Status::Fail)
    }

    pub fn failures(&self) -> impl Iterator<Item = (&'static str, &Check)> {
        self.checks
            .iter()
            .filter(|(_, c)| c.status == Status::Fail)
            .map(|(n, c)| (*n, c))
    }

    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.as_ref()?.get(name)?.as_str()
    }

    pub fn claim_i64(&self, name: &str) -> Option<i64> {
        self.claims.as_ref().and_then(|c| number(c.get(name)?))
    }

    /// Whether the token vouches for its email: `email_verified` true (or Google's legacy
    /// string "true"). Anything else is not an identity.
    pub fn email_verified(&self) -> bool {
        matches!(
            self.claims.as_ref().and_then(|c| c.get("email_verified")),
            Some(Value::Bool(true))
        ) || self.claim_str("email_verified") == Some("true")
    }

    /// The user, as a person should read it: the verified email, else `sub` (with an
    /// unverified email marked as such). An unverified email is never the headline.
    pub fn who(&self) -> String {
        crate::identity::who(
            self.claim_str("sub"),
            self.claim_str("email"),
            self.email_verified(),
        )
    }
}

/// A token split into its parts, without judging anything but its shape.
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub signing_input: Vec<u8>,
    pub signature: Vec<u8>,
}

/// Splits and decodes a compact JWS: exactly three strict base64url segments, a JSON-object
/// header and a JSON-object payload. Surrounding whitespace is ignored. Nothing is verified.
///
/// ```
/// use gsignin_verify::id_token::decode;
///
/// // {"alg":"none"} . {"sub":"1"} . (no signature)
/// let decoded = decode(b"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.").unwrap();
/// assert_eq!(decoded.claims["sub"], "1");
/// assert!(decode(b"a.b").is_err());
/// ```
pub fn decode(token: &[u8]) -> Result<Decoded, DecodeError> {
    let token = bare(token);
    if token.is_empty() {
        return Err(DecodeError::Empty);
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err(DecodeError::TooLong);
    }
    // The common case in one pass: base64url and two dots (no whitespace, plain ASCII).
    if let Some(dots) = compact_dots(token) {
        return decode_parts(token, dots);
    }
    if let Some(at) = token.iter().position(u8::is_ascii_whitespace) {
        return Err(DecodeError::WhiteSpace { at });
    }
    if let Err(e) = std::str::from_utf8(token) {
        return Err(DecodeError::NotText {
            at: e.valid_up_to(),
        });
    }
    let count = token.split(|b| *b == b'.').count();
    if count != 3 {
        return Err(DecodeError::Parts { count });
    }
    let first = token.iter().position(|b| *b == b'.').unwrap_or(0);
    let second = first
        + 1
        + token[first + 1..]
            .iter()
            .position(|b| *b == b'.')
            .unwrap_or(0);
    decode_parts(token, [first, second])
}

/// Whether [`decode`] succeeds on `token`, without building what it returns: a caller that
/// only asks whether a token is a JWT at all (before asking an issuer for keys) pays for a
/// scan, not for the claims' maps.
///
/// ```
/// use gsignin_verify::id_token::decodes;
///
/// assert!(decodes(b"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."));
/// assert!(!decodes(b"eyJhbGciOiJub25lIn0.bm90IGpzb24."));
/// ```
pub fn decodes(token: &[u8]) -> bool {
    let token = bare(token);
    if token.len() > MAX_TOKEN_BYTES {
        return false;
    }
    let Some([first, second]) = compact_dots(token) else {
        // Not of the common shape: decode's own checks say why it is no token, quickly.
        return decode(token).is_ok();
    };
    let parts = [
        &token[..first],
        &token[first + 1..second],
        &token[second + 1..],
    ];
    let mut buf = Vec::with_capacity(token.len());
    let checked = parts.iter().enumerate().all(|(i, part)| {
        buf.clear();
        URL_SAFE_NO_PAD.decode_vec(part, &mut buf).is_ok()
            // The header and the payload are JSON objects; the signature is any bytes.
            && (i == 2
                || (buf.trim_ascii_start().first() == Some(&b'{')
                    && serde_json::from_slice::<Checked>(&buf).is_ok()))
    });
    // What the scan refuses, decode judges: serde_json's own keys (below) make its `Value`
    // read some objects otherwise, and a refused token costs nothing to decode again.
    checked || decode(token).is_ok()
}

/// JSON read to its end, every string and number judged as a `Value` judges it (serde's
/// `IgnoredAny` skips strings unjudged: a lone surrogate would pass), and nothing kept.
struct Checked;

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Checked, D::Error> {
        d.deserialize_any(Checked)
    }
}

impl<'de> serde::de::Visitor<'de> for Checked {
    type Value = Checked;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<CheckedKey, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

/// An object's key. serde_json's `Value` reads an object whose key is one of its private
/// markers (`$serde_json::private::RawValue`, with the `raw_value` feature some dependency
/// turns on) as something else: such a key is refused here, and `decodes` asks `decode`.
struct CheckedKey;

impl<'de> serde::Deserialize<'de> for CheckedKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CheckedKey, D::Error> {
        d.deserialize_str(CheckedKey)
    }
}

impl<'de> serde::de::Visitor<'de> for CheckedKey {
    type Value = CheckedKey;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<CheckedKey, E> {
        if key.starts_with("$serde_json::private::") {
            return Err(E::custom("serde_json's private key"));
        }
        Ok(CheckedKey)
    }
}

/// Where the two dots of a token made of base64url characters are, if it is one.
fn compact_dots(token: &[u8]) -> Option<[usize; 2]> {
    let mut dots = [0usize; 2];
    let mut seen = 0;
    for (i, b) in token.iter().enumerate() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {}
            b'.' if seen < 2 => {
                dots[seen] = i;
                seen += 1;
            }
            _ => return None,
        }
    }
    (seen == 2).then_some(dots)
}

/// Decodes the three parts of `token`, split at `dots`.
fn decode_parts(token: &[u8], dots: [usize; 2]) -> Result<Decoded, DecodeError> {
    let parts = decode_borrowed(token, dots)?;
    Ok(Decoded {
        header: parts.header,
        claims: parts.claims,
        signing_input: parts.signing_input.to_vec(),
        signature: parts.signature,
    })
}

/// A decoded token whose signing input is still the token's own bytes: what `verify` needs,
/// without copying them.
struct Parts<'t> {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    signing_input: &'t [u8],
    signature: Vec<u8>,
}

/// `decode`, for `verify`: the same checks and reasons.
fn decode_for_verify(token: &[u8]) -> Result<Parts<'_>, DecodeError> {
    let trimmed = bare(token);
    if trimmed.len() > MAX_TOKEN_BYTES {
        return Err(DecodeError::TooLong);
    }
    match compact_dots(trimmed) {
        Some(dots) => decode_borrowed(trimmed, dots),
        None => decode(token).map(|d| Parts {
            header: d.header,
            claims: d.claims,
            // Whatever decode accepted, it cut at its second dot: the same bytes.
            signing_input: &trimmed[..d.signing_input.len()],
            signature: d.signature,
        }),
    }
}

fn decode_borrowed(token: &[u8], [first, second]: [usize; 2]) -> Result<Parts<'_>, DecodeError> {
    let parts = [
        &token[..first],
        &token[first + 1..second],
        &token[second + 1..],
    ];
    let segment = |bytes: &[u8], part: Part| -> Result<Vec<u8>, DecodeError> {
        URL_SAFE_NO_PAD
            .decode(bytes)
            .map_err(|e| DecodeError::NotBase64 {
                part,
                reason: e.to_string(),
            })
    };
    let object = |bytes: &[u8], part: Part| -> Result<Map<String, Value>, DecodeError> {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err(DecodeError::NotAnObject { part }),
            Err(e) => Err(DecodeError::NotJson {
                part,
                reason: e.to_string(),
            }),
        }
    };
    let header = object(&segment(parts[0], Part::Header)?, Part::Header)?;
    let claims = object(&segment(parts[1], Part::Payload)?, Part::Payload)?;
    let signature = segment(parts[2], Part::Signature)?;
    Ok(Parts {
        header,
        claims,
        signing_input: &token[..second],
        signature,
    })
}

/// Verifies `token` against `keys` and `expect` at `now` (Unix seconds). Every check runs,
/// each with its status and reason; the verdict is valid when none failed.
///
/// ```
/// # #[cfg(feature = "signing")] {
/// use gsignin_verify::id_token::{Expectations, verify};
/// use gsignin_verify::{jwks, signing::Keys};
/// use serde_json::json;
///
/// let issuer = Keys::new(); // the issuer's keys, as its JWKS publishes them
/// let keys = jwks::parse(issuer.jwks().to_string().as_bytes()).unwrap();
/// let now = 1_795_500_000;
/// let token = issuer.current().sign(&json!({
///     "iss": "https://accounts.google.com", "aud": "web.apps.googleusercontent.com",
///     "sub": "110169484474386276334", "iat": now, "exp": now + 3600,
/// }));
/// let expect = Expectations::for_client(
///     &["https://accounts.google.com".into(), "accounts.google.com".into()],
///     "web.apps.googleusercontent.com",
/// );
/// let verdict = verify(token.as_bytes(), &keys, &expect, now);
/// assert!(verdict.valid());
/// assert_eq!(verdict.claim_str("sub"), Some("110169484474386276334"));
///
/// // An hour and two minutes later: expired, beyond the 60 s leeway, and it says so.
/// let later = verify(token.as_bytes(), &keys, &expect, now + 3720);
/// let (name, check) = later.failures().next().unwrap();
/// assert_eq!(name, "exp");
/// assert!(check.detail.contains("expired"), "{}", check.detail);
/// # }
/// ```
pub fn verify(token: &[u8], keys: &KeySet, expect: &Expectations, now: i64) -> Verdict {
    let decoded = match decode_for_verify(token) {
        Ok(d) => d,
        Err(reason) => {
            return Verdict {
                header: None,
                claims: None,
                checks: vec![("format", fail(reason.to_string()))],
                unknown_kid: false,
                kind: Kind::Other,
            };
        }
    };
    let mut checks = Vec::with_capacity(15);
    checks.push((
        "format",
        pass("three base64url parts, JSON header and payload"),
    ));
    let (alg, algorithm) =
        match header_algorithm(&decoded.header, expect.algorithm(), expect.kind.as_ref()) {
            Ok(algorithm) => (pass(algorithm.name()), Some(algorithm)),
            Err(refused) => (refused, None),
        };
    checks.push(("alg", alg));
    checks.push(("typ", check_typ(&decoded.header)));
    let (signature, unknown_kid) = match algorithm {
        Some(algorithm) => check_signature(&decoded, keys, algorithm),
        None => (
            fail("not checked: the header is refused (see alg)".to_string()),
            false,
        ),
    };
    checks.push(("signature", signature));
    let c = &decoded.claims;
    checks.push(("iss", check_iss(c, &expect.issuers)));
    checks.push(("sub", check_sub(c)));
    checks.push(("aud", check_aud(c, expect.audience.as_deref())));
    checks.push(("exp", check_exp(c, now, expect.leeway)));
    checks.push(("iat", check_iat(c, now, expect.leeway)));
    checks.push(("nbf", check_nbf(c, now, expect.leeway)));
    checks.push(("hd", check_hd(c, expect.hd.as_deref())));
    checks.push(("azp", check_azp(c, expect.audience.as_deref())));
    if let Some(nonce) = &expect.nonce {
        checks.push(("nonce", check_nonce(c, nonce)));
    }
    checks.push(("email_verified", report_email_verified(c)));
    if let Some(kind) = &expect.kind {
        let audience = expect.audience.as_deref();
        let header = &decoded.header;
        crate::kind::checks(kind, header, c, audience, expect.leeway, now, &mut checks);
    }
    let kind = Kind::of(&decoded.header, c);
    Verdict {
        header: Some(decoded.header),
        claims: Some(decoded.claims),
        checks,
        unknown_kid,
        kind,
    }
}

/// The algorithm a token's header asks for, when it is `want`, the one its kind is signed
/// with: RS256 for ID tokens (Google signs them so, and OpenID Connect names it the default),
/// ES256 for IAP's assertions. The header picks nothing beyond that: `none`, HMAC (forgeable
/// with the public key as the secret) and any other algorithm are refused before any key is
/// looked at, and the key that verifies must be of this algorithm.
fn header_algorithm(
    header: &Map<String, Value>,
    want: Algorithm,
    kind: Option<&Kind>,
) -> Result<Algorithm, Check> {
    if header.contains_key("crit") {
        return Err(fail(
            "the header has `crit` extensions, which this verifier does not support",
        ));
    }
    let signed = match (want, kind) {
        (_, Some(kind)) => format!("a {} is signed with {}", kind.words(), want.name()),
        (_, None) => format!("ID tokens use {}", want.name()),
    };
    match header.get("alg").and_then(Value::as_str) {
        Some(a) if a == want.name() => Ok(want),
        Some("none") => Err(fail("alg `none` (unsigned) is refused")),
        Some(a) if a.starts_with("HS") => Err(fail(format!(
            "alg {a} is refused: an HMAC token could be forged with the public key as secret; {signed}"
        ))),
        Some(a) => Err(fail(format!("alg {a} is refused: {signed}"))),
        None => Err(fail("the header has no `alg`")),
    }
}

/// The signature under `algorithm`, by the keys of that algorithm only: a key whose type or
/// JWK `alg` is another's is never tried.
fn check_signature(d: &Parts<'_>, keys: &KeySet, algorithm: Algorithm) -> (Check, bool) {
    let verify_with =
        |k: &Key| k.too_small().is_none() && k.verifies(algorithm, d.signing_input, &d.signature);
    let usable = |k: &&Key| {
        k.algorithm() == algorithm && k.alg.as_deref().is_none_or(|a| a == algorithm.name())
    };
    match d.header.get("kid") {
        Some(Value::String(kid)) => {
            // The common case first, without collecting anything; every key it tried failed
            // otherwise, and is not tried again below.
            if keys.with_kid(kid).filter(usable).any(verify_with) {
                return (pass(format!("{algorithm} with key {kid}")), false);
            }
            let named: Vec<&Key> = keys.with_kid(kid).collect();
            if named.is_empty()
                && let Some(u) = keys.unusable.iter().find(|u| u.kid.as_deref() == Some(kid))
            {
                // Published, but not as a key that can verify this token: refetching would
                // not change that.
                return (
                    fail(format!(
                        "key {kid} is published but unusable: {}",
                        u.problem
                    )),
                    false,
                );
            }
            if named.is_empty() {
                return (
                    fail(format!(
                        "no key with kid {kid} among the issuer's {} keys (rotated away, or not this issuer's token)",
                        keys.keys.len()
                    )),
                    true,
                );
            }
            let fitting: Vec<&Key> = named.iter().copied().filter(usable).collect();
            let check = if fitting.is_empty() {
                // What its type verifies; and a JWK `alg` that says otherwise, which no
                // token can use.
                let other = &named[0];
                let verifies = other.algorithm().name();
                match other.alg.as_deref().filter(|a| *a != verifies) {
                    Some(label) => fail(format!(
                        "key {kid} is a {verifies} key labelled {label}: it verifies no token"
                    )),
                    None => fail(format!("key {kid} is for {verifies}, not {algorithm}")),
                }
            } else if let Some(bits) = fitting.iter().find_map(|k| k.too_small())
                && fitting.iter().all(|k| k.too_small().is_some())
            {
                fail(format!(
                    "key {kid} is too small ({bits} bits; RS256 needs at least {MIN_RSA_BITS}): \
                     a key that weak is refused, so the issuer's key set is broken or not genuine"
                ))
            } else {
                fail(format!(
                    "the signature does not match {}key {kid}: the token was altered or forged",
                    if fitting.len() > 1 { "any " } else { "" }
                ))
            };
            (check, false)
        }
        Some(_) => (fail("the header's `kid` is not a string"), false),
        None => match keys.keys.iter().filter(usable).find(|k| verify_with(k)) {
            Some(k) => (
                pass(format!(
                    "{algorithm} with key {} (the header names no kid)",
                    k.kid.as_deref().unwrap_or("without kid")
                )),
                false,
            ),
            None => (
                fail("the header names no kid and no key of the issuer matches the signature"),
                false,
            ),
        },
    }
}

fn check_iss(c: &Map<String, Value>, issuers: &[String]) -> Check {
    match c.get("iss") {
        Some(Value::String(iss)) if issuers.iter().any(|i| i == iss) => pass(iss.to_string()),
        Some(Value::String(iss)) => fail(format!(
            "issued by `{iss}`, expected {}",
            issuers
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
        Some(other) => fail(format!(
            "`iss` is present but not a string: {}",
            quoted(other)
        )),
        None => fail("no `iss` claim"),
    }
}

/// A claim's value as it appears, cut short: for reasons that name a wrong type.
fn quoted(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// RFC 8725 3.11: a JWT typed as another kind (a logout token, an RFC 9068 access token) is
/// not an ID token, whatever its audience. `JWT`, or no `typ`, is what ID tokens carry.
fn check_typ(header: &Map<String, Value>) -> Check {
    match header.get("typ") {
        None => pass("none (a plain JWT)"),
        Some(Value::String(t))
            if t.eq_ignore_ascii_case("JWT") || t.eq_ignore_ascii_case("application/jwt") =>
        {
            pass(t.clone())
        }
        Some(Value::String(t)) => fail(format!(
            "typed `{t}`: a token of another kind (logout or access token?), not an ID token"
        )),
        Some(other) => fail(format!(
            "`typ` is present but not a string: {}",
            quoted(other)
        )),
    }
}

/// OpenID Connect Core 2: `sub` is required, a string, at most 255 ASCII characters: it is
/// the user's identity (an email can change hands; `sub` never does).
fn check_sub(c: &Map<String, Value>) -> Check {
    match c.get("sub") {
        Some(Value::String(s)) if s.is_empty() => fail("`sub` is empty"),
        Some(Value::String(s)) if s.len() > 255 => fail("`sub` is longer than 255 characters"),
        Some(Value::String(s)) => pass(s.clone()),
        Some(other) => fail(format!(
            "`sub` is present but not a string: {} (no user can be named by it)",
            quoted(other)
        )),
        None => fail("no `sub` claim: the token names no user"),
    }
}

fn check_aud(c: &Map<String, Value>, audience: Option<&str>) -> Check {
    let auds: Vec<&str> = match c.get("aud") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
            a.iter().filter_map(Value::as_str).collect()
        }
        Some(other) => {
            return fail(format!(
                "`aud` is present but neither a string nor an array of strings: {}",
                quoted(other)
            ));
        }
        None => vec![],
    };
    match audience {
        None => skipped(format!(
            "no audience to check against (pass --audience ID or a client secret); the token's aud is {}",
            if auds.is_empty() {
                "missing".to_string()
            } else {
                auds.join(", ")
            }
        )),
        Some(_) if auds.is_empty() => fail("no `aud` claim"),
        Some(want) if auds.contains(&want) => {
            // OpenID Connect Core 3.1.3.7: a token that also names audiences this client does
            // not trust is refused (any of them could replay it here, or we there).
            let others: Vec<&str> = auds.iter().copied().filter(|a| *a != want).collect();
            if others.is_empty() {
                pass(want.to_string())
            } else {
                fail(format!(
                    "issued for {want} but also for {}, which this client does not trust",
                    others.join(", ")
                ))
            }
        }
        Some(want) => fail(format!("issued for {}, not for {want}", auds.join(", "))),
    }
}

/// Time claims beyond this many seconds from 1970 (about the year 5138, either way) are out of
/// range: no real token has one, and arithmetic on them would overflow.
const TIME_RANGE: f64 = 1e11;

fn number(v: &Value) -> Option<i64> {
    v.as_i64()
        .filter(|n| (*n as f64).abs() <= TIME_RANGE)
        .or_else(|| {
            v.as_f64()
                .filter(|f| f.is_finite() && f.abs() <= TIME_RANGE)
                .map(|f| f.floor() as i64)
        })
}

/// A time claim as written, fractions kept: a leeway is compared at full precision.
fn time_claim(c: &Map<String, Value>, name: &str) -> Result<Option<f64>, Check> {
    match c.get(name) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(f) if f.is_finite() && f.abs() <= TIME_RANGE => Ok(Some(f)),
            Some(_) => Err(fail(format!("`{name}` is out of range: {}", quoted(v)))),
            None => Err(fail(format!(
                "`{name}` is not a number of seconds: {}",
                quoted(v)
            ))),
        },
    }
}

/// Whole seconds of an in-range time claim, for display.
fn whole(t: f64) -> i64 {
    t.floor() as i64
}

fn check_exp(c: &Map<String, Value>, now: i64, leeway: i64) -> Check {
    let now_f = now as f64;
    match time_claim(c, "exp") {
        Err(check) => check,
        Ok(None) => fail("no `exp` claim: an ID token must expire"),
        Ok(Some(exp)) if now_f > exp + leeway as f64 => fail(format!(
            "expired {} ago at {}",
            span(now.saturating_sub(whole(exp))),
            rfc3339(whole(exp))
        )),
        Ok(Some(exp)) if now_f > exp => pass(format!(
            "expired {} ago at {}, within the {leeway} s leeway",
            span(now.saturating_sub(whole(exp))),
            rfc3339(whole(exp))
        )),
        Ok(Some(exp)) => pass(format!(
            "expires {} at {}",
            relative(whole(exp), now),
            rfc3339(whole(exp))
        )),
    }
}

fn check_iat(c: &Map<String, Value>, now: i64, leeway: i64) -> Check {
    match time_claim(c, "iat") {
        Err(check) => check,
        Ok(None) => fail("no `iat` claim"),
        Ok(Some(iat)) if iat > now.saturating_add(leeway) as f64 => fail(format!(
            "issued in the future: {} from now, at {} (clock skew beyond {leeway} s?)",
            span((iat - now as f64).ceil() as i64),
            rfc3339(whole(iat))
        )),
        Ok(Some(iat)) => pass(format!(
            "issued {} at {}",
            relative(whole(iat), now),
            rfc3339(whole(iat))
        )),
    }
}

fn check_nbf(c: &Map<String, Value>, now: i64, leeway: i64) -> Check {
    match time_claim(c, "nbf") {
        Err(check) => check,
        Ok(None) => skipped("no `nbf` claim"),
        Ok(Some(nbf)) if nbf > now.saturating_add(leeway) as f64 => fail(format!(
            "not valid before {}, {} from now",
            rfc3339(whole(nbf)),
            span((nbf - now as f64).ceil() as i64)
        )),
        Ok(Some(nbf)) => pass(format!("valid since {}", rfc3339(whole(nbf)))),
    }
}

/// A nonce binds the ID token to this sign-in's request: a token replayed from another sign-in
/// carries another one (OpenID Connect Core 3.1.3.7 point 11).
fn check_nonce(c: &Map<String, Value>, want: &str) -> Check {
    match c.get("nonce") {
        Some(Value::String(n)) if n == want => pass("the nonce this sign-in sent"),
        Some(Value::String(_)) => {
            fail("the nonce is not the one this sign-in sent: a token from another sign-in")
        }
        Some(other) => fail(format!("`nonce` is not a string: {}", quoted(other))),
        None => fail("no `nonce` claim, though this sign-in sent one"),
    }
}

fn check_hd(c: &Map<String, Value>, want: Option<&str>) -> Check {
    let hd = match c.get("hd") {
        None => None,
        Some(Value::String(hd)) => Some(hd.as_str()),
        Some(other) => {
            return fail(format!(
                "`hd` is present but not a string: {}",
                quoted(other)
            ));
        }
    };
    match (hd, want) {
        (Some(hd), Some(want)) if hd.eq_ignore_ascii_case(want) => pass(hd.to_string()),
        (Some(hd), Some(want)) => fail(format!("hosted domain is {hd}, not {want}")),
        (None, Some(want)) => fail(format!(
            "no `hd` claim: a consumer account, not one of {want}"
        )),
        (Some(hd), None) => skipped(format!(
            "Workspace domain {hd} (not required; --hd DOMAIN enforces one)"
        )),
        (None, None) => skipped("no `hd` claim: a consumer Google account"),
    }
}

/// Android sign-ins name the Android client in `azp` while `aud` is the web client: reported,
/// not required to equal `aud`, except when the token has several audiences (OpenID Connect
/// Core 3.1.3.7 point 5: then `azp` must be present and be this client).
fn check_azp(c: &Map<String, Value>, audience: Option<&str>) -> Check {
    let several = c
        .get("aud")
        .and_then(Value::as_array)
        .is_some_and(|a| a.len() > 1);
    let aud = c.get("aud").and_then(Value::as_str);
    match (c.get("azp"), several) {
        (Some(Value::String(azp)), true) => match audience {
            Some(want) if azp == want => {
                pass(format!("{azp} (this client, one of several audiences)"))
            }
            Some(want) => fail(format!(
                "several audiences, and azp {azp} is not this client ({want})"
            )),
            None => skipped(format!(
                "{azp} (several audiences; no client to compare with)"
            )),
        },
        (None, true) => fail("several audiences but no `azp`: who the token is for is unclear"),
        (Some(Value::String(azp)), false) if Some(azp.as_str()) == aud => {
            pass(format!("{azp} (the audience itself)"))
        }
        (Some(Value::String(azp)), false) => {
            pass(format!("{azp} (the client the user signed in with)"))
        }
        (Some(other), _) => fail(format!(
            "`azp` is present but not a string: {}",
            quoted(other)
        )),
        (None, false) => skipped("no `azp` claim"),
    }
}

fn report_email_verified(c: &Map<String, Value>) -> Check {
    // Google's tokeninfo writes it as the string "true"; ID tokens carry a JSON boolean.
    let verified = match c.get("email_verified") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
        Some(other) => {
            return skipped(format!(
                "`email_verified` is present but not a boolean: {} (the email counts as NOT verified)",
                quoted(other)
            ));
        }
        None => None,
    };
    match (verified, c.get("email").and_then(Value::as_str)) {
        (Some(true), Some(email)) => pass(format!("{email} is verified")),
        (Some(true), None) => pass("true"),
        (Some(false), email) => skipped(format!(
            "{} is NOT verified: do not treat it as the user's address",
            email.unwrap_or("the email")
        )),
        (None, _) => skipped("no `email_verified` claim (no email scope?)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::modulus_bits;
    use crate::signing::SigningKey;
    use serde_json::json;
    use std::sync::OnceLock;

    /// `decodes` is a cheaper `decode(..).is_ok()`: the two agree on every kind of token.
    #[test]
    fn decodes_agrees_with_decode_on_every_shape() {
        let b64 = |s: &str| URL_SAFE_NO_PAD.encode(s);
        let (h, c) = (b64(r#"{"alg":"RS256"}"#), b64(r#"{"sub":"1"}"#));
        let tokens = [
            format!("{h}.{c}.c2ln"),
            format!("  {h}.{c}.c2ln\n"),
            format!("{h}.{c}."),
            format!("{h}.{c}.c2ln="),
            format!("{h}.{c}.c2l"),
            format!("{h}.{c}"),
            format!("{h}.{c}.c2ln.x"),
            format!("{h}.{}.c2ln", b64("[1]")),
            format!("{h}.{}.c2ln", b64(" {\"a\":1}")),
            format!("{h}.{}.c2ln", b64("{\"a\":")),
            format!("{h}.{}.c2ln", b64("{} trailing")),
            format!("{}.{c}.c2ln", b64("\"alg\"")),
            format!("{h}.{c}.c2ln@"),
            format!("{h} .{c}.c2ln"),
            format!("{h}.{}.c2ln", b64("{\"\u{ff}\":1}")),
            format!("{h}.{}.c2ln", b64(r#"{"a":"\ud800"}"#)),
            format!("{h}.{}.c2ln", b64(r#"{"a":"\ud800\udc00"}"#)),
            format!("{h}.{}.c2ln", b64(r#"{"a":"\x"}"#)),
            format!("{h}.{}.c2ln", b64("{\"a\":\"\u{1}\"}")),
            format!(
                "{h}.{}.c2ln",
                b64(&format!("{}1{}", "[".repeat(200), "]".repeat(200)))
            ),
            format!(
                "{h}.{}.c2ln",
                b64(&format!(
                    "{{\"a\":{}1{}}}",
                    "[".repeat(200),
                    "]".repeat(200)
                ))
            ),
            format!("{h}.{}.c2ln", b64("{\"a\":1e999}")),
            format!(
                "{h}.{}.c2ln",
                b64(r#"{"$serde_json::private::RawValue":"1"}"#)
            ),
            format!(
                "{h}.{}.c2ln",
                b64(r#"{"$serde_json::private::RawValue":"{}"}"#)
            ),
            format!(
                "{h}.{}.c2ln",
                b64(r#"{"$serde_json::private::RawValue":"{}","x":1}"#)
            ),
            format!(
                "{h}.{}.c2ln",
                b64(r#"{"a":{"$serde_json::private::RawValue":"x"}}"#)
            ),
            format!(
                "{h}.{}.c2ln",
                b64(r#"{"a":1,"$serde_json::private::RawValue":"2"}"#)
            ),
            format!(
                "{h}.{}.c2ln",
                b64(r#"{"\u0024serde_json::private::RawValue":"{}"}"#)
            ),
            String::new(),
            "not-a-token".into(),
        ];
        for t in tokens {
            assert_eq!(decodes(t.as_bytes()), decode(t.as_bytes()).is_ok(), "{t:?}");
        }
        assert!(decodes(format!("{h}.{c}.c2ln").as_bytes()));
        assert!(!decodes(b"\xff.\xff.\xff"));
    }

    const NOW: i64 = 1_795_500_000;
    const AUD: &str = "web-client.apps.googleusercontent.com";

    fn key() -> &'static SigningKey {
        static KEY: OnceLock<SigningKey> = OnceLock::new();
        KEY.get_or_init(SigningKey::generate)
    }

    fn keyset(k: &SigningKey) -> KeySet {
        KeySet::new(vec![
            Key::from_components(Some(k.kid.clone()), Some("RS256".into()), &k.n, &k.e).unwrap(),
        ])
    }

    fn google() -> Expectations {
        Expectations {
            issuers: vec![
                "https://accounts.google.com".into(),
                "accounts.google.com".into(),
            ],
            audience: Some(AUD.into()),
            leeway: DEFAULT_LEEWAY,
            hd: None,
            nonce: None,
            kind: None,
        }
    }

    fn claims() -> Value {
        json!({"iss": "https://accounts.google.com", "aud": AUD, "azp": "android-client",
               "sub": "110169484474386276334", "email": "a@example.com", "email_verified": true,
               "iat": NOW - 60, "exp": NOW + 3540})
    }

    fn with(change: impl FnOnce(&mut Value)) -> String {
        let mut c = claims();
        change(&mut c);
        key().sign(&c)
    }

    fn status(token: &str, check: &str) -> Status {
        let v = verify(token.as_bytes(), &keyset(key()), &google(), NOW);
        v.checks
            .iter()
            .find(|(n, _)| *n == check)
            .map(|(_, c)| c.status)
            .unwrap_or_else(|| panic!("no {check} check in {:?}", v.checks))
    }

    #[test]
    fn l3_a_token_from_another_sign_in_fails_the_nonce_check() {
        let expect = Expectations {
            nonce: Some("n-this".into()),
            ..google()
        };
        let judge = |token: &str| {
            let v = verify(token.as_bytes(), &keyset(key()), &expect, NOW);
            let status = v
                .checks
                .iter()
                .find(|(n, _)| *n == "nonce")
                .unwrap()
                .1
                .status;
            (status, v.valid())
        };
        assert_eq!(
            judge(&with(|c| c["nonce"] = json!("n-this"))),
            (Status::Pass, true)
        );
        assert_eq!(
            judge(&with(|c| c["nonce"] = json!("n-other"))),
            (Status::Fail, false)
        );
        assert_eq!(judge(&key().sign(&claims())), (Status::Fail, false));
        assert_eq!(
            judge(&with(|c| c["nonce"] = json!(7))),
            (Status::Fail, false)
        );
        // No nonce sent, no check: whoami's list of checks stays as it was.
        let plain = verify(
            key().sign(&claims()).as_bytes(),
            &keyset(key()),
            &google(),
            NOW,
        );
        assert!(plain.checks.iter().all(|(n, _)| *n != "nonce"));
    }

    #[test]
    fn w9_a_small_key_is_named_and_every_key_with_the_kid_is_tried() {
        let token = key().sign(&claims());
        // An impostor published first under the same kid, then the real key.
        let impostor = SigningKey::generate();
        let real = Key::from_components(Some(key().kid.clone()), None, &key().n, &key().e).unwrap();
        let other =
            Key::from_components(Some(key().kid.clone()), None, &impostor.n, &impostor.e).unwrap();
        let both = KeySet::new(vec![other.clone(), real]);
        assert!(verify(token.as_bytes(), &both, &google(), NOW).valid());
        // A 1024-bit key under our kid: "too small", not "forged".
        let mut small = other;
        small.bits = Some(1024);
        let v = verify(token.as_bytes(), &KeySet::new(vec![small]), &google(), NOW);
        let sig = &v.checks.iter().find(|(n, _)| *n == "signature").unwrap().1;
        assert_eq!(sig.status, Status::Fail);
        assert!(
            sig.detail.contains("too small (1024 bits"),
            "{}",
            sig.detail
        );
        assert_eq!(modulus_bits(&[0x00, 0x80, 0, 0]), 24);
        assert_eq!(modulus_bits(&key().n), 2048);
    }

    fn detail(token: &str, check: &str) -> (Status, String) {
        let v = verify(token.as_bytes(), &keyset(key()), &google(), NOW);
        let c = &v.checks.iter().find(|(n, _)| *n == check).unwrap().1;
        (c.status, c.detail.to_string())
    }

    #[test]
    fn w2_w5_crafted_identity_claims_are_refused_with_their_real_reason() {
        let fails = |token: String, check: &str, words: &str| {
            let (status, why) = detail(&token, check);
            assert_eq!(status, Status::Fail, "{check}: {why}");
            assert!(why.contains(words), "{check}: {why}");
            assert!(!verify(token.as_bytes(), &keyset(key()), &google(), NOW).valid());
        };
        // sub: required, a string.
        fails(
            with(|c| drop(c.as_object_mut().unwrap().remove("sub"))),
            "sub",
            "no `sub`",
        );
        fails(with(|c| c["sub"] = json!(12345)), "sub", "not a string");
        fails(
            with(|c| c["sub"] = json!(["1", "2"])),
            "sub",
            "not a string",
        );
        // Wrong types are said to be wrong types, not missing.
        fails(
            with(|c| c["iss"] = json!(["https://accounts.google.com"])),
            "iss",
            "not a string",
        );
        fails(
            with(|c| c["aud"] = json!(5)),
            "aud",
            "neither a string nor an array",
        );
        fails(
            with(|c| c["aud"] = json!([AUD, 5])),
            "aud",
            "neither a string nor an array",
        );
        fails(
            with(|c| c["hd"] = json!(["example.com"])),
            "hd",
            "not a string",
        );
        let (status, why) = detail(&with(|c| c["email_verified"] = json!(1)), "email_verified");
        assert_eq!(status, Status::Skipped);
        assert!(why.contains("not a boolean"), "{why}");
        // Tokens of another type.
        for typ in ["logout+jwt", "at+jwt"] {
            let token = key().sign_with_header(
                &json!({"alg": "RS256", "kid": key().kid, "typ": typ}),
                &claims(),
            );
            fails(token, "typ", "another kind");
        }
        let plain = key().sign_with_header(
            &json!({"alg": "RS256", "kid": key().kid, "typ": "JWT"}),
            &claims(),
        );
        assert!(verify(plain.as_bytes(), &keyset(key()), &google(), NOW).valid());
        // Several audiences: azp must be this client.
        let mut ours = google();
        ours.audience = Some(AUD.into());
        let two = with(|c| {
            c["aud"] = json!([AUD, AUD]);
            c["azp"] = json!("android-client");
        });
        let (status, why) = detail(&two, "azp");
        assert_eq!(status, Status::Fail, "{why}");
        let two_no_azp = with(|c| {
            c["aud"] = json!([AUD, AUD]);
            c.as_object_mut().unwrap().remove("azp");
        });
        assert_eq!(detail(&two_no_azp, "azp").0, Status::Fail);
    }

    #[test]
    fn w4_time_edges_never_wrap_and_fractions_count() {
        for (claim, value) in [
            ("iat", json!(-1e300)),
            ("exp", json!(i64::MIN)),
            ("nbf", json!(u64::MAX)),
            ("exp", json!(1e300)),
        ] {
            let (status, why) = detail(&with(|c| c[claim] = value.clone()), claim);
            assert_eq!(status, Status::Fail, "{claim}={value}: {why}");
            assert!(why.contains("out of range"), "{claim}={value}: {why}");
        }
        // 60.9 s in the future is beyond a 60 s leeway; 59.9 s is within it.
        assert_eq!(
            detail(&with(|c| c["iat"] = json!(NOW as f64 + 60.9)), "iat").0,
            Status::Fail
        );
        assert_eq!(
            detail(&with(|c| c["iat"] = json!(NOW as f64 + 59.9)), "iat").0,
            Status::Pass
        );
        assert_eq!(
            detail(&with(|c| c["exp"] = json!(NOW as f64 - 60.5)), "exp").0,
            Status::Fail
        );
        assert_eq!(
            detail(&with(|c| c["nbf"] = json!(NOW as f64 + 60.1)), "nbf").0,
            Status::Fail
        );
    }

    #[test]
    fn a_good_token_passes_every_check() {
        let v = verify(
            key().sign(&claims()).as_bytes(),
            &keyset(key()),
            &google(),
            NOW,
        );
        assert!(v.valid(), "{:?}", v.checks);
        assert_eq!(v.claim_str("email"), Some("a@example.com"));
    }

    #[test]
    fn w4_time_claims_honour_the_leeway() {
        assert_eq!(
            status(&with(|c| c["exp"] = json!(NOW - 30)), "exp"),
            Status::Pass
        );
        assert_eq!(
            status(&with(|c| c["exp"] = json!(NOW - 61)), "exp"),
            Status::Fail
        );
        assert_eq!(
            status(&with(|c| c["iat"] = json!(NOW + 30)), "iat"),
            Status::Pass
        );
        assert_eq!(
            status(&with(|c| c["iat"] = json!(NOW + 61)), "iat"),
            Status::Fail
        );
        assert_eq!(
            status(&with(|c| c["nbf"] = json!(NOW + 30)), "nbf"),
            Status::Pass
        );
        assert_eq!(
            status(&with(|c| c["nbf"] = json!(NOW + 61)), "nbf"),
            Status::Fail
        );
        let v = verify(
            with(|c| c["exp"] = json!(NOW - 3720)).as_bytes(),
            &keyset(key()),
            &google(),
            NOW,
        );
        let exp = &v.checks.iter().find(|(n, _)| *n == "exp").unwrap().1;
        assert_eq!(exp.detail, "expired 1 h 2 min ago at 2026-11-24T04:58:00Z");
    }

    #[test]
    fn w2_w3_issuer_and_audience_are_exact() {
        assert_eq!(
            status(&with(|c| c["iss"] = json!("accounts.google.com")), "iss"),
            Status::Pass
        );
        assert_eq!(
            status(&with(|c| c["iss"] = json!("https://evil.example")), "iss"),
            Status::Fail
        );
        assert_eq!(
            status(&with(|c| c["aud"] = json!("other")), "aud"),
            Status::Fail
        );
        assert_eq!(
            status(&with(|c| c["aud"] = json!([AUD])), "aud"),
            Status::Pass
        );
        // Also issued for a client we do not trust: refused, naming it.
        let v = verify(
            with(|c| c["aud"] = json!(["evil-client", AUD])).as_bytes(),
            &keyset(key()),
            &google(),
            NOW,
        );
        let aud = &v.checks.iter().find(|(n, _)| *n == "aud").unwrap().1;
        assert_eq!(aud.status, Status::Fail);
        assert!(aud.detail.contains("evil-client"), "{}", aud.detail);
        let mut no_aud = google();
        no_aud.audience = None;
        let v = verify(
            key().sign(&claims()).as_bytes(),
            &keyset(key()),
            &no_aud,
            NOW,
        );
        assert!(
            v.checks
                .iter()
                .any(|(n, c)| *n == "aud" && c.status == Status::Skipped)
        );
    }

    #[test]
    fn w1_refuses_other_algorithms_and_tampering() {
        use base64::Engine;
        let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let none = format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims()));
        assert_eq!(status(&none, "alg"), Status::Fail);
        // Key confusion: HS256 signed with the issuer's public key (as published) as the HMAC
        // secret, which a verifier that trusts the header's alg would accept. Refused.
        let input = format!(
            "{}.{}",
            b64(&json!({"alg": "HS256", "kid": key().kid, "typ": "JWT"})),
            b64(&claims())
        );
        for secret in [key().jwk().to_string().into_bytes(), key().n.clone()] {
            let mac = aws_lc_rs::hmac::sign(
                &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &secret),
                input.as_bytes(),
            );
            let hs = format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac.as_ref()));
            assert_eq!(status(&hs, "alg"), Status::Fail);
            assert_eq!(status(&hs, "signature"), Status::Fail);
        }
        let rs_as_hs =
            key().sign_with_header(&json!({"alg": "HS256", "kid": key().kid}), &claims());
        assert_eq!(status(&rs_as_hs, "alg"), Status::Fail);
        let crit = key().sign_with_header(
            &json!({"alg": "RS256", "kid": key().kid, "crit": ["x"]}),
            &claims(),
        );
        assert_eq!(status(&crit, "alg"), Status::Fail);
        let good = key().sign(&claims());
        let parts: Vec<&str> = good.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            b64(&json!({"sub": "someone-else"})),
            parts[2]
        );
        assert_eq!(status(&forged, "signature"), Status::Fail);
    }

    /// ES256 is a JWS algorithm this crate verifies (IAP's assertions), never an ID token's:
    /// a token signed with a published EC key, and claiming ES256, is refused at its header;
    /// each key verifies its own algorithm only, whatever the header names.
    #[test]
    fn w1_k3_es256_is_no_id_tokens_algorithm_and_no_key_verifies_another_algorithm() {
        let ec = crate::signing::Es256SigningKey::generate();
        let ec_key = crate::jwks::from_jwk(&ec.jwk(), &mut Vec::new()).unwrap();
        let mut keys = keyset(key());
        keys.keys.push(ec_key);
        let judge = |token: &str| verify(token.as_bytes(), &keys, &google(), NOW);
        let detail = |v: &Verdict, check: &str| {
            let (_, c) = v.checks.iter().find(|(n, _)| *n == check).unwrap();
            (c.status, c.detail.to_string())
        };
        // Correctly signed, by a key the issuer publishes, and still refused.
        let es256 = judge(&ec.sign(&claims()));
        assert!(!es256.valid());
        assert_eq!(
            detail(&es256, "alg"),
            (
                Status::Fail,
                "alg ES256 is refused: ID tokens use RS256".into()
            )
        );
        assert_eq!(detail(&es256, "signature").0, Status::Fail);
        assert!(!es256.unknown_kid);
        // An EC key's signature under an RS256 header names the key's own algorithm.
        let rs_on_ec = ec.sign_with_header(&json!({"alg": "RS256", "kid": ec.kid}), &claims());
        let v = judge(&rs_on_ec);
        assert_eq!(
            detail(&v, "signature"),
            (
                Status::Fail,
                format!("key {} is for ES256, not RS256", ec.kid)
            )
        );
        // Without a kid, the EC key is not even tried for RS256.
        let no_kid = ec.sign_with_header(&json!({"alg": "RS256"}), &claims());
        assert_eq!(detail(&judge(&no_kid), "signature").0, Status::Fail);
        // An RSA key's good signature under an ES256 header: refused.
        let es_on_rsa =
            key().sign_with_header(&json!({"alg": "ES256", "kid": key().kid}), &claims());
        assert_eq!(detail(&judge(&es_on_rsa), "alg").0, Status::Fail);
        assert!(!judge(&es_on_rsa).valid());
        // The RSA key still verifies what it signs, beside the EC key.
        assert!(judge(&key().sign(&claims())).valid());
    }

    #[test]
    fn w8_an_unknown_kid_is_flagged_for_one_refetch() {
        let other = SigningKey::generate();
        let v = verify(
            other.sign(&claims()).as_bytes(),
            &keyset(key()),
            &google(),
            NOW,
        );
        assert!(v.unknown_kid);
        assert!(!v.valid());
        let v = verify(
            other.sign(&claims()).as_bytes(),
            &keyset(&other),
            &google(),
            NOW,
        );
        assert!(v.valid());
    }

    #[test]
    fn w7_malformed_tokens_fail_the_format_check_without_panicking() {
        let good = key().sign(&claims());
        let parts: Vec<&str> = good.split('.').collect();
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"abc".to_vec(),
            format!("{}.{}", parts[0], parts[1]).into_bytes(),
            format!("{good}.extra").into_bytes(),
            format!("{}.{}=.{}", parts[0], parts[1], parts[2]).into_bytes(),
            format!("{}.{}.{}", "bm90IGpzb24", parts[1], parts[2]).into_bytes(),
            format!("{}.{}.{}", parts[0], "WzEsMl0", parts[2]).into_bytes(),
            vec![0xff, 0xfe, b'.', 0x80, b'.', 0x81],
            "a".repeat(100_000).into_bytes(),
        ];
        for t in cases {
            let v = verify(&t, &keyset(key()), &google(), NOW);
            assert!(!v.valid());
            assert_eq!(v.checks[0].0, "format");
            assert_eq!(v.checks[0].1.status, Status::Fail);
        }
        // A 100 KB token, validly signed, is judged like any other.
        let big = with(|c| c["padding"] = json!("x".repeat(100_000)));
        assert!(big.len() > 100_000);
        assert!(verify(big.as_bytes(), &keyset(key()), &google(), NOW).valid());
        let padded = format!("  {good}\n");
        assert!(verify(padded.as_bytes(), &keyset(key()), &google(), NOW).valid());
    }

    /// One cap for every way in: a token of up to 1 MiB (white space around it aside) is
    /// judged, validly signed or not; a longer one is said to be too long, never another
    /// defect (a cut token once read as "a JWT has 3 parts, this has 2").
    #[test]
    fn w7_a_byte_order_mark_before_a_token_is_dropped_on_every_path() {
        let token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.";
        for given in [format!("\u{feff}{token}"), format!(" \u{feff}{token}\n")] {
            assert_eq!(decode(given.as_bytes()).unwrap().claims["sub"], "1");
            assert!(decodes(given.as_bytes()));
        }
        // Only before the token: one inside it is a malformed token.
        assert!(decode("eyJhbGciOiJub25lIn0\u{feff}.eyJzdWIiOiIxIn0.".as_bytes()).is_err());
    }

    #[test]
    fn w7_a_token_over_the_cap_is_too_long_and_one_at_the_cap_is_judged() {
        let claims_of = |size: usize| with(|c| c["padding"] = json!("x".repeat(size)));
        // The largest padding whose token fits the cap: each byte of it is 4/3 of base64.
        let mut padding = (MAX_TOKEN_BYTES - claims_of(0).len()) * 3 / 4;
        while claims_of(padding).len() > MAX_TOKEN_BYTES {
            padding -= 1;
        }
        while claims_of(padding + 1).len() <= MAX_TOKEN_BYTES {
            padding += 1;
        }
        let at_cap = claims_of(padding);
        assert!(at_cap.len() <= MAX_TOKEN_BYTES && at_cap.len() > MAX_TOKEN_BYTES - 4);
        let keys = keyset(key());
        assert!(verify(at_cap.as_bytes(), &keys, &google(), NOW).valid());
        assert!(verify(format!("\t {at_cap} \r").as_bytes(), &keys, &google(), NOW).valid());
        assert!(decodes(at_cap.as_bytes()) && decode(at_cap.as_bytes()).is_ok());
        let over = claims_of(padding + 3);
        assert!(over.len() > MAX_TOKEN_BYTES);
        let junk = "x".repeat(MAX_TOKEN_BYTES + 1);
        let two = format!("{at_cap} {at_cap}");
        for token in [over.as_str(), &junk, &two, &format!("{over}.x")] {
            let v = verify(token.as_bytes(), &keys, &google(), NOW);
            assert_eq!(v.checks.len(), 1);
            assert_eq!(
                v.checks[0].1.detail,
                DecodeError::TooLong.to_string(),
                "{}",
                token.len()
            );
            assert_eq!(decode(token.as_bytes()).err(), Some(DecodeError::TooLong));
            assert!(!decodes(token.as_bytes()));
        }
    }

    #[test]
    fn w7_two_tokens_on_a_line_and_non_text_get_their_real_reason() {
        let good = key().sign(&claims());
        let reason = |t: &[u8]| {
            verify(t, &keyset(key()), &google(), NOW).checks[0]
                .1
                .detail
                .clone()
        };
        let two = reason(format!("{good}\r{good}").as_bytes());
        assert!(two.contains("two tokens on one line"), "{two}");
        let two = reason(format!("{good} {good}").as_bytes());
        assert!(two.contains("two tokens on one line"), "{two}");
        let binary = reason(&[b'e', b'y', 0xff, b'.', b'x', b'.', b'y']);
        assert!(binary.contains("not text"), "{binary}");
    }
}
