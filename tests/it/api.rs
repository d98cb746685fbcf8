//! `gsignin api`, `whoami --access-token` and `token --json`: the binary against the
//! emulator's Google APIs, and against a server that is not Google.

use crate::support::{
    Env, Recorder, assert_no_secret, exits, json_error, json_out, stderr, stdout,
};
use gsignin_emulator::MintRequest;
use serde_json::{Value, json};
use std::time::Duration;

const FILES: &str = "/drive/v3/files";

fn seed_files(env: &Env, count: usize) {
    reqwest::blocking::Client::new()
        .post(format!("{}/control/drive/files", env.emu.base_url()))
        .json(&json!({"count": count}))
        .send()
        .unwrap();
}

/// The next request to Drive's files is refused: 429 with `Retry-After: secs`.
fn refuse_files_once(env: &Env, secs: u64) {
    env.inject(gsignin_emulator::Fault {
        path: FILES.into(),
        status: Some(429),
        count: Some(1),
        retry_after: Some(secs),
        ..Default::default()
    });
}

/// Every JSON document in `text`, one after another.
fn documents(text: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .map(Result::unwrap)
        .collect()
}

/// `gsignin api URL --allow-host 127.0.0.1 EXTRA…`: a call to a test server that is not Google.
fn api_at(env: &Env, url: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = env.cmd();
    cmd.args(["api", url, "--allow-host", "127.0.0.1"])
        .args(extra);
    cmd
}

#[test]
fn a_path_goes_under_the_api_url_with_its_fields_as_query_parameters() {
    let env = Env::signed_in();
    let out = exits(
        env.cmd().args([
            "api",
            "drive/v3/files",
            "-f",
            "spaces=appDataFolder",
            "-F",
            "pageSize=2",
        ]),
        0,
    );
    // Piped: the body as the API sent it.
    let page: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["files"].as_array().unwrap().len(), 2);
    assert_eq!(page["nextPageToken"], "page-2");
    assert_eq!(env.emu.hits(FILES), 1);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn a1_the_token_never_goes_to_a_host_that_is_not_googles() {
    let env = Env::signed_in();
    let other = Recorder::start();
    let tokens = env.emu.hits("/token");
    for target in [
        format!("{}/drive/v3/about", other.url),
        // The emulator's host, another port: another origin.
        other.url.replace("127.0.0.1", "localhost"),
        "https://googleapis.com.evil.example/x".to_string(),
        "http://www.googleapis.com/drive/v3/about".to_string(),
    ] {
        let out = exits(env.cmd().args(["api", &target, "--json"]), 6);
        assert_eq!(json_error(&out)["code"], "untrusted_host", "{target}");
    }
    assert_eq!(other.connections(), 0, "no request reached the other host");
    assert_eq!(
        env.emu.hits("/token"),
        tokens,
        "nothing refreshed for a refused host"
    );

    // Named with --allow-host, it gets the call, with the token.
    let out = exits(
        &mut api_at(&env, &format!("{}/v1/thing", other.url), &[]),
        0,
    );
    assert_eq!(stdout(&out), r#"{"ok":true}"#);
    let seen = other.requests();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0]
            .header("authorization")
            .unwrap()
            .starts_with("Bearer ya29.")
    );
}

#[test]
fn fields_make_a_json_body_for_post_and_a_query_for_get_and_delete() {
    let env = Env::signed_in();
    let other = Recorder::start();
    let file = env.home().join("note.txt");
    std::fs::write(&file, "hello\n").unwrap();
    let at = |p: &str| format!("{}{p}", other.url);
    let allow = ["--allow-host", "127.0.0.1"];
    exits(
        env.cmd()
            .args([
                "api",
                "-X",
                "post",
                &at("/files"),
                "-f",
                "name=a.json",
                "-f",
                "parents[]=appDataFolder",
            ])
            .args([
                "-F",
                "size=3",
                "-F",
                "starred=true",
                "-F",
                &format!("note=@{}", file.display()),
            ])
            .args(["-H", "X-Goog-Request-Reason: smoke test"])
            .args(allow),
        0,
    );
    exits(
        env.cmd()
            .args([
                "api",
                &at("/files"),
                "-F",
                "pageSize=2",
                "-f",
                "q[name]=x",
                "-f",
                "ids[]=1",
                "-f",
                "ids[]=2",
            ])
            .args(allow),
        0,
    );
    exits(
        env.cmd()
            .args(["api", "-X", "DELETE", &at("/files/1"), "-f", "force=yes"])
            .args(allow),
        0,
    );
    let seen = other.requests();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(seen[0].header("x-goog-request-reason"), Some("smoke test"));
    let body: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(
        body,
        json!({"name": "a.json", "parents": ["appDataFolder"], "size": 3, "starred": true, "note": "hello\n"})
    );
    assert_eq!(seen[1].method, "GET");
    // -f fields first, then -F: the order does not matter to an API.
    assert_eq!(seen[1].target, "/files?q.name=x&ids=1&ids=2&pageSize=2");
    assert!(seen[1].body.is_empty());
    assert_eq!(seen[2].method, "DELETE");
    assert_eq!(seen[2].target, "/files/1?force=yes");
}

