//! The emulator from another crate's tests: a local Google on a free port, codes minted as a
//! phone would get them, faults, a movable clock, and a stop when the handle is dropped.
//!
//! In your Cargo.toml: `[dev-dependencies] gsignin-emulator = { git = "<this repository>" }` (or
//! a path; it does not pull in gsignin's CLI), then, as here
//! (`cargo run -p gsignin-emulator --example in_your_tests`):

use gsignin_emulator::{Emulator, Fault, MintRequest};
use gsignin_emulator::{WEB_CLIENT_ID, WEB_CLIENT_SECRET};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Port 0 (the default): any free port; the base URL says which.
    let google = Emulator::builder().start()?;
    let base = google.base_url().to_string();

    // A serverAuthCode, as the app's Google Sign-In would hand it over.
    let code = google.mint(MintRequest {
        email: Some("alice@example.com".into()),
        ..Default::default()
    });

    // Your backend trades it at {base}/token, exactly as it would at Google's token endpoint
    // (here with a plain HTTP client standing in for it).
    let tokens: serde_json::Value = reqwest::blocking::Client::new()
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", WEB_CLIENT_ID),
            ("client_secret", WEB_CLIENT_SECRET),
            ("redirect_uri", ""),
        ])
        .send()?
        .json()?;
    assert!(tokens["refresh_token"].is_string());

    // Faults: the next refresh gets a 503; the clock jumps past the access token's hour.
    google.inject_fault(Fault {
        path: "/token".into(),
        status: Some(503),
        count: Some(1),
        ..Default::default()
    });
    google.advance_clock(3600);
    println!(
        "emulator at {base}; {} request(s) to /token so far",
        google.hits("/token")
    );
    // Dropping the handle stops the server.
    Ok(())
}
