//! How an emulator starts: the options a test (or `gsignin emulator`) sets, checked before
//! anything listens, and the state the server starts with, complete before its first request.

use crate::guard::ControlToken;
use crate::state::{Iss, State as EmuState};
use crate::{Emulator, listen};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// How an emulator starts: [`Emulator::builder`], then [`Builder::start`].
///
/// As a service other machines reach (a CI service container):
///
/// ```
/// use gsignin_emulator::Emulator;
///
/// let google = Emulator::builder()
///     .bind("0.0.0.0".parse().unwrap())
///     .public_url("http://google-emulator:8080")
///     .start()
///     .unwrap();
/// // Every answer names the public URL, and so do ID tokens' `iss`...
/// assert_eq!(google.iss(), "http://google-emulator:8080");
/// // ...and the control API wants the token this process may hand out.
/// assert!(google.control_token().is_some());
/// ```
#[derive(Debug, Default, Clone)]
pub struct Builder {
    port: u16,
    bind: Option<IpAddr>,
    public_url: Option<String>,
    control_token: Option<ControlToken>,
    tls: bool,
    header_timeout: Option<Duration>,
    iss: Option<Iss>,
    rotate_refresh_tokens: bool,
    testing_mode: bool,
    auto_approve: bool,
    workers: Option<usize>,
    fresh_keys: bool,
    users: Vec<crate::User>,
}

/// A request head (or the next one on a kept-alive connection) must arrive whole within this;
/// a client that sends half a request, or nothing, is disconnected.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

impl Builder {
    /// The port (default 0: any free one; see [`Emulator::base_url`]).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to listen on (default 127.0.0.1), IPv4 or IPv6. Any address that is not
    /// loopback (0.0.0.0 and :: included) puts the control API behind a token: the one given
    /// to [`Builder::control_token`], else a random one ([`Emulator::control_token`]).
    pub fn bind(mut self, ip: IpAddr) -> Self {
        self.bind = Some(ip);
        self
    }

    /// The base URL its clients reach it by (a service name, a proxy): what discovery, client
    /// secrets and every answer name, and a `Host` the control API accepts besides loopback
    /// ones. Scheme, host and port only. Unless [`Builder::iss`] says otherwise, ID tokens'
    /// `iss` is then this URL (what OpenID clients, gsignin included, verify against).
    /// [`Builder::start`] refuses anything else than such a base URL.
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// A token the control API then requires, on any bind, as `Authorization: Bearer TOKEN`:
    /// 16 to 512 visible ASCII characters ([`Builder::start`] refuses others). The handle's
    /// own methods need no token: they act in-process.
    pub fn control_token(mut self, token: &str) -> Self {
        self.control_token = Some(ControlToken::chosen(token));
        self
    }

    /// Serve HTTPS with a throw-away CA, whose certificate [`Emulator::ca_pem`] returns.
    pub fn tls(mut self) -> Self {
        self.tls = true;
        self
    }