#[test]
fn input_sends_a_body_as_it_is_and_makes_a_post() {
    let env = Env::signed_in();
    let other = Recorder::start();
    exits(
        api_at(
            &env,
            &format!("{}/upload", other.url),
            &[
                "--input",
                "-",
                "-f",
                "uploadType=media",
                "-H",
                "Content-Type: text/plain",
            ],
        )
        .write_stdin("raw bytes\n"),
        0,
    );
    let seen = other.requests();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].target, "/upload?uploadType=media");
    assert_eq!(seen[0].body, b"raw bytes\n");
    assert_eq!(seen[0].header("content-type"), Some("text/plain"));
}

#[test]
fn a3_an_authorization_header_is_refused_not_replaced() {
    let env = Env::signed_in();
    for header in [
        "Authorization: Bearer mine",
        "authorization:x",
        "Host: evil.example",
        "X-Bad: a\rb",
    ] {
        let out = exits(env.cmd().args(["api", "drive/v3/about", "-H", header]), 2);
        assert!(stderr(&out).contains("-H"), "{}", stderr(&out));
    }
    assert_eq!(env.emu.hits("/drive/v3/about"), 0);
}

#[test]
fn a4_a_post_answered_503_is_never_resent_but_a_get_is() {
    let env = Env::signed_in();
    env.fail(FILES, 503, Some(1));
    let ran = env
        .run(&[
            "api",
            "-X",
            "POST",
            "drive/v3/files",
            "-f",
            "name=x.json",
            "-f",
            "parents[]=appDataFolder",
        ])
        .exits(5);
    assert_eq!(env.emu.hits(FILES), 1, "the POST went once");
    assert!(ran.slept.is_empty());
    assert!(ran.stderr.contains("answered 503"), "{}", ran.stderr);

    env.fail(FILES, 503, Some(1));
    let ran = env
        .run(&["api", "drive/v3/files", "-f", "spaces=appDataFolder"])
        .exits(0);
    assert_eq!(env.emu.hits(FILES), 3, "the GET was tried again");
    assert_eq!(ran.slept.len(), 1);
}

/// A GET carrying a method override that names a method that is not idempotent is done by
/// the server as that method: a 5xx is never resent (it was, as any GET's).
#[test]
fn a4_a_method_override_naming_a_method_that_is_not_idempotent_is_never_resent() {
    let env = Env::signed_in();
    for header in [
        "X-HTTP-Method-Override: PATCH",
        "x-http-method: post",
        "X-Method-Override: DELETE-ALL",
    ] {
        env.emu.clear_hits();
        env.fail(FILES, 503, Some(1));
        let ran = env
            .run(&[
                "api",
                "drive/v3/files",
                "-f",
                "spaces=appDataFolder",
                "-H",
                header,
            ])
            .exits(5);
        assert_eq!(env.emu.hits(FILES), 1, "{header}: sent once");
        assert!(ran.slept.is_empty(), "{header}");
    }
    // An override naming an idempotent method leaves the GET's retries as they were.
    env.emu.clear_hits();
    env.fail(FILES, 503, Some(1));
    env.run(&[
        "api",
        "drive/v3/files",
        "-f",
        "spaces=appDataFolder",
        "-H",
        "X-HTTP-Method-Override: GET",
    ])
    .exits(0);
    assert_eq!(env.emu.hits(FILES), 2);
}

#[test]
fn a4_a_429_is_retried_for_any_method_after_retry_after() {
    let env = Env::signed_in();
    refuse_files_once(&env, 2);
    let ran = env
        .run(&[
            "api",
            "-X",
            "POST",
            "drive/v3/files",
            "-f",
            "name=x.json",
            "-f",
            "parents[]=appDataFolder",
        ])
        .exits(0);
    assert_eq!(ran.slept, [Duration::from_secs(2)]);
    assert_eq!(env.emu.hits(FILES), 2);
    assert_eq!(ran.json()["name"], "x.json");
}

