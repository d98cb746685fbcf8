//! `gsignin emulator`: serve the local Google until interrupted: on loopback for a developer,
//! or, with `--bind` and `--public-url`, as a service other machines reach (a CI service
//! container), its control API then behind a token. `control` is the other side: a script's
//! calls to a running emulator's control API (`gsignin emulator mint`).

mod control;

use crate::cli::EmulatorArgs;
use crate::context::Ctx;
use crate::emulator::{Emulator, Iss};
use crate::emulator::{
    INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET, WEB_CLIENT_ID, WEB_CLIENT_SECRET,
};
use crate::error::{Code, Error, Result};
use crate::fsutil;
use crate::output::{Data, Outcome};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(ctx: &Ctx, mut args: EmulatorArgs) -> Result<Outcome> {
    if let Some(command) = args.control.take() {
        return control::run(ctx, command);
    }
    refuse_client_options(ctx, &args)?;
    if !crate::google::endpoints::Endpoints::is_google(&ctx.settings().issuer) {
        ctx.warn(&format!(
            "--issuer / GSIGNIN_ISSUER ({}) is what gsignin talks to; the emulator is an issuer and ignores it: --iss chooses the `iss` its ID tokens carry",
            ctx.settings().issuer
        ));
    }
    let chosen = chosen_token(ctx, &args)?;
    let users = read_users(&args)?;
    let emulator = start(&args, chosen, users)?;
    if let Some(token) = emulator.control_token() {
        // Whatever this run says on stderr is scrubbed of it.
        ctx.diagnostics().seen().add(token);
    }
    warn_about_the_network(ctx, &args, &emulator);
    warn_about_the_public_port(ctx, &args, &emulator);
    let ca_path = write_ca(&emulator, &args)?;
    write_client_secrets(&emulator, &args)?;
    let started = Started::of(&emulator, &args, chosen.is_some());
    let env = environment(&started.url, &args, ca_path.as_deref());
    let text = if ctx.settings().json {
        format!("{}\n", startup_json(&started, &args, &env))
    } else {
        banner(&started, &args, &env)
    };
    {
        let mut out = ctx.io().stdout.borrow_mut();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
    emulator.wait();
    Ok(Outcome {
        data: Data::None,
        failure: None,
    })
}

/// Options of client commands given to the emulator, which is an issuer and no client: a
/// usage error naming the option, rather than an option silently dropped. Only what the
/// command line gave: GSIGNIN_* variables are there for the clients of the same shell.
fn refuse_client_options(ctx: &Ctx, args: &EmulatorArgs) -> Result<()> {
    let given = ctx
        .settings()
        .client_options_on_line
        .first()
        .copied()
        .or(args.audience.as_ref().map(|_| "--audience"));
    let Some(flag) = given else {
        return Ok(());
    };
    let (message, hint) = match flag {
        "--issuer" => (
            "--issuer belongs to client commands (exchange, whoami, api...), not to `gsignin emulator`, which is an issuer: --iss chooses the `iss` its ID tokens carry".to_string(),
            "drop --issuer; point clients at the emulator with the GSIGNIN_ISSUER line its banner prints".to_string(),
        ),
        "--audience" => (
            "--audience belongs to client commands (whoami), not to `gsignin emulator`: its ID tokens' audience is its web client's ID".to_string(),
            "drop --audience; `gsignin whoami --audience ID` checks a token's audience".to_string(),
        ),
        other => (
            format!("{other} belongs to client commands (exchange, login, token, api...), not to `gsignin emulator`, which stores nothing and reads no client secret"),
            format!("drop {other}; --write-client-secret PATH writes the emulator's client secret for its clients"),
        ),
    };
    Err(Error::usage(message, hint))
}

/// `--users FILE`: read strictly, before anything listens. A file it cannot read or use is a
/// usage error (as `api --input`'s), saying which user and what.
fn read_users(args: &EmulatorArgs) -> Result<Vec<crate::emulator::User>> {
    let Some(path) = &args.users else {
        return Ok(Vec::new());
    };
    let text = read_capped(path, crate::emulator::users::MAX_BYTES).map_err(|e| {
        Error::usage(
            format!("cannot read --users {}: {e}", path.display()),
            "check the path",
        )
    })?;
    crate::emulator::users::parse(&text).map_err(|e| {
        Error::usage(
            format!("--users {}: {e}", path.display()),
            "fix the file: a JSON array of {\"email\": ..., \"claims\": {...}} objects (docs/emulator-service.md, \"Users\")",
        )
    })
}

/// A file's bytes, one more than `max` at most (the parser then says it is too large).
pub(crate) fn read_capped(path: &Path, max: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A `--public-url` naming another port than the one it listens on works only if something
/// forwards one to the other (a published port, a proxy): said once, on stderr.
fn warn_about_the_public_port(ctx: &Ctx, args: &EmulatorArgs, emulator: &Emulator) {
    let Some(public) = args
        .public_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
    else {
        return;
    };
    let listening = listen_addr(args, emulator).port();
    if let Some(port) = public.port_or_known_default()
        && port != listening
    {
        ctx.warn(&format!(
            "--public-url names port {port}, but the emulator listens on port {listening}: its clients reach it only if something forwards {port} to {listening} (give --port {port} otherwise)"
        ));
    }
}

/// The control token the operator chose: `--control-token` (warned: argv is readable by every
/// local user), else GSIGNIN_EMULATOR_CONTROL_TOKEN.
fn chosen_token<'a>(ctx: &'a Ctx, args: &'a EmulatorArgs) -> Result<Option<&'a str>> {
    if let Some(token) = &args.control_token {
        ctx.diagnostics().seen().add(token);
        ctx.warn(&format!(
            "--control-token puts the token in argv, which every local user can read (ps, /proc): set {} instead",
            crate::envvars::EMULATOR_CONTROL_TOKEN
        ));
        return Ok(Some(token));
    }
    let Some(token) = ctx.settings().emulator_control_token.as_ref() else {
        return Ok(None);
    };
    if token.expose().is_empty() {
        return Err(Error::new(
            Code::ControlTokenEmpty,
            format!(
                "{} is set but empty (a CI secret that is not there, as in a fork's pull request)",
                crate::envvars::EMULATOR_CONTROL_TOKEN
            ),
            "set it to the token the control calls send, or unset it for a new random one",
        ));
    }
    ctx.diagnostics().seen().add(token.expose());
    Ok(Some(token.expose()))
}

/// Starts the emulator as the options say. A token it cannot use is a usage error (exit 2),
/// an address it cannot take exit 6, before anything is written.
fn start(
    args: &EmulatorArgs,
    token: Option<&str>,
    users: Vec<crate::emulator::User>,
) -> Result<Emulator> {
    let mut builder = Emulator::builder()
        .users(users)
        .port(args.port)
        .bind(args.bind)
        .rotate_refresh_tokens(args.rotate_refresh_tokens)
        .testing_mode(args.testing_mode)
        .auto_approve(args.auto_approve)
        // A long-lived emulator others may point a backend at: keys of its own, never the
        // crate's published test keys.
        .fresh_keys(true)
        // A service signs an ID token per answer: one thread per core.
        .workers(std::thread::available_parallelism().map_or(2, std::num::NonZero::get));
    if let Some(url) = &args.public_url {
        builder = builder.public_url(url.as_str());
    }
    if let Some(token) = token {
        builder = builder.control_token(token);
    }
    if let Some(iss) = args.iss.as_deref().and_then(Iss::parse) {
        builder = builder.iss(iss);
    }
    if args.tls {
        builder = builder.tls();
    }
    builder.start().map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidInput => Error::usage(
            e.to_string(),
            format!(
                "choose another: export {}=$(openssl rand -hex 32)",
                crate::envvars::EMULATOR_CONTROL_TOKEN
            ),
        ),
        std::io::ErrorKind::AddrNotAvailable => Error::cannot_listen(
            &format!("{} port {}", args.bind, args.port),
            &e,
            "--bind an address of this machine, or 0.0.0.0 (::) for all of them",
        ),
        _ => Error::cannot_listen(
            &format!("{} port {}", args.bind, args.port),
            &e,
            "pick another --port, or 0 for any free one",
        ),
    })
}

