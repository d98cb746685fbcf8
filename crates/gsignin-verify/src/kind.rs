//! Which Google-signed token a JWT is: recognised by its unverified `iss` and header `alg`
//! only. The kind then decides everything a token could otherwise try to choose for itself:
//! the algorithm, where the keys come from, the exact issuer and the checks beyond signature
//! and time. Nothing in the token names a key source (`jku`, `x5u`, `jwk` and `x5c` are never
//! read).
//!
//! Sources of each kind's facts: Google's "Authenticate with a backend server" and OpenID
//! Connect pages (Google ID tokens, and a service account's, which share their issuer and
//! keys); Firebase's "Verify ID tokens" and "Manage session cookies"; IAP's "Securing your app
//! with signed headers"; the service-account page's "Addendum: Service account authorization
//! without OAuth".
//!
//! Issuers are compared exactly, byte for byte: `https://securetoken.google.com.evil/p`, a
//! trailing dot or another letter case is no Google issuer, just as a browser would not send
//! Google's cookies there.

use crate::check::{Check, fail, pass, skipped};
use serde_json::{Map, Value};

/// The kinds `whoami` knows. A token whose `iss` is none of Google's is [`Kind::Other`]: it
/// is verified only against an issuer the caller names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// Google Sign-In's ID token, or a service account's ID token (the same issuer and keys).
    GoogleIdToken,
    /// A Firebase Auth ID token of `project`.
    FirebaseIdToken { project: String },
    /// A Firebase session cookie of `project`.
    FirebaseSessionCookie { project: String },
    /// An unsigned token of the Firebase Auth emulator (`alg` `none`, a Firebase issuer):
    /// never valid.
    FirebaseEmulatorToken { project: String },
    /// The JWT Identity-Aware Proxy puts in `x-goog-iap-jwt-assertion`.
    IapJwt,
    /// A JWT a service account signed itself with one of its own keys.
    ServiceAccountJwt { account: String },
    /// Any other issuer (or none).
    Other,
}

/// Google's issuer spellings (ID tokens carry either).
pub const GOOGLE_ISSUERS: [&str; 2] = ["https://accounts.google.com", "accounts.google.com"];
const FIREBASE_ID: &str = "https://securetoken.google.com/";
const FIREBASE_SESSION: &str = "https://session.firebase.google.com/";
/// IAP's issuer.
pub const IAP_ISSUER: &str = "https://cloud.google.com/iap";

/// The key sources Google publishes, one per kind (a service account's is per account).
pub const FIREBASE_ID_KEYS: &str =
    "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com";
pub const FIREBASE_SESSION_KEYS: &str =
    "https://www.googleapis.com/identitytoolkit/v3/relyingparty/publicKeys";
pub const IAP_KEYS: &str = "https://www.gstatic.com/iap/verify/public_key-jwk";
const SERVICE_ACCOUNT_KEYS: &str = "https://www.googleapis.com/service_accounts/v1/metadata/x509/";

/// The longest project ID taken from an issuer: Google's are at most 30 characters
/// (domain-scoped ones, `example.com:project`, a little more).
const MAX_PROJECT: usize = 100;

impl Kind {
    /// The kind a token's unverified `iss` and header `alg` name.
    pub fn recognise(iss: Option<&str>, alg: Option<&str>) -> Kind {
        let Some(iss) = iss else {
            return Kind::Other;
        };
        if GOOGLE_ISSUERS.contains(&iss) {
            return Kind::GoogleIdToken;
        }
        if iss == IAP_ISSUER {
            return Kind::IapJwt;
        }
        let firebase = |prefix: &str| iss.strip_prefix(prefix).filter(|p| project_id(p));
        if let Some(project) = firebase(FIREBASE_ID).or_else(|| firebase(FIREBASE_SESSION)) {
            let project = project.to_string();
            return if alg == Some("none") {
                Kind::FirebaseEmulatorToken { project }
            } else if iss.starts_with(FIREBASE_ID) {
                Kind::FirebaseIdToken { project }
            } else {
                Kind::FirebaseSessionCookie { project }
            };
        }
        if service_account(iss) {
            return Kind::ServiceAccountJwt {
                account: iss.to_string(),
            };
        }
        Kind::Other
    }

