//! One HTTP client for every call gsignin makes, and its policy in one place: the per-request
//! timeout, which requests may be retried, how network failures are named, and the `-v` trace
//! with every secret redacted.
//!
//! An authorization-code exchange is never retried once it may have reached the server: the
//! code is single-use, so a second try could only fail and hide what happened to the first.

use crate::error::{Code, Error, Result};
use crate::redact::{redact_body, redact_field, redact_header, redact_url};
pub use reqwest::Method;
use std::time::{Duration, Instant};

/// Whether a request may be sent again after a 5xx, a 429 or a failure on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Safe to repeat: keys, discovery, Drive, revocation, a refresh at an issuer that does
    /// not rotate refresh tokens.
    Safe,
    /// Repeat only what surely was not done: a 429 (refused). Not a 5xx, a timeout or a cut
    /// connection, after which the server may have acted: a refresh at an issuer that rotates
    /// refresh tokens, whose reuse detection would revoke the whole grant on a resend.
    IfRefused,
    /// Never repeat: the request spends something (an authorization code).
    Never,
}

/// When a request is sent again, and how long it waits first: one retry loop for every
/// call, with the rules of the API it calls plugged in.
#[derive(Clone, Copy)]
pub struct Policy {
    pub retry: Retry,
    /// An API's own way of saying "refused, try later" besides 429 (Drive's 403 rate limits):
    /// retried as a 429 is.
    pub refused: Option<fn(&Response) -> bool>,
    /// How a wait is spread: ±10 % of the exponential step, or (Drive's advice) up to a
    /// second added to it.
    pub jitter: Jitter,
    /// The largest answer read, in bytes.
    pub max_body: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    TenPercent,
    UpToASecond,
}

impl From<Retry> for Policy {
    fn from(retry: Retry) -> Policy {
        Policy {
            retry,
            refused: None,
            jitter: Jitter::TenPercent,
            max_body: MAX_BODY,
        }
    }
}

impl Policy {
    /// Whether `resp` is worth another try under this policy.
    fn retries(&self, resp: &Response) -> bool {
        let refused = resp.status == 429 || self.refused.is_some_and(|f| f(resp));
        match self.retry {
            Retry::Safe => refused || resp.status >= 500,
            Retry::IfRefused => refused,
            Retry::Never => false,
        }
    }
}

pub const MAX_TRIES: u32 = 3;

/// The longest Retry-After gsignin waits out by itself; a longer one ends the run (exit 5,
/// saying the wait asked).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A Retry-After header's wait (RFC 9110 10.2.3): seconds, or an HTTP date (a date in the past
/// is no wait). Anything else is no answer, and the backoff decides.
pub fn retry_after(value: Option<&str>) -> Option<Duration> {
    let value = value?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits too many for a u64 are still a wait: a very long one.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value, format)
        .ok()?
        .assume_utc();
    let now = time::OffsetDateTime::now_utc();
    Some(Duration::try_from(at - now).unwrap_or(Duration::ZERO))
}

/// A wait as people read it: `90 s`, `3 d 4 h`; one too long for any date, as such.
pub fn wait_words(wait: Duration) -> String {
    match i64::try_from(wait.as_secs()) {
        Ok(secs) if secs < 100 * 365 * 86_400 => crate::timefmt::span(secs),
        _ => "longer than a century".to_string(),
    }
}

/// The largest answer read by default: Drive's pages and key sets are far smaller.
pub const MAX_BODY: u64 = 8 << 20;

/// Waits between tries. Tests pass one that does not wait.
pub type Sleeper = std::sync::Arc<dyn Fn(Duration) + Send + Sync>;

/// A uniform draw from [0, 1), for jitter. Tests pass a fixed one.
pub type Random = std::sync::Arc<dyn Fn() -> f64 + Send + Sync>;

