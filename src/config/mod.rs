//! Configuration read from disk: where gsignin keeps things, and the Google client secret.

pub mod client_secret;
pub mod dirs;
