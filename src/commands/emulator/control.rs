//! `gsignin emulator mint|fault|clock|grants|users`: a script's calls to a running emulator's
//! control API, through gsignin's own HTTP client (proxy and loopback rules, `-v` traces with
//! secrets redacted). The control token comes from GSIGNIN_EMULATOR_CONTROL_TOKEN only, never
//! argv, and is never printed.

use crate::cli::{ControlUrlArgs, EmulatorCommand, FaultAction, GrantAction, UsersAction};
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::http::{Auth, Body, Method, Retry};
use crate::output::Outcome;
use crate::style::Styled;
use serde_json::{Value, json};

pub fn run(ctx: &Ctx, command: EmulatorCommand) -> Result<Outcome> {
    match command {
        EmulatorCommand::Mint(args) => mint(ctx, args),
        EmulatorCommand::Fault {
            action: FaultAction::Add { fault, target },
        } => add_fault(ctx, fault, &target),
        EmulatorCommand::Fault {
            action: FaultAction::Clear { target },
        } => printed(call(ctx, &target, Method::DELETE, "/control/faults", None)?),
        EmulatorCommand::Clock(args) => {
            let body = json!({"advance": args.advance}).to_string().into_bytes();
            printed(call(
                ctx,
                &args.target,
                Method::POST,
                "/control/clock",
                Some(body),
            )?)
        }
        EmulatorCommand::Grants(args) => {
            let action = match args.action {
                GrantAction::Revoke => "revoke",
                GrantAction::InvalidRapt => "invalid_rapt",
                GrantAction::ClearRapt => "clear_rapt",
            };
            let mut body = json!({ "action": action });
            if let Some(email) = args.email {
                body["email"] = json!(email);
            }
            printed(call(
                ctx,
                &args.target,
                Method::POST,
                "/control/grants",
                Some(body.to_string().into_bytes()),
            )?)
        }
        EmulatorCommand::Users {
            action: UsersAction::Add { file, target },
        } => add_users(ctx, &file, &target),
    }
}

/// `mint`: the code alone on stdout (what `| gsignin exchange -` reads); `--json` the answer.
fn mint(ctx: &Ctx, args: crate::cli::MintArgs) -> Result<Outcome> {
    let mut body = serde_json::Map::new();
    if let Some(email) = args.email {
        body.insert("email".into(), json!(email));
    }
    if !args.scopes.is_empty() {
        let scopes: Vec<String> = args
            .scopes
            .iter()
            .map(|s| crate::google::scopes::expand(s))
            .collect();
        body.insert("scopes".into(), json!(scopes));
    }
    if let Some(lifetime) = args.lifetime {
        body.insert("lifetime".into(), json!(lifetime));
    }
    let answer = call(
        ctx,
        &args.target,
        Method::POST,
        "/control/codes",
        Some(Value::Object(body).to_string().into_bytes()),
    )?;
    // A code is printable ASCII: anything else is no emulator's answer (and could drive the
    // terminal).
    let Some(code) = answer["code"]
        .as_str()
        .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_graphic()))
    else {
        return Err(Error::server(
            "the emulator's answer to /control/codes holds no code",
            "is the URL a gsignin emulator's? run with -v to see the answer",
        ));
    };
    Ok(Outcome::report(Styled::plain(format!("{code}\n")), answer))
}

/// `fault add JSON|-`: checked to be a JSON object before it is sent.
fn add_fault(ctx: &Ctx, fault: String, target: &ControlUrlArgs) -> Result<Outcome> {
    let text = if fault == "-" {
        read_stdin(ctx)?
    } else {
        fault.into_bytes()
    };
    let hint = r#"give an object: '{"path":"/token","status":503,"count":1}'"#;
    let parsed: Value = serde_json::from_slice(&text)
        .map_err(|e| Error::usage(format!("the fault is not JSON: {e}"), hint))?;
    if !parsed.is_object() {
        return Err(Error::usage("the fault is not a JSON object", hint));
    }
    printed(call(
        ctx,
        target,
        Method::POST,
        "/control/faults",
        Some(text),
    )?)
}

/// `users add FILE|-`: checked as `emulator --users` checks it, then sent.
fn add_users(ctx: &Ctx, file: &std::path::Path, target: &ControlUrlArgs) -> Result<Outcome> {
    let text = if file.as_os_str() == "-" {
        read_stdin(ctx)?
    } else {
        super::read_capped(file, gsignin_emulator::users::MAX_BYTES).map_err(|e| {
            Error::usage(
                format!("cannot read {}: {e}", file.display()),
                "check the path",
            )
        })?
    };
    // Checked here first: the same one-line errors as `emulator --users`, and nothing sent
    // that the emulator would refuse.
    gsignin_emulator::users::parse(&text).map_err(|e| {
        Error::usage(
            format!("{}: {e}", file.display()),
            "fix the file: a JSON array of users (docs/emulator-service.md, \"Users\")",
        )
    })?;
    printed(call(
        ctx,
        target,
        Method::POST,
        "/control/users",
        Some(text),
    )?)
}

