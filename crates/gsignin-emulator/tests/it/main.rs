//! The emulator's integration tests, one binary (one link, every test free to run in parallel
//! with every other), a crate apart from the emulator: they reach it only as another crate's
//! tests would, through its public API, over HTTP on 127.0.0.1, with Chromium on its
//! authorization page, and with Google's own client libraries; one module per capability.

mod authorize;
mod browser;
mod endpoints;
mod from_another_crate;
mod google_apis;
mod google_clients;
mod service;
mod support;
