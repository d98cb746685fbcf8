//! The emulator's world: clients, users, codes, grants, tokens, keys, its clock, its faults
//! and its hit counters. Handlers lock it briefly; nothing here does I/O.

use gsignin_verify::signing::Keys;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

pub const WEB_CLIENT_ID: &str = "000000000000-gsigninemulator.apps.googleusercontent.com";
pub const WEB_CLIENT_SECRET: &str = "GOCSPX-emulator-client-secret";
/// The emulator's Desktop ("installed") client: any loopback port is a valid redirect for it.
pub const INSTALLED_CLIENT_ID: &str = "000000000000-gsignindesktop.apps.googleusercontent.com";
pub const INSTALLED_CLIENT_SECRET: &str = "GOCSPX-emulator-desktop-secret";
/// Redirect URIs registered for the web client out of the box: a loopback one for
/// `gsignin login --port 8085` and the one Google's own samples use.
pub const WEB_REDIRECT_URIS: &[&str] = &[
    "http://127.0.0.1:8085",
    "http://localhost:8080/oauth2callback",
];
/// The mobile client a real sign-in's ID token names in `azp` (while `aud` is the web client).
const ANDROID_CLIENT_ID: &str = "000000000000-gsigninandroid.apps.googleusercontent.com";
pub const DEFAULT_EMAIL: &str = "alice@example.com";

pub const SCOPE_EMAIL: &str = "https://www.googleapis.com/auth/userinfo.email";
pub const SCOPE_PROFILE: &str = "https://www.googleapis.com/auth/userinfo.profile";
pub const SCOPE_DRIVE_APPDATA: &str = "https://www.googleapis.com/auth/drive.appdata";

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub sub: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    pub given_name: String,
    pub family_name: String,
    pub picture: String,
    pub hd: Option<String>,
    /// Released with the profile scope, as Google's ID tokens once carried it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Extra ID-token claims (a `--users` file's `claims`); never one of
    /// [`RESERVED_CLAIMS`], which `users::parse` refuses.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub claims: serde_json::Map<String, Value>,
}

impl User {
    /// A user for `email`, with a stable numeric `sub` derived from it.
    pub fn for_email(email: &str, name: Option<&str>, hd: Option<&str>) -> User {
        let digest = crate::sha256(email.as_bytes());
        let mut sub = String::from("1");
        for b in digest.iter().take(10) {
            sub.push_str(&format!("{:02}", b % 100));
        }
        let local = email.split('@').next().unwrap_or(email);
        let default_name = format!("{} Example", capitalise(local));
        let name = name.unwrap_or(&default_name).to_string();
        let mut parts = name.splitn(2, ' ');
        let given_name = parts.next().unwrap_or_default().to_string();
        let family_name = parts.next().unwrap_or_default().to_string();
        User {
            sub,
            email: email.to_string(),
            email_verified: true,
            picture: format!("https://lh3.googleusercontent.com/a/emulator-{local}"),
            name,
            given_name,
            family_name,
            hd: hd.map(str::to_string),
            locale: None,
            claims: serde_json::Map::new(),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Google returns the short scope names as URLs.
pub fn normalise_scope(scope: &str) -> String {
    match scope {
        "email" => SCOPE_EMAIL.into(),
        "profile" => SCOPE_PROFILE.into(),
        other => other.into(),
    }
}

/// Google's client types that matter for redirects: a web client's redirect URIs are
/// registered exactly, a Desktop client may use any loopback port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    Web,
    Installed,
}

#[derive(Debug, Clone)]
pub struct Client {
    /// The app's name on the consent screen.
    pub name: String,
    pub id: String,
    pub secret: String,
    pub kind: ClientKind,
    pub redirect_uris: Vec<String>,
}

/// When a redeemed code carries a refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshRule {
    /// Only the first time this user grants this client offline access (mobile codes, and a
    /// web client's `access_type=offline`).
    FirstTime,
    /// Every time (`prompt=consent`, installed clients, a forced mint).
    Always,
    /// Never (`access_type=online`, a web client's default).
    Never,
}

/// A minted, not yet redeemed authorization code.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub client_id: String,
    pub azp: String,
    pub sub: String,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    pub expires_at: i64,
    pub used: bool,
    pub refresh: RefreshRule,
    pub nonce: Option<String>,
    /// The `iss` its ID tokens carry, when the code asked for one spelling.
    pub iss: Option<String>,
    /// PKCE: the challenge and its method (`S256` or `plain`) the authorization request sent.
    pub code_challenge: Option<(String, String)>,
}

