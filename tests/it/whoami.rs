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
    json!({"iss": iss, "aud": gsignin_emulator::WEB_CLIENT_ID,
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
    // Each answer names the line of stdin its token came from, blank lines counted.
    let numbers: Vec<&Value> = lines.iter().map(|l| &l["line"]).collect();
    assert_eq!(numbers, [1, 3, 4, 5]);
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
    // Judged again or not, every answer keeps its line.
    for (i, answer) in stdout(&out).lines().enumerate() {
        let answer: Value = serde_json::from_str(answer).unwrap();
        assert_eq!(answer["line"], i + 1);
    }
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
    assert_eq!(
        (&lines[0]["line"], &lines[1]["line"]),
        (&json!(1), &json!(2))
    );
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
        "aud": gsignin_emulator::WEB_CLIENT_ID, "sub": "1101",
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

/// The shapes and sizes of token a support engineer meets, and what the cap makes of them:
/// valid tokens tiny to just under 1 MiB, just over it, two and four parts, binary, a JSON
/// answer, a Bearer header, white space around one. Each with its name.
fn corpus(env: &Env, now: i64) -> Vec<(String, Vec<u8>)> {
    let mut claims = claims(env);
    claims["iat"] = json!(now - 10);
    claims["exp"] = json!(now + 3590);
    let padded = |size: usize| {
        let mut c = claims.clone();
        c["padding"] = json!("p".repeat(size));
        env.emu.sign(&c)
    };
    let cap = gsignin_verify::id_token::MAX_TOKEN_BYTES;
    // The padding that makes a token `len` bytes long, give or take a byte.
    let sized = |len: usize| padded((len - padded(0).len()) * 3 / 4);
    let tiny = env.emu.sign(&claims);
    let (kib60, kib100) = (sized(60 << 10), sized(100 << 10));
    let (under, over) = (sized(cap - 8), sized(cap + 8));
    assert!(
        under.len() <= cap && over.len() > cap,
        "{} {}",
        under.len(),
        over.len()
    );
    let parts: Vec<&str> = kib100.split('.').collect();
    vec![
        ("tiny".into(), tiny.clone().into_bytes()),
        ("60 KiB".into(), kib60.clone().into_bytes()),
        ("100 KiB".into(), kib100.clone().into_bytes()),
        ("just under the cap".into(), under.into_bytes()),
        ("just over the cap".into(), over.into_bytes()),
        ("junk over the cap".into(), vec![b'x'; cap + 1]),
        ("spaces around".into(), format!("  {tiny}\t").into_bytes()),
        (
            "two parts".into(),
            format!("{}.{}", parts[0], parts[1]).into_bytes(),
        ),
        (
            "100 KiB cut at 64 KiB".into(),
            kib100.as_bytes()[..64 << 10].to_vec(),
        ),
        (
            "four parts".into(),
            format!("{tiny}.{}", parts[2]).into_bytes(),
        ),
        (
            "binary".into(),
            vec![0xff, 0xfe, b'.', 0x80, b'.', 0x81, 0x01],
        ),
        (
            "JSON-wrapped".into(),
            json!({"id_token": tiny}).to_string().into_bytes(),
        ),
        (
            "Bearer-prefixed".into(),
            format!("Bearer {kib60}").into_bytes(),
        ),
        ("nothing but a word".into(), b"hello".to_vec()),
    ]
}

/// A verdict as the batch writes it, without the line it came from.
fn without_line(mut answer: Value) -> Value {
    answer.as_object_mut().unwrap().remove("line");
    answer
}

/// Asserts two verdicts are the same, showing what they say (not the megabyte they hold).
fn same_verdict(one: &Value, other: &Value, what: &str) {
    let said = |v: &Value| format!("valid: {}, error: {}", v["valid"], v["error"]);
    assert!(one == other, "{what}: {} | {}", said(one), said(other));
}

/// One token, one verdict, whichever way gsignin reads it: as the argument (in-process for
/// tokens longer than the kernel lets an argument be), alone on stdin, and as a line of a
/// batch among the others. `whoami -` once cut lines at 64 KiB and called a valid 100 KB token
/// "a JWT has 3 parts, this has 2" while `whoami TOKEN` called it VALID; a line beyond the cap
/// is now too long, with its line number, and the lines after it are still judged.
#[test]
fn one_token_gets_one_verdict_whichever_path_reads_it() {
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;
    let env = Env::new();
    let (now, at) = (1_795_500_000, "2026-11-24T06:00:00Z");
    let corpus = corpus(&env, now);
    let run_stdin = |input: &[u8]| {
        let mut child = env
            .process()
            .args(["--json", "whoami", "-", "--now", at])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        out
    };
    // The batch: every token on a line of its own, a blank line between each.
    let mut input = Vec::new();
    for (_, token) in &corpus {
        input.extend_from_slice(token);
        input.extend_from_slice(b"\n\n");
    }
    let out = run_stdin(&input);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let batch: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(batch.len(), corpus.len(), "one answer per token");
    for (i, ((name, token), answer)) in corpus.iter().zip(&batch).enumerate() {
        assert_eq!(answer["line"], 2 * i + 1, "{name}: the line it came from");
        let alone = run_stdin(&[&token[..], b"\n"].concat());
        let alone: Value = serde_json::from_str(stdout(&alone).trim()).unwrap();
        let answer = without_line(answer.clone());
        same_verdict(
            &without_line(alone),
            &answer,
            &format!("{name}, alone on stdin"),
        );
        let (code, single) = if token.len() <= 120 << 10 {
            let out = env
                .process()
                .args(["--json", "whoami", "--now", at, "--"])
                .arg(std::ffi::OsStr::from_bytes(token))
                .output()
                .unwrap();
            (out.status.code(), json_out(&out))
        } else {
            let token = std::str::from_utf8(token).unwrap();
            let ran = env.run(&["--json", "whoami", "--now", at, "--", token]);
            (Some(ran.code), ran.json())
        };
        same_verdict(&single, &answer, &format!("{name}, as the argument"));
        let valid = answer["valid"] == true;
        assert_eq!(code, Some(if valid { 0 } else { 3 }), "{name}");
        let format = answer["checks"]["format"]["detail"]
            .as_str()
            .unwrap_or_default();
        let too_long = format.contains("longer than 1 MiB");
        assert_eq!(
            too_long,
            token.trim_ascii().len() > gsignin_verify::id_token::MAX_TOKEN_BYTES,
            "{name}: {format}"
        );
    }
    let valid: Vec<&str> = corpus
        .iter()
        .zip(&batch)
        .filter(|(_, a)| a["valid"] == true)
        .map(|((name, _), _)| name.as_str())
        .collect();
    assert_eq!(
        valid,
        [
            "tiny",
            "60 KiB",
            "100 KiB",
            "just under the cap",
            "spaces around",
            // Pasted forms are judged as the token they wrap (W17).
            "JSON-wrapped",
            "Bearer-prefixed"
        ]
    );
}

#[test]
fn w7_an_access_token_on_the_first_line_does_not_decide_for_the_rest_of_a_batch() {
    let env = Env::signed_in();
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.secrets_file("default")).unwrap()).unwrap();
    let id = stored["id_token"].as_str().unwrap();
    let out = env
        .cmd()
        .args(["whoami", "--json", "-"])
        .write_stdin(format!("ya29.an-access-token\n{id}\n\u{feff}{id}\n"))
        .output()
        .unwrap();
    let answers: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 3, "{}", stdout(&out));
    assert_eq!(answers[0]["valid"], false);
    assert_eq!(answers[1]["valid"], true, "{}", answers[1]);
    // A byte-order mark before a token is dropped wherever the token stands.
    assert_eq!(answers[2]["valid"], true, "{}", answers[2]);
    assert_eq!(answers[2]["line"], 3);
}

