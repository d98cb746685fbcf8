//! The HTTP side of `receive`: Google's sample backend endpoint. It takes the code from the
//! request (form field, JSON field or plain body), refuses what Google's sample refuses (no
//! `X-Requested-With`: a forged cross-site request), and hands each code to the command's
//! thread, which exchanges it and says what to answer. It never logs a body.

use crate::secret::Secret;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

/// Where the app posts: the path of Google's sample ("/authcode").
pub const PATH: &str = "/authcode";
/// The contract's limit on a posted body.
pub const MAX_BODY: usize = 64 * 1024;
/// How long an app waits for the exchange before it is told the backend gave up.
const ANSWER_WAIT: Duration = Duration::from_secs(120);
/// The names apps give the code field.
const FIELDS: &[&str] = &["code", "authCode", "serverAuthCode"];

/// What reaches the command's thread.
pub enum Msg {
    /// A code to exchange; the answer for the app goes to `reply`.
    Code {
        code: Secret,
        reply: tokio::sync::oneshot::Sender<Answer>,
    },
    /// One line about a request, for the terminal (never a secret).
    Log(String),
    /// Ctrl-C (SIGINT): stop once the exchange in progress, if any, has landed.
    Stop,
}

pub struct Answer {
    pub status: u16,
    pub body: Value,
}

struct Shared {
    /// `receive` on a non-loopback address: the app must send this as a Bearer token.
    pairing: Option<String>,
    events: std::sync::Mutex<Sender<Msg>>,
}

impl Shared {
    fn send(&self, msg: Msg) -> bool {
        self.events
            .lock()
            .map(|tx| tx.send(msg).is_ok())
            .unwrap_or(false)
    }
}

/// A running endpoint; stops (letting answers in flight finish) when dropped.
pub struct Running {
    pub local: SocketAddr,
    _server: crate::server::Background,
}

pub fn start(
    listeners: Vec<std::net::TcpListener>,
    tls: Option<Arc<rustls::ServerConfig>>,
    pairing: Option<String>,
    events: Sender<Msg>,
) -> std::io::Result<Running> {
    let local = listeners
        .first()
        .ok_or_else(|| std::io::Error::other("no address to listen on"))?
        .local_addr()?;
    let shared = Arc::new(Shared {
        pairing,
        events: std::sync::Mutex::new(events),
    });
    let app = Router::new()
        .route(PATH, axum::routing::any(authcode))
        .fallback(not_found)
        .with_state(shared.clone());
    // Ctrl-C must not kill the process between a spent code and its stored tokens: it
    // becomes a message the command acts on between exchanges. The handler is in place
    // before `start` returns, so before the URL is printed: a Ctrl-C right after it is seen.
    let interrupted = move || {
        #[cfg(unix)]
        let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        Ok(async move {
            #[cfg(unix)]
            let got = signal.recv().await.is_some();
            #[cfg(not(unix))]
            let got = tokio::signal::ctrl_c().await.is_ok();
            if got {
                shared.send(Msg::Stop);
            }
        })
    };
    let config = crate::server::Config {
        tls,
        header_timeout: Duration::from_secs(10),
        // The last answer (`Connection: close`) is written before the run ends.
        drain: Duration::from_secs(3),
        peers: true,
        workers: 2,
    };
    let server =
        crate::server::Background::start("gsignin-receive", listeners, app, config, interrupted)?;
    Ok(Running {
        local,
        _server: server,
    })
}

/// `{"error": {code, message, hint}}`, as gsignin's own JSON errors; `Connection: close` so
/// that the run can end as soon as its last answer is written.
fn answer(status: u16, body: Value) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        code,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONNECTION, "close"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn refusal(status: u16, code: &str, message: &str, hint: &str) -> Response {
    answer(
        status,
        json!({"error": {"code": code, "message": message, "hint": hint}}),
    )
}

fn log(shared: &Shared, peer: SocketAddr, method: &Method, path: &str, status: u16, what: &str) {
    let path: String = crate::redact::escape_controls(path)
        .chars()
        .take(100)
        .collect();
    shared.send(Msg::Log(format!(
        "{peer} {method} {path} -> {status} {what}"
    )));
}

