//! The command line, as clap types only: the contract's options and commands.
//!
//! Doc comments here are the `--help` text. Nothing in this file touches the environment beyond
//! what clap's `env =` reads, the disk or the network; `context.rs` resolves these into settings.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

// First: it holds `commands!`, which writes `Command` below.
#[macro_use]
mod one_command;

const EXIT_CODES: &str = "Exit codes:
  0  success
  1  any other failure
  2  bad usage (wrong flags or arguments)
  3  a token was rejected: malformed, bad signature, expired, wrong issuer or audience
  4  not authorized: nothing stored, refresh token revoked or expired, missing scope, code already used
  5  network or server trouble: unreachable, timeout, 5xx or 429 after retries
  6  configuration or storage: client secret missing or invalid, keyring unavailable, rescue file written";

const VERSION: &str = env!("CARGO_PKG_VERSION");
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("GSIGNIN_GIT_COMMIT"),
    ")"
);

/// The server side of Google Sign-In from a terminal.
///
/// Trade a mobile app's serverAuthCode for tokens, keep the refresh token in the OS keyring,
/// verify ID tokens against Google's keys, and run a local Google emulator for tests.
#[derive(Debug, Parser)]
#[command(
    name = "gsignin",
    version = VERSION,
    long_version = LONG_VERSION,
    propagate_version = true,
    max_term_width = 100,
    after_long_help = crate::envvars::long_help_tail(EXIT_CODES)
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The options every command takes: under their own heading in each command's help, after
/// the command's own.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Google client secret file (`web` or `installed` form) [default: client_secret.json in the
    /// config dir]
    #[arg(
        long,
        global = true,
        env = crate::envvars::CLIENT_SECRET,
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub client_secret: Option<PathBuf>,

    /// Which stored sign-in to use or write
    #[arg(
        long,
        global = true,
        env = crate::envvars::PROFILE,
        hide_env_values = true,
        default_value = "default",
        value_name = "NAME",
        add = clap_complete::engine::ArgValueCandidates::new(crate::store::stored_profiles)
    )]
    pub profile: String,

    /// Where secrets live; `file` is an explicit opt-in (mode 0600 files)
    #[arg(
        long,
        global = true,
        env = crate::envvars::STORE,
        hide_env_values = true,
        default_value = "keyring",
        value_name = "STORE"
    )]
    pub store: StoreArg,

    /// OpenID issuer; any other than Google's is found through its discovery document
    /// [default: https://accounts.google.com, or the profile's own]
    #[arg(
        long,
        global = true,
        env = crate::envvars::ISSUER,
        hide_env_values = true,
        value_name = "URL"
    )]
    pub issuer: Option<String>,

    /// Base URL for `gsignin api` paths without a host
    #[arg(
        long,
        global = true,
        env = crate::envvars::API_URL,
        hide_env_values = true,
        default_value = crate::google::DEFAULT_API_URL,
        value_name = "URL"
    )]
    pub api_url: String,

    /// Drive API base URL
    #[arg(
        long,
        global = true,
        env = crate::envvars::DRIVE_URL,
        hide_env_values = true,
        default_value = "https://www.googleapis.com/drive/v3",
        value_name = "URL"
    )]
    pub drive_url: String,

    /// Machine output on stdout: one JSON document (JSON Lines for many inputs)
    #[arg(long, global = true)]
    pub json: bool,

    /// Show HTTP requests and responses on stderr, every secret redacted
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Colour human output: on a terminal (auto, unless NO_COLOR is set), always, or never
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorArg,

    /// Seconds to wait for each try of an HTTP request (1 to 3600); a try that fails on the
    /// network is made again when that is safe (3 tries at most), so a hung server costs up to
    /// about three times SECS plus the waits between tries
    #[arg(
        long,
        global = true,
        env = crate::envvars::TIMEOUT,
        hide_env_values = true,
        default_value_t = 30,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub timeout: u64,

    /// One folder that replaces the config, cache and data dirs
    #[arg(
        long,
        global = true,
        env = crate::envvars::HOME,
        hide_env_values = true,
        hide = true
    )]
    pub home: Option<PathBuf>,

    /// The client-only options the command line itself gave (`--issuer`, not GSIGNIN_ISSUER),
    /// as written: `emulator` refuses them. Filled in by [`Cli::parse_args`].
    #[arg(skip)]
    pub client_options_on_line: Vec<&'static str>,
}

