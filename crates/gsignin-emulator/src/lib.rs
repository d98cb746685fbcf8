//! A local Google Sign-In: axum on 127.0.0.1 with Google's semantics (google-protocol.md), or,
//! as a service (a CI service container), on any address under a public URL, its control API
//! then behind a token (`builder`, `listen`, `guard`).
//!
//! It is production code: `gsignin emulator` serves it for other teams' CI, `gsignin demo`
//! runs it in-process, and the tests start one per test on port 0. Each instance owns a
//! runtime on its own thread, so blocking callers (the CLI's HTTP client) can use it freely.
//!
//! Besides the sign-in endpoints it serves the Google APIs a backend calls with a user's access
//! token, enough to test such calls end to end: Drive's app data folder (`/drive/v3/files`:
//! list, get, create, delete), the People API's `people/me` (`/v1/people/me`, also under
//! `/people/`), Gmail's `users/me` profile, labels and (empty) message list, Drive's `about`.
//! docs/emulator-service.md lists every method served. They refuse as Google does (401s, the 403
//! naming the scopes that would do, JSON 404s for anything else), and faults and hit counters
//! apply to them as to every path.

#![forbid(unsafe_code)]

mod authorize;
mod builder;
mod control;
mod drive;
mod gmail;
mod google_api;
mod guard;
mod info;
mod listen;
mod page;
mod people;
mod request;
pub mod server;
mod state;
mod test_keys;
mod token;
pub mod users;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use state::State as EmuState;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub(crate) type Shared = Arc<Mutex<EmuState>>;

pub use builder::Builder;
pub use listen::public_base_url;
pub use state::{
    Fault, INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET, Iss, MAX_USERS, MintRequest, User,
    WEB_CLIENT_ID, WEB_CLIENT_SECRET,
};

/// A running emulator. Dropping it stops the server.
///
/// ```
/// use gsignin_emulator::{Emulator, MintRequest};
///
/// let google = Emulator::builder().rotate_refresh_tokens(true).start().unwrap();
/// let code = google.mint(MintRequest { email: Some("ann@example.com".into()), ..Default::default() });
/// assert!(code.starts_with("4/"));
/// // Point the backend under test at google.base_url(), give it
/// // google.client_secret_json(), and have it trade `code`.
/// assert_eq!(google.hits("/token"), 0);
/// ```
pub struct Emulator {
    base_url: String,
    ca_pem: Option<String>,
    control_token: Option<guard::ControlToken>,
    state: Shared,
    server: crate::server::Background,
}

/// What [`Builder::start`] hands the server: everything checked, the state complete.
pub(crate) struct Serve {
    pub listener: std::net::TcpListener,
    pub base_url: String,
    pub state: EmuState,
    pub tls: Option<crate::server::tls::Tls>,
    pub header_timeout: Duration,
    pub control_token: Option<guard::ControlToken>,
    pub workers: usize,
}

/// What became of a refresh token the emulator issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshTokenState {
    /// A newer token replaced it (rotation); using it again revokes the grant.
    pub rotated: bool,
    /// Its grant was revoked.
    pub revoked: bool,
}

impl RefreshTokenState {
    fn of(grant: &state::Grant) -> RefreshTokenState {
        RefreshTokenState {
            rotated: grant.rotated,
            revoked: grant.revoked,
        }
    }
}

impl Emulator {
    /// How an emulator starts.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// Serves plain HTTP on 127.0.0.1:`port` (0: any free port) with the defaults.
    pub fn start(port: u16) -> std::io::Result<Emulator> {
        Self::builder().port(port).start()
    }

    fn serve(serve: Serve) -> std::io::Result<Emulator> {
        let Serve {
            listener,
            base_url,
            state,
            tls,
            header_timeout,
            control_token,
            workers,
        } = serve;
        let state: Shared = Arc::new(Mutex::new(state));
        let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
        let config = crate::server::Config {
            tls: tls.map(|t| t.config),
            header_timeout,
            drain: Duration::ZERO,
            peers: false,
            workers,
        };
        let access = guard::Access {
            shared: state.clone(),
            token: control_token.clone(),
        };
        let server = crate::server::Background::start(
            "gsignin-emulator",
            vec![listener],
            router(state.clone(), access),
            config,
            || Ok(async {}),
        )?;
        Ok(Emulator {
            base_url,
            ca_pem,
            control_token,
            state,
            server,
        })
    }

