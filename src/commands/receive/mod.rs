//! `gsignin receive`: the backend endpoint of Google's sample, on the developer's machine. A
//! debug build POSTs its serverAuthCode; gsignin exchanges and stores it at once, through the
//! same lifecycle as `exchange` (everything checked before the first code arrives).
//!
//! The HTTP side runs on threads of its own (`endpoint`); every exchange, and everything
//! printed, happens on the command's thread, one code at a time.

mod endpoint;
mod snippets;

use super::redeem::{self, Redemption};
use super::signin_report::Shown;
use crate::cli::ReceiveArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::output::{self, Data, Outcome};
use crate::store;
use endpoint::{Answer, Msg};
use serde_json::json;
use std::io::Write;

pub fn run(ctx: &Ctx, args: ReceiveArgs) -> Result<Outcome> {
    if !args.bind.is_loopback() && !args.tls {
        return Err(Error::usage(
            format!(
                "--bind {} is not a loopback address: receiving codes over the network needs TLS",
                args.bind
            ),
            "add --tls (a throw-away certificate, and a pairing token the app must send), or leave --bind out to listen on 127.0.0.1",
        ));
    }
    let profile_name = ctx.settings().profile.clone();
    store::validate_profile(&profile_name)?;
    // Client secret, store, endpoints and keys: checked before any app posts a code.
    let mut ready = redeem::prepare(ctx, &profile_name)?;
    // The default, 127.0.0.1, is what apps reach as `localhost` (the iOS simulator, a device
    // through `adb reverse`), which they may try as [::1] first: both are held, so no other
    // local user can take the codes on the one left free.
    let v4 = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    let hosts = if args.bind == v4 {
        vec![v4, std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)]
    } else {
        vec![args.bind]
    };
    let listeners = crate::loopback::bind_all(&hosts, args.port).map_err(|(host, port, e)| {
        Error::cannot_listen(
            &format!("{host} port {port}"),
            &e,
            "pick another --port (0 for a free one)",
        )
    })?;
    let tls = if args.tls {
        Some(certificate(&args)?)
    } else {
        None
    };
    // On the network, TLS keeps the code secret and the pairing token keeps strangers out.
    let pairing = (!args.bind.is_loopback()).then(|| crate::secret::random_urlsafe(24));
    let (tx, rx) = std::sync::mpsc::channel();
    let running = endpoint::start(
        listeners,
        tls.as_ref().map(|t| t.config.clone()),
        pairing.clone(),
        tx,
    )
    .map_err(|e| {
        Error::other(
            format!("cannot serve on {} port {}: {e}", args.bind, args.port),
            "pick another --port",
        )
    })?;
    let scheme = if args.tls { "https" } else { "http" };
    let port = running.local.port();
    let shown_host = if args.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else if args.bind.is_ipv6() {
        format!("[{}]", args.bind)
    } else {
        args.bind.to_string()
    };
    let url = format!("{scheme}://{shown_host}:{port}{}", endpoint::PATH);
    banner(ctx, &args, &url, port, tls.as_ref(), pairing.as_deref());

    let last = serve_codes(ctx, &args, &mut ready, &profile_name, &rx);
    // Stops the endpoint once the last answer is written; then its last lines.
    drop(running);
    for msg in rx.try_iter() {
        if let Msg::Log(line) = msg {
            note(ctx, &line);
        }
    }
    match last {
        Some(landed) => Ok(landed?.into_outcome()),
        None if args.keep => Ok(Outcome {
            data: Data::None,
            failure: None,
        }),
        None => Err(Error::other(
            "interrupted before a code arrived",
            "run `gsignin receive` again and sign in in the app",
        )),
    }
}

/// Exchanges each code an app posts, one at a time, until the first one (or, with --keep,
/// until interrupted); what the last exchange came to, without --keep.
fn serve_codes(
    ctx: &Ctx,
    args: &ReceiveArgs,
    ready: &mut redeem::Ready<'_>,
    profile_name: &str,
    rx: &std::sync::mpsc::Receiver<Msg>,
) -> Option<Result<redeem::Landed>> {
    let mut last = None;
    let mut received = 0usize;
    for msg in rx {
        match msg {
            Msg::Log(line) => note(ctx, &line),
            Msg::Stop => {
                note(
                    ctx,
                    &format!("interrupted: stopping ({received} code(s) received)"),
                );
                break;
            }
            Msg::Code { code, reply } => {
                let landed = redeem::redeem(
                    ctx,
                    ready,
                    profile_name,
                    &Redemption {
                        code: &code,
                        redirect_uri: "",
                        code_verifier: None,
                        nonce: None,
                        shown: Shown::default(),
                        expect_scopes: &[],
                        required: &args.require,
                        profile_by_email: args.keep,
                    },
                );
                let landed = landed.map_err(|e| ctx.scrub(e));
                received += 1;
                let _ = reply.send(answer_for(&landed));
                if !args.keep {
                    // The run ends with this exchange anyway: a Ctrl-C meanwhile changes nothing.
                    interrupted_meanwhile();
                    last = Some(landed);
                    break;
                }
                show(ctx, landed);
                // A signal that waited for this exchange ends the run now, its answer sent.
                if interrupted_meanwhile() {
                    note(
                        ctx,
                        &format!("interrupted: stopping ({received} code(s) received)"),
                    );
                    break;
                }
            }
        }
    }
    last
}

