//! A secret (token, code, client secret) as a type: it cannot be printed by accident.
//!
//! `Debug` and `Display` print `[redacted]`; the value is zeroized on drop; reading it takes an
//! explicit [`Secret::expose`], which makes every place a secret leaves the program greppable.

use std::fmt;
use zeroize::Zeroizing;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The raw value. Call it only where the value must leave the program (an HTTP request,
    /// the store, or output the user asked for).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `[redacted …last4]`: enough to tell two tokens apart in a trace, never enough to use one.
    pub fn hint(&self) -> String {
        redacted_hint(&self.0)
    }
}

/// The redacted form of any secret-bearing string.
pub fn redacted_hint(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 16 {
        return "[redacted]".to_string();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("[redacted …{tail}]")
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Whether a secret someone sent equals the one expected, in time that does not depend on
/// where they differ (a pairing or control token is all that stands between a network and
/// the exchange).
pub fn same(sent: &str, expected: &str) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(sent.as_bytes(), expected.as_bytes()).is_ok()
}

pub use gsignin_emulator::server::random_urlsafe;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t10_never_formats_its_value() {
        let s = Secret::new("ya29.a0AfB_byC-secret-value-1234");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(s.hint(), "[redacted …1234]");
        assert_eq!(Secret::new("short").hint(), "[redacted]");
        assert_eq!(s.expose(), "ya29.a0AfB_byC-secret-value-1234");
    }
}