/// Beyond loopback, what the operator should know: who can reach it, and whether the URL its
/// answers name is one other machines can use.
fn warn_about_the_network(ctx: &Ctx, args: &EmulatorArgs, emulator: &Emulator) {
    if args.bind.to_canonical().is_loopback() {
        return;
    }
    ctx.warn(&format!(
        "listening on {}: whoever reaches it can sign in as any account with its public client secrets; keep it on a private network (a CI service network)",
        listen_addr(args, emulator)
    ));
    if args.public_url.is_none() && args.bind.to_canonical().is_unspecified() {
        ctx.warn(&format!(
            "its answers name {}, which other machines cannot reach: give --public-url with the URL they use (http://google-emulator:8080)",
            emulator.base_url()
        ));
    }
}

/// The address and port it listens on (`0.0.0.0:8080`, `[::]:8080`).
fn listen_addr(args: &EmulatorArgs, emulator: &Emulator) -> std::net::SocketAddr {
    let port = emulator
        .base_url()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(args.port);
    std::net::SocketAddr::new(args.bind, port)
}

/// With `--tls`: the throw-away CA's certificate, written for SSL_CERT_FILE.
fn write_ca(emulator: &Emulator, args: &EmulatorArgs) -> Result<Option<PathBuf>> {
    let Some(ca) = emulator.ca_pem() else {
        return Ok(None);
    };
    let port = listen_addr(args, emulator).port();
    let path = args
        .write_ca
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("gsignin-emulator-ca-{port}.pem")));
    fsutil::write_private_atomic(&path, ca.as_bytes()).map_err(|e| {
        Error::other(
            format!("cannot write the CA certificate to {}: {e}", path.display()),
            "choose a writable path with --write-ca",
        )
    })?;
    Ok(Some(std::path::absolute(&path).unwrap_or(path)))
}

