//! gsignin's integration tests, one binary (one link, and every test free to run in parallel
//! with every other): the real binary against the emulator, a private Secret Service, an
//! independent OpenID provider, and men in the middle; one module per capability.

mod api;
mod architecture;
mod attacks;
mod ci;
mod cli;
mod doc_blocks;
mod drive;
mod durability;
mod emulator_cli;
mod errors;
mod exchange;
mod harness;
mod identity;
mod interop;
mod keyring;
mod kinds;
mod login;
mod modules;
mod network;
mod receive;
mod recipes;
mod refresh;
mod secrets;
mod security_rules;
mod service;
mod snapshots;
mod support;
mod whoami;
