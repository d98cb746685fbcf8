//! `gsignin api`: any Google API with the profile's access token, as `gh api` is for GitHub.
//!
//! Everything that can be refused without the network is refused first (the host, the
//! fields, the headers, the jq expression), so a mistake never costs a refresh.

mod fields;
mod jq;
mod print;
mod style;
mod target;

use crate::cli::ApiArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::google::api::{Caller, Request, errors};
use crate::http::Method;
use crate::output::{Data, Outcome};
use crate::session::Session;
use fields::Fields;
use reqwest::header::{HeaderName, HeaderValue};
use std::collections::HashSet;

/// The largest answer read: a page of any Google API is far smaller; a larger download is
/// curl's job (the hint says how).
const MAX_ANSWER: u64 = 64 << 20;

/// Pages followed at most: a server that never stops giving tokens must not loop forever.
const MAX_PAGES: usize = 10_000;

pub fn run(ctx: &Ctx, args: ApiArgs) -> Result<Outcome> {
    let api_url = target::api_base(&ctx.settings().api_url)?;
    let mut url = target::resolve(&args.target, &api_url)?;
    target::check_trusted(&url, &api_url, &args.allow_hosts)?;
    // The transport rule too, before a refresh: a refused URL must not cost one (nor a
    // rotation of the refresh token).
    ctx.http().check_transport(url.as_str())?;
    let method = method(&args)?;
    if args.paginate && method != Method::GET {
        return Err(Error::usage(
            format!("--paginate follows nextPageToken of GET calls, not {method}"),
            "drop --paginate, or make the call a GET",
        ));
    }
    let headers = headers(&args.headers)?;
    let style = style::Style {
        terminal: ctx.io().stdout_is_terminal,
        pretty: ctx.io().stdout_is_terminal && !ctx.settings().json,
        color: ctx.io().colors.stdout,
    };
    let jq = args
        .jq
        .as_deref()
        .map(|expr| jq::Jq::start(expr, style, ctx.settings().json, ctx.io().colors))
        .transpose()?;

    let body = body_or_query(ctx, &args, &method, &mut url)?;

    let mut session = Session::open(ctx)?;
    seed_secrets(ctx, &session);
    let granted = session
        .profile
        .as_ref()
        .map(|p| p.scopes.clone())
        .unwrap_or_default();
    let printer = print::Printer {
        out: ctx.io().stdout.clone(),
        style,
        include: args.include,
        jq: jq.as_ref(),
    };
    let api = url.host_str().unwrap_or("the API").to_string();
    let mut caller = Caller::new(ctx, &mut session);
    let mut req = Request {
        method,
        url: url.to_string(),
        headers,
        body,
    };
    // A pageToken given with -f is the first page's: meeting it again is a loop too.
    let mut tokens_seen: HashSet<String> = url
        .query_pairs()
        .filter(|(k, _)| k == "pageToken")
        .map(|(_, v)| v.into_owned())
        .collect();
    for page in 1..=MAX_PAGES {
        let resp = caller.send(&req, MAX_ANSWER)?;
        let reading = printer.page(&resp)?;
        // 304: the conditional request (-H If-None-Match) found nothing new; not a failure.
        if !resp.is_success() && resp.status != 304 {
            return Ok(streamed(Some(errors::explain(&resp, &api, &granted))));
        }
        if !reading || !args.paginate {
            break;
        }
        let Some(next) = next_page_token(&resp.body) else {
            break;
        };
        if page == MAX_PAGES {
            return Ok(streamed(Some(Error::server(
                format!("{api} still had pages after {MAX_PAGES}: stopped following them"),
                "the output is incomplete; narrow the call (a query, a larger pageSize)",
            ))));
        }
        if !tokens_seen.insert(next.clone()) {
            return Ok(streamed(Some(Error::server(
                format!("{api} gave the same nextPageToken twice: stopped following it"),
                "the pages printed so far are complete; the API is looping",
            ))));
        }
        url = with_page_token(&url, &next);
        req.url = url.to_string();
    }
    Ok(streamed(None))
}

/// The fields (`-f`, `-F`, `@file` read from stdin at most once) and `--input`: a JSON body
/// for POST, PUT and PATCH (with its content type), else query parameters added to `url`.
fn body_or_query(
    ctx: &Ctx,
    args: &ApiArgs,
    method: &Method,
    url: &mut url::Url,
) -> Result<Option<(String, Vec<u8>)>> {
    let mut stdin = StdinOnce::default();
    let fields = Fields::parse(&args.raw_fields, &args.fields, &mut |path| {
        let bytes = stdin.read(ctx, path)?;
        String::from_utf8(bytes).map_err(|_| {
            Error::usage(
                format!("-F @{path}: the file is not UTF-8 text"),
                "send binary content with --input",
            )
        })
    })?;
    let input = match &args.input {
        Some(path) => Some(stdin.read(ctx, &path.to_string_lossy())?),
        None => None,
    };
    let body_fields =
        input.is_none() && matches!(*method, Method::POST | Method::PUT | Method::PATCH);
    let body = match input {
        Some(bytes) => Some(("application/json".to_string(), bytes)),
        None if body_fields && !fields.is_empty() => Some((
            "application/json".to_string(),
            serde_json::to_vec(&fields.to_json()).unwrap_or_default(),
        )),
        None => None,
    };
    if !body_fields && !fields.is_empty() {
        url.query_pairs_mut().extend_pairs(fields.to_query());
    }
    Ok(body)
}

