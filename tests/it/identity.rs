//! Identity, exactly: every VALID and every stored sign-in names the right user, even when the
//! issuer (or a man in the middle of a misconfigured one) answers for somebody else.

use crate::support::{Answer, Env, Mitm, exits, json_error, json_out, stderr, stdout};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// An ID token signed by the emulator's key, with these claims over sensible defaults.
fn signed(env: &Env, change: impl FnOnce(&mut Value)) -> String {
    let mut claims = json!({"iss": env.emu.iss(), "aud": gsignin_emulator::WEB_CLIENT_ID,
        "sub": "1101", "email": "alice@example.com", "email_verified": true,
        "iat": now(), "exp": now() + 3600});
    change(&mut claims);
    env.emu.sign(&claims)
}

/// A man in the middle that swaps the ID token of `grant` answers (`refresh_token`,
/// `authorization_code`) for the one in `swap`, once a test puts one there.
fn swapping(env: &Env, grant: &'static str) -> (Mitm, Arc<Mutex<Option<String>>>) {
    let swap: Arc<Mutex<Option<String>>> = Arc::default();
    let cell = swap.clone();
    let mitm = Mitm::start(env, move |seen, real| {
        if seen.path != "/token" || !seen.body.contains(&format!("grant_type={grant}")) {
            return None;
        }
        let token = cell.lock().unwrap().clone()?;
        let mut doc: Value = serde_json::from_slice(&real?.body).ok()?;
        doc["id_token"] = token.into();
        Some(Answer::json(200, doc))
    });
    (mitm, swap)
}

#[test]
fn r5_a_refresh_that_names_another_user_is_refused_and_the_profile_keeps_its_user() {
    let env = Env::new();
    let (mitm, swap) = swapping(&env, "refresh_token");
    exits(mitm.cmd(&env).args(["exchange", &env.code()]), 0);
    let mallory = signed(&env, |c| {
        c["sub"] = "9999".into();
        c["email"] = "mallory@example.com".into();
    });
    *swap.lock().unwrap() = Some(mallory);
    let out = exits(mitm.cmd(&env).args(["--json", "refresh"]), 3);
    let e = json_error(&out);
    assert_eq!(e["code"], "id_token_user_changed", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("mallory@example.com")
    );
    *swap.lock().unwrap() = None;
    let status = json_out(&exits(mitm.cmd(&env).args(["--json", "status"]), 0));
    assert_eq!(
        status["profiles"][0]["email"], "alice@example.com",
        "{status}"
    );
    let v = json_out(&exits(mitm.cmd(&env).args(["--json", "whoami"]), 0));
    assert_eq!(v["claims"]["email"], "alice@example.com");
}