    /// The kind a decoded header and payload name.
    pub fn of(header: &Map<String, Value>, claims: &Map<String, Value>) -> Kind {
        Kind::recognise(
            claims.get("iss").and_then(Value::as_str),
            header.get("alg").and_then(Value::as_str),
        )
    }

    /// Whether it has rules and keys of its own, beyond an OpenID issuer's (Google's ID tokens
    /// and other issuers' are judged against the issuer the caller names).
    pub fn own_rules(&self) -> bool {
        !matches!(self, Kind::GoogleIdToken | Kind::Other)
    }

    /// Its name in `--json`'s `kind`.
    pub fn id(&self) -> &'static str {
        match self {
            Kind::GoogleIdToken => "google_id_token",
            Kind::FirebaseIdToken { .. } => "firebase_id_token",
            Kind::FirebaseSessionCookie { .. } => "firebase_session_cookie",
            Kind::FirebaseEmulatorToken { .. } => "firebase_emulator_token",
            Kind::IapJwt => "iap_jwt",
            Kind::ServiceAccountJwt { .. } => "service_account_jwt",
            Kind::Other => "id_token",
        }
    }

    /// Its name in words, for a headline.
    pub fn words(&self) -> &'static str {
        match self {
            Kind::GoogleIdToken => "Google ID token",
            Kind::FirebaseIdToken { .. } => "Firebase ID token",
            Kind::FirebaseSessionCookie { .. } => "Firebase session cookie",
            Kind::FirebaseEmulatorToken { .. } => "Firebase Auth emulator token",
            Kind::IapJwt => "IAP assertion",
            Kind::ServiceAccountJwt { .. } => "service account JWT",
            Kind::Other => "ID token",
        }
    }

    /// The one algorithm its tokens are signed with; `None` for the emulator's unsigned ones.
    pub fn alg(&self) -> Option<&'static str> {
        match self {
            Kind::IapJwt => Some("ES256"),
            Kind::FirebaseEmulatorToken { .. } => None,
            _ => Some("RS256"),
        }
    }

    /// The issuers its tokens carry, exactly. Empty for [`Kind::Other`].
    pub fn issuers(&self) -> Vec<String> {
        match self {
            Kind::GoogleIdToken => GOOGLE_ISSUERS.map(String::from).to_vec(),
            Kind::FirebaseIdToken { project } => vec![format!("{FIREBASE_ID}{project}")],
            Kind::FirebaseSessionCookie { project } => {
                vec![format!("{FIREBASE_SESSION}{project}")]
            }
            Kind::FirebaseEmulatorToken { project } => vec![
                format!("{FIREBASE_ID}{project}"),
                format!("{FIREBASE_SESSION}{project}"),
            ],
            Kind::IapJwt => vec![IAP_ISSUER.to_string()],
            Kind::ServiceAccountJwt { account } => vec![account.clone()],
            Kind::Other => Vec::new(),
        }
    }

    /// Where Google publishes the keys of this kind: a JWK set or a map of key ID to PEM
    /// certificate. `None` for Google's ID tokens (their issuer's discovery names the keys) and
    /// for kinds that have no keys.
    pub fn keys_url(&self) -> Option<String> {
        match self {
            Kind::FirebaseIdToken { .. } => Some(FIREBASE_ID_KEYS.into()),
            Kind::FirebaseSessionCookie { .. } => Some(FIREBASE_SESSION_KEYS.into()),
            Kind::IapJwt => Some(IAP_KEYS.into()),
            // The account's email is checked to hold only letters, digits, `.`, `-`, `_` and
            // one `@`: it is one path segment as it stands.
            Kind::ServiceAccountJwt { account } => Some(format!("{SERVICE_ACCOUNT_KEYS}{account}")),
            _ => None,
        }
    }

    /// The Firebase project the token names in its issuer.
    pub fn project(&self) -> Option<&str> {
        match self {
            Kind::FirebaseIdToken { project }
            | Kind::FirebaseSessionCookie { project }
            | Kind::FirebaseEmulatorToken { project } => Some(project),
            _ => None,
        }
    }
}

/// IAP's allowance for clock skew on `exp` and `iat` (its signed-headers page), and the
/// longest an assertion lives: ten minutes, plus that skew at both ends.
pub const IAP_LEEWAY: i64 = 30;
const IAP_MAX_LIFETIME: i64 = 600 + 2 * IAP_LEEWAY;
/// A service account's own JWT lives an hour at most (the service-account page).
const SERVICE_ACCOUNT_MAX_LIFETIME: i64 = 3600;
/// Firebase's uids: the Admin SDKs refuse a `sub` longer than this.
const FIREBASE_MAX_SUB: usize = 128;

