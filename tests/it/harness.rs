//! The fixtures hold the tests honest: a test server whose thread panics fails the test with
//! its own message, and a command that never reaches the emulator fails the test instead of
//! letting it carry on.

use crate::support::{Env, Mitm};
use std::time::Duration;

#[test]
#[should_panic(expected = "the man in the middle's thread panicked: a rewrite that fails")]
fn a_test_server_that_panics_fails_the_test_with_its_message() {
    let env = Env::new();
    let mitm = Mitm::start(&env, |_, _| panic!("a rewrite that fails"));
    let _ = reqwest::blocking::Client::new()
        .get(format!("{}/.well-known/openid-configuration", mitm.url))
        .timeout(Duration::from_secs(10))
        .send();
    // Give the handler's thread the moment it needs to record its panic.
    std::thread::sleep(Duration::from_millis(200));
    drop(mitm);
}

#[test]
#[should_panic(expected = "never reached /token within 500 ms")]
fn a_command_that_never_reaches_the_emulator_fails_the_test() {
    let env = Env::new();
    let mut child =
        env.spawn_until_hit_within(&["status"], &[], "/token", Duration::from_millis(500));
    let _ = child.wait();
}
