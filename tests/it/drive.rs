//! `gsignin drive-appfolder`: the offline API call, against the emulator's Drive.

use crate::support::{Env, exits, json_error, json_out, stderr, stdout};
use gsignin_emulator::MintRequest;
use serde_json::{Value, json};

const FOLDER: &str = "/drive/v3/files/appfolder";
const LIST: &str = "/drive/v3/files";

fn signed_in() -> Env {
    Env::signed_in()
}

#[test]
fn shows_the_folder_and_lists_every_page() {
    let env = signed_in();
    let out = exits(env.cmd().args(["drive-appfolder", "--json"]), 0);
    let folder = json_out(&out);
    assert_eq!(folder["kind"], "drive#file");
    assert_eq!(folder["mimeType"], "application/vnd.google-apps.folder");
    let out = exits(env.cmd().arg("drive-appfolder"), 0);
    assert!(stdout(&out).starts_with("App data folder of alice@example.com"));

    reqwest::blocking::Client::new()
        .post(format!("{}/control/drive/files", env.emu.base_url()))
        .json(&json!({"count": 1500}))
        .send()
        .unwrap();
    let out = exits(env.cmd().args(["drive-appfolder", "--list", "--json"]), 0);
    let list = json_out(&out);
    assert_eq!(list["count"], 1500);
    assert_eq!(list["files"][1499]["name"], "file-1499.bin");
    assert_eq!(list["files"][0]["size"], "1024");
    assert_eq!(env.emu.hits(LIST), 2, "two pages");
    let out = exits(env.cmd().args(["drive-appfolder", "--list"]), 0);
    assert!(stdout(&out).starts_with("1500 files in the app data folder"));
}

#[test]
fn an_access_token_about_to_expire_is_refreshed_first() {
    let env = signed_in();
    let path = env.profile_file("default");
    let mut profile: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let soon = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 30;
    profile["access_token_expires_at"] = json!(soon);
    std::fs::write(&path, profile.to_string()).unwrap();
    let tokens = env.emu.hits("/token");
    exits(env.cmd().arg("drive-appfolder"), 0);
    assert_eq!(env.emu.hits("/token"), tokens + 1, "one refresh");
    assert_eq!(env.emu.hits(FOLDER), 1, "one Drive call");
}

#[test]
fn a_401_refreshes_once_and_retries_once() {
    let env = signed_in();
    env.fail(FOLDER, 401, Some(1));
    let tokens = env.emu.hits("/token");
    exits(env.cmd().arg("drive-appfolder"), 0);
    assert_eq!(env.emu.hits("/token"), tokens + 1);
    assert_eq!(env.emu.hits(FOLDER), 2);

    env.fail(FOLDER, 401, Some(2));
    let out = exits(env.cmd().args(["drive-appfolder", "--json"]), 4);
    assert_eq!(json_error(&out)["code"], "drive_unauthorized");
    assert_eq!(env.emu.hits(FOLDER), 4, "no third try");
}

#[test]
fn a_missing_scope_is_explained_before_any_drive_call() {
    let env = Env::new();
    let code = env.mint(MintRequest {
        scopes: Some(vec!["openid".into(), "email".into(), "profile".into()]),
        ..Default::default()
    });
    let doc = json_out(&exits(
        env.cmd()
            .args(["exchange", &code, "--show-refresh-token", "--json"]),
        0,
    ));
    let out = exits(env.cmd().args(["drive-appfolder", "--json"]), 4);
    let err = json_error(&out);
    assert_eq!(err["code"], "insufficient_scope");
    assert!(err["message"].as_str().unwrap().contains("drive.appdata"));
    assert!(err["hint"].as_str().unwrap().contains("DRIVE_APPDATA"));
    assert_eq!(env.emu.hits(FOLDER), 0, "the stored scopes already said no");

    // Without stored scopes (GSIGNIN_REFRESH_TOKEN), Drive's own 403 says the same.
    let rt = doc["tokens"]["refresh_token"].as_str().unwrap();
    let out = exits(
        env.cmd()
            .env("GSIGNIN_REFRESH_TOKEN", rt)
            .args(["drive-appfolder", "--json"]),
        4,
    );
    assert_eq!(json_error(&out)["code"], "insufficient_scope");
    assert_eq!(env.emu.hits(FOLDER), 1);
}

#[test]
fn a_disabled_drive_api_is_exit_6_with_the_console_page() {
    let env = signed_in();
    env.emu.set_drive_api_enabled(false);
    let out = exits(env.cmd().args(["drive-appfolder", "--json"]), 6);
    let err = json_error(&out);
    assert_eq!(err["code"], "drive_api_disabled");
    assert!(
        err["hint"]
            .as_str()
            .unwrap()
            .contains("drive.googleapis.com")
    );
}

#[test]
fn rate_limits_are_retried_then_exit_5() {
    let env = signed_in();
    env.fail(FOLDER, 429, Some(1));
    env.run(&["drive-appfolder"]).exits(0);
    assert_eq!(env.emu.hits(FOLDER), 2);

    env.fail(FOLDER, 429, None);
    let ran = env.run(&["drive-appfolder", "--json"]).exits(5);
    assert_eq!(ran.json()["error"]["code"], "server_error");
    assert_eq!(env.emu.hits(FOLDER), 5, "three tries");

    env.emu.clear_faults();
    env.inject(gsignin_emulator::Fault {
        path: FOLDER.into(),
        status: Some(403),
        count: Some(1),
        body: Some(r#"{"error":{"errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded","message":"User Rate Limit Exceeded"}],"code":403,"message":"User Rate Limit Exceeded"}}"#.into()),
        ..Default::default()
    });
    let ran = env.run(&["drive-appfolder"]).exits(0);
    // Drive's own backoff: a second, plus up to a second of jitter (here half of it).
    assert_eq!(ran.slept, [std::time::Duration::from_millis(1500)]);
}

#[test]
fn gsignin_refresh_token_works_with_an_empty_home() {
    let env = Env::new();
    let doc = json_out(&exits(
        env.cmd()
            .args(["exchange", &env.code(), "--show-refresh-token", "--json"]),
        0,
    ));
    let empty = tempfile::tempdir().unwrap();
    let out = exits(
        env.cmd()
            .env("GSIGNIN_HOME", empty.path())
            .env(
                "GSIGNIN_CLIENT_SECRET",
                env.home().join("config/client_secret.json"),
            )
            .env(
                "GSIGNIN_REFRESH_TOKEN",
                doc["tokens"]["refresh_token"].as_str().unwrap(),
            )
            .args(["drive-appfolder", "--list"]),
        0,
    );
    assert!(stdout(&out).contains("settings.json"), "{}", stderr(&out));
}