    /// Close connections whose request head takes longer than this, or that stay idle that
    /// long (default 10 s).
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = Some(timeout);
        self
    }

    /// The `iss` its ID tokens and discovery carry. Default: Google's,
    /// `https://accounts.google.com`, which Google's own client libraries require; with a
    /// [`Builder::public_url`], that URL ([`Iss::Url`]).
    pub fn iss(mut self, iss: Iss) -> Self {
        self.iss = Some(iss);
        self
    }

    /// Issue a new refresh token on every refresh, and revoke the whole grant when a
    /// rotated-away one is used again (as many certified providers do; Google does not).
    pub fn rotate_refresh_tokens(mut self, on: bool) -> Self {
        self.rotate_refresh_tokens = on;
        self
    }

    /// The app is in Google's Testing publishing status: refresh tokens expire after 7 days.
    pub fn testing_mode(mut self, on: bool) -> Self {
        self.testing_mode = on;
        self
    }

    /// The authorization page approves at once, as the `login_hint` user (headless tests).
    pub fn auto_approve(mut self, on: bool) -> Self {
        self.auto_approve = on;
        self
    }

    /// Users it knows from the start (see [`crate::users::parse`] for a `--users` file's):
    /// the authorization page offers them as accounts, and codes minted for their email carry
    /// their fields and extra claims. A later user of the same email replaces an earlier one.
    pub fn users(mut self, users: impl IntoIterator<Item = crate::User>) -> Self {
        self.users.extend(users);
        self
    }

    /// Threads that answer requests (default 2: enough for a test; a service signing ID tokens
    /// for a load wants one per core).
    pub fn workers(mut self, threads: usize) -> Self {
        self.workers = Some(threads.max(1));
        self
    }

    /// Binds and serves on a thread of its own. A public URL or control token it cannot use is
    /// an [`std::io::ErrorKind::InvalidInput`] error, before anything listens.
    /// Sign with keys made at start, never the crate's published test keys. An emulator
    /// others can reach (a bind beyond loopback, a public URL) always does; one only this
    /// machine reaches takes two of the test keys, which costs no key generation.
    pub fn fresh_keys(mut self, on: bool) -> Self {
        self.fresh_keys = on;
        self
    }

    pub fn start(self) -> std::io::Result<Emulator> {
        let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
        let public_url = self
            .public_url
            .as_deref()
            .map(listen::public_base_url)
            .transpose()
            .map_err(invalid)?;
        let ip = self.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let control_token = match self.control_token.clone() {
            Some(token) => {
                token.check().map_err(invalid)?;
                Some(token)
            }
            // Beyond loopback, anyone on the network could drive it: never without a token.
            None if !listen::is_loopback_bind(ip) => Some(ControlToken::random()),
            None => None,
        };
        let tls = if self.tls {
            let (names, ips) = certified_names(public_url.as_deref(), ip);
            Some(crate::server::tls::generate_for(&names, &ips).map_err(std::io::Error::other)?)
        } else {
            None
        };
        let listener = listen::bind(ip, self.port)?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = listen::local_url(scheme, listener.local_addr()?);
        let mut state = self.state(public_url.unwrap_or_else(|| base_url.clone()));
        if self.fresh_keys || self.public_url.is_some() || !listen::is_loopback_bind(ip) {
            state.keys = gsignin_verify::signing::Keys::new();
        }
        Emulator::serve(crate::Serve {
            listener,
            base_url,
            state,
            tls,
            header_timeout: self.header_timeout.unwrap_or(HEADER_TIMEOUT),
            control_token,
            workers: self.workers.unwrap_or(2),
        })
    }

    /// The world the server starts with, every option applied.
    fn state(&self, public_url: String) -> EmuState {
        let default_iss = if self.public_url.is_some() {
            Iss::Url
        } else {
            Iss::Google
        };
        let mut st = EmuState::new(public_url);
        st.rotate_refresh_tokens = self.rotate_refresh_tokens;
        st.testing_mode = self.testing_mode;
        st.auto_approve = self.auto_approve;
        st.iss = self.iss.unwrap_or(default_iss);
        for user in &self.users {
            st.users.insert(user.email.clone(), user.clone());
        }
        st
    }
}

/// What a throw-away certificate names besides loopback: the public URL's host (its clients
/// check it) and a specific bind address (0.0.0.0 and :: are no address to name).
fn certified_names(public_url: Option<&str>, bind: IpAddr) -> (Vec<String>, Vec<IpAddr>) {
    let mut names = Vec::new();
    let mut ips = Vec::new();
    if !bind.to_canonical().is_unspecified() && !listen::is_loopback_bind(bind) {
        ips.push(bind);
    }
    match public_url
        .and_then(|u| url::Url::parse(u).ok())
        .as_ref()
        .and_then(url::Url::host)
    {
        Some(url::Host::Domain(d)) => names.push(d.to_string()),
        Some(url::Host::Ipv4(v4)) => ips.push(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => ips.push(IpAddr::V6(v6)),
        None => {}
    }
    (names, ips)
}