#[test]
fn paginate_follows_three_pages_and_jq_filters_each() {
    let env = Env::signed_in();
    seed_files(&env, 6);
    let args = [
        "api",
        "drive/v3/files",
        "-f",
        "spaces=appDataFolder",
        "-F",
        "pageSize=2",
        "--paginate",
    ];
    let out = exits(env.cmd().args(args), 0);
    let pages = documents(&stdout(&out));
    assert_eq!(pages.len(), 3);
    assert!(pages[2].get("nextPageToken").is_none());
    assert_eq!(env.emu.hits(FILES), 3);

    let out = exits(env.cmd().args(args).args(["--jq", ".files[].name"]), 0);
    let names: Vec<String> = (0..6).map(|i| format!("file-{i:04}.bin")).collect();
    assert_eq!(stdout(&out), names.join("\n") + "\n", "strings print raw");
    let out = exits(
        env.cmd()
            .args(args)
            .args(["--jq", "{n: (.files | length)}"]),
        0,
    );
    assert_eq!(stdout(&out), "{\"n\":2}\n{\"n\":2}\n{\"n\":2}\n");

    let out = exits(env.cmd().args(args).args(["--jq", ".files["]), 2);
    assert!(
        stderr(&out).contains("not a jq expression"),
        "{}",
        stderr(&out)
    );
    let out = exits(
        env.cmd()
            .args(["api", "-X", "POST", "drive/v3/files", "--paginate"]),
        2,
    );
    assert!(stderr(&out).contains("--paginate"));
}

#[test]
fn a_missing_scope_names_the_scope_and_how_to_get_it() {
    let env = Env::new();
    let code = env.mint(MintRequest {
        scopes: Some(vec!["openid".into(), "email".into()]),
        ..Default::default()
    });
    exits(env.cmd().args(["exchange", &code]), 0);
    let out = exits(
        env.cmd().args([
            "api",
            "drive/v3/files",
            "-f",
            "spaces=appDataFolder",
            "--json",
        ]),
        4,
    );
    // The error body still goes to stdout; the explanation to stderr.
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["code"], 403);
    let err = stderr(&out);
    assert!(
        err.contains("https://www.googleapis.com/auth/drive.appdata"),
        "{err}"
    );
    assert!(
        err.contains("gsignin login --scope https://www.googleapis.com/auth/drive.appdata"),
        "{err}"
    );
    assert!(err.contains("requestScopes"), "{err}");

    let out = exits(
        env.cmd()
            .args(["api", "people/v1/people/me", "-f", "personFields=names"]),
        4,
    );
    assert!(
        stderr(&out).contains("auth/userinfo.profile"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a4_a_401_refreshes_once_and_retries_once() {
    let env = Env::signed_in();
    let path = "/people/v1/people/me";
    let args = [
        "api",
        "people/v1/people/me",
        "-f",
        "personFields=names,emailAddresses",
    ];
    env.fail(path, 401, Some(1));
    let tokens = env.emu.hits("/token");
    let out = exits(env.cmd().args(args), 0);
    assert_eq!(env.emu.hits("/token"), tokens + 1);
    assert_eq!(env.emu.hits(path), 2);
    let person: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(person["emailAddresses"][0]["value"], "alice@example.com");

    env.fail(path, 401, Some(2));
    let out = exits(env.cmd().args(args), 4);
    assert!(
        stderr(&out).contains("refused the access token twice"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.emu.hits(path), 4, "no third try");
    assert_eq!(env.emu.hits("/token"), tokens + 2);
}

#[test]
fn an_unknown_path_is_exit_4_with_googles_body_on_stdout() {
    let env = Env::signed_in();
    let out = exits(env.cmd().args(["api", "nosuch/v1/thing"]), 4);
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["code"], 404);
    assert!(stderr(&out).contains("answered 404"), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "one error line");
}

#[test]
fn include_prints_the_status_line_and_headers_first() {
    let env = Env::signed_in();
    let out = exits(
        env.cmd().args([
            "api",
            "-i",
            "people/v1/people/me",
            "-f",
            "personFields=names",
        ]),
        0,
    );
    let text = stdout(&out);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(
        head.to_lowercase()
            .contains("content-type: application/json")
    );
    assert!(serde_json::from_str::<Value>(body).is_ok());
}

#[test]
fn a5_verbose_traces_the_call_with_every_token_redacted() {
    let env = Env::signed_in();
    let out = exits(
        env.cmd()
            .args(["api", "-v", "drive/v3/files", "-f", "spaces=appDataFolder"]),
        0,
    );
    assert!(stderr(&out).contains("> GET "), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .to_lowercase()
            .contains("authorization: bearer")
    );
    assert_no_secret(&out, &env.issued_secrets());
}

#[test]
fn a_terminal_gets_indented_json_and_a_pipe_the_bytes_as_sent() {
    let env = Env::signed_in();
    let ran = env.run_with(
        &["api", "people/v1/people/me", "-f", "personFields=names"],
        |_| {},
    );
    // In-process runs write to a buffer, as to a pipe: unchanged.
    let compact: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert!(compact["names"].is_array());
    let tty = env.run_on_terminal(&["api", "people/v1/people/me", "-f", "personFields=names"]);
    assert!(tty.stdout.contains("\u{1b}["), "coloured: {:?}", tty.stdout);
    let plain = env.run_on_terminal(&[
        "api",
        "--color",
        "never",
        "people/v1/people/me",
        "-f",
        "personFields=names",
    ]);
    assert!(plain.stdout.starts_with("{\n  \""), "{}", plain.stdout);
    assert!(!plain.stdout.contains('\u{1b}'));
    assert_eq!(
        serde_json::from_str::<Value>(&plain.stdout).unwrap(),
        compact
    );
}

#[test]
fn a_refresh_token_from_the_environment_refreshes_once_for_many_pages() {
    let env = Env::new();
    let doc = json_out(&exits(
        env.cmd()
            .args(["exchange", &env.code(), "--show-refresh-token", "--json"]),
        0,
    ));
    seed_files(&env, 6);
    let tokens = env.emu.hits("/token");
    exits(
        env.cmd()
            .env(
                "GSIGNIN_REFRESH_TOKEN",
                doc["tokens"]["refresh_token"].as_str().unwrap(),
            )
            .args([
                "api",
                "drive/v3/files",
                "-f",
                "spaces=appDataFolder",
                "-F",
                "pageSize=2",
                "--paginate",
            ]),
        0,
    );
    assert_eq!(env.emu.hits("/token"), tokens + 1);
}

#[test]
fn whoami_inspects_an_access_token_at_tokeninfo() {
    let env = Env::signed_in();
    let out = exits(env.cmd().args(["whoami", "--access-token", "--json"]), 0);
    let doc = json_out(&out);
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "active",
            "aud",
            "azp",
            "email",
            "email_verified",
            "expires_at",
            "expires_in",
            "scopes",
            "this_client"
        ]
    );
    assert_eq!(doc["active"], true);
    assert_eq!(doc["this_client"], true);
    assert_eq!(doc["email"], "alice@example.com");
    assert_eq!(doc["email_verified"], true);
    assert!(doc["expires_in"].as_i64().unwrap() > 3000);
    assert_no_secret(&out, &env.issued_secrets());

    // The token given on stdin, and a `ya29.` token given to plain whoami.
    let token = stdout(&exits(env.cmd().arg("token"), 0)).trim().to_string();
    let out = exits(
        env.cmd()
            .args(["whoami", "--access-token", "-", "--json"])
            .write_stdin(format!("{token}\n")),
        0,
    );
    assert_eq!(json_out(&out)["active"], true);
    let out = exits(env.cmd().args(["whoami", &token]), 0);
    assert!(
        stdout(&out).starts_with("ACTIVE access token for alice@example.com (verified)"),
        "{}",
        stdout(&out)
    );

    // Unknown, and revoked: exit 3.
    let out = exits(env.cmd().args(["whoami", "ya29.not-a-token", "--json"]), 3);
    assert_eq!(json_out(&out)["active"], false);
    env.emu.revoke_grants();
    exits(env.cmd().args(["whoami", "--access-token", &token]), 3);
}