/// The checks a kind adds to OpenID Connect's, or makes stricter, in the verdict's `checks`:
/// run after the common ones, on the token's claims as decoded.
pub(crate) fn checks(
    kind: &Kind,
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
    audience: Option<&str>,
    leeway: i64,
    now: i64,
    checks: &mut Vec<(&'static str, Check)>,
) {
    let mut set =
        |name: &'static str, check: Check| match checks.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = check,
            None => checks.push((name, check)),
        };
    // Every kind with keys of its own names the one it is signed with (Firebase's Admin SDKs
    // refuse a token without `kid`): no key set is searched for one that happens to fit.
    if kind.own_rules() && kind.alg().is_some() && !header.get("kid").is_some_and(Value::is_string)
    {
        set(
            "signature",
            fail(format!(
                "the header names no `kid`: a {} names the key it is signed with",
                kind.words()
            )),
        );
    }
    match kind {
        Kind::FirebaseIdToken { project }
        | Kind::FirebaseSessionCookie { project }
        | Kind::FirebaseEmulatorToken { project } => {
            set("aud", firebase_aud(claims, project, audience));
            set("sub", firebase_sub(claims));
            set("auth_time", auth_time(claims, now, leeway));
            if let Kind::FirebaseEmulatorToken { .. } = kind {
                set(
                    "signature",
                    fail(
                        "none: an unsigned token from the Firebase Auth emulator, never valid outside it",
                    ),
                );
            }
        }
        Kind::IapJwt => {
            if audience.is_none() {
                set("aud", iap_aud(claims));
            }
            set(
                "lifetime",
                lifetime(claims, IAP_MAX_LIFETIME, "an IAP assertion"),
            );
        }
        Kind::ServiceAccountJwt { account } => {
            set("sub", service_account_sub(claims, account));
            if audience.is_none() {
                let aud = str_claim(claims, "aud").unwrap_or("missing");
                set(
                    "aud",
                    skipped(format!(
                        "made for {aud}; which audience is yours was not given (--audience)"
                    )),
                );
            }
            set(
                "lifetime",
                lifetime(
                    claims,
                    SERVICE_ACCOUNT_MAX_LIFETIME,
                    "a service account's JWT",
                ),
            );
        }
        Kind::GoogleIdToken | Kind::Other => {}
    }
}

fn str_claim<'c>(claims: &'c Map<String, Value>, name: &str) -> Option<&'c str> {
    claims.get(name).and_then(Value::as_str)
}

/// Firebase: `aud` is the project its issuer names, and the caller's project when given.
fn firebase_aud(claims: &Map<String, Value>, project: &str, audience: Option<&str>) -> Check {
    let Some(aud) = str_claim(claims, "aud") else {
        return fail("`aud` is missing or not a string: a Firebase token names its project");
    };
    if aud != project {
        return fail(format!(
            "issued for {aud}, but its issuer names project {project}: Firebase's tokens are issued for their own project"
        ));
    }
    match audience {
        Some(want) if want != project => {
            fail(format!("issued for project {project}, not for {want}"))
        }
        Some(_) => pass(format!("project {project}")),
        None => skipped(format!(
            "project {project}, as its issuer says; which project is yours was not given (--audience PROJECT)"
        )),
    }
}

fn firebase_sub(claims: &Map<String, Value>) -> Check {
    match claims.get("sub") {
        Some(Value::String(s)) if s.is_empty() => fail("`sub` (the uid) is empty"),
        Some(Value::String(s)) if s.chars().count() > FIREBASE_MAX_SUB => fail(format!(
            "`sub` (the uid) is longer than {FIREBASE_MAX_SUB} characters, which Firebase refuses"
        )),
        Some(Value::String(s)) => pass(format!("uid {s}")),
        _ => fail("`sub` (the uid) is missing or not a string"),
    }
}

/// When the user signed in: not in the future (Firebase's rule).
fn auth_time(claims: &Map<String, Value>, now: i64, leeway: i64) -> Check {
    match claims.get("auth_time").map(Value::as_i64) {
        Some(Some(t)) if t > now + leeway => fail(format!(
            "the user signed in {} from now, in the future",
            crate::time::span(t - now)
        )),
        Some(Some(t)) => pass(format!("signed in {} ago", crate::time::span(now - t))),
        Some(None) => fail("`auth_time` is not a whole number of seconds"),
        None => fail("no `auth_time`: a Firebase token says when the user signed in"),
    }
}