pub struct Http {
    sleep: Sleeper,
    random: Random,
    /// Where warnings and the -v trace go, and the secrets they are scrubbed of.
    diag: std::rc::Rc<crate::diagnostics::Diagnostics>,
    /// GSIGNIN_INSECURE_HTTP=1: plain http to hosts other than loopback is allowed (warned).
    insecure_http: bool,
    warned_insecure: std::cell::Cell<bool>,
    /// Built on first use: setting up TLS (loading the system's root certificates) and the
    /// client's I/O thread costs milliseconds that commands needing no network never pay.
    /// One follows the proxy variables; the other, for loopback destinations, never does.
    proxied: std::cell::OnceCell<reqwest::blocking::Client>,
    direct: std::cell::OnceCell<reqwest::blocking::Client>,
    timeout: Duration,
    /// A spinner for long waits (stderr is a terminal and `-v` does not trace them already).
    spinner: bool,
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub url: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
    /// How many times the request was sent, this answer's included.
    pub tries: u32,
    /// The server asked to wait this long before another try, longer than
    /// [`MAX_RETRY_AFTER`]: the try it would have earned was not made.
    pub wait_refused: Option<Duration>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::server(
                format!(
                    "{} answered {} with a body gsignin cannot read: {e}",
                    self.url, self.status
                ),
                "check that the issuer URL points at an OpenID provider; run with -v to see the answer",
            )
        })
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// How a request authenticates.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    /// An access token.
    Bearer(&'a crate::secret::Secret),
    /// client_secret_basic (RFC 6749 2.3.1): the client ID and secret, form-encoded, as HTTP
    /// Basic credentials.
    Basic(&'a str, &'a crate::secret::Secret),
}

/// What to send.
pub enum Body<'a> {
    None,
    Form(&'a [(&'a str, &'a str)]),
    /// Bytes as they are, with their media type (`gsignin api`'s JSON body or `--input`).
    Bytes {
        content_type: &'a str,
        data: &'a [u8],
    },
}

/// Headers a caller adds to a request (`gsignin api -H`), checked by the caller.
pub type Headers<'a> = &'a [(reqwest::header::HeaderName, reqwest::header::HeaderValue)];

impl Http {
    pub fn new(timeout: Duration, diag: std::rc::Rc<crate::diagnostics::Diagnostics>) -> Http {
        Http {
            sleep: std::sync::Arc::new(std::thread::sleep),
            random: std::sync::Arc::new(rand::random::<f64>),
            diag,
            insecure_http: false,
            warned_insecure: std::cell::Cell::new(false),
            proxied: std::cell::OnceCell::new(),
            direct: std::cell::OnceCell::new(),
            timeout,
            spinner: false,
        }
    }

    /// Shows a spinner on stderr while a request or a pause lasts longer than two seconds.
    pub fn with_spinner(mut self, on: bool) -> Http {
        self.spinner = on;
        self
    }

    /// The spinner for a wait on `url` (nothing unless [`Http::with_spinner`]).
    fn waiting(&self, what: String) -> crate::progress::Waiting {
        if !self.spinner {
            return crate::progress::Waiting::none();
        }
        crate::progress::Waiting::start(
            Box::new(indicatif::ProgressDrawTarget::stderr),
            crate::progress::AFTER,
            what,
        )
    }

    /// Waits between retries with `sleep` instead of the real clock.
    pub fn with_sleeper(mut self, sleep: Sleeper) -> Http {
        self.sleep = sleep;
        self
    }

    /// Draws jitter from the injected source.
    pub fn with_random(mut self, random: Random) -> Http {
        self.random = random;
        self
    }

    /// A uniform draw from [0, 1) for jitter.
    fn random(&self) -> f64 {
        (self.random)()
    }

    /// Where this client's warnings and trace go, and the secrets it has seen.
    pub fn diagnostics(&self) -> &crate::diagnostics::Diagnostics {
        &self.diag
    }

    /// Allows plain http to other hosts than loopback (GSIGNIN_INSECURE_HTTP=1).
    pub fn allow_insecure_http(mut self, allow: bool) -> Http {
        self.insecure_http = allow;
        self
    }

    /// Every request gsignin makes carries a secret or fetches what decides where secrets go
    /// and which keys are trusted: https only, or plain http to this machine.
    pub fn check_transport(&self, url: &str) -> Result<()> {
        let parsed = url::Url::parse(url).map_err(|e| {
            Error::usage(
                format!("`{url}` is not a URL: {e}"),
                "check the URL options (--issuer, --drive-url) and the client secret's token_uri",
            )
        })?;
        match parsed.scheme() {
            "https" => return Ok(()),
            "http" if is_loopback(&parsed) => return Ok(()),
            "http" if self.insecure_http => {
                if !self.warned_insecure.replace(true) {
                    self.diag.warn(&format!(
                        "GSIGNIN_INSECURE_HTTP=1: sending secrets over plain http to {} \
                         (anyone on the network path can read them)",
                        origin(&parsed)
                    ));
                }
                return Ok(());
            }
            _ => {}
        }
        Err(Error::new(
            Code::InsecureUrl,
            format!(
                "refusing to send secrets to {} over {}: only https, or http to this machine \
                 (127.0.0.1, ::1, localhost)",
                origin(&parsed),
                parsed.scheme()
            ),
            "use the https URL; for an emulator reached by a CI service name, set \
                   GSIGNIN_INSECURE_HTTP=1",
        ))
    }