#[test]
fn a9_token_json_says_what_the_token_is_for_and_until_when() {
    let env = Env::signed_in();
    let out = exits(env.cmd().args(["token", "--json"]), 0);
    let doc = json_out(&out);
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "expires_at",
            "expires_in",
            "kind",
            "profile",
            "scopes",
            "token"
        ]
    );
    assert_eq!(doc["kind"], "access_token");
    assert_eq!(doc["profile"], "default");
    assert!(doc["token"].as_str().unwrap().starts_with("ya29."));
    assert!(
        doc["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "openid")
    );
    let id = json_out(&exits(env.cmd().args(["token", "--json", "--id-token"]), 0));
    assert_eq!(id["kind"], "id_token");

    let out = exits(
        env.cmd().args(["token", "--min-valid", "7200", "--json"]),
        4,
    );
    let err = json_error(&out);
    assert_eq!(err["code"], "lifetime_too_short");
    // The token was minted just now (3600 s); a slow machine may cross a second boundary.
    let message = err["message"].as_str().unwrap();
    assert!(
        (3590..=3599).any(|s| message.contains(&format!("{s} s"))),
        "{err}"
    );
}

#[test]
fn a2_a_redirect_is_shown_not_followed_with_the_token() {
    let env = Env::signed_in();
    let elsewhere = Recorder::start();
    let redirecting = Recorder::answering(&format!(
        "HTTP/1.1 302 Found\r\nlocation: {}/steal\r\ncontent-length: 0\r\n\r\n",
        elsewhere.url
    ));
    let out = exits(&mut api_at(&env, &format!("{}/x", redirecting.url), &[]), 1);
    assert!(stderr(&out).contains("does not follow"), "{}", stderr(&out));
    assert_eq!(redirecting.requests().len(), 1);
    assert_eq!(elsewhere.connections(), 0, "the redirect was not followed");
}

