//! Google's own client libraries against the emulator, unchanged: Python's oauth2client (the
//! seed-style `credentials_from_clientsecrets_and_code`), google-auth (`verify_oauth2_token`,
//! refresh) and google-api-python-client (Drive v3), pinned in tests/google/requirements.txt
//! google-auth-oauthlib (`InstalledAppFlow.run_local_server`, through the authorization page),
//! and installed by `.ci/run` into tests/google/.venv. The script refuses every non-loopback
//! request, so nothing can reach Google.

use crate::support::{Env, missing_tool};
use gsignin::emulator::state::{MintRequest, WEB_CLIENT_ID};
use std::path::Path;

#[test]
fn googles_python_libraries_accept_the_emulator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/google");
    let python = root.join(".venv/bin/python");
    if !python.exists() {
        missing_tool(
            "Google's Python libraries: python3 -m venv tests/google/.venv && \
             tests/google/.venv/bin/pip install -r tests/google/requirements.txt",
        );
        return;
    }
    let env = Env::new();
    let web_code = env.mint(MintRequest {
        redirect_uri: Some("postmessage".into()),
        ..Default::default()
    });
    let client_secret = env.home().join("config/client_secret.json");
    let installed = env.home().join("installed_client_secret.json");
    std::fs::write(&installed, env.emu.installed_client_secret_json()).unwrap();
    let browser = format!(
        "{} {} %s",
        python.display(),
        root.join("browser.py").display()
    );
    let out = std::process::Command::new(python)
        .arg(root.join("clients.py"))
        .env("EMU", env.emu.base_url())
        .env("CLIENT_SECRET", &client_secret)
        .env("WEB_CODE", &web_code)
        .env("CLIENT_ID", WEB_CLIENT_ID)
        .env("INSTALLED_SECRET", &installed)
        .env("BROWSER", &browser)
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("http_proxy")
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for check in [
        "oauth2client exchange",
        "google-auth verify_oauth2_token",
        "drive files.get(appfolder)",
        "oauth2client revoke",
        "google-auth-oauthlib run_local_server",
        "google-auth verify_oauth2_token (desktop)",
        "no request left this machine",
    ] {
        assert!(stdout.contains(check), "{check} did not run:\n{stdout}");
    }
    // The revocation reached the emulator (the client secret's revoke_uri), not Google.
    assert_eq!(env.emu.hits("/revoke"), 1);
}
