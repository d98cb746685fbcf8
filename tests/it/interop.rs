//! Interop with an independent, OpenID Certified provider (panva/node-oidc-provider, started
//! by the test on 127.0.0.1): gsignin must work with any standards-following issuer through
//! discovery, not only with its own emulator.

use crate::support::{bare_cmd, exits, json_out, stdout};
use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

struct Provider {
    child: Child,
    issuer: String,
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    native_client_id: String,
    native_client_secret: String,
}

impl Provider {
    fn start() -> Provider {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
        let ready = dir.join("node_modules/oidc-provider").exists()
            && std::process::Command::new("node")
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
        if !ready {
            crate::support::missing_tool(
                "interop tests need node (apt-get install nodejs npm) and `npm ci --prefix tests/oidc`",
            );
        }
        let mut child = std::process::Command::new("node")
            .arg(dir.join("provider.mjs"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines
            .find_map(|l| l.ok().filter(|l| l.starts_with('{')))
            .expect("the provider announces itself");
        let info: Value = serde_json::from_str(&first).unwrap();
        // Keep draining its stdout so its notices never block it.
        std::thread::spawn(move || for _ in lines {});
        let s = |k: &str| info[k].as_str().unwrap().to_string();
        Provider {
            issuer: s("issuer"),
            client_id: s("client_id"),
            client_secret: s("client_secret"),
            redirect_uri: s("redirect_uri"),
            native_client_id: s("native_client_id"),
            native_client_secret: s("native_client_secret"),
            child,
        }
    }

    fn code(&self, account: &str) -> String {
        let resp: Value = reqwest::blocking::Client::new()
            .post(format!("{}/test/mint", self.issuer))
            .body(serde_json::json!({"account": account}).to_string())
            .send()
            .unwrap()
            .json()
            .unwrap();
        resp["code"].as_str().unwrap().to_string()
    }

    /// A client secret file in the `installed` form, without token_uri: discovery must find it.
    fn client_secret_file(&self, dir: &Path) -> PathBuf {
        let path = dir.join("interop_client_secret.json");
        let doc = serde_json::json!({"installed": {
            "client_id": self.client_id, "client_secret": self.client_secret}});
        std::fs::write(&path, doc.to_string()).unwrap();
        path
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cmd(op: &Provider, home: &Path) -> assert_cmd::Command {
    let mut cmd = bare_cmd();
    cmd.env("GSIGNIN_HOME", home)
        .env("GSIGNIN_ISSUER", &op.issuer)
        .env("GSIGNIN_STORE", "file")
        .env("GSIGNIN_CLIENT_SECRET", op.client_secret_file(home));
    cmd
}

/// `gsignin exchange CODE --redirect-uri URI --json EXTRA…` at the provider, expecting `code`.
fn exchange(
    op: &Provider,
    home: &Path,
    code: &str,
    redirect_uri: &str,
    extra: &[&str],
    exit: i32,
) -> std::process::Output {
    // The provider's codes are base64url: one in 64 starts with `-`, so after `--`.
    exits(
        cmd(op, home)
            .args(["exchange", "--redirect-uri", redirect_uri, "--json"])
            .args(extra)
            .args(["--", code]),
        exit,
    )
}

#[test]
#[ignore = "needs node (apt-get install nodejs npm; npm ci --prefix tests/oidc); bash .ci/run installs it and runs the ignored tests"]
fn exchange_and_whoami_work_against_a_certified_provider() {
    let op = Provider::start();
    let home = tempfile::tempdir().unwrap();
    let code = op.code("carol");
    let out = exchange(&op, home.path(), &code, &op.redirect_uri, &[], 0);
    let doc = json_out(&out);
    assert_eq!(doc["email"], "carol@interop.example");
    assert_eq!(doc["sub"], "carol");
    assert_eq!(doc["id_token"]["valid"], true);
    assert_eq!(
        doc["refresh_token"]["stored"], true,
        "offline_access gave a refresh token"
    );
    assert!(!stdout(&out).contains(&op.client_secret));

    let v = json_out(&exits(cmd(&op, home.path()).args(["whoami", "--json"]), 0));
    assert_eq!(v["valid"], true);
    assert_eq!(v["checks"]["iss"]["detail"], op.issuer.as_str());
    assert_eq!(v["checks"]["aud"]["status"], "pass");

    // The provider's own verdict on a reused code is still exit 4 here.
    exchange(&op, home.path(), &code, &op.redirect_uri, &[], 4);
}

#[test]
#[ignore = "needs node (apt-get install nodejs npm; npm ci --prefix tests/oidc); bash .ci/run installs it and runs the ignored tests"]
fn a_certified_provider_refuses_a_wrong_redirect_uri_and_gsignin_says_so() {
    let op = Provider::start();
    let home = tempfile::tempdir().unwrap();
    let code = op.code("dave");
    let out = exchange(&op, home.path(), &code, "http://127.0.0.1/other", &[], 4);
    assert_eq!(json_out(&out)["error"]["code"], "invalid_grant");
}

#[test]
#[ignore = "needs node (apt-get install nodejs npm; npm ci --prefix tests/oidc); bash .ci/run installs it and runs the ignored tests"]
fn a_token_for_another_audience_is_rejected_with_the_reason() {
    let op = Provider::start();
    let home = tempfile::tempdir().unwrap();
    let code = op.code("erin");
    let doc = json_out(&exchange(
        &op,
        home.path(),
        &code,
        &op.redirect_uri,
        &["--show-tokens"],
        0,
    ));
    let id_token = doc["tokens"]["id_token"].as_str().unwrap();
    let out = exits(
        cmd(&op, home.path()).args(["whoami", id_token, "--audience", "someone-else"]),
        3,
    );
    assert!(
        stdout(&out)
            .contains("FAIL  aud            issued for interop-client, not for someone-else"),
        "{}",
        stdout(&out)
    );
}

#[test]
#[ignore = "needs node (apt-get install nodejs npm; npm ci --prefix tests/oidc); bash .ci/run installs it and runs the ignored tests"]
fn revoke_authenticates_the_client_at_a_certified_provider() {
    let op = Provider::start();
    let home = tempfile::tempdir().unwrap();
    let code = op.code("dave");
    let out = exchange(
        &op,
        home.path(),
        &code,
        &op.redirect_uri,
        &["--show-refresh-token"],
        0,
    );
    let refresh_token = json_out(&out)["tokens"]["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let out = exits(cmd(&op, home.path()).args(["revoke", "--json"]), 0);
    assert_eq!(json_out(&out)["revoked_at_issuer"], true);
    assert!(!stdout(&out).contains(&op.client_secret));
    // The provider itself no longer takes the refresh token.
    exits(
        cmd(&op, home.path())
            .args(["refresh"])
            .env("GSIGNIN_REFRESH_TOKEN", &refresh_token),
        4,
    );

    // --local forgets without asking the provider.
    exchange(&op, home.path(), &op.code("erin"), &op.redirect_uri, &[], 0);
    let out = exits(
        cmd(&op, home.path()).args(["revoke", "--local", "--json"]),
        0,
    );
    assert_eq!(json_out(&out)["deleted"], true);
    exits(cmd(&op, home.path()).args(["refresh"]), 4);
}

/// A standard issuer has no tokeninfo: the access token is inspected at its RFC 7662
/// introspection endpoint, the client authenticated as discovery allows.
#[test]
#[ignore = "needs node (apt-get install nodejs npm; npm ci --prefix tests/oidc); bash .ci/run installs it and runs the ignored tests"]
fn a8_an_access_token_is_introspected_at_a_certified_provider() {
    let op = Provider::start();
    let home = tempfile::tempdir().unwrap();
    exchange(
        &op,
        home.path(),
        &op.code("frank"),
        &op.redirect_uri,
        &[],
        0,
    );
    let out = exits(
        cmd(&op, home.path()).args(["whoami", "--access-token", "--json"]),
        0,
    );
    let doc = json_out(&out);
    assert_eq!(doc["active"], true, "{doc}");
    assert_eq!(doc["this_client"], true, "{doc}");
    assert!(
        doc["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "openid"),
        "{doc}"
    );
    assert!(doc["expires_in"].as_i64().unwrap() > 0);
    assert!(!stdout(&out).contains(&op.client_secret));

    // Revoked at the provider: inactive, exit 3.
    let token = stdout(&exits(cmd(&op, home.path()).arg("token"), 0))
        .trim()
        .to_string();
    exits(cmd(&op, home.path()).args(["revoke"]), 0);
    let out = exits(
        cmd(&op, home.path()).args(["whoami", "--access-token", &token, "--json"]),
        3,
    );
    assert_eq!(json_out(&out)["active"], false);
}

/// `gsignin login` against the certified provider: discovery's authorization endpoint, its
/// loopback rules for a native client (any port), PKCE, state, nonce and RFC 9207's `iss` in
/// the redirect, driven by headless Chromium (the provider's interactions complete at once).
#[test]
#[ignore = "needs node and Chromium (apt-get install nodejs npm chromium; npm ci --prefix tests/oidc and --prefix crates/gsignin-emulator/tests/browser); bash .ci/run installs them and runs the ignored tests"]
fn login_works_against_a_certified_provider() {
    let op = Provider::start();
    let home = tempfile::tempdir().unwrap();
    let secret = home.path().join("native_client_secret.json");
    let doc = serde_json::json!({"installed": {
        "client_id": op.native_client_id, "client_secret": op.native_client_secret}});
    std::fs::write(&secret, doc.to_string()).unwrap();
    let out = home.path().join("browser.json");
    let browser = crate::support::browser_command("%s", &out);
    let run = exits(
        cmd(&op, home.path())
            .env("GSIGNIN_CLIENT_SECRET", &secret)
            .env("BROWSER", &browser)
            .args([
                "login",
                "--json",
                "--login-hint",
                "dora",
                "--scope",
                "openid",
                "--scope",
                "email",
                "--scope",
                "offline_access",
                "--wait",
                "60",
            ]),
        0,
    );
    let doc = json_out(&run);
    assert_eq!(doc["email"], "dora@interop.example");
    assert_eq!(doc["id_token"]["valid"], true);
    assert_eq!(doc["refresh_token"]["stored"], true, "{doc}");
    // The stored sign-in refreshes at the provider.
    exits(
        cmd(&op, home.path())
            .env("GSIGNIN_CLIENT_SECRET", &secret)
            .args(["refresh"]),
        0,
    );
}