#[test]
fn a6_a_servers_bytes_reach_a_terminal_escaped_and_a_pipe_unchanged() {
    let env = Env::signed_in();
    // C0 and C1 controls (U+009B is CSI to xterm-like terminals), as JSON escapes.
    let body = "{\"name\":\"\\u001b]0;owned\\u0007 \\u009b2J\"}";
    let text = "plain \u{1b}[2J\u{202e}text";
    for (content_type, sent) in [("application/json", body), ("text/plain", text)] {
        let server = Recorder::answering(&format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{sent}",
            sent.len()
        ));
        let target = format!("{}/x", server.url);
        let args = [
            "api",
            "-i",
            target.as_str(),
            "--allow-host",
            "127.0.0.1",
            "--color",
            "never",
        ];
        let piped = env.run(&args).exits(0);
        assert!(piped.stdout.ends_with(sent), "{:?}", piped.stdout);
        // --json asks for machine output, not for raw bytes on a terminal.
        let json_args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
        for tty in [env.run_on_terminal(&args), env.run_on_terminal(&json_args)] {
            let tty = tty.exits(0);
            for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
                assert!(!tty.stdout.contains(bad), "{:?}", tty.stdout);
            }
        }
    }
    // --jq's raw strings too.
    let server = Recorder::answering(&format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    ));
    let target = format!("{}/x", server.url);
    let tty = env
        .run_on_terminal(&[
            "api",
            &target,
            "--allow-host",
            "127.0.0.1",
            "--jq",
            ".name",
            "--color",
            "never",
        ])
        .exits(0);
    assert!(!tty.stdout.contains('\u{1b}'), "{:?}", tty.stdout);
    assert!(!tty.stdout.contains('\u{9b}'), "{:?}", tty.stdout);
}

#[test]
fn a7_an_endless_answer_or_a_looping_page_token_is_refused() {
    let env = Env::signed_in();
    let huge = Recorder::answering("HTTP/1.1 200 OK\r\ncontent-length: 100000000\r\n\r\n{");
    let out = exits(&mut api_at(&env, &format!("{}/x", huge.url), &[]), 5);
    assert!(
        stderr(&out).contains("more than 64 MiB"),
        "{}",
        stderr(&out)
    );

    let looping = Recorder::answering(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 25\r\n\r\n{\"nextPageToken\":\"same\"}\n",
    );
    let out = exits(
        &mut api_at(&env, &format!("{}/x", looping.url), &["--paginate"]),
        5,
    );
    assert!(
        stderr(&out).contains("same nextPageToken twice"),
        "{}",
        stderr(&out)
    );
    assert_eq!(looping.requests().len(), 2);
}

#[test]
fn a8_the_access_token_goes_to_tokeninfo_in_a_header_never_in_the_url() {
    let env = Env::signed_in();
    let info = r#"{"aud":"x","scope":"openid","exp":"9999"}"#;
    let tokeninfo = Recorder::answering(&format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{info}",
        info.len()
    ));
    let mut doc: Value = serde_json::from_str(&env.emu.client_secret_json()).unwrap();
    doc["web"]["token_info_uri"] = format!("{}/tokeninfo", tokeninfo.url).into();
    let path = env.home().join("client_secret_tokeninfo.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = exits(
        env.cmd()
            .env("GSIGNIN_CLIENT_SECRET", &path)
            .args(["whoami", "--access-token", "--json"]),
        0,
    );
    assert_eq!(json_out(&out)["this_client"], false);
    let seen = tokeninfo.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "/tokeninfo");
    assert!(
        seen[0]
            .header("authorization")
            .unwrap()
            .starts_with("Bearer ya29.")
    );
    assert!(!String::from_utf8_lossy(&seen[0].body).contains("ya29."));
}

#[test]
fn a4_a_retry_after_longer_than_a_minute_ends_the_run_saying_the_wait() {
    let env = Env::signed_in();
    refuse_files_once(&env, 3600);
    let ran = env
        .run(&["api", "drive/v3/files", "-f", "spaces=appDataFolder"])
        .exits(5);
    assert!(ran.slept.is_empty(), "{:?}", ran.slept);
    assert!(ran.stderr.contains("asks to wait 1 h"), "{}", ran.stderr);
    assert_eq!(env.emu.hits(FILES), 1);
}