    fn lock(&self) -> MutexGuard<'_, EmuState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `http://127.0.0.1:PORT` (or https): where every endpoint is, from this machine. The
    /// bind address, but loopback for 0.0.0.0 (`http://[::1]:PORT` for ::).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL its answers name: the [`Builder::public_url`] (or
    /// [`Emulator::set_public_url`]), else [`Emulator::base_url`].
    pub fn public_url(&self) -> String {
        self.lock().public_url.clone()
    }

    /// The token the control API requires (`Authorization: Bearer TOKEN`), if it requires one:
    /// the [`Builder::control_token`], or the random one a non-loopback bind made. For whoever
    /// runs the emulator to hand out; never logged by it.
    pub fn control_token(&self) -> Option<&str> {
        self.control_token.as_ref().map(guard::ControlToken::reveal)
    }

    /// The throw-away CA's certificate (PEM) to trust, when started with [`Builder::tls`].
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Mints a serverAuthCode, as a mobile sign-in with the web client's ID would get one.
    pub fn mint(&self, req: MintRequest) -> String {
        self.lock().mint(req)["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Injects a fault for requests to `fault.path` (see [`Fault`]).
    pub fn inject_fault(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// How many requests reached `path`.
    pub fn hits(&self, path: &str) -> u64 {
        self.lock().hits.get(path).copied().unwrap_or(0)
    }

    /// How many distinct paths were counted (at most 1,000 are).
    pub fn paths_counted(&self) -> usize {
        self.lock().hits.len()
    }

    /// Forgets every count.
    pub fn clear_hits(&self) {
        self.lock().hits.clear();
    }

    /// The emulator's time (Unix seconds): the system's, moved by [`Emulator::advance_clock`].
    pub fn now(&self) -> i64 {
        self.lock().now()
    }

    /// Moves the emulator's clock by `secs` (negative: back); returns its new time.
    pub fn advance_clock(&self, secs: i64) -> i64 {
        let mut st = self.lock();
        st.clock_offset = st.clock_offset.saturating_add(secs);
        st.now()
    }

    /// A new signing key; the previous one stays published. Returns the new key's `kid`.
    pub fn rotate_keys(&self) -> String {
        self.lock().keys.rotate().kid.clone()
    }

    /// The `kid` of the key that signs now.
    pub fn kid(&self) -> String {
        self.lock().keys.current().kid.clone()
    }

    /// Signs `claims` with the current key, as the emulator signs its ID tokens: a token that
    /// says whatever a test needs it to say.
    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let key = self.lock().keys.current().clone();
        key.sign(claims)
    }

    /// The `iss` value its ID tokens carry now.
    pub fn iss(&self) -> String {
        let st = self.lock();
        st.iss_value(st.iss)
    }

    /// The current key as a JWK.
    pub fn jwk(&self) -> Value {
        self.lock().keys.current().jwk()
    }

    /// The published keys, as the JWKS endpoint serves them.
    pub fn jwks(&self) -> Value {
        self.lock().keys.jwks()
    }

    /// The published keys, as Google's PEM certificate map (`/oauth2/v1/certs`).
    pub fn pem_map(&self) -> Value {
        self.lock().keys.pem_map()
    }

    /// The JWKS's `Cache-Control: max-age` in seconds.
    pub fn set_jwks_max_age(&self, secs: u64) {
        self.lock().jwks_max_age = secs;
    }

    /// See [`Builder::rotate_refresh_tokens`].
    pub fn set_rotate_refresh_tokens(&self, on: bool) {
        self.lock().rotate_refresh_tokens = on;
    }

    /// See [`Builder::testing_mode`].
    pub fn set_testing_mode(&self, on: bool) {
        self.lock().testing_mode = on;
    }

    /// See [`Builder::auto_approve`].
    pub fn set_auto_approve(&self, on: bool) {
        self.lock().auto_approve = on;
    }

    /// See [`Builder::iss`].
    pub fn set_iss(&self, iss: Iss) {
        self.lock().iss = iss;
    }

    /// Whether the project has the Drive API enabled (off: Google's 403 accessNotConfigured).
    pub fn set_drive_api_enabled(&self, on: bool) {
        self.lock().drive_api_enabled = on;
    }

    /// The base URL its discovery document, client secrets and `iss` (with [`Iss::Url`])
    /// name, when it is reached through another one (a proxy, a service name); its host and
    /// port are a `Host` the control API accepts. [`Builder::public_url`] sets it at start,
    /// checked.
    pub fn set_public_url(&self, url: &str) {
        self.lock().public_url = url.trim_end_matches('/').to_string();
    }

    /// The web client's registered redirect URIs.
    pub fn set_web_redirect_uris(&self, uris: Vec<String>) {
        if let Some(web) = self
            .lock()
            .clients
            .iter_mut()
            .find(|c| c.id == state::WEB_CLIENT_ID)
        {
            web.redirect_uris = uris;
        }
    }

    /// Adds (or replaces) a user, who then signs in as themselves (an unverified email, a
    /// hosted domain, a name).
    pub fn add_user(&self, user: User) {
        self.lock().users.insert(user.email.clone(), user);
    }

    /// How many users it knows.
    pub fn user_count(&self) -> usize {
        self.lock().users.len()
    }

    /// Revokes every grant, as a user removing the app's access would.
    pub fn revoke_grants(&self) {
        let mut st = self.lock();
        for grant in st.refresh_tokens.values_mut() {
            grant.revoked = true;
        }
        // As Google does: a revoked grant's access tokens stop working too.
        st.access_tokens.clear();
    }

    /// Every refresh token issued, and what became of it.
    pub fn refresh_tokens(&self) -> Vec<(String, RefreshTokenState)> {
        self.lock()
            .refresh_tokens
            .iter()
            .map(|(token, g)| (token.clone(), RefreshTokenState::of(g)))
            .collect()
    }

    /// What became of `token`, if the emulator issued it.
    pub fn refresh_token(&self, token: &str) -> Option<RefreshTokenState> {
        self.lock()
            .refresh_tokens
            .get(token)
            .map(RefreshTokenState::of)
    }

    /// Every access token issued.
    pub fn access_tokens(&self) -> Vec<String> {
        self.lock().access_tokens.keys().cloned().collect()
    }

    /// Whether the emulator issued `token` as an access token.
    pub fn issued_access_token(&self, token: &str) -> bool {
        self.lock().access_tokens.contains_key(token)
    }

    /// Every code minted, spent or not.
    pub fn codes(&self) -> Vec<String> {
        self.lock().codes.keys().cloned().collect()
    }

    /// Whether `code` was minted and is not spent yet.
    pub fn code_unspent(&self, code: &str) -> bool {
        self.lock().codes.get(code).is_some_and(|c| !c.used)
    }

    /// A client secret file (web form) for the emulator's web (server) client, naming its
    /// [`Emulator::public_url`].
    pub fn client_secret_json(&self) -> String {
        client_secret_json(&self.public_url())
    }

    /// A client secret file (installed form) for the emulator's Desktop client, naming its
    /// [`Emulator::public_url`].
    pub fn installed_client_secret_json(&self) -> String {
        installed_client_secret_json(&self.public_url())
    }

    /// Blocks until the emulator's server stops (it stops when the handle is dropped).
    pub fn wait(self) {
        self.server.wait();
    }
}

pub fn client_secret_json(base_url: &str) -> String {
    secret_file(
        "web",
        WEB_CLIENT_ID,
        WEB_CLIENT_SECRET,
        state::WEB_REDIRECT_URIS,
        base_url,
    )
}

/// The Desktop client's file: Google writes `http://localhost` as its one redirect URI, and any
/// loopback port is accepted.
pub fn installed_client_secret_json(base_url: &str) -> String {
    secret_file(
        "installed",
        state::INSTALLED_CLIENT_ID,
        state::INSTALLED_CLIENT_SECRET,
        &["http://localhost"],
        base_url,
    )
}

fn secret_file(kind: &str, id: &str, secret: &str, redirects: &[&str], base_url: &str) -> String {
    let doc = json!({kind: {
        "client_id": id,
        "project_id": "gsignin-emulator",
        "auth_uri": format!("{base_url}/o/oauth2/auth"),
        "token_uri": format!("{base_url}/token"),
        "auth_provider_x509_cert_url": format!("{base_url}/oauth2/v1/certs"),
        // Google's files lack these two; oauth2client reads them (else it calls the real
        // Google to revoke or to look a token up).
        "revoke_uri": format!("{base_url}/revoke"),
        "token_info_uri": format!("{base_url}/tokeninfo"),
        "client_secret": secret,
        "redirect_uris": redirects,
    }});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Distinct paths counted one by one in /control/stats.
const MAX_COUNTERS: usize = 1000;

/// Larger than any control request (a thousand seeded Drive files) or token request.
const MAX_BODY: usize = 1 << 20;

fn router(state: Shared, access: guard::Access) -> Router {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        // One handler for both spellings: discovery names v2, client secret files the legacy.
        .route("/o/oauth2/v2/auth", get(authorize::authorize))
        .route("/o/oauth2/auth", get(authorize::authorize))
        .route("/o/oauth2/v2/auth/consent", post(authorize::consent))
        .route("/o/oauth2/v2/auth/approve", post(authorize::decide))
        .route("/token", post(token::token))
        // Google answers a GET on /revoke with 404, not 405.
        .route(
            "/revoke",
            post(token::revoke).get(|| async { StatusCode::NOT_FOUND }),
        )
        .route("/oauth2/v3/certs", get(jwks))
        .route("/oauth2/v1/certs", get(pem_certs))
        .route("/v1/userinfo", get(info::userinfo))
        .route("/oauth2/v3/userinfo", get(info::userinfo))
        .route("/oauth2/v2/userinfo", get(info::userinfo_v2))
        .route("/userinfo/v2/me", get(info::userinfo_v2))
        .route("/tokeninfo", get(info::tokeninfo).post(info::tokeninfo))
        .route(
            "/oauth2/v3/tokeninfo",
            get(info::tokeninfo).post(info::tokeninfo),
        )
        .route(
            "/oauth2/v1/tokeninfo",
            get(info::tokeninfo).post(info::tokeninfo),
        )
        .merge(google_apis())
        .route("/control/drive/files", post(drive::seed_files))
        .route("/control/codes", post(control::mint))
        .route("/control/users", post(control::add_users))
        .route(
            "/control/faults",
            post(control::add_fault).delete(control::clear_faults),
        )
        .route("/control/clock", post(control::clock))
        .route("/control/keys/rotate", post(control::rotate_keys))
        .route("/control/stats", get(control::stats))
        .route("/control/grants", post(control::grants))
        .route("/control/settings", post(control::settings))
        .fallback(google_api::not_found)
        // A layer, not a route layer: a made-up /control/ path is refused like a real one, so
        // that nobody without the token learns which paths exist.
        .layer(axum::middleware::from_fn_with_state(
            access,
            guard::guard_control,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            count_and_fault,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// The Google APIs a backend calls with a user's access token. A method a path does not serve
/// is Google's 404 (Google routes on method and path together), not a 405.
fn google_apis() -> Router<Shared> {
    let people = || get(people::get_me).fallback(google_api::not_found);
    Router::new()
        // Both spellings: people.googleapis.com's own path, and the one under a shared base.
        .route("/v1/people/me", people())
        .route("/people/v1/people/me", people())
        .route(
            "/gmail/v1/users/me/profile",
            get(gmail::profile).fallback(google_api::not_found),
        )
        .route(
            "/gmail/v1/users/me/labels",
            get(gmail::labels).fallback(google_api::not_found),
        )
        .route(
            "/gmail/v1/users/me/messages",
            get(gmail::messages).fallback(google_api::not_found),
        )
        .route(
            "/drive/v3/about",
            get(drive::about).fallback(google_api::not_found),
        )
        .route(
            "/drive/v3/files",
            get(drive::list_files)
                .post(drive::create_file)
                .fallback(google_api::not_found),
        )
        .route(
            "/drive/v3/files/{file_id}",
            get(drive::get_file)
                .delete(drive::delete_file)
                .fallback(google_api::not_found),
        )
}

/// Counts every request per path, then applies the first matching injected fault.
async fn count_and_fault(State(shared): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    // Counted per path of a known route (up to MAX_COUNTERS paths, then per route); paths of
    // no route share one counter: made-up paths cannot grow the map without bound.
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string());
    let (fault, now) = {
        let mut st = shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = match route {
            None => "(no route)".to_string(),
            Some(_) if st.hits.contains_key(&path) || st.hits.len() < MAX_COUNTERS => path.clone(),
            Some(route) => route,
        };
        *st.hits.entry(key).or_insert(0) += 1;
        let found = st
            .faults
            .iter()
            .position(|f| f.path == path && f.count != Some(0));
        let fault = found.map(|i| {
            let f = &mut st.faults[i];
            if let Some(c) = f.count.as_mut() {
                *c -= 1;
            }
            f.clone()
        });
        (fault, st.now())
    };
    let mut resp = match fault {
        None => next.run(req).await,
        Some(fault) => with_fault(fault, req, next).await,
    };
    // Date follows the emulated clock, as Expires does: one clock for both, faults included.
    if let Ok(v) = httpdate(now).parse() {
        resp.headers_mut().insert(header::DATE, v);
    }
    resp
}

/// Answers as an injected fault says: after a wait, hung, dropped, or with its status.
async fn with_fault(fault: state::Fault, req: Request, next: Next) -> Response {
    if fault.hang {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    if fault.drop || fault.lose_answer {
        if fault.lose_answer {
            let _ = next.run(req).await;
        }
        // A body that fails after its headers: hyper aborts the connection mid-answer.
        let broken = futures_util::stream::once(async {
            Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other("dropped"))
        });
        return (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            axum::body::Body::from_stream(broken),
        )
            .into_response();
    }
    match fault.status {
        None => next.run(req).await,
        Some(status) => fault_response(status, fault.body, fault.retry_after),
    }
}

fn fault_response(status: u16, body: Option<String>, retry_after: Option<u64>) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (content_type, body) = match body {
        Some(b) => ("application/json; charset=utf-8", b),
        None if status == 502 => (
            "text/html; charset=UTF-8",
            "<html><body><p><b>502.</b> That’s an error. The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.</body></html>".to_string(),
        ),
        None => (
            "application/json; charset=utf-8",
            serde_json::to_string_pretty(&json!({"error": "internal_failure"})).unwrap_or_default(),
        ),
    };
    let mut resp = (code, [(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Some(secs) = retry_after
        && let Ok(v) = secs.to_string().parse()
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

async fn discovery(State(shared): State<Shared>) -> Response {
    let (base, iss) = {
        let st = shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (st.public_url.clone(), st.iss_value(st.iss))
    };
    let doc = json!({
        "issuer": iss,
        "authorization_endpoint": format!("{base}/o/oauth2/v2/auth"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/v1/userinfo"),
        "revocation_endpoint": format!("{base}/revoke"),
        "jwks_uri": format!("{base}/oauth2/v3/certs"),
        "response_types_supported": ["code", "token", "id_token", "code token", "code id_token", "token id_token", "code token id_token", "none"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "email", "email_verified", "exp", "family_name", "given_name", "iat", "iss", "name", "picture", "sub"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
    });
    (
        [(header::CACHE_CONTROL, "public, max-age=3600")],
        axum::Json(doc),
    )
        .into_response()
}

/// The published keys, with their cache lifetime and the emulated time, copied out of the lock
/// so that rendering them runs in parallel.
fn published(shared: &Shared) -> (gsignin_verify::signing::Keys, u64, i64) {
    let st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let copy = gsignin_verify::signing::Keys {
        keys: st.keys.keys.clone(),
    };
    (copy, st.jwks_max_age, st.now())
}

fn cached_keys(max_age: u64, now: i64, body: Value) -> Response {
    let expires = httpdate(now + max_age as i64);
    (
        [
            (
                header::CACHE_CONTROL,
                format!("public, max-age={max_age}, must-revalidate, no-transform"),
            ),
            (header::EXPIRES, expires),
            // Served fresh: Google's caches say how long a copy has been held.
            (header::AGE, "0".to_string()),
            (
                header::CONTENT_TYPE,
                "application/json; charset=UTF-8".to_string(),
            ),
        ],
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    )
        .into_response()
}

async fn jwks(State(shared): State<Shared>) -> Response {
    let (keys, max_age, now) = published(&shared);
    cached_keys(max_age, now, keys.jwks())
}

async fn pem_certs(State(shared): State<Shared>) -> Response {
    let (keys, max_age, now) = published(&shared);
    cached_keys(max_age, now, keys.pem_map())
}

/// An HTTP date (RFC 7231 IMF-fixdate).
fn httpdate(unix: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// SHA-256 with aws-lc, which the emulator links anyway (rustls, the signing keys).
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}
