//! Times as people read them: RFC 3339 instants and "1 h 2 min" spans.

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
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("@{unix}"))
}

/// A wait as people read it: `10 s`, or `300 ms` below a second.
pub fn duration(d: std::time::Duration) -> String {
    if d < std::time::Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} s", d.as_secs())
    }
}

/// Parses an RFC 3339 instant into a Unix time.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s.trim(), &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// `1 h 2 min`, `59 min`, `42 s`, `3 d 4 h`: the two largest units.
pub fn span(secs: i64) -> String {
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
pub fn relative(t: i64, now: i64) -> String {
    if t == now {
        "now".to_string()
    } else if t > now {
        format!("in {}", span(t.saturating_sub(now)))
    } else {
        format!("{} ago", span(now.saturating_sub(t)))
    }
}

/// `2026-11-25T06:00:00Z (in 59 min)`, or `out of range` for a time no calendar date names
/// (a hostile token's `exp` of -2^63): never a wrapped-around span.
pub fn instant(t: i64, now: i64) -> String {
    match dated(t, now) {
        Some((date, rel)) => format!("{date} ({rel})"),
        None => "out of range".to_string(),
    }
}

/// The RFC 3339 date and the relative time of `t`; None when no date names it.
pub fn dated(t: i64, now: i64) -> Option<(String, String)> {
    let date = OffsetDateTime::from_unix_timestamp(t)
        .ok()?
        .format(&Rfc3339)
        .ok()?;
    Some((date, relative(t, now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_instants_and_spans() {
        assert_eq!(rfc3339(1_795_500_000), "2026-11-24T06:00:00Z");
        assert_eq!(parse_rfc3339("2026-11-24T06:00:00Z"), Some(1_795_500_000));
        assert_eq!(span(3720), "1 h 2 min");
        assert_eq!(span(42), "42 s");
        assert_eq!(span(3540), "59 min");
        assert_eq!(span(90_000), "1 d 1 h");
        assert_eq!(relative(100, 40), "in 1 min");
        assert_eq!(relative(40, 100), "1 min ago");
        assert_eq!(
            instant(1_795_500_060, 1_795_500_000),
            "2026-11-24T06:01:00Z (in 1 min)"
        );
    }

    #[test]
    fn w4_a_time_no_date_names_is_out_of_range_not_a_wrapped_span() {
        for t in [i64::MIN, i64::MAX, -377_705_116_801, 253_402_300_800] {
            assert_eq!(instant(t, 1_795_500_000), "out of range", "{t}");
        }
        assert!(relative(i64::MIN, i64::MAX).ends_with("ago"));
    }
}
