//! `gsignin emulator`: serve the local Google until interrupted.

use crate::cli::EmulatorArgs;
use crate::context::Ctx;
use crate::emulator::Emulator;
use crate::emulator::state::{
    INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET, WEB_CLIENT_ID, WEB_CLIENT_SECRET,
};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::output::{Data, Outcome};
use std::io::Write;

pub fn run(ctx: &Ctx, args: EmulatorArgs) -> Result<Outcome> {
    if !crate::google::endpoints::Endpoints::is_google(&ctx.settings().issuer) {
        ctx.warn(&format!(
            "--issuer / GSIGNIN_ISSUER ({}) is what gsignin talks to; the emulator is an issuer and ignores it: --iss chooses the `iss` its ID tokens carry",
            ctx.settings().issuer
        ));
    }
    let cannot_listen = |e: std::io::Error| {
        Error::cannot_listen(
            &format!("127.0.0.1 port {}", args.port),
            &e,
            "pick another --port, or 0 for any free one",
        )
    };
    let mut builder = Emulator::builder()
        .port(args.port)
        .rotate_refresh_tokens(args.rotate_refresh_tokens)
        .testing_mode(args.testing_mode)
        .auto_approve(args.auto_approve);
    if let Some(iss) = crate::emulator::Iss::parse(&args.iss) {
        builder = builder.iss(iss);
    }
    if args.tls {
        builder = builder.tls();
    }
    let emulator = builder.start().map_err(cannot_listen)?;
    let ca_path = match emulator.ca_pem() {
        Some(ca) => {
            let port = emulator
                .base_url()
                .rsplit(':')
                .next()
                .unwrap_or("0")
                .to_string();
            let path = args.write_ca.clone().unwrap_or_else(|| {
                std::env::temp_dir().join(format!("gsignin-emulator-ca-{port}.pem"))
            });
            fsutil::write_private_atomic(&path, ca.as_bytes()).map_err(|e| {
                Error::other(
                    format!("cannot write the CA certificate to {}: {e}", path.display()),
                    "choose a writable path with --write-ca",
                )
            })?;
            Some(std::path::absolute(&path).unwrap_or(path))
        }
        None => None,
    };
    let base = emulator.base_url().to_string();
    let write = |path: &std::path::Path, text: String, flag: &str| {
        fsutil::write_private_atomic(path, text.as_bytes()).map_err(|e| {
            Error::other(
                format!("cannot write {}: {e}", path.display()),
                format!("choose a writable path for {flag}"),
            )
        })
    };
    if let Some(path) = &args.write_client_secret {
        write(path, emulator.client_secret_json(), "--write-client-secret")?;
    }
    if let Some(path) = &args.write_installed_client_secret {
        write(
            path,
            emulator.installed_client_secret_json(),
            "--write-installed-client-secret",
        )?;
    }
    let env = environment(&base, &args, ca_path.as_deref());
    let banner = if ctx.settings().json {
        format!("{}\n", startup_json(&base, &args, &env))
    } else {
        banner(&base, &args, &env)
    };
    {
        let mut out = ctx.io().stdout.borrow_mut();
        let _ = out.write_all(banner.as_bytes());
        let _ = out.flush();
    }
    emulator.wait();
    Ok(Outcome {
        data: Data::None,
        failure: None,
    })
}