/// W18: with no audience known (no client secret, no --audience), a valid token's headline says
/// the audience was not checked: a token for any other app would read the same.
#[test]
fn w18_the_headline_says_when_the_audience_was_not_checked() {
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    let bare_home = tempfile::tempdir().unwrap();
    let out = exits(
        env.cmd()
            .env("GSIGNIN_HOME", bare_home.path())
            .args(["whoami", &token]),
        0,
    );
    let headline = stdout(&out).lines().next().unwrap().to_string();
    assert_eq!(
        headline,
        "VALID ID token for alice@example.com, audience not checked"
    );
    let out = exits(
        env.cmd().env("GSIGNIN_HOME", bare_home.path()).args([
            "whoami",
            &token,
            "--audience",
            gsignin_emulator::WEB_CLIENT_ID,
        ]),
        0,
    );
    assert_eq!(
        stdout(&out).lines().next().unwrap(),
        "VALID ID token for alice@example.com"
    );
    let out = exits(
        env.cmd()
            .env("GSIGNIN_HOME", bare_home.path())
            .write_stdin(format!("{token}\n"))
            .args(["whoami", "-"]),
        0,
    );
    assert!(
        stdout(&out)
            .starts_with("[1] VALID ID token for alice@example.com, audience not checked\n"),
        "{}",
        stdout(&out)
    );
}