/// What a refresh token or access token stands for.
#[derive(Debug, Clone)]
pub struct Grant {
    pub client_id: String,
    pub azp: String,
    pub sub: String,
    pub scopes: Vec<String>,
    /// One sign-in's refresh tokens share a family: rotation replaces a member, and reuse of a
    /// rotated-away member revokes the whole family.
    pub family: u64,
    pub revoked: bool,
    /// Replaced by a newer refresh token (rotation); using it again is theft.
    pub rotated: bool,
    /// A Workspace session-control policy demands re-authentication (`invalid_rapt`).
    pub rapt_required: bool,
    pub issued_at: i64,
    /// The `iss` its ID tokens carry, when the code asked for one spelling.
    pub iss: Option<String>,
}

/// Scopes whose grants do not expire for apps in Testing status (google-protocol.md §4).
const TESTING_EXEMPT: &[&str] = &["openid", SCOPE_EMAIL, SCOPE_PROFILE];

/// Whether `verifier` answers a PKCE challenge (RFC 7636 4.6).
pub fn pkce_matches(challenge: &str, method: &str, verifier: &str) -> bool {
    use base64::Engine;
    match method {
        "S256" => {
            let digest = crate::sha256(verifier.as_bytes());
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
        }
        _ => verifier == challenge,
    }
}

impl Grant {
    /// An app in Google's "Testing" publishing status gets refresh tokens that die 7 days after
    /// consent, unless it asked only for name, email and profile.
    pub fn expired_in_testing(&self, testing_mode: bool, now: i64) -> bool {
        testing_mode
            && now > self.issued_at + 7 * 86_400
            && self
                .scopes
                .iter()
                .any(|s| !TESTING_EXEMPT.contains(&s.as_str()))
    }
}

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub grant: Grant,
    pub refresh_token: Option<String>,
    pub expires_at: i64,
    /// Its place in the order tokens were issued (the clock may be moved back).
    pub issued: u64,
}

/// An injected fault: for requests to `path`, `count` times (None: until cleared).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub path: String,
    /// Answer with this status instead of the real answer.
    pub status: Option<u16>,
    /// Wait this long first (then answer, with `status` or for real).
    #[serde(default)]
    pub latency_ms: u64,
    /// Accept the request and never answer.
    #[serde(default)]
    pub hang: bool,
    /// Start an answer and drop the connection before it is complete.
    #[serde(default)]
    pub drop: bool,
    /// Serve the request for real (a code spent, a refresh token rotated), then drop the
    /// connection before the answer: the issuer acted, and the client never hears of it.
    #[serde(default)]
    pub lose_answer: bool,
    /// How many requests it applies to; absent: all, until cleared.
    pub count: Option<u64>,
    /// Seconds for a Retry-After header.
    pub retry_after: Option<u64>,
    /// A body for `status`; absent: Google's body for that status.
    pub body: Option<String>,
}

pub(crate) struct State {
    /// The base URL its discovery document, client secrets and `iss` (with [`Iss::Url`])
    /// name: where its endpoints are, as its clients reach them.
    pub public_url: String,
    /// Which `iss` its ID tokens (and discovery's `issuer`) carry.
    pub iss: Iss,
    pub clock_offset: i64,
    pub code_lifetime: i64,
    pub clients: Vec<Client>,
    pub users: HashMap<String, User>,
    pub codes: HashMap<String, CodeGrant>,
    pub refresh_tokens: HashMap<String, Grant>,
    pub access_tokens: HashMap<String, AccessToken>,
    /// When `prune` next sweeps the codes and the access tokens (see [`PRUNE_AT`]).
    prune_codes_at: usize,
    prune_access_at: usize,
    /// Access tokens issued so far.
    issued: u64,
    /// (client_id, sub) pairs that already received a refresh token: later codes give none.
    pub offline_granted: HashSet<(String, String)>,
    /// What each user has consented to per client, for `prompt` and `include_granted_scopes`.
    pub consented: HashMap<(String, String), HashSet<String>>,
    /// The authorization page approves at once, as the `login_hint` user (or the default
    /// user), for headless tests.
    pub auto_approve: bool,
    /// A code issued for an empty redirect_uri may be redeemed with none at all.
    pub accept_missing_redirect_uri: bool,
    pub keys: Keys,
    pub jwks_max_age: u64,
    pub faults: Vec<Fault>,
    pub hits: HashMap<String, u64>,
    /// Issue a new refresh token on every refresh (as many certified providers do; Google
    /// normally does not).
    pub rotate_refresh_tokens: bool,
    /// The app is in Google's Testing status: refresh tokens expire after 7 days.
    pub testing_mode: bool,
    pub next_family: u64,
    /// Whether the project has the Drive API enabled (else 403 accessNotConfigured).
    pub drive_api_enabled: bool,
    pub drive_files: HashMap<String, Vec<DriveFile>>,
}

