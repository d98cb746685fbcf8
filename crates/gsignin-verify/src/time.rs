//! The time tokens are judged against ([`Clock`]), and how the verifier's reasons word times
//! (`expires in 59 min at 2026-11-24T06:59:00Z`). The wording is private: a program reads the
//! claims' numbers, a person the reasons.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The time tokens are judged against: the system's, or one fixed instant (tests, `--now`,
/// an emulator's movable clock).
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(i64),
}

impl Clock {
    /// Seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            Clock::Fixed(t) => *t,
        }
    }
}

/// `2026-11-25T06:00:00Z` for a Unix time.
pub(crate) fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("@{unix}"))
}

/// `1 h 2 min`, `59 min`, `42 s`, `3 d 4 h`: the two largest units.
pub(crate) fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{sec} s"),
        (0, 0, _) => format!("{m} min"),
        (0, _, 0) => format!("{h} h"),
        (0, _, _) => format!("{h} h {m} min"),
        (_, 0, _) => format!("{d} d"),
        _ => format!("{d} d {h} h"),
    }
}

/// "in 59 min" or "1 h 2 min ago", relative to now.
pub(crate) fn relative(t: i64, now: i64) -> String {
    if t == now {
        "now".to_string()
    } else if t > now {
        format!("in {}", span(t.saturating_sub(now)))
    } else {
        format!("{} ago", span(now.saturating_sub(t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_instants_and_spans() {
        assert_eq!(rfc3339(1_795_500_000), "2026-11-24T06:00:00Z");
        assert_eq!(rfc3339(i64::MAX), format!("@{}", i64::MAX));
        assert_eq!(span(3720), "1 h 2 min");
        assert_eq!(span(42), "42 s");
        assert_eq!(span(3540), "59 min");
        assert_eq!(span(90_000), "1 d 1 h");
        assert_eq!(relative(100, 40), "in 1 min");
        assert_eq!(relative(40, 100), "1 min ago");
        assert!(relative(i64::MIN, i64::MAX).ends_with("ago"));
    }
}