/// The control API's answer as it is: pretty for people, one line under `--json`.
fn printed(answer: Value) -> Result<Outcome> {
    let pretty = serde_json::to_string_pretty(&answer).unwrap_or_default();
    Ok(Outcome::report(
        Styled::plain(format!("{pretty}\n")),
        answer,
    ))
}

fn read_stdin(ctx: &Ctx) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    ctx.io()
        .stdin
        .borrow_mut()
        .by_ref()
        .take(gsignin_emulator::users::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::usage(format!("cannot read stdin: {e}"), "check what is piped in"))?;
    Ok(bytes)
}

/// The running emulator's base URL: `--url`, else GSIGNIN_ISSUER (where its clients already
/// point).
fn base_url(ctx: &Ctx, target: &ControlUrlArgs) -> Result<String> {
    let given = match &target.url {
        Some(url) => url.clone(),
        None if ctx.settings().issuer_given => ctx.settings().issuer.clone(),
        None => {
            return Err(Error::usage(
                "which emulator? neither --url nor GSIGNIN_ISSUER names one",
                "give --url http://127.0.0.1:PORT (the first line `gsignin emulator` prints), or export GSIGNIN_ISSUER as its banner shows",
            ));
        }
    };
    // Nothing but scheme, host, port (and a path): credentials in the URL would be sent in
    // the token's place and shown in messages, and a query or fragment would swallow the
    // control paths.
    let url = url::Url::parse(given.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .filter(|u| u.username().is_empty() && u.password().is_none())
        .filter(|u| u.query().is_none() && u.fragment().is_none())
        .ok_or_else(|| {
            Error::usage(
                "the emulator's URL (--url or GSIGNIN_ISSUER) is not a base URL: http or https, a host, no user or password, no query or fragment",
                "give --url http://127.0.0.1:PORT (the first line `gsignin emulator` prints)",
            )
        })?;
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// One control call: JSON in (when there is a body), JSON out, never retried (minting, the
/// clock and faults act once), the control token as a bearer when one is set.
fn call(
    ctx: &Ctx,
    target: &ControlUrlArgs,
    method: Method,
    path: &str,
    body: Option<Vec<u8>>,
) -> Result<Value> {
    let base = base_url(ctx, target)?;
    let url = format!("{base}{path}");
    let var = crate::envvars::EMULATOR_CONTROL_TOKEN;
    let token = ctx.settings().emulator_control_token.as_ref();
    if token.is_some_and(|t| t.expose().trim().is_empty()) {
        return Err(Error::new(
            Code::ControlTokenEmpty,
            format!(
                "{var} is set but empty (a CI secret that is not there, as in a fork's pull request)"
            ),
            "set it to the emulator's control token, or unset it for an emulator on loopback that has none",
        ));
    }
    let auth = token.map_or(Auth::None, Auth::Bearer);
    let body = match &body {
        Some(data) => Body::Bytes {
            content_type: "application/json",
            data,
        },
        None => Body::None,
    };
    let resp = ctx
        .http()
        .send(method, &url, body, auth, Retry::Never)
        .map_err(|e| {
            e.with_hint(format!(
                "is the emulator running at {base}? (`gsignin emulator` prints its URL first)"
            ))
        })?;
    let answer: Option<Value> = serde_json::from_slice(&resp.body).ok();
    // Its reason: the JSON error, else the text of the answer (a body it could not read is
    // refused in plain text), cut short.
    let said = answer
        .as_ref()
        .and_then(|a| a["error"].as_str().map(str::to_string))
        .or_else(|| {
            let text = String::from_utf8_lossy(&resp.body);
            let text = text.trim();
            (!text.is_empty()).then(|| text.chars().take(300).collect())
        })
        .map(|s| s.escape_default().to_string());
    let status = resp.status;
    match status {
        200..=299 => answer.ok_or_else(|| {
            Error::server(
                format!("{url} answered {status} with a body that is not JSON"),
                "is the URL a gsignin emulator's? run with -v to see the answer",
            )
        }),
        401 => Err(Error::new(
            Code::ApiUnauthorized,
            format!(
                "the emulator at {base} refused the control call (401): {}",
                if token.is_some() {
                    format!("{var} is not its control token")
                } else {
                    format!("it needs a control token and {var} is not set")
                }
            ),
            format!(
                "export {var} with the token it was started with (or the one its banner printed as `# control token:`)"
            ),
        )),
        403 => Err(Error::other(
            format!(
                "the emulator at {base} refused the control call (403): {}",
                said.unwrap_or_else(|| "the Host is not one it answers".into())
            ),
            "reach it by a loopback address or by its --public-url",
        )),
        404 => Err(Error::other(
            format!("the emulator at {base} has no {path} (404)"),
            "is the URL a gsignin emulator's, of this gsignin's version? (`gsignin --version`)",
        )),
        400..=499 if status != 429 => Err(Error::usage(
            format!(
                "the emulator refused the request ({status}): {}",
                said.unwrap_or_else(|| "no reason given".into())
            ),
            "fix what it names (`gsignin emulator --help` lists the calls)",
        )),
        _ => Err(Error::server(
            format!("the emulator at {base} answered {status}"),
            "try again; a fault injected on /control/ paths answers this way too",
        )),
    }
}