    /// The client for `url`: a loopback destination ([`is_loopback`]: 127.0.0.0/8 however
    /// written, ::1 and ::ffff:127.x, `localhost` in any case with or without its trailing
    /// dot) is always reached directly, whatever the proxy variables say (a plain-http request
    /// through a proxy leaves the machine with its secrets in clear), as Go's
    /// `ProxyFromEnvironment` does; anything else follows them.
    fn client_for(&self, url: &str) -> Result<&reqwest::blocking::Client> {
        let loopback = url::Url::parse(url).is_ok_and(|u| is_loopback(&u));
        let (cell, direct) = if loopback {
            (&self.direct, true)
        } else {
            (&self.proxied, false)
        };
        if let Some(client) = cell.get() {
            return Ok(client);
        }
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("gsignin/", env!("CARGO_PKG_VERSION")))
            // A redirect would resend a form full of secrets somewhere we did not choose.
            .redirect(reqwest::redirect::Policy::none());
        if direct {
            // `localhost` is this machine whatever the hosts file or DNS say (RFC 6761; curl
            // does the same): the name judged loopback is reached on loopback, with or without
            // its trailing dot (which no hosts file lists).
            let here = [
                std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)),
                std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0)),
            ];
            builder = builder
                .no_proxy()
                .resolve_to_addrs("localhost", &here)
                .resolve_to_addrs("localhost.", &here);
        }
        let client = builder.build().map_err(|e| {
            Error::other(
                format!("cannot set up HTTPS: {e}"),
                "check SSL_CERT_FILE and the proxy variables (HTTPS_PROXY, NO_PROXY)",
            )
        })?;
        Ok(cell.get_or_init(|| client))
    }

    pub fn get(&self, url: &str, bearer: Option<&crate::secret::Secret>) -> Result<Response> {
        let auth = bearer.map_or(Auth::None, Auth::Bearer);
        self.send(Method::GET, url, Body::None, auth, Retry::Safe)
    }

    pub fn post_form(&self, url: &str, form: &[(&str, &str)], retry: Retry) -> Result<Response> {
        self.send(Method::POST, url, Body::Form(form), Auth::None, retry)
    }

    pub fn post_form_auth(
        &self,
        url: &str,
        form: &[(&str, &str)],
        auth: Auth<'_>,
        retry: Retry,
    ) -> Result<Response> {
        self.send(Method::POST, url, Body::Form(form), auth, retry)
    }

    pub fn send(
        &self,
        method: Method,
        url: &str,
        body: Body<'_>,
        auth: Auth<'_>,
        policy: impl Into<Policy>,
    ) -> Result<Response> {
        self.send_with(method, url, body, auth, policy.into(), &[])
    }

    /// [`Http::send`] with extra headers.
    pub fn send_with(
        &self,
        method: Method,
        url: &str,
        body: Body<'_>,
        auth: Auth<'_>,
        policy: Policy,
        headers: Headers<'_>,
    ) -> Result<Response> {
        self.check_transport(url)?;
        self.note_secrets(auth, &body);
        let client = self.client_for(url)?;
        let mut attempt = 1;
        loop {
            let started = Instant::now();
            let req = request(client, &method, url, headers, auth, &body)?;
            self.trace_request(&req, &body);
            let waiting = self.waiting(format!("waiting for {}", shown_host(url)));
            let outcome = match client.execute(req) {
                Ok(resp) => self.read_capped(url, resp, policy.max_body),
                Err(e) => Err(network_error(url, e, self.timeout)),
            };
            drop(waiting);
            let elapsed = started.elapsed();
            match outcome {
                Ok(mut resp) => {
                    self.trace_response(&resp, elapsed);
                    resp.tries = attempt;
                    if policy.retries(&resp) && attempt < MAX_TRIES {
                        match retry_after(resp.header("retry-after")) {
                            Some(asked) if asked > MAX_RETRY_AFTER => {
                                // Waiting that long is the user's decision, not a CLI's.
                                self.wait_refused(url, &resp, asked);
                                resp.wait_refused = Some(asked);
                            }
                            asked => {
                                let why = format!("{} answered {}", shown_host(url), resp.status);
                                self.pause(attempt, asked, policy.jitter, &why);
                                attempt += 1;
                                continue;
                            }
                        }
                    }
                    return Ok(resp);
                }
                Err(err) => {
                    self.trace_line(&format!("! {err} ({} ms)", elapsed.as_millis()));
                    // A refused connection, a name that does not resolve or a TLS failure will
                    // not change in a second; a timeout or a dropped connection may.
                    let transient = matches!(err.code(), Code::NetworkError | Code::Timeout);
                    if transient && policy.retry == Retry::Safe && attempt < MAX_TRIES {
                        self.pause(attempt, None, policy.jitter, &err.to_string());
                        attempt += 1;
                        continue;
                    }
                    return Err(err);
                }
            }
        }
    }

    /// Every secret this request carries is known before it is sent, so that no text shown
    /// from here on (a trace, an echoed error) can carry it.
    fn note_secrets(&self, auth: Auth<'_>, body: &Body<'_>) {
        match auth {
            Auth::None => {}
            Auth::Bearer(token) => self.diag.seen().add(token.expose()),
            Auth::Basic(id, secret) => {
                self.diag.seen().add(secret.expose());
                // The header's own spelling, which a server may echo back.
                use base64::Engine;
                self.diag
                    .seen()
                    .add(&base64::engine::general_purpose::STANDARD.encode(format!(
                        "{}:{}",
                        form_encoded(id),
                        form_encoded(secret.expose())
                    )));
            }
        }
        if let Body::Form(form) = body {
            for (k, v) in *form {
                if crate::redact::is_secret_field(k) {
                    self.diag.seen().add(v);
                }
            }
        }
    }

    /// Reads an answer's body, at most [`MAX_BODY`] bytes: a server's answer is untrusted, and
    /// one that never ends must not exhaust memory.
    fn read_capped(
        &self,
        url: &str,
        resp: reqwest::blocking::Response,
        max_body: u64,
    ) -> Result<Response> {
        use std::io::Read;
        let status = resp.status().as_u16();
        let answered = resp.url().to_string();
        let headers = resp.headers().clone();
        let too_large = || {
            Error::server(
                format!("{url} answered with more than {} MiB", max_body >> 20),
                "gsignin reads answers whole and stops there: for a larger download use \
                 curl -H \"Authorization: Bearer $(gsignin token)\"",
            )
        };
        if resp.content_length().is_some_and(|n| n > max_body) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        resp.take(max_body + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                let shown = e.to_string();
                match e.into_inner().map(<dyn std::error::Error + std::marker::Send + std::marker::Sync + 'static>::downcast::<reqwest::Error>) {
                    Some(Ok(inner)) => network_error(url, *inner, self.timeout),
                    _ => Error::new(
                        Code::NetworkError,
                        format!("reading the answer of {url} failed: {shown}"),
                        "try again",
                    ),
                }
            })?;
        if body.len() as u64 > max_body {
            return Err(too_large());
        }
        Ok(Response {
            status,
            url: answered,
            headers,
            body,
            tries: 1,
            wait_refused: None,
        })
    }

    /// Says that a try was not made because the server asked for a wait longer than
    /// [`MAX_RETRY_AFTER`]: without it, the failure that follows would read as if gsignin had
    /// tried again, or as if the method forbade it.
    fn wait_refused(&self, url: &str, resp: &Response, asked: Duration) {
        let line = format!(
            "{} answered {} and asks to wait {} before another try: not waiting (gsignin waits \
             out {} s at most)",
            shown_host(url),
            resp.status,
            wait_words(asked),
            MAX_RETRY_AFTER.as_secs()
        );
        if self.diag.verbose() {
            self.trace_line(&format!("* {line}"));
        } else {
            self.diag.say(&line);
        }
    }

    /// The server's Retry-After, else exponential backoff (1 s, 2 s) with ±10 % jitter (or
    /// up to a second added, as Google's APIs ask).
    fn pause(&self, attempt: u32, asked: Option<Duration>, jitter: Jitter, why: &str) {
        let base = Duration::from_secs(1 << (attempt - 1));
        let wait = asked.unwrap_or_else(|| match jitter {
            Jitter::TenPercent => base.mul_f64(0.9 + self.random() * 0.2),
            Jitter::UpToASecond => base + Duration::from_secs_f64(self.random().clamp(0.0, 0.999)),
        });
        if self.diag.verbose() {
            self.trace_line(&format!(
                "* retrying in {} ms (try {} of {MAX_TRIES})",
                wait.as_millis(),
                attempt + 1
            ));
        } else {
            // A person waiting should know why: one line per retry, without -v.
            self.diag.say(&format!(
                "{why}; retrying in {:.1} s (try {} of {MAX_TRIES})",
                wait.as_secs_f64(),
                attempt + 1
            ));
        }
        let waiting = self.waiting(format!("{why}; waiting to try again"));
        (self.sleep)(wait);
        drop(waiting);
    }

    fn trace_line(&self, line: &str) {
        self.diag.trace(line);
    }

    fn trace_request(&self, req: &reqwest::blocking::Request, body: &Body<'_>) {
        if !self.diag.verbose() {
            return;
        }
        let mut out = format!("> {} {}\n", req.method(), redact_url(req.url().as_str()));
        for (name, value) in req.headers() {
            out.push_str(&format!(
                "> {name}: {}\n",
                redact_header(name.as_str(), value.to_str().unwrap_or("(binary)"))
            ));
        }
        match body {
            Body::None => {}
            Body::Form(form) => {
                let shown: Vec<String> = form
                    .iter()
                    .map(|(k, v)| format!("{k}={}", redact_field(k, v)))
                    .collect();
                out.push_str(&format!("> {}\n", shown.join("&")));
            }
            Body::Bytes { data, .. } => out.push_str(&format!("> {}\n", redact_body(data))),
        }
        self.diag.trace(&out);
    }

    fn trace_response(&self, resp: &Response, elapsed: Duration) {
        if !self.diag.verbose() {
            return;
        }
        let mut out = format!(
            "< {} {} ({} ms)\n",
            resp.status,
            redact_url(&resp.url),
            elapsed.as_millis()
        );
        for (name, value) in &resp.headers {
            out.push_str(&format!(
                "< {name}: {}\n",
                redact_header(name.as_str(), value.to_str().unwrap_or("(binary)"))
            ));
        }
        out.push_str(&format!("< {}\n", redact_body(&resp.body)));
        self.diag.trace(&out);
    }
}