/// W19: when the issuer's keys cannot be fetched, the token is still decoded and shown,
/// labelled UNVERIFIED (keys unreachable), never valid, exit 5, and the hint names the ways
/// to verify offline; a batch answers every token so.
#[test]
fn w19_unreachable_keys_show_the_token_unverified_with_exit_5() {
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    let dead = crate::support::closed_port_url();
    let out = exits(
        env.cmd()
            .env("GSIGNIN_ISSUER", &dead)
            .args(["whoami", &token]),
        5,
    );
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "UNVERIFIED (keys unreachable) ID token for alice@example.com: the signature was not checked\n"
        ),
        "{text}"
    );
    assert!(text.contains("skip  signature"), "{text}");
    assert!(text.contains("email           alice@example.com"), "{text}");
    let err = stderr(&out);
    assert!(
        err.contains("--jwks") && err.contains("--no-verify"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    let out = exits(
        env.cmd()
            .env("GSIGNIN_ISSUER", &dead)
            .args(["--json", "whoami", &token]),
        5,
    );
    let doc = json_out(&out);
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["checks"]["signature"]["status"], "skipped");
    assert_eq!(doc["checks"]["exp"]["status"], "pass");
    assert_eq!(doc["claims"]["email"], "alice@example.com");
    assert!(doc["error"]["message"].is_string(), "{doc}");

    let out = exits(
        env.cmd()
            .env("GSIGNIN_ISSUER", &dead)
            .write_stdin(format!("{token}\n\n{token}\n"))
            .args(["--json", "whoami", "-"]),
        5,
    );
    let answers: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 2);
    for (answer, line) in answers.iter().zip([1, 3]) {
        assert_eq!(answer["valid"], false);
        assert_eq!(answer["checks"]["signature"]["status"], "skipped");
        assert_eq!(answer["line"], line);
    }
}

/// W20: `--jwks URL` fetches the keys (a JWKS or a PEM certificate map) from there, under the
/// transport rule, and never with credentials in the URL.
#[test]
fn w20_jwks_takes_a_url_over_the_transport_rule_and_without_credentials() {
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    let dead = crate::support::closed_port_url();
    for path in ["/oauth2/v3/certs", "/oauth2/v1/certs"] {
        let url = format!("{}{path}", env.emu.base_url());
        let out = exits(
            env.cmd()
                .env("GSIGNIN_ISSUER", &dead)
                .args(["--json", "whoami", &token, "--jwks", &url]),
            0,
        );
        assert_eq!(json_out(&out)["valid"], true, "{path}");
    }
    let out = exits(
        env.cmd()
            .args(["whoami", &token, "--jwks", "http://192.0.2.1/certs"]),
        6,
    );
    assert!(stderr(&out).contains("over http"), "{}", stderr(&out));
    // Keys are public: a URL with a password in it is refused, and the password not shown.
    let with_password =
        env.emu.base_url().replace("http://", "http://u:s3cret@") + "/oauth2/v3/certs";
    let out = exits(
        env.cmd().args(["whoami", &token, "--jwks", &with_password]),
        2,
    );
    assert!(!format!("{}{}", stdout(&out), stderr(&out)).contains("s3cret"));
}