/// A 5xx's error says what gsignin did: a GET whose server asks to wait days was tried once
/// and not waited for (it once said "a request that is not idempotent (POST, PATCH) was sent
/// once" of it), a GET answered 503 every time was tried three times, a POST was sent once
/// because it may have been done.
#[test]
fn a4_a_5xx_says_how_often_it_was_tried_and_why_not_again() {
    let env = Env::signed_in();
    env.inject(gsignin_emulator::Fault {
        path: FILES.into(),
        status: Some(503),
        count: Some(1),
        retry_after: Some(3 * 86_400),
        ..Default::default()
    });
    let get = ["api", "drive/v3/files", "-f", "spaces=appDataFolder"];
    let ran = env.run(&get).exits(5);
    assert!(ran.slept.is_empty(), "{:?}", ran.slept);
    assert_eq!(env.emu.hits(FILES), 1);
    let error = ran.stderr.lines().last().unwrap_or_default();
    assert!(
        error.contains("answered 503")
            && error.contains("asks to wait 3 d before another try")
            && error.contains("tried once, not again"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("idempotent"), "{}", ran.stderr);
    // Said as it happens, too.
    assert!(
        ran.stderr.contains(
            "asks to wait 3 d before another try: not waiting (gsignin waits out 60 s at most)"
        ),
        "{}",
        ran.stderr
    );

    env.emu.clear_hits();
    env.fail(FILES, 503, Some(3));
    let ran = env.run(&get).exits(5);
    assert_eq!(env.emu.hits(FILES), 3);
    let error = ran.stderr.lines().last().unwrap_or_default();
    assert!(error.contains("tried 3 times"), "{}", ran.stderr);
    assert!(!ran.stderr.contains("idempotent"), "{}", ran.stderr);

    env.emu.clear_hits();
    env.fail(FILES, 503, Some(1));
    let ran = env
        .run(&["api", "-X", "POST", "drive/v3/files", "-f", "name=x.json"])
        .exits(5);
    assert_eq!(env.emu.hits(FILES), 1);
    let error = ran.stderr.lines().last().unwrap_or_default();
    assert!(
        error.contains("sent once, not again") && error.contains("not idempotent"),
        "{}",
        ran.stderr
    );
}

/// Makes the stored access token expire, so that the next call refreshes first.
fn expire_the_access_token(env: &Env) {
    let path = env.profile_file("default");
    let mut profile: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    profile["access_token_expires_at"] = json!(1);
    std::fs::write(&path, profile.to_string()).unwrap();
}

#[test]
fn a10_a_signal_during_the_refresh_stops_the_call_before_it_is_sent() {
    let env = Env::signed_in();
    env.emu.set_rotate_refresh_tokens(true);
    expire_the_access_token(&env);
    env.delay_next("/token", 1500);
    let child = env.spawn_until_hit(
        &[
            "api",
            "-X",
            "POST",
            "drive/v3/files",
            "-f",
            "name=x.json",
            "-f",
            "parents[]=appDataFolder",
        ],
        &[],
        "/token",
    );
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(libc::SIGINT), "{}", stderr(&out));
    assert_eq!(env.emu.hits(FILES), 0, "the POST was never sent");
    assert!(
        stderr(&out).contains("the request was not sent"),
        "{}",
        stderr(&out)
    );
    // The rotated refresh token was stored: the sign-in still works.
    exits(env.cmd().arg("refresh"), 0);
}