/// Every secret of the sign-in is known to the scrubber from the start, not only those the
/// run sends: an API echoing a body that holds the refresh token or the client secret must
/// not print them.
fn seed_secrets(ctx: &Ctx, session: &Session<'_>) {
    let seen = ctx.diagnostics().seen();
    for token in [
        &session.tokens.refresh_token,
        &session.tokens.access_token,
        &session.tokens.id_token,
    ]
    .into_iter()
    .flatten()
    {
        seen.add(token.expose());
    }
    // The client secret is in the scrubber already: the session loaded it when it bound it.
}

fn streamed(failure: Option<Error>) -> Outcome {
    Outcome {
        data: Data::Streamed,
        failure,
    }
}

fn method(args: &ApiArgs) -> Result<Method> {
    let Some(given) = &args.method else {
        return Ok(if args.input.is_some() {
            Method::POST
        } else {
            Method::GET
        });
    };
    Method::from_bytes(given.to_ascii_uppercase().as_bytes())
        .ok()
        .filter(|m| *m != Method::CONNECT)
        .ok_or_else(|| {
            Error::usage(
                format!("-X `{given}` is not an HTTP method"),
                "use GET, POST, PUT, PATCH or DELETE",
            )
        })
}

/// Headers gsignin sets itself (the token), or that frame the request, are refused rather than
/// silently replaced or sent twice.
const REFUSED_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "te",
    "upgrade",
    "keep-alive",
];

fn headers(given: &[String]) -> Result<Vec<(HeaderName, HeaderValue)>> {
    given
        .iter()
        .map(|h| {
            let malformed = || {
                Error::usage(
                    format!("-H `{}` is not a header", crate::redact::escape_controls(h)),
                    "write -H 'Name: value' (no line breaks)",
                )
            };
            let (name, value) = h.split_once(':').ok_or_else(malformed)?;
            let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| malformed())?;
            if REFUSED_HEADERS.contains(&name.as_str()) {
                return Err(Error::usage(
                    format!("-H {name}: gsignin does not send this header as given"),
                    if name == "authorization" {
                        "the sign-in's access token is the Authorization; for another token use curl"
                    } else {
                        "the HTTP client sets it from the request"
                    },
                ));
            }
            let value = HeaderValue::from_str(value.trim()).map_err(|_| malformed())?;
            Ok((name, value))
        })
        .collect()
}

/// Standard input, read at most once: by `--input -` or one `-F key=@-`.
#[derive(Default)]
struct StdinOnce {
    taken: bool,
}

impl StdinOnce {
    fn read(&mut self, ctx: &Ctx, path: &str) -> Result<Vec<u8>> {
        use std::io::Read;
        let limit = MAX_ANSWER;
        let mut bytes = Vec::new();
        if path == "-" {
            if std::mem::replace(&mut self.taken, true) {
                return Err(Error::usage(
                    "standard input can be read once: by --input - or by one @-",
                    "put the other content in a file",
                ));
            }
            ctx.io()
                .stdin
                .borrow_mut()
                .by_ref()
                .take(limit + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| unreadable("standard input", &e))?;
        } else {
            std::fs::File::open(path)
                .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
                .map_err(|e| unreadable(path, &e))?;
        }
        if bytes.len() as u64 > limit {
            return Err(Error::usage(
                format!("{path} is larger than {} MiB", limit >> 20),
                "gsignin api sends JSON bodies; upload large files with the API's upload protocol",
            ));
        }
        Ok(bytes)
    }
}

fn unreadable(what: &str, e: &std::io::Error) -> Error {
    Error::usage(format!("cannot read {what}: {e}"), "check the path")
}

/// The next page's token, when the answer is JSON holding a non-empty `nextPageToken`.
fn next_page_token(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Page {
        next_page_token: Option<String>,
    }
    serde_json::from_slice::<Page>(body)
        .ok()?
        .next_page_token
        .filter(|t| !t.is_empty())
}

/// `url` asking for the page `token` names (any earlier pageToken replaced).
fn with_page_token(url: &url::Url, token: &str) -> url::Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "pageToken")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut next = url.clone();
    next.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("pageToken", token);
    next
}