#[test]
fn e9_a_stored_refresh_token_is_kept_only_for_the_same_named_user() {
    let env = Env::new();
    // Answers without an ID token: no subject is named. After the first, no refresh token
    // either (as for a user's second code).
    let second = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = second.clone();
    let mitm = Mitm::start(&env, move |seen, real| {
        if seen.path != "/token" {
            return None;
        }
        let mut doc: Value = serde_json::from_slice(&real?.body).ok()?;
        let obj = doc.as_object_mut()?;
        obj.remove("id_token");
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            obj.remove("refresh_token");
        }
        doc["scope"] = "https://www.googleapis.com/auth/drive.appdata".into();
        Some(Answer::json(200, doc))
    });
    let alice = json_out(&exits(
        mitm.cmd(&env)
            .args(["--json", "exchange", &env.code_for("alice@example.com")]),
        0,
    ));
    assert_eq!(alice["refresh_token"]["stored"], true);
    second.store(true, std::sync::atomic::Ordering::SeqCst);
    let out = exits(
        mitm.cmd(&env)
            .args(["--json", "exchange", &env.code_for("bob@example.com")]),
        0,
    );
    let doc = json_out(&out);
    assert_eq!(
        doc["refresh_token"]["stored"], false,
        "alice's refresh token must not stay beside bob's access token: {doc}"
    );
    assert!(
        stderr(&out)
            .contains("held the sign-in of an unknown subject; it now holds an unknown subject"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn w6_an_unverified_email_is_never_the_headline() {
    let env = Env::new();
    let token = signed(&env, |c| {
        c["email"] = "victim@corp.example".into();
        c["email_verified"] = false.into();
    });
    let out = exits(env.cmd().args(["whoami", &token]), 0);
    assert!(
        stdout(&out).starts_with(
            "VALID Google ID token for sub 1101 (email victim@corp.example, NOT verified)"
        ),
        "{}",
        stdout(&out)
    );
    let absent = signed(&env, |c| {
        drop(c.as_object_mut().unwrap().remove("email_verified"));
    });
    let out = exits(env.cmd().args(["whoami", &absent]), 0);
    assert!(stdout(&out).starts_with("VALID Google ID token for sub 1101 (email"));
    // Every JSON report carries email_verified.
    let doc = env.exchange_showing_tokens(&[]);
    assert_eq!(doc["email_verified"], true, "{doc}");
    let status = json_out(&exits(env.cmd().args(["--json", "status"]), 0));
    assert_eq!(status["profiles"][0]["email_verified"], true, "{status}");
}

#[test]
fn empty_expectations_are_usage_errors() {
    let env = Env::new();
    let token = signed(&env, |c| {
        c["aud"] = "".into();
        c["hd"] = "".into();
    });
    exits(env.cmd().args(["whoami", "--audience", "", &token]), 2);
    exits(env.cmd().args(["whoami", "--hd", "", &token]), 2);
}

#[test]
fn e7_w5_a_token_without_a_subject_is_never_valid_nor_stored() {
    let env = Env::new();
    for sub in [Value::Null, json!(12345), json!(["a"])] {
        let token = signed(&env, |c| {
            if sub.is_null() {
                c.as_object_mut().unwrap().remove("sub");
            } else {
                c["sub"] = sub.clone();
            }
        });
        let out = exits(env.cmd().args(["--json", "whoami", &token]), 3);
        assert_eq!(json_out(&out)["checks"]["sub"]["status"], "fail");
    }
    // An exchange whose (validly signed) ID token names no subject: not stored, rescued.
    let (mitm, swap) = swapping(&env, "authorization_code");
    *swap.lock().unwrap() = Some(signed(&env, |c| {
        drop(c.as_object_mut().unwrap().remove("sub"));
    }));
    let out = exits(mitm.cmd(&env).args(["--json", "exchange", &env.code()]), 3);
    assert_eq!(json_error(&out)["code"], "id_token_invalid");
    assert!(
        !env.profile_file("default").exists(),
        "nothing stored for nobody"
    );
    assert!(
        env.home().join("data/rescue").exists(),
        "the tokens are rescued"
    );
}
#[test]
fn w10_a_saved_key_set_with_odd_keys_still_verifies_and_private_parts_are_warned_about() {
    let env = Env::new();
    let token = signed(&env, |_| {});
    let good = env.emu.jwk();
    let mut leaked = good.clone();
    leaked["kid"] = "leaked".into();
    leaked["d"] = "c2VjcmV0".into();
    let doc = json!({"keys": [{"kid": 7, "kty": "RSA"}, {"kty": "EC", "kid": "ec"}, leaked, good]});
    let path = env.home().join("jwks.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = exits(
        env.cmd().args(["whoami", "--jwks"]).arg(&path).arg(&token),
        0,
    );
    assert!(stdout(&out).starts_with("VALID Google ID token for alice@example.com"));
    assert!(
        stderr(&out).contains("PRIVATE key material"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn x4_a_tokens_claims_cannot_drive_the_terminal() {
    let env = Env::new();
    let token = signed(&env, |c| {
        c["name"] = "Mallory\u{1b}]0;pwned\u{7}\u{1b}[2J".into();
    });
    let out = exits(env.cmd().args(["whoami", &token]), 0);
    assert!(!stdout(&out).contains('\u{1b}'), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Mallory\\u{1b}]0;pwned"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn x4_an_issuers_words_cannot_drive_the_terminal_in_any_report() {
    let env = Env::new();
    let code = env.code_for("mallory\u{1b}]0;pwned\u{7}@example.com");
    let out = exits(env.cmd().args(["exchange", &code]), 0);
    assert!(!stdout(&out).contains('\u{1b}'), "{}", stdout(&out));
    let out = exits(env.cmd().arg("status"), 0);
    assert!(!stdout(&out).contains('\u{1b}'), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("mallory\\u{1b}]0;pwned"),
        "{}",
        stdout(&out)
    );
}