#[test]
fn a10_a_signal_ignored_when_gsignin_started_stays_ignored() {
    let env = Env::signed_in();
    expire_the_access_token(&env);
    env.delay_next("/token", 1500);
    let bin = assert_cmd::cargo::cargo_bin("gsignin");
    let before = env.emu.hits("/token");
    // The environment the binary would get, around a shell that ignores SIGINT first, as a
    // script starting a job with `&` does.
    let mut sh = std::process::Command::new("sh");
    for (k, v) in env.process().get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    let child = sh
        .args(["-c", "trap '' INT; exec \"$0\" \"$@\""])
        .arg(&bin)
        .args(["api", "drive/v3/files", "-f", "spaces=appDataFolder"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while env.emu.hits("/token") == before {
        std::thread::sleep(Duration::from_millis(20));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert_eq!(env.emu.hits(FILES), 1);
}

#[test]
fn a7_answers_nested_too_deep_are_errors_not_crashes() {
    let env = Env::signed_in();
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let server = Recorder::answering(&format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{deep}",
        deep.len()
    ));
    let target = format!("{}/x", server.url);
    let out = exits(&mut api_at(&env, &target, &["--jq", "length"]), 1);
    assert!(
        stderr(&out).contains("nests deeper than"),
        "{}",
        stderr(&out)
    );
    let tty = env
        .run_on_terminal(&["api", &target, "--allow-host", "127.0.0.1"])
        .exits(0);
    assert!(tty.stdout.starts_with("[[[["));
    let key = format!("k{}=1", "[a]".repeat(10_000));
    exits(env.cmd().args(["api", "drive/v3/files", "-f", &key]), 2);
}

#[test]
fn a5_secrets_of_the_sign_in_are_scrubbed_even_when_this_run_did_not_send_them() {
    let env = Env::signed_in();
    let secrets: Value =
        serde_json::from_str(&std::fs::read_to_string(env.secrets_file("default")).unwrap())
            .unwrap();
    let refresh = secrets["refresh_token"].as_str().unwrap().to_string();
    let body = format!(
        "{{\"error\":{{\"code\":400,\"message\":\"you sent {refresh} and {}\"}}}}",
        gsignin_emulator::WEB_CLIENT_SECRET
    );
    let server = Recorder::answering(&format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    ));
    let ran = env
        .run(&[
            "api",
            &format!("{}/x", server.url),
            "--allow-host",
            "127.0.0.1",
            "-v",
        ])
        .exits(4);
    assert!(!ran.stderr.contains(&refresh), "{}", ran.stderr);
    assert!(
        !ran.stderr.contains(gsignin_emulator::WEB_CLIENT_SECRET),
        "{}",
        ran.stderr
    );
}

#[test]
fn a1_a_refused_transport_costs_no_refresh() {
    let env = Env::signed_in();
    expire_the_access_token(&env);
    let tokens = env.emu.hits("/token");
    let out = exits(
        env.cmd().args([
            "api",
            "http://example.com/x",
            "--allow-host",
            "example.com",
            "--json",
        ]),
        6,
    );
    assert_eq!(json_error(&out)["code"], "insecure_url");
    assert_eq!(env.emu.hits("/token"), tokens);
}

#[test]
fn an_access_token_piped_to_whoami_is_inspected_and_an_empty_one_refused() {
    let env = Env::signed_in();
    let token = stdout(&exits(env.cmd().arg("token"), 0));
    let out = exits(
        env.cmd()
            .args(["whoami", "-", "--json"])
            .write_stdin(token.clone()),
        0,
    );
    assert_eq!(json_out(&out)["active"], true);
    exits(env.cmd().args(["whoami", "--access-token", " "]), 2);
    exits(
        env.cmd()
            .args(["whoami", "--access-token", "-"])
            .write_stdin(format!("{token}{token}")),
        2,
    );
}

/// A server on 127.0.0.1 answering every request with the JSON `body`.
fn answering_json(body: &str) -> Recorder {
    Recorder::answering(&format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    ))
}