/// The global options that belong to client commands (id, as written): given to `emulator`
/// on its command line, they are a usage error.
const CLIENT_OPTIONS: &[(&str, &str)] = &[
    ("issuer", "--issuer"),
    ("profile", "--profile"),
    ("store", "--store"),
    ("client_secret", "--client-secret"),
];

/// Which of [`CLIENT_OPTIONS`] the command line gave, in `matches` (of the whole tree's top
/// and its command, or of one command alone).
fn client_options_on_line<'a>(
    matches: impl IntoIterator<Item = &'a clap::ArgMatches>,
) -> Vec<&'static str> {
    let matches: Vec<&clap::ArgMatches> = matches.into_iter().collect();
    CLIENT_OPTIONS
        .iter()
        .filter(|(id, _)| {
            matches
                .iter()
                .any(|m| m.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
        })
        .map(|(_, flag)| *flag)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

impl From<ColorArg> for crate::io::ColorChoice {
    fn from(arg: ColorArg) -> Self {
        match arg {
            ColorArg::Auto => crate::io::ColorChoice::Auto,
            ColorArg::Always => crate::io::ColorChoice::Always,
            ColorArg::Never => crate::io::ColorChoice::Never,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    /// The OS keyring (Secret Service, Keychain, Credential Manager)
    Keyring,
    /// Files of mode 0600 in the data dir
    File,
}

impl StoreArg {
    /// The value as written on the command line.
    pub fn word(self) -> &'static str {
        match self {
            StoreArg::Keyring => "keyring",
            StoreArg::File => "file",
        }
    }
}

impl From<StoreArg> for crate::store::StoreKind {
    fn from(arg: StoreArg) -> Self {
        match arg {
            StoreArg::Keyring => crate::store::StoreKind::Keyring,
            StoreArg::File => crate::store::StoreKind::File,
        }
    }
}

// The commands are written once, inside `commands!` (one_command.rs), which makes both the
// `Command` enum and, for each command, a one-command enum with the same attributes: a command
// line is parsed against the global options and its own command alone (`Cli::parse_args`).
commands! {
    /// Trade a one-time serverAuthCode for tokens and store the refresh token
    ///
    /// CODE may be the bare code, a percent-encoded code, or a whole redirect URL holding
    /// `code=`. With `-` it is read from stdin; with nothing on a terminal you are asked for it
    /// without echo. The store is checked writable before the code is spent.
    ///
    /// A code given as an argument is readable by every local user while the command runs
    /// (ps, /proc): for real codes prefer the prompt or `-`.
    ///
    /// Examples:
    ///   gsignin exchange                      (asks without echo)
    ///   pbpaste | gsignin exchange - --json
    #[command(verbatim_doc_comment)]
    Exchange(ExchangeArgs),

    /// Sign in through the browser (loopback redirect, PKCE) and store the sign-in
    ///
    /// Opens the system browser (BROWSER is honoured) on the issuer's sign-in page and always
    /// prints the URL on stderr. The redirect comes back to 127.0.0.1 (a free port, or --port
    /// for a web client whose loopback redirect URI is registered); its state, PKCE verifier
    /// and the ID token's nonce are checked. Needs a Desktop ("installed") client secret, or a
    /// web one with a loopback redirect URI. Stores and reports as `exchange` does.
    ///
    /// Examples:
    ///   gsignin login
    ///   gsignin login --no-browser            (over SSH: open the URL elsewhere, paste the result)
    ///   gsignin login --scope openid --scope email --login-hint alice@example.com
    #[command(verbatim_doc_comment)]
    Login(LoginArgs),

    /// Be the app's backend: receive a serverAuthCode by POST and exchange it at once
    ///
    /// A debug build posts its code (form field, JSON field or plain body named code, authCode
    /// or serverAuthCode) with an X-Requested-With header; gsignin exchanges and stores it as
    /// `exchange` does and answers the app with who signed in (never a token). Listens on
    /// 127.0.0.1 (an Android emulator reaches it as 10.0.2.2). Another --bind needs --tls and a
    /// pairing token. The first line on stdout is its URL; then the URLs and Kotlin and Swift
    /// snippets for the app.
    ///
    /// Examples:
    ///   gsignin receive
    ///   gsignin receive --keep                       (every user their own profile, by email)
    ///   gsignin receive --bind 0.0.0.0 --tls --write-cert gsignin.pem
    #[command(verbatim_doc_comment)]
    Receive(ReceiveArgs),

    /// Get a new access token (and ID token) with the stored refresh token
    ///
    /// A rotated refresh token replaces the old one atomically, under a per-profile lock.
    ///
    /// Examples:
    ///   gsignin refresh
    ///   curl -H "Authorization: Bearer $(gsignin refresh --print access-token)" ...
    #[command(verbatim_doc_comment)]
    Refresh(RefreshArgs),

    /// Print the profile's access token (or ID token) alone, refreshed only when needed
    ///
    /// Examples:
    ///   curl -H "Authorization: Bearer $(gsignin token)" https://www.googleapis.com/drive/v3/about?fields=user
    ///   gsignin token --id-token --min-valid 600
    #[command(verbatim_doc_comment)]
    Token(TokenArgs),

    /// List the stored sign-ins (never a secret); --check proves each refresh token works
    ///
    /// Examples:
    ///   gsignin status
    ///   gsignin status --check --json
    #[command(verbatim_doc_comment)]
    Status(StatusArgs),

    /// Revoke the sign-in at the issuer, then delete everything stored for the profile
    ///
    /// Examples:
    ///   gsignin revoke --profile staging
    ///   gsignin revoke --local
    #[command(verbatim_doc_comment)]
    Revoke(RevokeArgs),

    /// Store a sign-in from a rescue file, then delete the file
    ///
    /// A sign-in that could not be stored (or that another user's sign-in replaced) is kept in
    /// a 0600 rescue file whose path the error or warning named. This stores it under the
    /// profile it names (or --to NAME), in --store's store, and deletes the file. A profile
    /// holding another user's sign-in, or a newer one of the same user, is never replaced.
    ///
    /// Examples:
    ///   gsignin restore ~/.local/share/gsignin/rescue/gsignin-rescue-default-1795500000-abc.json
    ///   gsignin restore --to staging gsignin-rescue-default-1795500000-abc.json
    #[command(verbatim_doc_comment)]
    Restore(RestoreArgs),

    /// Call Drive for the user offline: show the app data folder, or list its files
    ///
    /// Uses the profile's access token (refreshed when it expires within 60 s; a 401 refreshes
    /// once and retries once). Needs the drive.appdata scope.
    ///
    /// Examples:
    ///   gsignin drive-appfolder
    ///   gsignin drive-appfolder --list --json | jq -r '.files[].name'
    #[command(verbatim_doc_comment)]
    DriveAppfolder(DriveArgs),

    /// Call any Google API with the stored sign-in, as `gh api` does for GitHub
    ///
    /// PATH is relative to --api-url (https://www.googleapis.com); a whole URL works too. The
    /// access token goes only to https hosts under googleapis.com and to the --api-url host,
    /// unless --allow-host names another. Fields are query parameters for GET and DELETE, a
    /// JSON body for POST, PUT and PATCH; the method is GET unless -X says otherwise or
    /// --input is given. The token is refreshed when it expires within 60 s; a 401 refreshes
    /// once and retries once.
    ///
    /// Examples:
    ///   gsignin api drive/v3/about -f fields=user
    ///   gsignin api people/v1/people/me -f personFields=names,emailAddresses --jq .names[0].displayName
    ///   gsignin api gmail/v1/users/me/messages -F maxResults=5 --paginate --jq '.messages[].id'
    ///   gsignin api -X POST drive/v3/files -f name=state.json -f 'parents[]=appDataFolder'
    #[command(verbatim_doc_comment)]
    Api(ApiArgs),

    /// Verify an ID token and show its claims, or show who the stored sign-in is
    ///
    /// Every check is reported with its reason; exit 3 when a token is rejected. Any
    /// Google-signed token is named by its issuer and judged by its kind's keys and rules: a
    /// Google ID token (a service account's too), a Firebase ID token or session cookie, the
    /// Firebase Auth emulator's unsigned tokens (never valid), an IAP assertion (ES256), a
    /// service account's own JWT. --audience is the client ID, Firebase project, IAP backend
    /// or API the token must be for.
    ///
    /// Examples:
    ///   gsignin whoami eyJhbGciOiJSUzI1NiIs...
    ///   gsignin whoami - --json < tokens.txt | jq -c 'select(.valid | not) | .error'
    ///   gsignin whoami "$TOKEN" --jwks certs.json --now 2026-11-25T06:00:00Z
    ///   gsignin whoami --access-token --json           (the profile's access token, at tokeninfo)
    #[command(verbatim_doc_comment)]
    Whoami(WhoamiArgs),

    /// Run a local Google Sign-In emulator on 127.0.0.1
    ///
    /// The first line on stdout is its base URL; then the environment that points gsignin (or
    /// any backend) at it, and how to mint a serverAuthCode. With a command, it calls a running
    /// emulator's control API instead (--url, else GSIGNIN_ISSUER).
    ///
    /// Examples:
    ///   gsignin emulator --port 8089 --write-client-secret ./client_secret.json
    ///   gsignin emulator --users users.json --auto-approve
    ///   gsignin emulator mint --email bob@example.com | gsignin exchange -
    #[command(verbatim_doc_comment)]
    Emulator(EmulatorArgs),

    /// Run the whole job against an in-process emulator in a throw-away home
    Demo,

    /// Print a shell completion script
    ///
    /// Examples:
    ///   gsignin completions bash > ~/.local/share/bash-completion/completions/gsignin
    ///   gsignin completions zsh > "${fpath[1]}/_gsignin"
    #[command(verbatim_doc_comment)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff), or a command's own page
    ///
    /// Examples:
    ///   gsignin man > ~/.local/share/man/man1/gsignin.1
    ///   gsignin man api > ~/.local/share/man/man1/gsignin-api.1
    #[command(verbatim_doc_comment)]
    Man {
        /// The command whose page to print (gsignin-COMMAND(1)) [default: gsignin(1)]
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

/// How a new sign-in is reported: `exchange` and `login` take the same options.
#[derive(Debug, Args)]
pub struct SignInReportArgs {
    /// Also print the access token and the ID token
    #[arg(long)]
    pub show_tokens: bool,

    /// Also print the refresh token
    #[arg(long)]
    pub show_refresh_token: bool,

    /// Warn when the granted scopes lack SCOPE (repeatable)
    #[arg(long = "expect-scope", value_name = "SCOPE")]
    pub expect_scopes: Vec<String>,

    #[command(flatten)]
    pub require: RequireArgs,
}

/// What a sign-in must hold for the run to succeed: a CI smoke test fails on a degraded grant
/// instead of parsing text. The tokens are stored either way.
#[derive(Debug, Args, Default, Clone)]
pub struct RequireArgs {
    /// Exit 4 (scope_missing) unless the grant holds SCOPE (repeatable); tokens still stored
    #[arg(long = "require-scope", value_name = "SCOPE", value_parser = a_scope)]
    pub require_scopes: Vec<String>,

    /// Exit 4 (no_refresh_token) unless the sign-in holds a refresh token
    #[arg(long)]
    pub require_refresh_token: bool,
}

#[derive(Debug, Args)]
pub struct ExchangeArgs {
    /// The serverAuthCode, a redirect URL holding `code=`, or `-` for stdin (a code that
    /// starts with `-` goes after `--`)
    // Not `allow_hyphen_values`: a mistyped flag (`--show-token`) would be sent to the issuer
    // as the code. Other issuers' base64url codes that start with `-` go after `--`.
    #[arg(value_name = "CODE|-")]
    pub code: Option<String>,

    /// The redirect_uri the code was issued for; empty for a mobile serverAuthCode
    #[arg(long, default_value = "", value_name = "URI")]
    pub redirect_uri: String,

    #[command(flatten)]
    pub report: SignInReportArgs,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// A scope to request (repeatable) [default: openid email profile drive.appdata]
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,

    /// Listen on this port of 127.0.0.1 (a web client's registered loopback redirect) [default:
    /// a free port for a Desktop client; the registered one for a web client]
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,

    /// Do not open a browser: print the URL, and also accept the redirect URL pasted back
    #[arg(long)]
    pub no_browser: bool,

    /// Preselect this account on the sign-in page
    #[arg(long, value_name = "EMAIL")]
    pub login_hint: Option<String>,

    /// Seconds to wait for the browser to come back (1 to 86400)
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..=86400)
    )]
    pub wait: u64,

    #[command(flatten)]
    pub report: SignInReportArgs,
}

#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8787, value_name = "N")]
    pub port: u16,

    /// Address to listen on; anything but loopback needs --tls (and gets a pairing token)
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,

    /// Serve HTTPS with a throw-away self-signed certificate (its SHA-256 fingerprint is printed)
    #[arg(long)]
    pub tls: bool,

    /// Write the --tls certificate (PEM) to PATH, for the debug build to trust
    #[arg(long, value_name = "PATH", requires = "tls")]
    pub write_cert: Option<PathBuf>,

    /// Serve until interrupted, storing each user under a profile named by their email
    #[arg(long)]
    pub keep: bool,

    #[command(flatten)]
    pub require: RequireArgs,
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// Also print the new access token and ID token
    #[arg(long)]
    pub show_tokens: bool,

    /// Also print the refresh token (the new one, when the issuer rotated it)
    #[arg(long)]
    pub show_refresh_token: bool,

    /// Print only this raw token on stdout, for `$(...)` in scripts
    #[arg(long, value_name = "WHAT", conflicts_with_all = ["show_tokens", "show_refresh_token"])]
    pub print: Option<PrintWhat>,

    #[command(flatten)]
    pub require: RequireArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrintWhat {
    AccessToken,
    IdToken,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Use the cached token only if it stays valid this many seconds more
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub min_valid: i64,

    /// Print the ID token instead of the access token
    #[arg(long)]
    pub id_token: bool,
}

#[derive(Debug, Args)]
pub struct DriveArgs {
    /// List the files in appDataFolder (every page)
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// A path under --api-url (drive/v3/about), or a whole https URL
    #[arg(value_name = "URL|PATH")]
    pub target: String,

    /// The HTTP method [default: GET, or POST with --input]
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,

    /// A string field: KEY=VALUE (nested keys as gh: a[b]=v, a[]=v)
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,

    /// A typed field: a number, true, false, null, or @FILE for a file's content (@- stdin)
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,

    /// A request header, 'Name: value' (repeatable; never Authorization)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// The request body from FILE, or - for stdin (fields then go to the query)
    #[arg(long, value_name = "FILE|-")]
    pub input: Option<PathBuf>,

    /// Follow nextPageToken (GET) and print every page
    #[arg(long)]
    pub paginate: bool,

    /// Print the status line and the headers before the body
    #[arg(short = 'i', long)]
    pub include: bool,

    /// Filter each page's JSON with a jq expression (strings print raw)
    #[arg(short = 'q', long, value_name = "EXPR")]
    pub jq: Option<String>,

    /// Also send the token to HOST (repeatable); the transport rule still applies
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Also refresh each profile to prove its refresh token works
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Only delete what is stored; do not call the issuer
    #[arg(long)]
    pub local: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The rescue file (gsignin-rescue-….json)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Store it under this profile instead of the one it names
    #[arg(long, value_name = "PROFILE")]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// An ID token (or with --access-token an access token), or `-` to read one token per
    /// line from stdin; none: the profile's
    #[arg(value_name = "TOKEN|-")]
    pub token: Option<std::ffi::OsString>,

    /// The expected `aud` [default: for a Google ID token, the client secret's client_id]
    #[arg(long, value_name = "ID", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub audience: Option<String>,

    /// Require this Google Workspace domain in the `hd` claim
    #[arg(long, value_name = "DOMAIN", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub hd: Option<String>,

    /// Decode only, without verifying anything
    #[arg(long)]
    pub no_verify: bool,

    /// Judge time claims at this instant instead of now
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,

    /// Verify against a JWKS or Google PEM certificate map from a FILE (saved earlier: works
    /// offline) or a URL (https, or http on loopback) instead of the keys of the token's kind
    #[arg(long, value_name = "FILE|URL")]
    pub jwks: Option<PathBuf>,

    /// Inspect an access token (TOKEN, `-` for stdin, or the profile's) at the issuer's
    /// tokeninfo or introspection endpoint
    #[arg(long, conflicts_with_all = ["audience", "hd", "no_verify", "now", "jwks"])]
    pub access_token: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EmulatorArgs {
    /// A call to a running emulator's control API instead of running one
    #[command(subcommand)]
    pub control: Option<EmulatorCommand>,

    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub port: u16,

    /// Address to listen on, IPv4 or IPv6 (0.0.0.0 or :: in a service container); any address
    /// but loopback puts the control API behind a token
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// The base URL clients reach it by (http://google-emulator:8080): discovery, client
    /// secret files and every answer name it, and the control API accepts its Host; ID tokens'
    /// iss is this URL unless --iss says otherwise
    #[arg(long, value_name = "URL", value_parser = crate::emulator::public_base_url)]
    pub public_url: Option<String>,

    /// The control API's token, then required as `Authorization: Bearer TOKEN` (prefer
    /// GSIGNIN_EMULATOR_CONTROL_TOKEN: other local users can read argv) [default: a random
    /// one, printed at start, on any address but loopback]
    #[arg(long, value_name = "TOKEN")]
    pub control_token: Option<String>,

    /// Write a client secret file for the emulator's web client to PATH
    #[arg(long, value_name = "PATH")]
    pub write_client_secret: Option<PathBuf>,

    /// Write a client secret file for the emulator's Desktop client (any loopback port) to PATH
    #[arg(long, value_name = "PATH")]
    pub write_installed_client_secret: Option<PathBuf>,

    /// The authorization page approves at once, as the login_hint user (else alice@example.com)
    #[arg(long)]
    pub auto_approve: bool,

    /// Issue a new refresh token on every refresh (reuse of a replaced one revokes the grant)
    #[arg(long)]
    pub rotate_refresh_tokens: bool,

    /// Behave like an app in Google's Testing status: refresh tokens expire after 7 days
    #[arg(long)]
    pub testing_mode: bool,

    /// Serve HTTPS with a throw-away CA (written to --write-ca, for SSL_CERT_FILE)
    #[arg(long)]
    pub tls: bool,

    /// Where --tls writes its CA certificate [default: a file in the temp dir]
    #[arg(long, value_name = "PATH", requires = "tls")]
    pub write_ca: Option<PathBuf>,

    /// The `iss` of ID tokens (and discovery's `issuer`): Google's (what Google's own libraries
    /// verify), its legacy spelling, or `url` (the emulator's URL, for strict OpenID clients)
    /// [default: https://accounts.google.com; with --public-url, url]
    #[arg(
        long,
        value_name = "ISS",
        value_parser = ["https://accounts.google.com", "accounts.google.com", "url"]
    )]
    pub iss: Option<String>,

    /// Users it knows from the start: a JSON array of {email, sub, name, given_name,
    /// family_name, picture, locale, hd, email_verified, claims}; the authorization page offers
    /// them as accounts
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,

    /// `whoami`'s option, taken here only to be refused with a word on where it belongs
    #[arg(long, hide = true, value_name = "ID")]
    pub audience: Option<String>,
}