/// W17: a token pasted as people paste it (after `Bearer`, a whole `Authorization` line, in a
/// token endpoint's JSON answer, in a redirect URL) gets the bare token's verdict, as an
/// argument and on a batch's lines, whose answers carry their line of stdin.
#[test]
fn w17_a_token_pasted_in_its_usual_wrappings_gets_the_bare_tokens_verdict() {
    let env = Env::new();
    let token = id_token_of(&env.exchange_showing_tokens(&[]));
    let forms = [
        format!("Bearer {token}"),
        format!("Authorization: Bearer {token}"),
        format!(r#"{{"access_token":"ya29.x","expires_in":3599,"id_token":"{token}"}}"#),
        format!("https://app.example/callback#state=x&id_token={token}"),
    ];
    for form in &forms {
        let out = exits(env.cmd().args(["--json", "whoami", form]), 0);
        assert_eq!(json_out(&out)["valid"], true, "{form}");
    }
    let input = format!(
        "\n{}\n\n\n{}\n{}\n{}\n",
        forms[0], forms[1], forms[2], forms[3]
    );
    let out = exits(
        env.cmd().write_stdin(input).args(["--json", "whoami", "-"]),
        0,
    );
    let lines: Vec<i64> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["line"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(lines, [2, 5, 6, 7]);
    // An access token after `Bearer` is inspected as one.
    let out = exits(
        env.cmd().args(["whoami", "Bearer ya29.not-a-live-token"]),
        3,
    );
    assert!(!stdout(&out).contains("ya29.not-a-live-token"));
}

/// W6: a line break in a claim adds no line to what a person reads: the headline stays one
/// line, whether the token is valid or not.
#[test]
fn w6_a_line_break_in_a_claim_forges_no_line_of_the_report() {
    let env = Env::new();
    let mut forged = claims(&env);
    forged["email"] = json!("mallory@evil.example\n\nVALID ID token for ceo@corp.example\n");
    forged["email_verified"] = json!(true);
    for sub in ["42", "42\nVALID ID token for ceo@corp.example"] {
        forged["sub"] = json!(sub);
        let token = env.emu.sign(&forged);
        let out = env.cmd().args(["whoami", &token]).output().unwrap();
        let text = stdout(&out);
        let headlines = text
            .lines()
            .filter(|l| l.starts_with("VALID") || l.starts_with("INVALID"))
            .count();
        assert_eq!(headlines, 1, "{text}");
        assert!(text.lines().next().unwrap().contains("\\u{a}"), "{text}");
    }
}

/// W19: without keys, a token that fails a check needing none (a refused alg, another
/// audience, expired, not a JWT) is rejected as usual, exit 3, on every path; only one that
/// passes them all is shown UNVERIFIED with exit 5.
#[test]
fn w19_without_keys_a_token_failing_a_keyless_check_is_still_rejected() {
    let env = Env::new();
    let dead = crate::support::closed_port_url();
    let mut expired = claims(&env);
    expired["exp"] = json!(1_000_000_000);
    expired["iat"] = json!(999_990_000);
    let expired = env.emu.sign(&expired);
    for bad in [expired.as_str(), "notajwt"] {
        let out = exits(
            env.cmd().env("GSIGNIN_ISSUER", &dead).args(["whoami", bad]),
            3,
        );
        assert!(stdout(&out).starts_with("INVALID"), "{}", stdout(&out));
        exits(
            env.cmd()
                .env("GSIGNIN_ISSUER", &dead)
                .write_stdin(format!("{bad}\n"))
                .args(["whoami", "-"]),
            3,
        );
    }
}

/// W17: `--access-token` takes a pasted answer's access token, and `Bearer ya29.…` on stdin
/// is an access token as it is in an argument.
#[test]
fn w17_access_tokens_are_taken_from_their_pasted_forms_too() {
    let env = Env::new();
    let tokens = env.exchange_showing_tokens(&[]);
    let access = tokens["tokens"]["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let id = tokens["tokens"]["id_token"].as_str().unwrap().to_string();
    let answer =
        json!({"access_token": access, "id_token": id, "token_type": "Bearer"}).to_string();
    let out = exits(
        env.cmd()
            .args(["--json", "whoami", "--access-token", &answer]),
        0,
    );
    assert_eq!(json_out(&out)["active"], true, "{}", stdout(&out));
    let out = exits(
        env.cmd()
            .write_stdin(format!("Bearer {access}\n"))
            .args(["--json", "whoami", "-"]),
        0,
    );
    assert_eq!(json_out(&out)["active"], true, "{}", stdout(&out));
    assert_no_secret_in(&out, &access);
}

fn assert_no_secret_in(out: &std::process::Output, secret: &str) {
    let all = format!("{}{}", stdout(out), stderr(out));
    assert!(!all.contains(secret), "a token was printed");
}
