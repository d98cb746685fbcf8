//! `gsignin whoami` end to end: batches in order, the key cache shared by runs, rotation,
//! offline keys, the hosted-domain rule.

use crate::support::{Env, exits, json_out, stderr, stdout};
use gsignin_emulator::MintRequest;
use gsignin_verify::signing::SigningKey;
use serde_json::{Value, json};

/// `gsignin whoami - ARGS` against the test's emulator, its stdin and stdout piped to the test.
fn batch(env: &Env, args: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("gsignin"))
        .args(["whoami", "-"])
        .args(args)
        .env("GSIGNIN_HOME", env.home())
        .env("GSIGNIN_ISSUER", env.emu.base_url())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// The batch's stdin, and its answers line by line.
fn pipes(
    child: &mut std::process::Child,
) -> (
    std::process::ChildStdin,
    std::io::BufReader<std::process::ChildStdout>,
) {
    let stdin = child.stdin.take().unwrap();
    (stdin, std::io::BufReader::new(child.stdout.take().unwrap()))
}

/// The next answer is a valid token's.
fn next_is_valid(answers: &mut impl std::io::BufRead) {
    let mut line = String::new();
    answers.read_line(&mut line).unwrap();
    assert!(line.starts_with(r#"{"valid":true"#), "{line}");
}

fn id_token_of(doc: &Value) -> String {
    doc["tokens"]["id_token"].as_str().unwrap().to_string()
}

/// Claims like the emulator's, for tokens signed by keys the tests hold.
fn claims(env: &Env) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let iss = env.emu.iss();
    json!({"iss": iss, "aud": gsignin_emulator::state::WEB_CLIENT_ID,
           "sub": "42", "iat": now, "exp": now + 3600})
}

#[test]
fn a_batch_is_answered_in_order_one_json_line_per_token() {
    let env = Env::new();
    let good = id_token_of(&env.exchange_showing_tokens(&[]));
    let mut expired_claims = claims(&env);
    expired_claims["exp"] = json!(1_000_000_000);
    expired_claims["iat"] = json!(999_990_000);
    let expired = env.emu.sign(&expired_claims);
    let input = format!("{good}\n\n{expired}\nnot-a-token\n  {good}  \n");
    let out = exits(
        env.cmd().args(["whoami", "-", "--json"]).write_stdin(input),
        3,
    );
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let valid: Vec<bool> = lines.iter().map(|l| l["valid"] == true).collect();
    assert_eq!(
        valid,
        [true, false, false, true],
        "blank lines are skipped, order kept"
    );
    assert_eq!(lines[1]["checks"]["exp"]["status"], "fail");
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("exp: expired")
    );
    // Per-token errors are `{"code", "message"}`, as every other error.
    assert_eq!(lines[1]["error"]["code"], "token_invalid");
    assert_eq!(lines[2]["checks"]["format"]["status"], "fail");
    assert_eq!(lines[2]["error"]["code"], "token_malformed");
    // The contract's field order, as scripts see it.
    assert!(
        stdout(&out).starts_with(r#"{"valid":true,"checks":{"format":"#),
        "{}",
        stdout(&out)
    );
    assert!(crate::support::stderr(&out).contains("2 of 4 tokens were rejected"));

    // All valid: exit 0, human output numbered.
    let out = exits(
        env.cmd()
            .args(["whoami", "-"])
            .write_stdin(format!("{good}\n{good}\n")),
        0,
    );
    assert!(stdout(&out).starts_with("[1] VALID ID token for alice@example.com"));
    assert!(stdout(&out).contains("[2] VALID"));
}

#[test]
fn the_keys_are_fetched_once_across_runs_within_max_age() {
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    for _ in 0..3 {
        exits(env.cmd().args(["whoami", &token]), 0);
    }
    exits(
        env.cmd()
            .args(["whoami", "-"])
            .write_stdin(format!("{token}\n")),
        0,
    );
    assert_eq!(
        env.emu.hits("/oauth2/v3/certs"),
        1,
        "one fetch for the exchange and four runs"
    );

    // Once max-age has passed (the cache file says when), the next run fetches again.
    assert_eq!(
        env.emu.hits("/.well-known/openid-configuration"),
        1,
        "discovery is cached too"
    );
    for file in std::fs::read_dir(env.home().join("cache/http")).unwrap() {
        let path = file.unwrap().path();
        let mut entry: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        entry["expires_at"] = json!(0);
        std::fs::write(&path, entry.to_string()).unwrap();
    }
    exits(env.cmd().args(["whoami", &token]), 0);
    assert_eq!(env.emu.hits("/oauth2/v3/certs"), 2);
}

#[test]
fn a_key_published_after_the_cache_is_found_with_one_refetch() {
    let env = Env::new();
    let first = id_token_of(&env.exchange_showing_tokens(&[]));
    exits(env.cmd().args(["whoami", &first]), 0);
    assert_eq!(env.emu.hits("/oauth2/v3/certs"), 1);
    let new_kid = env.emu.rotate_keys();
    let claims = claims(&env);
    let rotated = env.emu.sign(&claims);
    let out = exits(env.cmd().args(["whoami", &rotated, "--json"]), 0);
    assert_eq!(json_out(&out)["header"]["kid"], new_kid.as_str());
    assert_eq!(
        env.emu.hits("/oauth2/v3/certs"),
        2,
        "one refetch for the unknown kid"
    );
    exits(env.cmd().args(["whoami", &rotated]), 0);
    assert_eq!(
        env.emu.hits("/oauth2/v3/certs"),
        2,
        "the refetched keys were cached"
    );
}

/// Blocks judged with the old keys while the refetch happened are judged again with the new
/// ones: a rotation mid-batch rejects nothing genuine.
#[test]
fn a_key_published_mid_batch_validates_every_block_judged_before_the_refetch() {
    let env = Env::new();
    let old = id_token_of(&env.exchange_showing_tokens(&[]));
    exits(env.cmd().args(["whoami", &old]), 0);
    env.emu.rotate_keys();
    let new = env.emu.sign(&claims(&env));
    let mut input = format!("{new}\n");
    input.push_str(&format!("{old}\n").repeat(255));
    input.push_str(&format!("{new}\n").repeat(1024));
    let out = exits(
        env.cmd().args(["whoami", "-", "--json"]).write_stdin(input),
        0,
    );
    assert_eq!(stdout(&out).lines().count(), 1280);
    assert_eq!(env.emu.hits("/oauth2/v3/certs"), 2, "one refetch");
}

/// A producer that trickles tokens gets each answer before it sends the next, not at the end.
#[test]
fn a_slow_producer_gets_each_answer_as_its_token_arrives() {
    use std::io::Write;
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    let mut child = batch(&env, &["--json"]);
    let (mut stdin, mut answers) = pipes(&mut child);
    for _ in 0..3 {
        // The pipe stays open: an answer that waited for more input would never come.
        writeln!(stdin, "{token}").unwrap();
        stdin.flush().unwrap();
        next_is_valid(&mut answers);
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// A producer that writes in pieces (stdio buffering, a relay): the lines it has finished are
/// answered while the next one is still half written.
#[test]
fn a_half_written_line_does_not_hold_back_the_finished_ones() {
    use std::io::Write;
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    let mut child = batch(&env, &["--json"]);
    let (mut stdin, mut answers) = pipes(&mut child);
    write!(stdin, "{token}\n{}", &token[..token.len() / 2]).unwrap();
    stdin.flush().unwrap();
    next_is_valid(&mut answers);
    writeln!(stdin, "{}", &token[token.len() / 2..]).unwrap();
    drop(stdin);
    next_is_valid(&mut answers);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// `| head -1` while the producer goes on forever: the run ends once its reader has gone.
#[test]
fn a_reader_that_stops_early_ends_the_batch_while_stdin_stays_open() {
    use std::io::{BufRead, Write};
    let env = Env::new();
    let mut child = batch(&env, &["--no-verify", "--json"]);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "not-a-token").unwrap();
    stdin.flush().unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // stdout is closed now. The producer goes on, as `yes | ... | head -1`'s would: a child
    // that another test forks at this moment holds the pipe's read end until it execs, so one
    // answer may still land in the pipe; a later one meets the closed pipe.
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "gsignin still waits on stdin after its reader has gone"
        );
        // Once gsignin has gone, its stdin is closed too: that write fails, and the loop ends.
        let _ = writeln!(stdin, "still-not-a-token").and_then(|()| stdin.flush());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(child.wait().unwrap().code(), Some(0), "the reader's choice");
}

#[test]
fn no_verify_text_answers_carry_their_input_line_numbers() {
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    let out = exits(
        env.cmd()
            .args(["whoami", "-", "--no-verify", "--color", "never"])
            .write_stdin(format!("{token}\ngarbage\n{token}\n")),
        3,
    );
    let text = stdout(&out);
    assert!(text.contains("[1] UNVERIFIED"), "{text}");
    assert!(text.contains("[2] UNVERIFIED and undecodable"), "{text}");
    assert!(text.contains("[3] UNVERIFIED"), "{text}");
    assert!(
        stderr(&out).contains("1 of 3 tokens could not be decoded"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn tokens_from_an_unknown_key_cost_one_refetch_per_run_however_many() {
    let env = Env::new();
    let stranger = SigningKey::generate();
    let forged = stranger.sign(&claims(&env));
    let input = format!("{forged}\n").repeat(50);
    let out = exits(
        env.cmd().args(["whoami", "-", "--json"]).write_stdin(input),
        3,
    );
    assert_eq!(stdout(&out).lines().count(), 50);
    assert!(stdout(&out).contains("no key with kid"));
    assert_eq!(
        env.emu.hits("/oauth2/v3/certs"),
        2,
        "the fetch and one refetch"
    );
}

#[test]
fn saved_keys_verify_offline_as_jwks_or_pem_certificates() {
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    let (jwks, pem) = { (env.emu.jwks().to_string(), env.emu.pem_map().to_string()) };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("jwks.json"), jwks).unwrap();
    std::fs::write(dir.path().join("pem.json"), pem).unwrap();
    let hits = env.emu.hits("/oauth2/v3/certs");
    for file in ["jwks.json", "pem.json"] {
        let out = exits(
            env.cmd()
                .env("GSIGNIN_ISSUER", env.emu.base_url())
                .args(["whoami", &token, "--json", "--jwks"])
                .arg(dir.path().join(file)),
            0,
        );
        assert_eq!(json_out(&out)["valid"], true, "{file}");
    }
    assert_eq!(
        env.emu.hits("/oauth2/v3/certs"),
        hits,
        "--jwks never fetches"
    );
    assert_eq!(
        env.emu.hits("/.well-known/openid-configuration"),
        1,
        "nor discovers"
    );
}

#[test]
fn hd_is_reported_and_enforced_when_asked() {
    let env = Env::new();
    let consumer = id_token_of(&env.exchange_showing_tokens(&[]));
    let out = exits(env.cmd().args(["whoami", &consumer, "--json"]), 0);
    assert_eq!(json_out(&out)["checks"]["hd"]["status"], "skipped");
    let out = exits(
        env.cmd()
            .args(["whoami", &consumer, "--hd", "corp.example"]),
        3,
    );
    assert!(stdout(&out).contains("FAIL  hd"), "{}", stdout(&out));

    let code = env.mint(MintRequest {
        email: Some("bo@corp.example".into()),
        hd: Some("corp.example".into()),
        ..Default::default()
    });
    let doc = json_out(&exits(
        env.cmd().args([
            "exchange",
            &code,
            "--show-tokens",
            "--json",
            "--profile",
            "corp",
        ]),
        0,
    ));
    let workspace = id_token_of(&doc);
    let out = exits(
        env.cmd()
            .args(["whoami", &workspace, "--hd", "corp.example", "--json"]),
        0,
    );
    assert_eq!(json_out(&out)["checks"]["hd"]["status"], "pass");
    assert_eq!(json_out(&out)["checks"]["azp"]["status"], "pass");
    assert_eq!(json_out(&out)["checks"]["email_verified"]["status"], "pass");
}

#[test]
fn no_verify_decodes_a_batch_and_says_so() {
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    let out = exits(
        env.cmd()
            .args(["whoami", "-", "--no-verify", "--json"])
            .write_stdin(format!("{token}\ngarbage\n")),
        3,
    );
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["verified"], false);
    assert_eq!(lines[0]["claims"]["email"], "alice@example.com");
    assert_eq!(lines[1]["valid"], false);
}

#[test]
fn a_reader_that_stops_early_ends_the_batch_with_exit_0() {
    use std::io::{BufRead, Write};
    let env = Env::new();
    let mut child = batch(&env, &["--json"]);
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        // Enough rejected answers to overflow any pipe buffer.
        for _ in 0..20_000 {
            if stdin.write_all(b"not-a-token\n").is_err() {
                break;
            }
        }
    });
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with(r#"{"valid":false"#), "{first}");
    // The reader is gone (like `| head -1`): the batch stops, and that is no failure.
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_time_claim_no_date_can_name_is_shown_out_of_range_not_wrapped() {
    let env = Env::new();
    let claims = serde_json::json!({"iss": "https://accounts.google.com",
        "aud": gsignin_emulator::state::WEB_CLIENT_ID, "sub": "1101",
        "iat": i64::MIN, "exp": i64::MIN});
    let token = env.emu.sign(&claims);
    let out = crate::support::exits(env.cmd().args(["whoami", &token]), 3);
    let shown = crate::support::stdout(&out);
    assert!(
        shown.contains("-9223372036854775808 (out of range)"),
        "{shown}"
    );
    assert!(
        !shown.contains("106751991146510"),
        "a wrapped-around span: {shown}"
    );
}
