//! `gsignin demo`: the whole job against an in-process emulator in a throw-away home, each step
//! shown as the command a user would type and the output it gives.
//!
//! The steps run through the same command functions as the real CLI, with a context of their
//! own: the file store in the throw-away home (so the demo never touches your keyring) and the
//! emulator as issuer.

use crate::cli::Cli;
use crate::context::{Ctx, Settings};
use crate::emulator::Emulator;
use crate::emulator::MintRequest;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::output::{self, Outcome};
use crate::secret::redacted_hint;
use clap::Parser;
use serde_json::json;
use std::cell::RefCell;

pub fn run(ctx: &Ctx) -> Result<Outcome> {
    let (home, emulator, secret_path) = stage()?;
    let mut transcript = format!(
        "gsignin demo: the server side of Google Sign-In, end to end, against a local emulator\n\
         emulator: {}\n\
         home:     {} (throw-away; secrets in 0600 files there, not in your keyring)\n\n",
        emulator.base_url(),
        home.path().display()
    );
    let mut steps = Vec::new();

    transcript.push_str(
        "# 1. The app signs the user in with a server client ID and gets a one-time serverAuthCode.\n",
    );
    let server_auth_code = emulator.mint(MintRequest::default());
    transcript.push_str(&format!(
        "$ curl -X POST {}/control/codes -H 'content-type: application/json' -d '{{}}'   # the emulator's stand-in for the phone\n  serverAuthCode minted for alice@example.com (scopes: openid email profile drive.appdata)\n\n",
        emulator.base_url()
    ));

    // Every step runs with these global options unless its own command line gives one; all
    // are explicit, so that none is taken from the user's environment (GSIGNIN_*).
    let defaults: Vec<(&str, String)> = vec![
        ("--home", home.path().display().to_string()),
        ("--client-secret", secret_path.display().to_string()),
        ("--issuer", emulator.base_url().to_string()),
        ("--drive-url", format!("{}/drive/v3", emulator.base_url())),
        ("--api-url", emulator.base_url().to_string()),
        ("--store", "file".into()),
        ("--profile", "demo".into()),
        ("--timeout", ctx.settings().timeout.as_secs().to_string()),
    ];
    let env = format!(
        "GSIGNIN_HOME={} GSIGNIN_ISSUER={} GSIGNIN_DRIVE_URL={}/drive/v3 GSIGNIN_API_URL={} GSIGNIN_STORE=file GSIGNIN_PROFILE=demo",
        home.path().display(),
        emulator.base_url(),
        emulator.base_url(),
        emulator.base_url()
    );
    transcript.push_str(&format!("# The steps below run with {env}\n\n"));

    // A free port for `receive`, so that the "app" knows where to post.
    let receive_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port().to_string())
        .map_err(|e| Error::other(format!("cannot find a free port: {e}"), ""))?;
    let receive_line = format!(
        "gsignin receive --port {receive_port} --profile bob   # and the app POSTs its code to http://127.0.0.1:{receive_port}/authcode"
    );
    let plan = the_job(&receive_line, &receive_port);
    let mut failed = None;
    for (about, line, argv, secret_stdout) in plan {
        // Only the exchange reads stdin: it gets the code the "phone" received.
        let stdin = if argv[0] == "exchange" {
            server_auth_code.as_str()
        } else {
            ""
        };
        // `receive` waits for the app: a thread plays it, posting a code minted for bob.
        let app = (argv[0] == "receive").then(|| {
            let code = emulator.mint(MintRequest {
                email: Some("bob@example.com".into()),
                ..Default::default()
            });
            let url = format!("http://127.0.0.1:{receive_port}/authcode");
            std::thread::spawn(move || post_as_app(&url, &code))
        });
        let (mut text, code) = run_step(&defaults, &argv, stdin, secret_stdout)?;
        if let Some(answer) = app.and_then(|t| t.join().ok()) {
            text.push_str(&format!("  (the app got) {answer}\n"));
        }
        transcript.push_str(&format!("# {about}\n$ {line}\n{text}\n"));
        steps.push(json!({"command": line, "exit_code": code, "output": text}));
        if code != 0 {
            failed = Some(Error::other(
                format!("the demo step `{line}` failed with exit code {code}"),
                "this is a gsignin bug: please report it with the output above",
            ));
            break;
        }
    }
    if failed.is_none() {
        transcript.push_str(
            "Done: a code traded (pasted, and posted by the app), the sign-in stored, verified, refreshed, used with Drive and revoked. Run the same against Google with\n\
             your server client's client_secret.json and a serverAuthCode from your app (see README.md).\n",
        );
    }
    Ok(Outcome::report(
        transcript,
        json!({"emulator": emulator.base_url(), "steps": steps}),
    )
    .with_failure(failed))
}

/// A throw-away home, an in-process emulator, and its client secret in the home.
fn stage() -> Result<(tempfile::TempDir, Emulator, std::path::PathBuf)> {
    let home = tempfile::Builder::new()
        .prefix("gsignin-demo-")
        .tempdir()
        .map_err(|e| {
            Error::other(
                format!("cannot make a throw-away home: {e}"),
                "check that the temp dir (TMPDIR) is writable",
            )
        })?;
    let emulator = Emulator::start(0).map_err(|e| {
        Error::other(
            format!("cannot start the emulator on 127.0.0.1: {e}"),
            "check that loopback networking works",
        )
    })?;
    let secret_path = home.path().join("config/client_secret.json");
    fsutil::write_private_atomic(&secret_path, emulator.client_secret_json().as_bytes())
        .map_err(|e| Error::other(format!("cannot write the demo's client secret: {e}"), ""))?;
    Ok((home, emulator, secret_path))
}