/// What the control API's mint takes: what a mobile sign-in asked for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MintRequest {
    pub email: Option<String>,
    pub name: Option<String>,
    pub hd: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub client_id: Option<String>,
    pub azp: Option<String>,
    pub redirect_uri: Option<String>,
    pub lifetime: Option<i64>,
    #[serde(default)]
    pub force_refresh_token: bool,
    pub nonce: Option<String>,
    /// The `iss` of its ID tokens: `https://accounts.google.com`, `accounts.google.com`, or
    /// `url` (the emulator's own URL); absent: the emulator's setting.
    pub iss: Option<String>,
    /// PKCE, as an authorization request would carry it: the exchange must then send the
    /// matching `code_verifier`.
    pub code_challenge: Option<String>,
    /// `S256` or `plain` (the default, as RFC 7636 says).
    pub code_challenge_method: Option<String>,
}

/// Which `iss` ID tokens carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Iss {
    /// `https://accounts.google.com`, what Google's own verifiers expect (the default).
    Google,
    /// `accounts.google.com`, the legacy spelling Google still issues in some flows.
    GoogleLegacy,
    /// The emulator's URL, for strict generic OpenID clients that require discovery's
    /// `issuer` to equal the URL they asked.
    Url,
}

impl Iss {
    /// From its written form; None for anything else.
    pub fn parse(text: &str) -> Option<Iss> {
        match text {
            "https://accounts.google.com" => Some(Iss::Google),
            "accounts.google.com" => Some(Iss::GoogleLegacy),
            "url" => Some(Iss::Url),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Iss::Google => "https://accounts.google.com",
            Iss::GoogleLegacy => "accounts.google.com",
            Iss::Url => "url",
        }
    }
}

pub fn random_token(prefix: &str, bytes: usize) -> String {
    format!("{prefix}{}", crate::server::random_urlsafe(bytes))
}

/// Past this many codes (or access tokens), the expired ones are dropped on the next insert: a
/// long-running emulator under load stays bounded. The next sweep waits until twice as many are
/// kept, so a sweep that frees little is not repeated on every request.
pub const PRUNE_AT: usize = 50_000;
/// Live access tokens kept at most (about 1 KB each): past this, under a load no test needs for
/// an hour, the grant holding the most loses its older half, and so on until half are left (the
/// forgotten ones answer as revoked ones do). One client's flood forgets its own tokens first.
pub const MAX_ACCESS_TOKENS: usize = 100_000;
/// Accounts the authorization page may create (typed addresses).
pub const MAX_USERS: usize = 10_000;

impl State {
    /// Drops expired codes and access tokens once there are many (an expired one answers as
    /// an unknown one does, but for its error text).
    pub fn prune(&mut self) {
        let now = self.now();
        if self.codes.len() >= self.prune_codes_at {
            self.codes.retain(|_, c| c.expires_at >= now);
            self.prune_codes_at = PRUNE_AT.max(self.codes.len() * 2);
        }
        if self.access_tokens.len() >= self.prune_access_at {
            self.access_tokens.retain(|_, a| a.expires_at > now);
            while self.access_tokens.len() > MAX_ACCESS_TOKENS / 2 {
                self.forget_older_half_of_the_largest_grant();
            }
            self.prune_access_at = PRUNE_AT.max(self.access_tokens.len() * 2);
        }
    }

