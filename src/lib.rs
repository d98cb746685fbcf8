//! gsignin: the server side of Google Sign-In, as a library behind a thin binary.

pub mod app;
pub mod browser;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod emulator;
pub mod envvars;
pub mod error;
pub mod fsutil;
pub mod google;
pub mod http;
pub mod identity;
pub mod io;
pub mod loopback;
pub mod output;
pub mod redact;
pub mod secret;
pub mod server;
pub mod session;
pub mod signin;
pub mod store;
pub mod style;
pub mod terminal;
pub mod timefmt;