/// Whether a signal arrived while an exchange was landing. Ctrl-C is this command's own way
/// to stop (a normal end under --keep), so it is taken here; any other signal stays deferred
/// and ends the process once the run's last lines are written.
fn interrupted_meanwhile() -> bool {
    #[cfg(unix)]
    return match crate::interrupt::peek_deferred() {
        Some(libc::SIGINT) => crate::interrupt::take_deferred().is_some(),
        Some(_) => true,
        None => false,
    };
    // A console event (Ctrl-C, Ctrl-Break, close) is the stop it asks for.
    #[cfg(windows)]
    return crate::interrupt::take_deferred().is_some();
    #[cfg(not(any(unix, windows)))]
    false
}

/// What the app hears: who signed in, never a token; or gsignin's error with a status that
/// says whose trouble it is.
fn answer_for(landed: &Result<redeem::Landed>) -> Answer {
    match landed {
        Ok(l) => Answer {
            status: 200,
            body: json!({
                "email": l.report.email,
                "sub": l.report.sub,
                "scopes": l.report.scopes,
            }),
        },
        Err(e) => Answer {
            status: match e.exit_code() {
                2..=4 => 400,
                5 => 502,
                _ => 500,
            },
            body: output::error_json(e),
        },
    }
}

/// Under --keep, each sign-in is reported as it lands (a failed one on stderr).
fn show(ctx: &Ctx, landed: Result<redeem::Landed>) {
    let json = ctx.settings().json;
    let colors = ctx.io().colors;
    let (mut out, mut err) = (ctx.io().stdout.borrow_mut(), ctx.io().stderr.borrow_mut());
    match landed {
        Ok(l) => {
            output::render_with(l.into_outcome(), json, colors, &mut *out, &mut *err);
        }
        Err(e) => {
            output::render_error_with(&e, json, colors, &mut *out, &mut *err);
        }
    }
    let _ = out.flush();
}

fn note(ctx: &Ctx, line: &str) {
    ctx.say(&format!("receive: {line}"));
}

fn certificate(args: &ReceiveArgs) -> Result<crate::server::tls::SelfSigned> {
    let mut ips: Vec<std::net::IpAddr> = vec![
        std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::Ipv4Addr::new(10, 0, 2, 2).into(),
    ];
    if !args.bind.is_unspecified() && !ips.contains(&args.bind) {
        ips.push(args.bind);
    }
    let cert = crate::server::tls::self_signed(&["localhost".to_string()], &ips)
        .map_err(|e| Error::other(e, "report this: generating a certificate should not fail"))?;
    if let Some(path) = &args.write_cert {
        crate::fsutil::write_private_atomic(path, cert.cert_pem.as_bytes()).map_err(|e| {
            Error::other(
                format!("cannot write the certificate to {}: {e}", path.display()),
                "choose a writable path for --write-cert",
            )
        })?;
    }
    Ok(cert)
}

/// The first line on stdout is the URL (so `--port 0` works in scripts); then what the app's
/// developer needs, unless --json.
fn banner(
    ctx: &Ctx,
    args: &ReceiveArgs,
    url: &str,
    port: u16,
    tls: Option<&crate::server::tls::SelfSigned>,
    pairing: Option<&str>,
) {
    let mut out = ctx.io().stdout.borrow_mut();
    if ctx.settings().json {
        // JSON Lines from the first line: `gsignin receive --json | jq` reads every line.
        let scheme = if args.tls { "https" } else { "http" };
        let urls: Vec<serde_json::Value> = snippets::urls(scheme, args.bind, port, endpoint::PATH)
            .into_iter()
            .map(|(from, u)| json!({"from": from, "url": u}))
            .collect();
        let first = json!({
            "url": url,
            "urls": urls,
            "keep": args.keep,
            "certificate_sha256": tls.map(|t| t.fingerprint.clone()),
            "certificate": args.write_cert.as_ref().map(|p| p.display().to_string()),
            "pairing_token": pairing,
        });
        let _ = writeln!(out, "{first}");
        let _ = out.flush();
        return;
    }
    let _ = writeln!(out, "{url}");
    if let Some(t) = tls {
        let _ = writeln!(out, "certificate SHA-256: {}", t.fingerprint);
        if let Some(path) = &args.write_cert {
            let _ = writeln!(out, "certificate: {}", path.display());
        }
    }
    if let Some(token) = pairing {
        let _ = writeln!(out, "pairing token: {token}");
    }
    {
        let scheme = if args.tls { "https" } else { "http" };
        let _ = writeln!(
            out,
            "# gsignin receives a serverAuthCode by POST ({}): form, JSON or plain body; X-Requested-With required",
            if args.keep {
                "every user to a profile named by their email, until Ctrl-C"
            } else {
                "the first one, then it exits"
            },
        );
        for (from, u) in snippets::urls(scheme, args.bind, port, endpoint::PATH) {
            let _ = writeln!(out, "# from {from}: {u}");
        }
        let example = snippets::urls(scheme, args.bind, port, endpoint::PATH)
            .into_iter()
            .next()
            .map(|(_, u)| u)
            .unwrap_or_else(|| url.to_string());
        for line in snippets::code(&example, pairing).lines() {
            let _ = writeln!(out, "{}", format!("#   {line}").trim_end());
        }
    }
    let _ = out.flush();
}