pub use gsignin_emulator::server::net::{bearer_token, is_loopback, is_loopback_host};

/// `host:port` of a URL, for people (the port only when the URL names one).
fn shown_host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| {
                format!(
                    "{h}{}",
                    u.port().map(|p| format!(":{p}")).unwrap_or_default()
                )
            })
        })
        .unwrap_or_else(|| "the server".to_string())
}

/// `scheme://host:port`, the port always written: what an origin comparison looks at.
pub fn origin(url: &url::Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Names a failed request by what failed, read from the error's types (reqwest's own flags,
/// then the causes below it: rustls for TLS, the OS's error for a refused connection, a
/// resolver error, which carries no OS error code, for DNS), never from its text.
fn network_error(url: &str, e: reqwest::Error, timeout: Duration) -> Error {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| {
                format!(
                    "{h}{}",
                    u.port().map(|p| format!(":{p}")).unwrap_or_default()
                )
            })
        })
        .unwrap_or_else(|| url.to_string());
    let chain = error_chain(&e);
    let proxy_hint = "if you are behind a proxy, set HTTPS_PROXY (and NO_PROXY for local hosts)";
    let (code, message, hint) = match classify(&e) {
        Code::Timeout => (
            Code::Timeout,
            format!(
                "{host} did not answer within {}",
                crate::timefmt::duration(timeout)
            ),
            format!("raise --timeout, or check the network; {proxy_hint}"),
        ),
        Code::DnsFailed => (
            Code::DnsFailed,
            format!("cannot resolve {host}: {chain}"),
            format!("check the host name in the URL options and your DNS; {proxy_hint}"),
        ),
        Code::TlsFailed => (
            Code::TlsFailed,
            format!("TLS with {host} failed: {chain}"),
            "a proxy or private CA? add its certificate with SSL_CERT_FILE=/path/ca.pem, and set HTTPS_PROXY if a proxy is needed".into(),
        ),
        Code::ConnectionFailed => (
            Code::ConnectionFailed,
            format!("cannot connect to {host}: {chain}"),
            format!("is the server running and the URL right? {proxy_hint}"),
        ),
        _ => (
            Code::NetworkError,
            format!("the connection to {host} failed: {chain}"),
            format!("try again; {proxy_hint}"),
        ),
    };
    Error::new(code, message, hint).caused_by(e)
}

