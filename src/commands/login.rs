//! `gsignin login`: a sign-in through the browser, with no phone and no copy and paste.
//!
//! Everything that can fail before the user is sent to the browser is checked first (client
//! secret and its type, store, endpoints, keys, the port); then the authorization URL (PKCE
//! S256, state, nonce) is printed and opened, and the first answer decides: the loopback
//! redirect, or (with --no-browser) the redirect URL pasted back. The code is then redeemed
//! exactly as `exchange` redeems one. The listener stops before the command returns.

use super::redeem::{self, Redemption};
use super::signin_report::Shown;
use crate::cli::LoginArgs;
use crate::config::client_secret::{ClientKind, ClientSecret};
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::google::authorize::{AuthRequest, Params};
use crate::loopback::{self, Event, Page};
use crate::output::Outcome;
use crate::store;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// What `login` asks for when no --scope is given: who the user is, and Drive's app data.
pub const DEFAULT_SCOPES: &[&str] = &[
    "openid",
    "email",
    "profile",
    "https://www.googleapis.com/auth/drive.appdata",
];

pub fn run(ctx: &Ctx, args: LoginArgs) -> Result<Outcome> {
    let profile_name = ctx.settings().profile.clone();
    store::validate_profile(&profile_name)?;
    let mut ready = redeem::prepare(ctx, &profile_name).map_err(|e| {
        if e.code() == Code::ClientSecretInvalid {
            // A browser sign-in wants another client than a phone's code does.
            e.with_hint(
                "pass --client-secret PATH, or download a Desktop app client's JSON from Google Cloud console > APIs & Services > Credentials (any loopback port works for it)",
            )
        } else {
            e
        }
    })?;
    let redirect = Redirect::choose(&ready.client, args.port)?;
    let endpoint = ready
        .client
        .auth_uri
        .clone()
        .or_else(|| ready.endpoints.authorization.clone())
        .ok_or_else(|| {
            Error::client_secret(
                "neither the client secret (auth_uri) nor the issuer's discovery document names an authorization endpoint",
                "this issuer cannot do a browser sign-in; sign in in the app and use `gsignin exchange`",
            )
        })?;
    // The browser goes there with the user's session: the same transport rule as for secrets.
    ctx.http().check_transport(&endpoint)?;
    let listeners = redirect.bind()?;
    let port = listeners
        .first()
        .and_then(|l| l.local_addr().ok())
        .map_or(0, |a| a.port());
    let redirect_uri = redirect.uri(port);
    let google = ready
        .endpoints
        .issuers
        .iter()
        .any(|i| crate::google::endpoints::Endpoints::is_google(i));
    let (scopes, expect_scopes) = scopes_to_ask(&args, google);
    let request = AuthRequest::new(&Params {
        endpoint: &endpoint,
        client_id: &ready.client.client_id,
        redirect_uri: &redirect_uri,
        scopes: &scopes,
        login_hint: args.login_hint.as_deref(),
    })?;
    let (tx, events) = channel();
    let served = loopback::serve(listeners, redirect.path.clone(), tx.clone()).map_err(|e| {
        Error::other(
            format!("cannot serve the redirect on port {port}: {e}"),
            "try again, or pick another --port",
        )
    })?;

    // Whatever ends the wait, the terminal gets its echo back (the prompt's thread may still
    // be waiting with echo off when the redirect wins).
    let _echo = (args.no_browser && ctx.io().process_stdin && ctx.io().stdin_is_terminal)
        .then(crate::terminal::EchoGuard::save);
    send_to_the_browser(ctx, &args, &request.url, &redirect_uri, tx);

    let deadline = Instant::now() + Duration::from_secs(args.wait);
    let (code, reply) = wait_for_code(
        ctx,
        &request,
        &ready.endpoints.issuers,
        &events,
        deadline,
        args.wait,
    )?;
    let shown = Shown {
        tokens: args.report.show_tokens,
        refresh_token: args.report.show_refresh_token,
    };
    let landed = redeem::redeem(
        ctx,
        &mut ready,
        &profile_name,
        &Redemption {
            code: &code,
            redirect_uri: &redirect_uri,
            code_verifier: Some(&request.verifier),
            nonce: Some(&request.nonce),
            shown,
            expect_scopes: &expect_scopes,
            required: &args.report.require,
            profile_by_email: false,
        },
    );
    if let Some(reply) = reply {
        let _ = reply.send(landing_page(ctx, &landed));
    }
    drop(served);
    Ok(landed?.into_outcome())
}

/// Prints the authorization URL and opens it in the browser (`BROWSER`); with --no-browser
/// only prints it, and reads a pasted redirect URL meanwhile (`tx` gets it).
fn send_to_the_browser(
    ctx: &Ctx,
    args: &LoginArgs,
    url: &str,
    redirect_uri: &str,
    tx: std::sync::mpsc::Sender<Event>,
) {
    ctx.say("Sign in in the browser; the URL, if it does not open:");
    ctx.say(url);
    if args.no_browser {
        ctx.say(&format!(
            "Waiting for the browser to come back to {redirect_uri}; or paste the URL the \
             browser ends on (input hidden), then Enter."
        ));
        start_paste_reader(ctx, tx);
        return;
    }
    drop(tx);
    match crate::browser::open(url, ctx.settings().browser.as_deref()) {
        Ok(_) => ctx.say(&format!(
            "Waiting for the browser to come back to {redirect_uri}..."
        )),
        Err(why) => ctx.warn(&format!(
            "could not open a browser ({why}): open the URL above yourself, or use --no-browser"
        )),
    }
}

