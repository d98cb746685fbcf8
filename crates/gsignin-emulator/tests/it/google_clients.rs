//! Google's own client libraries against the emulator, unchanged: Python's oauth2client (the
//! seed-style `credentials_from_clientsecrets_and_code`), google-auth (`verify_oauth2_token`,
//! refresh), google-api-python-client (Drive v3, People v1) and google-auth-oauthlib
//! (`InstalledAppFlow.run_local_server`, through the authorization page), pinned in this
//! crate's tests/google/requirements.txt and installed by `.ci/run` into tests/google/.venv
//! there. The script refuses every non-loopback request, so nothing can reach Google.

use crate::support::{Env, fixture, missing_tool};
use gsignin_emulator::{MintRequest, WEB_CLIENT_ID};

#[test]
#[ignore = "needs Google's Python libraries (python3 -m venv crates/gsignin-emulator/tests/google/.venv; crates/gsignin-emulator/tests/google/.venv/bin/pip install -r crates/gsignin-emulator/tests/google/requirements.txt); bash .ci/run installs them and runs the ignored tests"]
fn googles_python_libraries_accept_the_emulator() {
    let root = fixture("google");
    let python = root.join(".venv/bin/python");
    if !python.exists() {
        missing_tool(
            "Google's Python libraries: python3 -m venv crates/gsignin-emulator/tests/google/.venv && \
             crates/gsignin-emulator/tests/google/.venv/bin/pip install -r crates/gsignin-emulator/tests/google/requirements.txt",
        );
    }
    let env = Env::new();
    let web_code = env.emu.mint(MintRequest {
        redirect_uri: Some("postmessage".into()),
        ..Default::default()
    });
    let client_secret = env.dir().join("client_secret.json");
    std::fs::write(&client_secret, env.emu.client_secret_json()).unwrap();
    let installed = env.dir().join("installed_client_secret.json");
    std::fs::write(&installed, env.emu.installed_client_secret_json()).unwrap();
    let browser = format!(
        "{} {} %s",
        python.display(),
        root.join("browser.py").display()
    );
    let mut cmd = std::process::Command::new(python);
    cmd.arg(root.join("clients.py"))
        .env("EMU", env.emu.base_url())
        .env("CLIENT_SECRET", &client_secret)
        .env("WEB_CODE", &web_code)
        .env("CLIENT_ID", WEB_CLIENT_ID)
        .env("INSTALLED_SECRET", &installed)
        .env("BROWSER", &browser);
    run_checks(
        &mut cmd,
        &[
            "oauth2client exchange",
            "google-auth verify_oauth2_token",
            "drive files.get(appfolder)",
            "people people.get(people/me)",
            "people people.get without personFields is HttpError 400",
            "oauth2client revoke",
            "google-auth-oauthlib run_local_server",
            "google-auth verify_oauth2_token (desktop)",
            "no request left this machine",
        ],
    );
    // The revocation reached the emulator (the client secret's revoke_uri), not Google.
    assert_eq!(env.emu.hits("/revoke"), 1);
}

/// Google's Node libraries: google-auth-library (getToken for a serverAuthCode and with PKCE,
/// verifyIdToken, getTokenInfo, refresh, revokeToken) and @googleapis/drive, pinned in this
/// crate's tests/google/node/package-lock.json and installed by `.ci/run`. The script patches
/// Node's sockets and name lookups to refuse every non-loopback host, and proves that first.
#[test]
#[ignore = "needs node and Google's Node libraries (apt-get install nodejs npm; npm ci --prefix crates/gsignin-emulator/tests/google/node); bash .ci/run installs them and runs the ignored tests"]
fn googles_node_libraries_accept_the_emulator() {
    use gsignin_emulator::{INSTALLED_CLIENT_ID, INSTALLED_CLIENT_SECRET, WEB_CLIENT_SECRET};
    let root = fixture("google/node");
    let node_ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok || !root.join("node_modules/google-auth-library").exists() {
        missing_tool(
            "Google's Node libraries: node and `npm ci --prefix crates/gsignin-emulator/tests/google/node`",
        );
    }
    let env = Env::new();
    env.emu.set_auto_approve(true);
    let mut cmd = std::process::Command::new("node");
    cmd.arg(root.join("clients.js"))
        .env("EMU", env.emu.base_url())
        .env("CLIENT_ID", WEB_CLIENT_ID)
        .env("CLIENT_SECRET", WEB_CLIENT_SECRET)
        .env("DESKTOP_ID", INSTALLED_CLIENT_ID)
        .env("DESKTOP_SECRET", INSTALLED_CLIENT_SECRET)
        .env("MOBILE_CODE", env.code())
        .env(
            "WEB_CODE",
            env.emu.mint(MintRequest {
                email: Some("alice@example.com".into()),
                redirect_uri: Some("postmessage".into()),
                force_refresh_token: true,
                ..Default::default()
            }),
        );
    run_checks(
        &mut cmd,
        &[
            "the guard refuses Google",
            "google-auth-library getToken without redirect_uri is refused",
            "google-auth-library getToken (serverAuthCode, accept_missing_redirect_uri)",
            "google-auth-library getToken (postmessage)",
            "google-auth-library verifyIdToken",
            "google-auth-library getTokenInfo",
            "google-auth-library refresh",
            "@googleapis/drive files.get(appfolder)",
            "@googleapis/drive files.list(appDataFolder)",
            "google-auth-library getToken (PKCE, Desktop)",
            "google-auth-library revokeToken",
            "no request left this machine",
        ],
    );
    assert_eq!(env.emu.hits("/tokeninfo"), 1);
    assert_eq!(env.emu.hits("/revoke"), 1);
}

/// Runs a client script with no proxy from the outside, and holds it to every check it must
/// have printed (a script that stopped early, or skipped a call, fails here).
fn run_checks(cmd: &mut std::process::Command, checks: &[&str]) {
    for var in ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"] {
        cmd.env_remove(var);
    }
    let out = cmd.output().expect("the client script runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for check in checks {
        assert!(stdout.contains(check), "{check} did not run:\n{stdout}");
    }
}