/// One step of the demo: what it shows, the command line shown, the arguments run, whether
/// its stdout is a secret (shown redacted).
type Step<'a> = (&'a str, &'a str, Vec<&'a str>, bool);

/// The whole job, step by step: a code traded (pasted, and posted by the app), the sign-in
/// verified, listed, refreshed, used with Drive, its token handed to a script, revoked.
fn the_job<'a>(receive_line: &'a str, receive_port: &'a str) -> Vec<Step<'a>> {
    vec![
        (
            "2. The backend trades the code for tokens and keeps the refresh token.",
            // Piped, not an argument: other local users can read a command line.
            "printf '%s' \"$SERVER_AUTH_CODE\" | gsignin exchange - --expect-scope drive.appdata",
            vec!["exchange", "-", "--expect-scope", "drive.appdata"],
            false,
        ),
        (
            "2b. Or no copy and paste: the debug build POSTs its code to gsignin (Google's sample backend, on your machine).",
            receive_line,
            vec!["receive", "--port", receive_port, "--profile", "bob"],
            false,
        ),
        (
            "3. Who is signed in? The stored ID token, verified against the issuer's keys.",
            "gsignin whoami",
            vec!["whoami"],
            false,
        ),
        (
            "4. What is stored (never a secret).",
            "gsignin status",
            vec!["status"],
            false,
        ),
        (
            "5. Later, with the user offline: a new access token from the stored refresh token.",
            "gsignin refresh",
            vec!["refresh"],
            false,
        ),
        (
            "6. The offline API call: Drive's app data folder, with the stored sign-in.",
            "gsignin drive-appfolder",
            vec!["drive-appfolder"],
            false,
        ),
        (
            "7. And the files in it.",
            "gsignin drive-appfolder --list",
            vec!["drive-appfolder", "--list"],
            false,
        ),
        (
            "7b. Any Google API with the same sign-in, as `gh api` (here Drive's files.list, filtered with jq).",
            "gsignin api drive/v3/files -f spaces=appDataFolder --jq '.files[].name'",
            vec![
                "api",
                "drive/v3/files",
                "-f",
                "spaces=appDataFolder",
                "--jq",
                ".files[].name",
            ],
            false,
        ),
        (
            "8. The access token alone, for scripts (shown redacted here).",
            "curl -H \"Authorization: Bearer $(gsignin token)\" ...",
            vec!["token"],
            true,
        ),
        (
            "9. Sign out: revoke the grant at the issuer and delete what is stored.",
            "gsignin revoke",
            vec!["revoke"],
            false,
        ),
    ]
}

/// What a debug build does with its serverAuthCode: POST it, with X-Requested-With, until the
/// receiver is up; returns what it was answered.
fn post_as_app(url: &str, code: &str) -> String {
    let client = reqwest::blocking::Client::new();
    for _ in 0..100 {
        match client
            .post(url)
            .header("X-Requested-With", "XMLHttpRequest")
            .form(&[("code", code)])
            .send()
        {
            Ok(resp) => {
                let status = resp.status().as_u16();
                return format!("{status} {}", resp.text().unwrap_or_default());
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    "no answer: the receiver never came up".into()
}

/// Runs one command line with its own context and returns what it printed and its exit code.
fn run_step(
    defaults: &[(&str, String)],
    argv: &[&str],
    stdin: &str,
    secret_stdout: bool,
) -> Result<(String, u8)> {
    let mut args: Vec<String> = vec!["gsignin".into()];
    for (flag, value) in defaults {
        if !argv.contains(flag) {
            args.extend([flag.to_string(), value.clone()]);
        }
    }
    args.extend(argv.iter().map(std::string::ToString::to_string));
    let cli = Cli::try_parse_from(args)
        .map_err(|e| Error::other(format!("the demo's own command line is wrong: {e}"), ""))?;
    // What a command streams to stdout while it runs (receive's banner) comes first.
    let (mut io, streamed, buf) = crate::io::capture();
    let err = io.stderr.clone();
    io.stdin = RefCell::new(Box::new(std::io::Cursor::new(stdin.as_bytes().to_vec())));
    // Each step's settings come from its own command line alone, never from the user's
    // environment.
    let step_ctx = Ctx::new(
        Settings::resolve(&cli.global, &|_| None)?,
        io,
        crate::context::Hooks::default(),
    )?;
    let mut rendered = Vec::new();
    let code = match crate::commands::run(&step_ctx, cli.command) {
        Ok(outcome) => output::render(outcome, false, &mut rendered, &mut *err.borrow_mut()),
        Err(e) => output::render_error(&e, false, &mut rendered, &mut *err.borrow_mut()),
    };
    let mut stdout = streamed.borrow().clone();
    stdout.extend_from_slice(&rendered);
    let mut text = String::new();
    for line in String::from_utf8_lossy(&buf.borrow()).lines() {
        text.push_str(&format!("  (stderr) {line}\n"));
    }
    for line in String::from_utf8_lossy(&stdout).lines() {
        let shown = if secret_stdout {
            redacted_hint(line)
        } else {
            line.to_string()
        };
        text.push_str(&format!("  {shown}\n"));
    }
    Ok((text, code))
}