/// The scopes to ask for, and those whose absence from the grant is warned about. Google
/// takes `drive.appdata` only as its URL, and its granular consent lets the user uncheck any
/// scope but the sign-in ones; other issuers' scopes (`offline_access`) are sent as written.
fn scopes_to_ask(args: &LoginArgs, google: bool) -> (Vec<String>, Vec<String>) {
    let scopes: Vec<String> = if args.scopes.is_empty() {
        DEFAULT_SCOPES.iter().map(ToString::to_string).collect()
    } else {
        args.scopes
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(|s| match s {
                "openid" | "email" | "profile" => s.to_string(),
                _ if google => crate::google::scopes::expand(s),
                _ => s.to_string(),
            })
            .collect()
    };
    let mut expect_scopes = args.report.expect_scopes.clone();
    if google {
        expect_scopes.extend(
            scopes
                .iter()
                .filter(|s| !matches!(s.as_str(), "openid" | "email" | "profile"))
                .cloned(),
        );
    }
    (scopes, expect_scopes)
}

/// The page the browser lands on: who was stored, or the error (scrubbed of the run's
/// secrets; the terminal has the rest).
fn landing_page(ctx: &Ctx, landed: &Result<redeem::Landed>) -> Page {
    match landed {
        Ok(l) => Page {
            ok: true,
            title: "Signed in".into(),
            message: format!(
                "gsignin stored the sign-in of {}. You can close this tab.",
                l.report
                    .email
                    .as_deref()
                    .or(l.report.sub.as_deref())
                    .unwrap_or("the user")
            ),
        },
        Err(e) => Page {
            ok: false,
            title: "Sign-in not stored".into(),
            message: ctx
                .diagnostics()
                .seen()
                .scrub(&format!("{e}. The terminal says what to do.")),
        },
    }
}

/// Waits for the first answer (redirect or paste) until `deadline`, and judges it. A
/// redirect gets its page once the caller knows the outcome (the returned sender); an answer
/// that ends the login here gets its page now.
fn wait_for_code(
    ctx: &Ctx,
    request: &AuthRequest,
    issuers: &[String],
    events: &Receiver<Event>,
    deadline: Instant,
    wait: u64,
) -> Result<(crate::secret::Secret, Option<std::sync::mpsc::Sender<Page>>)> {
    let mut paste_open = true;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = match events.recv_timeout(left) {
            Ok(e) => e,
            Err(RecvTimeoutError::Timeout) => return Err(timed_out(wait)),
            // Nobody can answer any more (no listener, no paste): only the clock is left.
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(left);
                return Err(timed_out(wait));
            }
        };
        match event {
            Event::Redirect { query, reply } => match request.judge(&query, issuers) {
                Ok(code) => return Ok((code, Some(reply))),
                Err(e) => {
                    let _ = reply.send(Page {
                        ok: false,
                        title: "Sign-in not completed".into(),
                        message: format!("{e}. The terminal says what to do."),
                    });
                    return Err(e);
                }
            },
            Event::Pasted(text) => {
                let query = pasted_query(&text)?;
                return request.judge(&query, issuers).map(|code| (code, None));
            }
            Event::PasteEnded(why) => {
                if paste_open {
                    paste_open = false;
                    ctx.warn(&format!(
                        "nothing pasted ({why}); still waiting for the browser's redirect"
                    ));
                }
            }
        }
    }
}

fn timed_out(wait: u64) -> Error {
    Error::new(
        Code::LoginTimeout,
        format!("no answer from the browser within {wait} s; nothing was exchanged"),
        "if the page showed an error (redirect_uri_mismatch: use a Desktop client's secret, or register the loopback redirect of a web client), fix that; else run `gsignin login` again (--wait SECS to wait longer)",
    )
}

/// The query of a pasted redirect URL (or of a bare query string).
fn pasted_query(text: &str) -> Result<String> {
    let text = text.trim();
    let query = match url::Url::parse(text) {
        Ok(u) => u.query().unwrap_or_default().to_string(),
        Err(_) => text.split_once('?').map_or(text, |(_, q)| q).to_string(),
    };
    if !query.contains("state=") {
        return Err(Error::usage(
            "the pasted text is not the redirect URL (it has no `state`)",
            "paste the whole URL from the browser's address bar, from http:// to the end",
        ));
    }
    Ok(query)
}