/// The variables that point gsignin (or any backend) at the emulator: name, value, and what
/// a person should know of it.
fn environment(
    base: &str,
    args: &EmulatorArgs,
    ca: Option<&std::path::Path>,
) -> Vec<(&'static str, String, &'static str)> {
    let shown = |path: &std::path::PathBuf| {
        std::path::absolute(path)
            .unwrap_or(path.clone())
            .display()
            .to_string()
    };
    let mut env = vec![
        (crate::envvars::ISSUER, base.to_string(), ""),
        (crate::envvars::DRIVE_URL, format!("{base}/drive/v3"), ""),
        (crate::envvars::API_URL, base.to_string(), ""),
    ];
    if let Some(ca) = ca {
        env.push((
            "SSL_CERT_FILE",
            ca.display().to_string(),
            "trust the emulator's throw-away CA",
        ));
    }
    match (
        &args.write_client_secret,
        &args.write_installed_client_secret,
    ) {
        (Some(path), _) => env.push((crate::envvars::CLIENT_SECRET, shown(path), "")),
        (None, Some(path)) => env.push((
            crate::envvars::CLIENT_SECRET,
            shown(path),
            "the Desktop client, for gsignin login",
        )),
        (None, None) => {}
    }
    env
}

/// `emulator --json`: the start-up as one JSON object, for scripts and CI.
fn startup_json(
    base: &str,
    args: &EmulatorArgs,
    env: &[(&'static str, String, &'static str)],
) -> serde_json::Value {
    let path = |p: &Option<std::path::PathBuf>| {
        p.as_ref().map(|p| {
            std::path::absolute(p)
                .unwrap_or(p.clone())
                .display()
                .to_string()
        })
    };
    let vars: serde_json::Map<String, serde_json::Value> = env
        .iter()
        .map(|(name, value, _)| ((*name).to_string(), value.clone().into()))
        .collect();
    serde_json::json!({
        "url": base,
        "web_client": {"client_id": WEB_CLIENT_ID, "client_secret": WEB_CLIENT_SECRET},
        "installed_client": {"client_id": INSTALLED_CLIENT_ID, "client_secret": INSTALLED_CLIENT_SECRET},
        "client_secret_file": path(&args.write_client_secret),
        "installed_client_secret_file": path(&args.write_installed_client_secret),
        "env": vars,
        "authorization_endpoint": format!("{base}/o/oauth2/v2/auth"),
        "control": format!("{base}/control"),
    })
}

/// What the emulator prints at start: its base URL first (scripts read it), then the
/// environment to point gsignin (or any backend) at it, its clients and how to mint a code.
fn banner(base: &str, args: &EmulatorArgs, env: &[(&'static str, String, &'static str)]) -> String {
    let mut exports = String::new();
    for (name, value, about) in env {
        exports.push_str(&format!("export {name}={value}"));
        if !about.is_empty() {
            exports.push_str(&format!("   # {about}"));
        }
        exports.push('\n');
    }
    if args.write_client_secret.is_none() && args.write_installed_client_secret.is_none() {
        exports.push_str("# add --write-client-secret PATH (web client) or --write-installed-client-secret PATH (Desktop client) to get a client secret file\n");
    }
    format!(
        "{base}\n\
         # gsignin emulator: Google Sign-In on {base} (Ctrl-C stops it)\n\
         # Point gsignin at it:\n\
         {exports}\
         # On a machine without a keyring (most CI): export GSIGNIN_STORE=file\n\
         # Its web client: client_id {WEB_CLIENT_ID}, client_secret {WEB_CLIENT_SECRET} (a test value)\n\
         # Its Desktop client: client_id {INSTALLED_CLIENT_ID}, client_secret {INSTALLED_CLIENT_SECRET}\n\
         # Authorization page: {base}/o/oauth2/v2/auth (sign-in, consent, PKCE; --auto-approve skips the pages)\n\
         # Mint a serverAuthCode as a mobile sign-in would, then exchange it:\n\
         #   code=$(curl -s -X POST {base}/control/codes -H 'content-type: application/json' -d '{{\"email\":\"alice@example.com\"}}' | sed -n 's/.*\"code\": \"\\([^\"]*\\)\".*/\\1/p')\n\
         #   printf '%s' \"$code\" | gsignin exchange -   (stdin: argv is readable by every local user)\n\
         # Control API: POST /control/codes, POST|DELETE /control/faults, POST /control/clock,\n\
         #   POST /control/keys/rotate, POST /control/grants, POST /control/settings, GET /control/stats\n"
    )
}
