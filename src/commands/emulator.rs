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
    let ca_line = match emulator.ca_pem() {
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
            let shown = std::path::absolute(&path).unwrap_or(path);
            format!(
                "export SSL_CERT_FILE={}   # trust the emulator's throw-away CA\n",
                shown.display()
            )
        }
        None => String::new(),
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
    let banner = banner(&base, &args, &ca_line);
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

/// What the emulator prints at start: its base URL first (scripts read it), then the
/// environment to point gsignin (or any backend) at it, its clients and how to mint a code.
fn banner(base: &str, args: &EmulatorArgs, ca_line: &str) -> String {
    let shown = |path: &std::path::PathBuf| {
        std::path::absolute(path)
            .unwrap_or(path.clone())
            .display()
            .to_string()
    };
    let client_secret_line = match (&args.write_client_secret, &args.write_installed_client_secret) {
        (Some(path), _) => format!("export GSIGNIN_CLIENT_SECRET={}", shown(path)),
        (None, Some(path)) => format!(
            "export GSIGNIN_CLIENT_SECRET={}   # the Desktop client, for gsignin login",
            shown(path)
        ),
        (None, None) => {
            "# add --write-client-secret PATH (web client) or --write-installed-client-secret PATH (Desktop client) to get a client secret file".into()
        }
    };
    format!(
        "{base}\n\
         # gsignin emulator: Google Sign-In on {base} (Ctrl-C stops it)\n\
         # Point gsignin at it:\n\
         export GSIGNIN_ISSUER={base}\n\
         export GSIGNIN_DRIVE_URL={base}/drive/v3\n\
         export GSIGNIN_API_URL={base}\n\
         {ca_line}{client_secret_line}\n\
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