    /// The grant (refresh token family) holding the most access tokens forgets the older half.
    fn forget_older_half_of_the_largest_grant(&mut self) {
        let mut held: HashMap<u64, Vec<u64>> = HashMap::new();
        for a in self.access_tokens.values() {
            held.entry(a.grant.family).or_default().push(a.issued);
        }
        let Some((family, mut issued)) = held.into_iter().max_by_key(|(_, v)| v.len()) else {
            return;
        };
        // Grants of one token each: the older half of all of them, so that each sweep frees.
        let family = (issued.len() > 1).then_some(family);
        if family.is_none() {
            issued = self.access_tokens.values().map(|a| a.issued).collect();
        }
        let middle = issued.len() / 2;
        let (_, cut, _) = issued.select_nth_unstable(middle);
        let cut = *cut;
        self.access_tokens
            .retain(|_, a| family.is_some_and(|f| a.grant.family != f) || a.issued >= cut);
    }

    /// A number for the next access token issued.
    pub fn next_issued(&mut self) -> u64 {
        self.issued += 1;
        self.issued
    }

    pub fn new(public_url: String) -> State {
        State {
            public_url,
            iss: Iss::Google,
            clock_offset: 0,
            code_lifetime: 600,
            clients: vec![
                Client {
                    name: "gsignin emulator (web client)".into(),
                    id: WEB_CLIENT_ID.into(),
                    secret: WEB_CLIENT_SECRET.into(),
                    kind: ClientKind::Web,
                    redirect_uris: WEB_REDIRECT_URIS
                        .iter()
                        .map(std::string::ToString::to_string)
                        .collect(),
                },
                Client {
                    name: "gsignin emulator (Desktop client)".into(),
                    id: INSTALLED_CLIENT_ID.into(),
                    secret: INSTALLED_CLIENT_SECRET.into(),
                    kind: ClientKind::Installed,
                    redirect_uris: vec!["http://localhost".into()],
                },
            ],
            users: HashMap::new(),
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            access_tokens: HashMap::new(),
            prune_codes_at: PRUNE_AT,
            prune_access_at: PRUNE_AT,
            issued: 0,
            offline_granted: HashSet::new(),
            consented: HashMap::new(),
            auto_approve: false,
            accept_missing_redirect_uri: false,
            // The builder makes new keys for an emulator others can reach.
            keys: crate::test_keys::pair(),
            jwks_max_age: 21_600,
            faults: Vec::new(),
            hits: HashMap::new(),
            rotate_refresh_tokens: false,
            testing_mode: false,
            next_family: 1,
            drive_api_enabled: true,
            drive_files: HashMap::new(),
        }
    }