/// The control API of a running emulator, from the command line: what a test script needs
/// without curl. Each prints the control API's JSON answer (`mint`: the code alone).
#[derive(Debug, Subcommand)]
pub enum EmulatorCommand {
    /// Mint a serverAuthCode as a phone's sign-in would get one, and print it alone
    ///
    /// The emulator is --url, else GSIGNIN_ISSUER; its control token, if it needs one, comes
    /// from GSIGNIN_EMULATOR_CONTROL_TOKEN only (never argv). --json prints the control API's
    /// whole answer (code, expires_in, email, sub, scope).
    ///
    /// Examples:
    ///   gsignin emulator mint --email bob@example.com | gsignin exchange -
    ///   gsignin emulator mint --scope openid --scope email --json
    #[command(verbatim_doc_comment)]
    Mint(MintArgs),

    /// Inject a fault (a JSON object: path, status, latency_ms, hang, drop, lose_answer, count,
    /// retry_after, body), or clear them all
    ///
    /// Examples:
    ///   gsignin emulator fault add '{"path":"/token","status":503,"count":2}'
    ///   gsignin emulator fault clear
    #[command(verbatim_doc_comment)]
    Fault {
        #[command(subcommand)]
        action: FaultAction,
    },

    /// Move the emulator's clock (negative seconds move it back)
    ///
    /// Example:
    ///   gsignin emulator clock --advance 3600
    #[command(verbatim_doc_comment)]
    Clock(ClockArgs),

