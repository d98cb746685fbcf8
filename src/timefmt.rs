//! Times as gsignin's reports and messages word them: RFC 3339 instants, "in 59 min", waits in
//! seconds. The CLI's own wording, in the words the verifier's reasons use (a check's
//! `expires in 59 min` and the claims' `(2026-…, in 59 min)` read alike; a test holds the two
//! together).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `2026-11-25T06:00:00Z` for a Unix time.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("@{unix}"))
}

/// Parses an RFC 3339 instant (`--now`) into a Unix time.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s.trim(), &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// A wait as people read it: `10 s`, or `300 ms` below a second.
pub fn duration(d: std::time::Duration) -> String {
    if d < std::time::Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} s", d.as_secs())
    }
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
        assert_eq!(duration(std::time::Duration::from_millis(300)), "300 ms");
        assert_eq!(duration(std::time::Duration::from_secs(10)), "10 s");
    }

    #[test]
    fn a_time_no_date_names_is_out_of_range_not_a_wrapped_span() {
        for t in [i64::MIN, i64::MAX, -377_705_116_801, 253_402_300_800] {
            assert_eq!(instant(t, 1_795_500_000), "out of range", "{t}");
        }
        assert!(relative(i64::MIN, i64::MAX).ends_with("ago"));
    }

    /// The verifier words the times in its reasons itself: a report shows them next to the
    /// claims' dates, which must read the same way.
    #[test]
    fn the_claims_dates_read_as_the_verifiers_reasons() {
        use gsignin_verify::id_token::{Expectations, verify};
        use gsignin_verify::keys::KeySet;
        use serde_json::json;
        let b64 = |v: serde_json::Value| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        let now = 1_795_500_000;
        for (exp, iat) in [(now + 3540, now - 42), (now - 3720, now - 90_000)] {
            let token = format!(
                "{}.{}.",
                b64(json!({"alg": "RS256"})),
                b64(json!({"exp": exp, "iat": iat}))
            );
            let v = verify(
                token.as_bytes(),
                &KeySet::default(),
                &Expectations::new(["i"]),
                now,
            );
            let detail = |name: &str| {
                let (_, check) = v.checks.iter().find(|(n, _)| *n == name).unwrap();
                check.detail.to_string()
            };
            let exp_said = if exp > now {
                format!("expires {} at {}", relative(exp, now), rfc3339(exp))
            } else {
                format!("expired {} ago at {}", span(now - exp), rfc3339(exp))
            };
            assert_eq!(detail("exp"), exp_said);
            assert_eq!(
                detail("iat"),
                format!("issued {} at {}", relative(iat, now), rfc3339(iat))
            );
        }
    }
}