    pub fn now(&self) -> i64 {
        gsignin_verify::time::Clock::System
            .now()
            .saturating_add(self.clock_offset)
    }

    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }

    /// Mints a serverAuthCode as Google does for a mobile sign-in with a server client ID.
    pub fn mint(&mut self, req: MintRequest) -> Value {
        let email = req.email.as_deref().unwrap_or(DEFAULT_EMAIL).to_string();
        let user = self
            .users
            .entry(email.clone())
            .or_insert_with(|| User::for_email(&email, req.name.as_deref(), req.hd.as_deref()))
            .clone();
        let scopes: Vec<String> = req
            .scopes
            .unwrap_or_else(|| {
                ["openid", "email", "profile", SCOPE_DRIVE_APPDATA]
                    .map(String::from)
                    .to_vec()
            })
            .iter()
            .map(|s| normalise_scope(s))
            .collect();
        let lifetime = req.lifetime.unwrap_or(self.code_lifetime);
        self.prune();
        let code = random_token("4/0A", 54);
        self.codes.insert(
            code.clone(),
            CodeGrant {
                client_id: req.client_id.unwrap_or_else(|| WEB_CLIENT_ID.into()),
                azp: req.azp.unwrap_or_else(|| ANDROID_CLIENT_ID.into()),
                sub: user.sub.clone(),
                scopes: scopes.clone(),
                redirect_uri: req.redirect_uri.unwrap_or_default(),
                expires_at: self.now() + lifetime,
                used: false,
                refresh: if req.force_refresh_token {
                    RefreshRule::Always
                } else {
                    RefreshRule::FirstTime
                },
                nonce: req.nonce,
                iss: req
                    .iss
                    .as_deref()
                    .and_then(Iss::parse)
                    .map(|i| self.iss_value(i)),
                code_challenge: req.code_challenge.map(|c| {
                    let method = req.code_challenge_method.unwrap_or_else(|| "plain".into());
                    (c, method)
                }),
            },
        );
        json!({
            "code": code,
            "expires_in": lifetime,
            "email": user.email,
            "sub": user.sub,
            "scope": scopes.join(" "),
        })
    }

    /// The live access token a request's `Authorization: Bearer` header names.
    pub fn bearer(&self, headers: &axum::http::HeaderMap) -> Option<&AccessToken> {
        let token = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::server::net::bearer_token)?;
        let now = self.now();
        self.access_tokens
            .get(token)
            .filter(|a| a.expires_at > now && !a.grant.revoked)
    }

    /// The `iss` value of `iss`: a Google spelling, or this emulator's URL.
    pub fn iss_value(&self, iss: Iss) -> String {
        match iss {
            Iss::Url => self.public_url.clone(),
            other => other.name().to_string(),
        }
    }

    pub fn user_by_sub(&self, sub: &str) -> Option<&User> {
        self.users.values().find(|u| u.sub == sub)
    }

    /// An ID token's claims and the key to sign them with: handlers sign after releasing the
    /// lock, so that RSA signing (the costly part of a token request) runs in parallel.
    pub fn unsigned_id_token(
        &self,
        grant: &Grant,
        access_token: &str,
        nonce: Option<&str>,
    ) -> UnsignedIdToken {
        use base64::Engine;
        let now = self.now();
        let digest = crate::sha256(access_token.as_bytes());
        let at_hash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]);
        let mut claims = json!({
            "iss": grant.iss.clone().unwrap_or_else(|| self.iss_value(self.iss)),
            "azp": grant.azp,
            "aud": grant.client_id,
            "sub": grant.sub,
            "at_hash": at_hash,
            "iat": now,
            "exp": now + 3600,
        });
        if let Some(user) = self.user_by_sub(&grant.sub) {
            user_claims(&mut claims, user, &grant.scopes);
            // Never a reserved claim (the file that named one was refused): they add, never
            // replace.
            for (name, value) in &user.claims {
                if !RESERVED_CLAIMS.contains(&name.as_str()) {
                    claims[name.as_str()] = value.clone();
                }
            }
        }
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        UnsignedIdToken {
            key: self.keys.current().clone(),
            claims,
        }
    }
}

pub struct UnsignedIdToken {
    key: std::sync::Arc<gsignin_verify::signing::SigningKey>,
    claims: Value,
}

impl UnsignedIdToken {
    pub fn sign(&self) -> String {
        self.key.sign(&self.claims)
    }
}

/// The claims the granted scopes release, as Google releases them.
pub fn user_claims(claims: &mut Value, user: &User, scopes: &[String]) {
    if scopes.iter().any(|s| s == SCOPE_EMAIL) {
        claims["email"] = json!(user.email);
        claims["email_verified"] = json!(user.email_verified);
    }
    if let Some(hd) = &user.hd {
        claims["hd"] = json!(hd);
    }
    if scopes.iter().any(|s| s == SCOPE_PROFILE) {
        claims["name"] = json!(user.name);
        claims["picture"] = json!(user.picture);
        claims["given_name"] = json!(user.given_name);
        claims["family_name"] = json!(user.family_name);
        if let Some(locale) = &user.locale {
            claims["locale"] = json!(locale);
        }
    }
}

pub(crate) fn plausible_email(email: &str) -> bool {
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && email.len() <= 320
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'&".contains(c))
}

/// A file in a user's Drive (the emulator keeps the app data folder's).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriveFile {
    pub id: String,
    pub name: String,
    pub mime_type: String,
    pub size: u64,
    pub modified_time: String,
    /// In the app data folder (every seeded file); false for one created in My Drive by a
    /// grant that may, which app data listings then leave out.
    #[serde(skip)]
    pub in_app_data: bool,
}