/// IAP's audience forms: `/projects/NUMBER/apps/ID` (App Engine) and
/// `/projects/NUMBER/global/backendServices/ID` (Compute Engine, GKE), or a region's
/// `/projects/NUMBER/regions/REGION/backendServices/ID`.
fn iap_aud(claims: &Map<String, Value>) -> Check {
    let Some(aud) = str_claim(claims, "aud") else {
        return fail("`aud` is missing or not a string: an IAP assertion names its backend");
    };
    let parts: Vec<&str> = aud.split('/').collect();
    let id = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let form = match parts.as_slice() {
        ["", "projects", n, "apps", app] if number(n) && id(app) => true,
        ["", "projects", n, "global", "backendServices", s] if number(n) && id(s) => true,
        ["", "projects", n, "regions", r, "backendServices", s] if number(n) && id(r) && id(s) => {
            true
        }
        _ => false,
    };
    if form {
        skipped(format!(
            "{aud}; which backend is yours was not given (--audience {aud})"
        ))
    } else {
        fail(format!(
            "{aud} is none of IAP's audiences (/projects/NUMBER/apps/ID, /projects/NUMBER/global/backendServices/ID)"
        ))
    }
}

fn lifetime(claims: &Map<String, Value>, max: i64, what: &str) -> Check {
    let time = |name| claims.get(name).and_then(Value::as_i64);
    match (time("iat"), time("exp")) {
        (Some(iat), Some(exp)) if exp < iat => fail("`exp` is before `iat`"),
        (Some(iat), Some(exp)) if exp.saturating_sub(iat) > max => fail(format!(
            "it lives {} s (iat to exp), longer than {what} may ({max} s)",
            exp.saturating_sub(iat)
        )),
        (Some(iat), Some(exp)) => pass(format!("{} (iat to exp)", crate::time::span(exp - iat))),
        _ => fail("needs both `iat` and `exp` to be whole numbers of seconds"),
    }
}

/// `sub` is the account itself, or the user it acts for (domain-wide delegation).
fn service_account_sub(claims: &Map<String, Value>, account: &str) -> Check {
    match str_claim(claims, "sub") {
        Some(sub) if sub == account => pass(format!("the account itself, {account}")),
        Some("") => fail("`sub` is empty"),
        // Who may act for whom is the domain's setting, which no token shows: reported, not
        // checked.
        Some(sub) => skipped(format!(
            "{sub}, a user the account says it acts for (domain-wide delegation, not checked here)"
        )),
        None => fail("`sub` is missing or not a string"),
    }
}

/// A Google Cloud project ID as an issuer may carry it: lowercase letters, digits and
/// hyphens (`:` and `.` for domain-scoped projects), nothing that could end or extend a path.
fn project_id(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= MAX_PROJECT
        && p.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-:.".contains(&b))
}