async fn not_found(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    log(
        &shared,
        peer,
        req.method(),
        req.uri().path(),
        404,
        "not found",
    );
    refusal(
        404,
        "not_found",
        "nothing here",
        &format!("POST the code to {PATH}"),
    )
}

async fn authcode(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let method = req.method().clone();
    let done = |status: u16, what: &str| log(&shared, peer, &method, PATH, status, what);
    if method != Method::POST {
        done(405, "only POST");
        let mut resp = refusal(
            405,
            "method_not_allowed",
            "only POST is answered here",
            "POST the code with an X-Requested-With header",
        );
        resp.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return resp;
    }
    let headers = req.headers().clone();
    if let Err((status, why, answer)) = admit(&shared, &headers) {
        done(status, why);
        return answer;
    }
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), MAX_BODY).await else {
        done(
            413,
            &format!("body over {} KiB (code not spent)", MAX_BODY / 1024),
        );
        return refusal(
            413,
            "payload_too_large",
            &format!(
                "the body is over {} KiB: that is not an authorization code",
                MAX_BODY / 1024
            ),
            "post the serverAuthCode alone",
        );
    };
    let code = match code_from(&headers, &bytes) {
        Ok(code) => code,
        Err(why) => {
            done(400, &why);
            return refusal(
                400,
                "no_code",
                &why,
                "post the serverAuthCode as a form or JSON field named code, authCode or serverAuthCode, or as the plain body",
            );
        }
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    if !shared.send(Msg::Code { code, reply: tx }) {
        done(503, "gsignin is done");
        return refusal(
            503,
            "done",
            "gsignin is no longer receiving",
            "start gsignin receive again",
        );
    }
    match tokio::time::timeout(ANSWER_WAIT, rx).await {
        Ok(Ok(a)) => {
            let what = a.body["email"]
                .as_str()
                .map(|e| format!("signed in {e}"))
                .or_else(|| {
                    a.body["error"]["code"]
                        .as_str()
                        .map(|c| format!("refused: {c}"))
                })
                .unwrap_or_default();
            done(a.status, &what);
            answer(a.status, a.body)
        }
        _ => {
            done(504, "no answer from the exchange");
            refusal(
                504,
                "timeout",
                "gsignin did not finish the exchange in time",
                "the terminal running gsignin says what happened",
            )
        }
    }
}

/// Whether the Host is one of the names an app reaches a loopback `receive` by: a loopback
/// address or `localhost`, or 10.0.2.2 (what the Android emulator calls this machine).
fn known_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let android_emulator = host == "10.0.2.2" || host.starts_with("10.0.2.2:");
    crate::http::is_loopback_host(host) || android_emulator
}

/// Whether a request may post a code at all, before its body is read: the status, the line
/// for the log and the answer when not. Nothing refused here spends a code.
#[allow(clippy::result_large_err)]
fn admit(shared: &Shared, headers: &HeaderMap) -> Result<(), (u16, &'static str, Response)> {
    // On loopback, a page whose name resolves to 127.0.0.1 (DNS rebinding) is same-origin to
    // the browser and could send the header: only the names apps use are let in.
    if shared.pairing.is_none() && !known_host(headers) {
        return Err((
            403,
            "Host is not a loopback name (code not spent)",
            refusal(
                403,
                "forbidden",
                "the Host header names another site: refused",
                "post to 127.0.0.1, localhost or 10.0.2.2 (the Android emulator's name for this machine)",
            ),
        ));
    }
    if let Some(token) = &shared.pairing
        && !bearer_matches(headers, token)
    {
        return Err((
            401,
            "wrong or missing pairing token (code not spent)",
            refusal(
                401,
                "pairing_required",
                "missing or wrong pairing token",
                "send the pairing token gsignin printed at start as Authorization: Bearer TOKEN",
            ),
        ));
    }
    if headers
        .get("x-requested-with")
        .is_none_or(|v| v.as_bytes().is_empty())
    {
        return Err((
            403,
            "no X-Requested-With (code not spent)",
            refusal(
                403,
                "forbidden",
                "the X-Requested-With header is missing: a cross-site request is refused",
                "send X-Requested-With (any value, e.g. XMLHttpRequest) with the code, as Google's sample does",
            ),
        ));
    }
    Ok(())
}

fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::http::bearer_token)
        .is_some_and(|sent| crate::secret::same(sent, token))
}

/// The code from a JSON field, a form field, or the plain body.
fn code_from(headers: &HeaderMap, body: &[u8]) -> Result<Secret, String> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let field = match kind.as_str() {
        "application/json" => {
            let doc: Value = serde_json::from_slice(body)
                .map_err(|e| format!("the JSON body does not parse: {e}"))?;
            FIELDS
                .iter()
                .find_map(|f| doc.get(*f).and_then(Value::as_str).map(str::to_string))
                .ok_or_else(|| {
                    "the JSON body has no code, authCode or serverAuthCode string".to_string()
                })?
        }
        "application/x-www-form-urlencoded" => {
            let pairs: Vec<(String, String)> =
                url::form_urlencoded::parse(body).into_owned().collect();
            FIELDS
                .iter()
                .find_map(|f| pairs.iter().find(|(k, _)| k == f).map(|(_, v)| v.clone()))
                .ok_or_else(|| {
                    "the form has no code, authCode or serverAuthCode field".to_string()
                })?
        }
        _ => std::str::from_utf8(body)
            .map_err(|_| "the body is not text".to_string())?
            .to_string(),
    };
    let code = field.trim();
    if code.is_empty() {
        return Err("the code is empty".into());
    }
    if code.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the code contains spaces or control characters".into());
    }
    Ok(Secret::new(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(kind: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, kind.parse().unwrap());
        h
    }

    #[test]
    fn v6_the_code_comes_from_json_form_or_plain_bodies_under_any_of_its_names() {
        let json = typed("application/json; charset=utf-8");
        let form = typed("application/x-www-form-urlencoded");
        let cases = [
            (json.clone(), r#"{"serverAuthCode":"4/0Aa"}"#),
            (json.clone(), r#"{"authCode":"4/0Aa"}"#),
            (form.clone(), "code=4%2F0Aa"),
            (form.clone(), "other=1&authCode=4%2F0Aa"),
            (typed("text/plain"), " 4/0Aa\n"),
            (HeaderMap::new(), "4/0Aa"),
        ];
        for (h, body) in cases {
            assert_eq!(
                code_from(&h, body.as_bytes()).unwrap().expose(),
                "4/0Aa",
                "{body}"
            );
        }
        for (h, body) in [
            (json.clone(), r#"{"token":"x"}"#),
            (json, "not json"),
            (form, "x=1"),
            (HeaderMap::new(), "   "),
            (HeaderMap::new(), "4/0A a"),
        ] {
            assert!(code_from(&h, body.as_bytes()).is_err(), "{body}");
        }
    }

    #[test]
    fn v4_only_the_names_apps_use_pass_as_host() {
        let with = |h: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::HOST, h.parse().unwrap());
            known_host(&m)
        };
        for ok in [
            "127.0.0.1:8787",
            "localhost:8787",
            "10.0.2.2:8787",
            "[::1]:8787",
        ] {
            assert!(with(ok), "{ok}");
        }
        for bad in [
            "evil.example:8787",
            "127.0.0.1.evil.example",
            "10.0.2.3:8787",
        ] {
            assert!(!with(bad), "{bad}");
        }
        assert!(!known_host(&HeaderMap::new()));
    }

    #[test]
    fn v2_v3_only_the_exact_pairing_token_passes() {
        let mut h = HeaderMap::new();
        assert!(!bearer_matches(&h, "tok"));
        h.insert(header::AUTHORIZATION, "Bearer tok".parse().unwrap());
        assert!(bearer_matches(&h, "tok"));
        assert!(!bearer_matches(&h, "to"));
        assert!(!bearer_matches(&h, "tok2"));
        for scheme in ["bearer", "BEARER", "BeArEr"] {
            h.insert(
                header::AUTHORIZATION,
                format!("{scheme} tok").parse().unwrap(),
            );
            assert!(
                bearer_matches(&h, "tok"),
                "{scheme}: RFC 7235 schemes are case-insensitive"
            );
        }
        h.insert(header::AUTHORIZATION, "Basic tok".parse().unwrap());
        assert!(!bearer_matches(&h, "tok"));
    }
}