/// The kind of a failed request, from the types in its cause chain.
fn classify(e: &reqwest::Error) -> Code {
    if e.is_timeout() {
        return Code::Timeout;
    }
    let causes = causes(e);
    if causes
        .iter()
        .any(|c| c.downcast_ref::<rustls::Error>().is_some())
    {
        return Code::TlsFailed;
    }
    let ios: Vec<&std::io::Error> = causes
        .iter()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .collect();
    if ios
        .iter()
        .any(|io| io.kind() == std::io::ErrorKind::TimedOut)
    {
        return Code::Timeout;
    }
    if !e.is_connect() {
        return Code::NetworkError;
    }
    match ios.last() {
        Some(io) if io.raw_os_error().is_some() => Code::ConnectionFailed,
        // The system resolver's failures are I/O errors of no particular kind, without an OS
        // error code.
        Some(io) if io.kind() == std::io::ErrorKind::Other => Code::DnsFailed,
        _ => Code::ConnectionFailed,
    }
}

/// Every cause below `e`, outermost first, including the errors an I/O error wraps (which
/// `source()` skips: a TLS stream's rustls error sits inside two of them).
fn causes(e: &reqwest::Error) -> Vec<&(dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(cause) = next {
        out.push(cause);
        next = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static))
                .or_else(|| cause.source()),
            None => cause.source(),
        };
    }
    out
}