/// A service account's email: `NAME@PROJECT.iam.gserviceaccount.com`, or Google's own
/// `…@developer.gserviceaccount.com`, `…@appspot.gserviceaccount.com`: lowercase letters,
/// digits, `.`, `-` and `_`, one `@`, a domain under `gserviceaccount.com`.
fn service_account(iss: &str) -> bool {
    let Some((name, domain)) = iss.split_once('@') else {
        return false;
    };
    let allowed = |s: &str, extra: &[u8]| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || extra.contains(&b))
    };
    let label = |l: &str| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-');
    iss.len() <= 254
        && allowed(name, b".-_")
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && allowed(domain, b".-")
        && domain
            .strip_suffix(".gserviceaccount.com")
            .is_some_and(|sub| sub.split('.').all(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(iss: &str) -> Kind {
        Kind::recognise(Some(iss), Some("RS256"))
    }

    #[test]
    fn each_kind_is_recognised_by_its_issuer() {
        assert_eq!(kind("https://accounts.google.com"), Kind::GoogleIdToken);
        assert_eq!(kind("accounts.google.com"), Kind::GoogleIdToken);
        assert_eq!(
            kind("https://securetoken.google.com/my-app"),
            Kind::FirebaseIdToken {
                project: "my-app".into()
            }
        );
        assert_eq!(
            kind("https://session.firebase.google.com/my-app"),
            Kind::FirebaseSessionCookie {
                project: "my-app".into()
            }
        );
        assert_eq!(kind(IAP_ISSUER), Kind::IapJwt);
        assert_eq!(
            kind("ci@my-app.iam.gserviceaccount.com"),
            Kind::ServiceAccountJwt {
                account: "ci@my-app.iam.gserviceaccount.com".into()
            }
        );
        assert_eq!(
            kind("123-compute@developer.gserviceaccount.com").id(),
            "service_account_jwt"
        );
        assert_eq!(kind("https://login.example.com"), Kind::Other);
        assert_eq!(Kind::recognise(None, Some("RS256")), Kind::Other);
    }

    #[test]
    fn k1_an_unsigned_firebase_token_is_the_emulators_whatever_its_issuer_says() {
        for iss in [
            "https://securetoken.google.com/demo-app",
            "https://session.firebase.google.com/demo-app",
        ] {
            let k = Kind::recognise(Some(iss), Some("none"));
            assert_eq!(k.id(), "firebase_emulator_token", "{iss}");
            assert_eq!(k.alg(), None);
            assert_eq!(k.keys_url(), None);
        }
        // `none` on another kind is that kind, whose alg check then fails.
        assert_eq!(
            Kind::recognise(Some("https://accounts.google.com"), Some("none")),
            Kind::GoogleIdToken
        );
    }

    #[test]
    fn k2_look_alike_issuers_are_no_kind_of_googles() {
        for iss in [
            "https://securetoken.google.com.evil/app",
            "https://securetoken.google.com./app",
            "https://SecureToken.google.com/app",
            "HTTPS://securetoken.google.com/app",
            "http://securetoken.google.com/app",
            "https://securetoken.google.com/",
            "https://securetoken.google.com",
            "https://securetoken.google.com/app/extra",
            "https://securetoken.google.com/app?x=1",
            "https://securetoken.google.com/App",
            "https://securetoken.google.com/app ",
            "https://session.firebase.google.com.evil/app",
            "https://cloud.google.com/iap/",
            "https://cloud.google.com/IAP",
            "https://accounts.google.com/",
            "https://accounts.google.com.",
            "accounts.google.com.evil",
            "ci@my-app.iam.gserviceaccount.com.evil",
            "ci@gserviceaccount.com",
            "ci@evil.com/.gserviceaccount.com",
            "ci@x..gserviceaccount.com",
            "..@demo-app.iam.gserviceaccount.com",
            "ci@-demo-app.iam.gserviceaccount.com",
            "ci@demo-app-.iam.gserviceaccount.com",
            "CI@my-app.iam.gserviceaccount.com",
            "ci/../x@my-app.iam.gserviceaccount.com",
            "ci%2f@my-app.iam.gserviceaccount.com",
            "a@b@my-app.iam.gserviceaccount.com",
            "@my-app.iam.gserviceaccount.com",
        ] {
            assert_eq!(kind(iss), Kind::Other, "{iss}");
        }
    }

    #[test]
    fn k3_the_key_source_and_alg_belong_to_the_kind() {
        assert_eq!(
            kind("https://securetoken.google.com/p")
                .keys_url()
                .as_deref(),
            Some(FIREBASE_ID_KEYS)
        );
        assert_eq!(
            kind("https://session.firebase.google.com/p")
                .keys_url()
                .as_deref(),
            Some(FIREBASE_SESSION_KEYS)
        );
        assert_eq!(kind(IAP_ISSUER).keys_url().as_deref(), Some(IAP_KEYS));
        assert_eq!(kind(IAP_ISSUER).alg(), Some("ES256"));
        assert_eq!(
            kind("sa@p.iam.gserviceaccount.com").keys_url().as_deref(),
            Some(
                "https://www.googleapis.com/service_accounts/v1/metadata/x509/sa@p.iam.gserviceaccount.com"
            )
        );
        assert_eq!(kind("https://accounts.google.com").keys_url(), None);
        for k in [
            kind("https://accounts.google.com"),
            kind("https://securetoken.google.com/p"),
            kind("sa@p.iam.gserviceaccount.com"),
        ] {
            assert_eq!(k.alg(), Some("RS256"), "{k:?}");
        }
    }
}