    /// Change grants as a user or an admin would: revoke them, or demand re-authentication
    ///
    /// Example:
    ///   gsignin emulator grants --email alice@example.com --action revoke
    #[command(verbatim_doc_comment)]
    Grants(GrantsArgs),

    /// Add users (the --users file's format) to a running emulator
    ///
    /// Example:
    ///   gsignin emulator users add users.json
    #[command(verbatim_doc_comment)]
    Users {
        #[command(subcommand)]
        action: UsersAction,
    },
}

/// Which running emulator a control call goes to.
#[derive(Debug, Args, Clone)]
pub struct ControlUrlArgs {
    /// The emulator's base URL [default: GSIGNIN_ISSUER]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct MintArgs {
    /// The user who signs in [default: alice@example.com]
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,

    /// A scope the sign-in grants (repeatable) [default: openid email profile drive.appdata]
    #[arg(long = "scope", value_name = "SCOPE", value_parser = a_scope)]
    pub scopes: Vec<String>,

    /// Seconds the code stays good (`--lifetime 1` makes one that has expired a second later;
    /// moving the clock would move the tokens' `iat` too) [default: 600, Google's]
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(i64).range(1..=86_400))]
    pub lifetime: Option<i64>,

    #[command(flatten)]
    pub target: ControlUrlArgs,
}