/// The client secret files asked for, naming the public URL.
fn write_client_secrets(emulator: &Emulator, args: &EmulatorArgs) -> Result<()> {
    let write = |path: &Path, text: String, flag: &str| {
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
    Ok(())
}

/// What the start-up lines say about the running emulator.
struct Started<'a> {
    /// The base URL its clients use and its answers name (`--public-url`, else `local`).
    url: String,
    /// Where a process on this machine reaches it.
    local: String,
    listen: std::net::SocketAddr,
    /// A token this run made up, to print: a chosen one is never printed (the operator has
    /// it, and start-up lines end up in CI logs).
    new_token: Option<&'a str>,
    token_required: bool,
    iss: String,
}

impl<'a> Started<'a> {
    fn of(emulator: &'a Emulator, args: &EmulatorArgs, token_chosen: bool) -> Started<'a> {
        Started {
            url: emulator.public_url(),
            local: emulator.base_url().to_string(),
            listen: listen_addr(args, emulator),
            new_token: emulator.control_token().filter(|_| !token_chosen),
            token_required: emulator.control_token().is_some(),
            iss: emulator.iss(),
        }
    }

    /// Whether ID tokens carry Google's `iss` while clients reach it on another host: Google's
    /// libraries accept that (given the certs URL), OpenID clients and gsignin do not.
    fn googles_iss_elsewhere(&self) -> bool {
        let elsewhere =
            url::Url::parse(&self.url).is_ok_and(|u| !crate::server::net::is_loopback(&u));
        elsewhere && self.iss != self.url
    }
}

/// The variables that point gsignin (or any backend) at the emulator: name, value, and what
/// a person should know of it.
fn environment(
    base: &str,
    args: &EmulatorArgs,
    ca: Option<&Path>,
) -> Vec<(&'static str, String, &'static str)> {
    let shown = |path: &PathBuf| {
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
    let plain_http_elsewhere = url::Url::parse(base)
        .is_ok_and(|u| u.scheme() == "http" && !crate::server::net::is_loopback(&u));
    if plain_http_elsewhere {
        env.push((
            crate::envvars::INSECURE_HTTP,
            "1".to_string(),
            "plain http to a host other than loopback: for an emulator only",
        ));
    }
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
    started: &Started<'_>,
    args: &EmulatorArgs,
    env: &[(&'static str, String, &'static str)],
) -> serde_json::Value {
    let path = |p: &Option<PathBuf>| {
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
    let base = &started.url;
    serde_json::json!({
        "url": base,
        "local_url": started.local,
        "listen": started.listen.to_string(),
        "iss": started.iss,
        "web_client": {"client_id": WEB_CLIENT_ID, "client_secret": WEB_CLIENT_SECRET},
        "installed_client": {"client_id": INSTALLED_CLIENT_ID, "client_secret": INSTALLED_CLIENT_SECRET},
        "client_secret_file": path(&args.write_client_secret),
        "installed_client_secret_file": path(&args.write_installed_client_secret),
        "env": vars,
        "authorization_endpoint": format!("{base}/o/oauth2/v2/auth"),
        "control": format!("{base}/control"),
        "control_token_required": started.token_required,
        "control_token": started.new_token,
    })
}

/// What the emulator prints at start: its base URL first (scripts read it), then the
/// environment to point gsignin (or any backend) at it, its clients, how to mint a code, and
/// the control token it made up, if it made one.
fn banner(
    started: &Started<'_>,
    args: &EmulatorArgs,
    env: &[(&'static str, String, &'static str)],
) -> String {
    let base = &started.url;
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
    let listening = if started.local == *base {
        String::new()
    } else {
        format!(", listening on {}", started.listen)
    };
    format!(
        "{base}\n\
         # gsignin emulator: Google Sign-In on {base}{listening} (Ctrl-C stops it)\n\
         # Point gsignin at it:\n\
         {exports}\
         # On a machine without a keyring (most CI): export GSIGNIN_STORE=file\n\
         # Its web client: client_id {WEB_CLIENT_ID}, client_secret {WEB_CLIENT_SECRET} (a test value)\n\
         # Its Desktop client: client_id {INSTALLED_CLIENT_ID}, client_secret {INSTALLED_CLIENT_SECRET}\n\
         # Authorization page: {base}/o/oauth2/v2/auth (sign-in, consent, PKCE; --auto-approve skips the pages)\n\
         # Mint a serverAuthCode as a mobile sign-in would, then exchange it (piped: argv is readable by every local user):\n\
         #   gsignin emulator mint --email alice@example.com | gsignin exchange -\n\
         # From the command line too: gsignin emulator fault|clock|grants|users (gsignin emulator --help)\n\
         # Control API: POST /control/codes, POST /control/users, POST|DELETE /control/faults, POST /control/clock,\n\
         #   POST /control/keys/rotate, POST /control/grants, POST /control/settings, GET /control/stats\n\
         {}{}",
        control_lines(started),
        iss_lines(started),
    )
}

/// How to get past the control API's token, when it has one.
fn control_lines(started: &Started<'_>) -> String {
    match (started.new_token, started.token_required) {
        (Some(token), _) => format!(
            "# control token: {token}\n\
             #   every /control/ request needs Authorization: Bearer TOKEN: export {}=TOKEN for `gsignin emulator mint` above (or choose your own with it)\n",
            crate::envvars::EMULATOR_CONTROL_TOKEN
        ),
        (None, true) => "# Every /control/ request needs Authorization: Bearer with the control token you chose\n"
            .to_string(),
        (None, false) => String::new(),
    }
}

/// What a client must do with Google's `iss` on a service reached by another name.
fn iss_lines(started: &Started<'_>) -> String {
    if !started.googles_iss_elsewhere() {
        return String::new();
    }
    format!(
        "# ID tokens carry iss {}: Google's libraries accept them given the certs URL {}/oauth2/v1/certs;\n\
         #   gsignin and OpenID clients, which match discovery's issuer to its URL, need the default --iss (url)\n",
        started.iss, started.url
    )
}