/// Claims a user's `claims` may not name: what the protocol decides.
pub const RESERVED_CLAIMS: &[&str] = &[
    "iss",
    "aud",
    "azp",
    "sub",
    "exp",
    "iat",
    "nbf",
    "nonce",
    "at_hash",
    "email",
    "email_verified",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m8_expired_codes_do_not_pile_up() {
        let mut st = State::new("http://127.0.0.1:1".into());
        for _ in 0..PRUNE_AT + 10 {
            st.mint(MintRequest {
                lifetime: Some(-1),
                ..Default::default()
            });
        }
        assert!(st.codes.len() < PRUNE_AT, "{} codes kept", st.codes.len());
        let live = st.mint(MintRequest::default());
        assert!(st.codes.contains_key(live["code"].as_str().unwrap()));
    }

    /// Many grants of one token each: a sweep still frees (the older half of all of them).
    #[test]
    fn m8_a_sweep_over_grants_of_one_token_each_ends_and_frees() {
        let mut st = State::new("http://127.0.0.1:1".into());
        for i in 0..MAX_ACCESS_TOKENS as u64 {
            let issued = st.next_issued();
            let grant = Grant {
                client_id: WEB_CLIENT_ID.into(),
                azp: WEB_CLIENT_ID.into(),
                sub: "1".into(),
                scopes: vec![],
                family: i,
                revoked: false,
                rotated: false,
                rapt_required: false,
                issued_at: 0,
                iss: None,
            };
            let expires_at = st.now() + 3599;
            st.access_tokens.insert(
                format!("ya29.{i}"),
                AccessToken {
                    grant,
                    refresh_token: None,
                    expires_at,
                    issued,
                },
            );
        }
        st.prune_access_at = 0;
        st.prune();
        assert!(st.access_tokens.len() <= MAX_ACCESS_TOKENS / 2);
        let newest = format!("ya29.{}", MAX_ACCESS_TOKENS - 1);
        assert!(st.access_tokens.contains_key(&newest));
    }

    /// Under a sustained load every access token is live for an hour: the sweep must not run
    /// on every request (it once did past 50,000, and the emulator slowed to a crawl), memory
    /// stays bounded, and one client's flood forgets its own older tokens, not another's, nor
    /// the newest when the clock was moved back.
    #[test]
    fn m8_live_access_tokens_are_swept_rarely_and_a_flood_forgets_its_own() {
        let mut st = State::new("http://127.0.0.1:1".into());
        let grant = |family| Grant {
            client_id: WEB_CLIENT_ID.into(),
            azp: WEB_CLIENT_ID.into(),
            sub: "1".into(),
            scopes: vec![],
            family,
            revoked: false,
            rotated: false,
            rapt_required: false,
            issued_at: 0,
            iss: None,
        };
        let insert = |st: &mut State, token: String, family: u64| {
            st.prune();
            let issued = st.next_issued();
            let expires_at = st.now() + 3599;
            st.access_tokens.insert(
                token,
                AccessToken {
                    grant: grant(family),
                    refresh_token: None,
                    expires_at,
                    issued,
                },
            );
        };
        insert(&mut st, "ya29.other".into(), 2);
        let (mut sweeps, mut last) = (0, 0);
        for i in 0..(MAX_ACCESS_TOKENS as i64 + 20_000) {
            if i == 1000 {
                st.clock_offset = -600;
            }
            insert(&mut st, format!("ya29.{i}"), 1);
            if st.access_tokens.len() < last {
                sweeps += 1;
            }
            last = st.access_tokens.len();
            assert!(st.access_tokens.len() <= MAX_ACCESS_TOKENS + 1);
        }
        assert!(sweeps <= 2, "{sweeps} sweeps that freed something");
        assert!(st.prune_access_at >= PRUNE_AT, "{}", st.prune_access_at);
        assert!(
            st.access_tokens.contains_key("ya29.other"),
            "another grant's token kept"
        );
        let newest = format!("ya29.{}", MAX_ACCESS_TOKENS as i64 + 19_999);
        assert!(st.access_tokens.contains_key(&newest), "the newest kept");
        assert!(
            !st.access_tokens.contains_key("ya29.5"),
            "the flood's oldest forgotten"
        );
    }
}