#[derive(Debug, Subcommand)]
pub enum FaultAction {
    /// Add a fault: a JSON object, or - to read it from stdin
    Add {
        #[arg(value_name = "JSON|-")]
        fault: String,
        #[command(flatten)]
        target: ControlUrlArgs,
    },
    /// Remove every fault
    Clear {
        #[command(flatten)]
        target: ControlUrlArgs,
    },
}

#[derive(Debug, Args)]
pub struct ClockArgs {
    /// Seconds to move the clock forward (negative: back)
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub advance: i64,

    #[command(flatten)]
    pub target: ControlUrlArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum GrantAction {
    /// The user removed the app's access
    Revoke,
    /// A Workspace policy demands re-authentication (invalid_rapt on refresh)
    InvalidRapt,
    /// Re-authentication done
    ClearRapt,
}

#[derive(Debug, Args)]
pub struct GrantsArgs {
    /// Whose grants [default: every grant]
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,

    /// What happens to them
    #[arg(long, value_name = "ACTION")]
    pub action: GrantAction,

    #[command(flatten)]
    pub target: ControlUrlArgs,
}

#[derive(Debug, Subcommand)]
pub enum UsersAction {
    /// Add (or replace, by email) the users of FILE, a JSON array, or - for stdin
    Add {
        #[arg(value_name = "FILE|-")]
        file: PathBuf,
        #[command(flatten)]
        target: ControlUrlArgs,
    },
}

/// A scope as given on the command line: one word, checked before any code is spent.
fn a_scope(given: &str) -> Result<String, String> {
    let scope = given.trim();
    if scope.is_empty() || scope.contains(char::is_whitespace) {
        return Err(format!(
            "`{given}` is not a scope: one word, such as drive.appdata or \
             https://www.googleapis.com/auth/drive.appdata"
        ));
    }
    Ok(scope.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn e3_a_mistyped_flag_is_a_usage_error_not_a_code_sent_to_the_issuer() {
        for typo in ["--show-token", "-0abc", "--redirect_uri"] {
            let err = Cli::try_parse_from(["gsignin", "exchange", typo]).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{typo}");
        }
        // A code that starts with `-` goes after `--`; `-` alone is stdin.
        let cli = Cli::try_parse_from(["gsignin", "exchange", "-v", "--", "-0abc"]).unwrap();
        let Command::Exchange(args) = cli.command else {
            panic!("not exchange");
        };
        assert_eq!(args.code.as_deref(), Some("-0abc"));
        assert!(cli.global.verbose);
        let cli = Cli::try_parse_from(["gsignin", "exchange", "-"]).unwrap();
        let Command::Exchange(args) = cli.command else {
            panic!("not exchange");
        };
        assert_eq!(args.code.as_deref(), Some("-"));
    }

    #[test]
    fn global_options_stand_before_or_after_the_command() {
        let before = Cli::try_parse_from(["gsignin", "--json", "--profile", "ci", "whoami"]);
        let after = Cli::try_parse_from(["gsignin", "whoami", "--json", "--profile", "ci"]);
        for cli in [before.unwrap(), after.unwrap()] {
            assert!(cli.global.json);
            assert_eq!(cli.global.profile, "ci");
        }
    }
}