/// A7: nothing outside input gives --jq (the expression, a string `fromjson` reads, a recursion,
/// a value built deep) crashes it: each is one error line and the contract's exit code, under
/// --json the error object too. (`.s | fromjson` once overflowed the stack after the token was
/// sent, and the core file held the tokens and the client secret.)
#[test]
fn a7_nothing_given_to_jq_crashes_it() {
    let env = Env::signed_in();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let nested = answering_json(&json!({ "s": deep }).to_string());
    let target = format!("{}/x", nested.url);
    let too_long = format!("{}1", "1+".repeat(50_000));
    let too_nested = format!("{}1{}", "(".repeat(1_000), ")".repeat(1_000));
    for (expr, code, says) in [
        (".s | fromjson", 1, "nests deeper than 512 levels"),
        ("def f: 1 + f; f", 1, "--jq ran out of stack"),
        (
            "reduce range(1000000) as $i (0; [.])",
            1,
            "--jq ran out of stack",
        ),
        (too_long.as_str(), 2, "longer than the 16 KiB"),
        (too_nested.as_str(), 2, "nests deeper than 256 levels"),
    ] {
        let out = api_at(&env, &target, &["--jq", expr]).output().unwrap();
        let shown = &expr[..expr.len().min(40)];
        assert_eq!(out.status.code(), Some(code), "{shown}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{shown}: {err}");
        assert!(err.starts_with("gsignin: error: "), "{shown}: {err}");
        assert!(err.contains(says), "{shown}: {err}");
    }
    let out = api_at(&env, &target, &["--jq", "def f: [f]; f", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json_error(&out)["code"], "error");
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

/// Each output of --jq is written as it comes: `--jq 'repeat(1)' | head -1` prints its line and
/// ends (exit 0, the reader's choice) instead of gathering outputs until memory runs out, and
/// a reader that is slow holds the evaluation back.
#[test]
fn a7_jq_outputs_stream_and_a_reader_that_goes_ends_the_run() {
    use std::io::{BufRead, BufReader, Read};
    let env = Env::signed_in();
    let mut child = env
        .process()
        .args([
            "api",
            "drive/v3/files",
            "-f",
            "spaces=appDataFolder",
            "--jq",
            "repeat(1)",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Gathering every output first, it would never print: the read below would wait forever.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (watched, pid) = (done.clone(), child.id() as i32);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        if !watched.load(std::sync::atomic::Ordering::SeqCst) {
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    lines.read_line(&mut line).unwrap();
    assert_eq!(line, "1\n");
    let resident = |pid: u32| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let kb = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        kb.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    std::thread::sleep(Duration::from_millis(500));
    let before = resident(child.id());
    // Some megabytes of outputs later, the process holds no more memory than a few.
    let mut sink = vec![0; 1 << 20];
    for _ in 0..2 {
        lines.read_exact(&mut sink).unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    let after = resident(child.id());
    assert!(after < before + 8 * 1024, "{before} kB, then {after} kB");
    drop(lines);
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "still running");
        std::thread::sleep(Duration::from_millis(20));
    };
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err, "");
}

/// X8: a crash while gsignin holds the tokens leaves no core file (it would hold them, and
/// core files go where the token store's 0600 files do not), whatever `ulimit -c` says; the
/// browser gsignin starts keeps the limit it was given.
#[test]
fn x7_x8_a_crash_while_the_tokens_are_in_memory_leaves_no_core_file() {
    use std::os::unix::process::ExitStatusExt;
    let env = Env::signed_in();
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap_or_default();
    for signal in [libc::SIGSEGV, libc::SIGABRT, libc::SIGQUIT] {
        let cwd = tempfile::tempdir().unwrap();
        let before = env.emu.hits(FILES);
        let mut cmd = env.process();
        cmd.current_dir(cwd.path())
            .args(["api", "drive/v3/files", "-f", "spaces=appDataFolder"])
            .args(["--jq", "last(range(1e15))"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        crate::support::with_core_files_allowed(&mut cmd);
        let child = cmd.spawn().unwrap();
        // The call was made: the tokens are in memory, and jq runs on the answer.
        while env.emu.hits(FILES) == before {
            std::thread::sleep(Duration::from_millis(20));
        }
        let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
        let core = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        assert_eq!(core.split_whitespace().nth(4), Some("0"), "{core}");
        unsafe { libc::kill(child.id() as i32, signal) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.signal(), Some(signal), "{}", stderr(&out));
        assert!(!out.status.core_dumped(), "signal {signal} dumped a core");
        if !pattern.starts_with('|') {
            let files: Vec<_> = std::fs::read_dir(cwd.path()).unwrap().collect();
            assert!(files.is_empty(), "signal {signal} left {files:?}");
        }
        if signal == libc::SIGSEGV {
            let err = stderr(&out);
            assert!(err.starts_with("gsignin: error: crashed"), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
}

/// The examples of README.md and docs/api.md answer as Google does: Drive's about (which needs `fields`), and
/// Gmail's message list (which needs a Gmail read scope); a method the emulator does not
/// serve is a JSON 404 saying so.
#[test]
fn the_readmes_api_examples_are_served() {
    let env = Env::signed_in();
    let out = exits(
        env.cmd()
            .args(["api", "drive/v3/about", "-f", "fields=user"]),
        0,
    );
    let about = json_out(&out);
    assert_eq!(about["user"]["emailAddress"], "alice@example.com");
    assert_eq!(about["user"]["kind"], "drive#user");
    let out = exits(env.cmd().args(["api", "drive/v3/about"]), 4);
    assert!(
        stdout(&out).contains("The 'fields' parameter is required"),
        "{}",
        stdout(&out)
    );
    // The default sign-in has no Gmail scope: exit 4 naming one that would do.
    let out = exits(env.cmd().args(["api", "gmail/v1/users/me/messages"]), 4);
    assert!(stderr(&out).contains("gmail.readonly"), "{}", stderr(&out));
    let code = env.mint(MintRequest {
        email: Some("gus@example.com".into()),
        scopes: Some(
            [
                "openid",
                "email",
                "https://www.googleapis.com/auth/gmail.readonly",
            ]
            .map(String::from)
            .to_vec(),
        ),
        ..Default::default()
    });
    exits(env.cmd().args(["--profile", "gus", "exchange", &code]), 0);
    let out = exits(
        env.cmd().args([
            "--profile",
            "gus",
            "api",
            "gmail/v1/users/me/messages",
            "-F",
            "maxResults=5",
        ]),
        0,
    );
    assert_eq!(json_out(&out), json!({"resultSizeEstimate": 0}));
    let out = exits(env.cmd().args(["api", "drive/v3/changes"]), 4);
    let body = json_out(&out);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("does not emulate GET /drive/v3/changes")
            && message.contains("docs/emulator-service.md"),
        "{message}"
    );
}