/// The innermost causes of a reqwest error, which say what really happened.
fn error_chain(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.last().cloned().unwrap_or_else(|| e.to_string())
}

/// One try's request: the caller's headers, the credentials, the body (its default
/// Content-Type unless the caller gave one).
fn request(
    client: &reqwest::blocking::Client,
    method: &Method,
    url: &str,
    headers: Headers<'_>,
    auth: Auth<'_>,
    body: &Body<'_>,
) -> Result<reqwest::blocking::Request> {
    let mut req = client.request(method.clone(), url);
    for (name, value) in headers {
        req = req.header(name, value);
    }
    match auth {
        Auth::None => {}
        Auth::Bearer(token) => req = req.bearer_auth(token.expose()),
        Auth::Basic(id, secret) => {
            req = req.basic_auth(form_encoded(id), Some(form_encoded(secret.expose())));
        }
    }
    match body {
        Body::None => {}
        Body::Form(form) => req = req.form(form),
        Body::Bytes { content_type, data } => {
            // A caller's own Content-Type (-H) wins over the default.
            if !headers
                .iter()
                .any(|(n, _)| n == reqwest::header::CONTENT_TYPE)
            {
                req = req.header(reqwest::header::CONTENT_TYPE, *content_type);
            }
            req = req.body(data.to_vec());
        }
    }
    req.build().map_err(|e| {
        Error::usage(
            format!("cannot make a request to `{url}`: {e}"),
            "check the URL options (--issuer, --drive-url) and the client secret's token_uri",
        )
    })
}

/// A client id or secret as HTTP Basic carries it (RFC 6749 2.3.1: form-encoded first).
fn form_encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A server on 127.0.0.1 that answers every request with `head`; counts its connections.
    fn answering(head: String) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = count.clone();
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = conn.set_read_timeout(Some(Duration::from_millis(300)));
                let mut buf = [0u8; 8192];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(head.as_bytes());
            }
        });
        (url, count)
    }

    #[test]
    fn t4_a_redirect_is_never_followed_so_a_form_of_secrets_is_never_resent() {
        let (elsewhere, reached) =
            answering("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".into());
        for status in [301, 302, 303, 307, 308] {
            let (url, _) = answering(format!(
                "HTTP/1.1 {status} Moved\r\nlocation: {elsewhere}/token\r\ncontent-length: 0\r\n\r\n"
            ));
            let sink = std::rc::Rc::new(std::cell::RefCell::new(
                Box::new(std::io::sink()) as Box<dyn Write>
            ));
            let diag = crate::diagnostics::Diagnostics::new(sink, false, false);
            let http = Http::new(Duration::from_secs(5), std::rc::Rc::new(diag));
            let resp = http
                .post_form(
                    &format!("{url}/token"),
                    &[("code", "4/secret")],
                    Retry::Never,
                )
                .unwrap();
            assert_eq!(resp.status, status);
        }
        assert_eq!(reached.load(std::sync::atomic::Ordering::SeqCst), 0);
    }
}