/// Reads the pasted redirect URL on a thread: a no-echo prompt on a terminal, else the first
/// line of stdin (bounded). Whatever ends first, redirect or paste, wins.
fn start_paste_reader(ctx: &Ctx, tx: std::sync::mpsc::Sender<Event>) {
    if !ctx.io().process_stdin {
        // In-process runs: stdin is a buffer, read now.
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut *ctx.io().stdin.borrow_mut(), &mut text);
        let event = if text.trim().is_empty() {
            Event::PasteEnded("stdin is empty".into())
        } else {
            Event::Pasted(text)
        };
        let _ = tx.send(event);
        return;
    }
    let terminal = ctx.io().stdin_is_terminal;
    std::thread::spawn(move || {
        let read = if terminal {
            crate::terminal::prompt_hidden("Redirect URL (input hidden): ")
        } else {
            use std::io::{BufRead, Read};
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .take(MAX_PASTE)
                .read_line(&mut line)
                .map(|_| line)
        };
        let event = match read {
            Ok(text) if !text.trim().is_empty() => Event::Pasted(text),
            Ok(_) => Event::PasteEnded("stdin ended".into()),
            Err(e) => Event::PasteEnded(e.to_string()),
        };
        let _ = tx.send(event);
    });
}

/// A redirect URL with a long code is a few KiB.
const MAX_PASTE: u64 = 16 * 1024;

/// Where the browser comes back to.
struct Redirect {
    /// The registered URI exactly as the client secret spells it (the issuer compares it
    /// byte for byte), or None: `http://127.0.0.1:PORT` with the port bound.
    registered: Option<String>,
    /// Where to listen: every address that URI's loopback host names (`localhost`: both
    /// 127.0.0.1 and ::1, since a browser may try either first).
    hosts: Vec<std::net::IpAddr>,
    port: u16,
    path: String,
}

impl Redirect {
    /// A Desktop client: any loopback port. A web client: a registered loopback redirect URI
    /// (the one on --port when given).
    fn choose(client: &ClientSecret, port: Option<u16>) -> Result<Redirect> {
        let v4 = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
        let v6 = std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST);
        if client.kind == ClientKind::Installed {
            // 127.0.0.1 literally (Google's advice for Desktop clients): one address to hold.
            return Ok(Redirect {
                registered: None,
                hosts: vec![v4],
                port: port.unwrap_or(0),
                path: "/".into(),
            });
        }
        let loopback: Vec<(&String, url::Url)> = client
            .redirect_uris
            .iter()
            .filter_map(|text| url::Url::parse(text).ok().map(|u| (text, u)))
            .filter(|(_, u)| {
                u.scheme() == "http" && crate::http::is_loopback(u) && u.port().is_some()
            })
            .collect();
        let found = match port {
            Some(p) => loopback.iter().find(|(_, u)| u.port() == Some(p)),
            None => loopback.first(),
        };
        match (found, port) {
            (Some((text, u)), _) => Ok(Redirect {
                port: u.port().unwrap_or(0),
                path: u.path().to_string(),
                hosts: match u.host() {
                    Some(url::Host::Ipv6(ip)) => vec![std::net::IpAddr::V6(ip)],
                    Some(url::Host::Ipv4(ip)) => vec![std::net::IpAddr::V4(ip)],
                    _ => vec![v4, v6],
                },
                registered: Some(text.to_string()),
            }),
            // The file lists no redirect URIs at all (older downloads): trust --port.
            (None, Some(p)) if client.redirect_uris.is_empty() => Ok(Redirect {
                registered: None,
                hosts: vec![v4],
                port: p,
                path: "/".into(),
            }),
            (None, _) => Err(Error::new(
                Code::WrongClientType,
                match port {
                    Some(p) => format!(
                        "{} is a web client's secret with no loopback redirect URI on port {p} registered",
                        client.path.display()
                    ),
                    None => format!(
                        "{} is a web client's secret with no loopback redirect URI registered",
                        client.path.display()
                    ),
                },
                "use a Desktop client's secret (any loopback port works), or register http://127.0.0.1:PORT as a redirect URI of the web client, download its file again, and pass --port PORT",
            )),
        }
    }

    /// Holds the redirect's port on every address its host names, or refuses to start: a
    /// `localhost` redirect held on 127.0.0.1 alone would let another local user listening on
    /// [::1] (which browsers try first) take the code. A machine with no IPv6 at all has no
    /// [::1] for anyone to hold.
    fn bind(&self) -> Result<Vec<std::net::TcpListener>> {
        loopback::bind_all(&self.hosts, self.port)
            .map_err(|(host, port, e)| self.bind_error(host, port, &e))
    }

    fn bind_error(&self, host: std::net::IpAddr, port: u16, e: &std::io::Error) -> Error {
        Error::cannot_listen(
            &format!("{host} port {port} for the redirect"),
            e,
            if self.registered.is_some() {
                "stop what holds that port (it is the web client's registered redirect), or register another port and pass --port"
            } else {
                "pick another --port, or leave it out for a free one"
            },
        )
    }

    fn uri(&self, bound_port: u16) -> String {
        match &self.registered {
            Some(text) => text.clone(),
            None => format!("http://127.0.0.1:{bound_port}"),
        }
    }
}
