//! The emulator's signing keys live with the verifier (`gsignin_verify::signing`).

pub use gsignin_verify::signing::*;
