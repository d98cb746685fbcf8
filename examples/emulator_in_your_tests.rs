//! The emulator from another crate's tests: a local Google on a free port, codes minted as a
//! phone would get them, faults, a movable clock, and a stop when the handle is dropped.
//!
//! In your Cargo.toml: `[dev-dependencies] gsignin = { git = "<this repository>" }` (or a path),
//! then, as here (`cargo run --example emulator_in_your_tests`):

use gsignin::emulator::Emulator;
use gsignin::emulator::state::{Fault, MintRequest, WEB_CLIENT_ID, WEB_CLIENT_SECRET};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Port 0: any free port; the base URL says which.
    let google = Emulator::start(0)?;
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
    google.inject(Fault {
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
