//! The emulator's integration tests, one binary (one link, every test free to run in parallel
//! with every other), a crate apart from the emulator: they reach it only as another crate's
//! tests would, through its public API and over HTTP on 127.0.0.1.

mod from_another_crate;
mod google_apis;
mod service;
