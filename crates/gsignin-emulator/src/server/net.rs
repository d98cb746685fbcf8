//! What a local server and its clients both judge about the network: whether a URL or a
//! `Host` names this machine, and the token of a Bearer header.

/// Whether a URL names this machine: 127.0.0.0/8 however written (`127.1`, `0x7f.1`: the URL
/// parser reads them as addresses), ::1 (also as ::ffff:127.x), and [`is_localhost_name`].
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Some(url::Host::Domain(d)) => is_localhost_name(d),
        None => false,
    }
}

/// `localhost` in any case, with or without the trailing dot of a fully qualified name
/// (`localhost.` is the same name): the name RFC 6761 reserves for this machine, which
/// gsignin's HTTP client resolves to 127.0.0.1 and ::1 itself, never asking DNS. Names a
/// resolver may or may not send elsewhere are not loopback: `*.localhost`, which Go's
/// `ProxyFromEnvironment` does not exempt from proxies either, and `localhost.localdomain`,
/// which only some machines' hosts files list.
pub fn is_localhost_name(name: &str) -> bool {
    name.strip_suffix('.')
        .unwrap_or(name)
        .eq_ignore_ascii_case("localhost")
}

/// Whether an HTTP `Host` header (`name[:port]`) names this machine, as [`is_loopback`] says:
/// what a local server answers to, so that a page whose name DNS points at 127.0.0.1 is not.
pub fn is_loopback_host(host: &str) -> bool {
    url::Url::parse(&format!("http://{host}/")).is_ok_and(|u| is_loopback(&u))
}

/// The token of an `Authorization: Bearer TOKEN` value. The scheme is case-insensitive (RFC
/// 7235 2.1: `bearer` and `BEARER` are the same scheme).
pub fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    let token = token.trim_start();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_the_bearer_scheme_is_case_insensitive() {
        for v in ["Bearer t", "bearer t", "BEARER  t", " Bearer t "] {
            assert_eq!(bearer_token(v), Some("t"), "{v:?}");
        }
        for v in ["Basic t", "Bearer", "Bearer ", "Bearert"] {
            assert_eq!(bearer_token(v), None, "{v:?}");
        }
    }

    #[test]
    fn t5_loopback_names_this_machine_only() {
        for u in [
            "http://127.0.0.1:1/",
            "http://127.9.9.9/",
            "http://[::1]/",
            "http://LOCALHOST/",
            "http://localhost./",
            "http://LocalHost.:8080/",
            "http://127.1/",
            "http://0x7f.0.0.1/",
            "http://127.0.0.1./",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f01:203]/",
            "http://[0:0:0:0:0:0:0:1]/",
        ] {
            assert!(is_loopback(&url::Url::parse(u).unwrap()), "{u}");
        }
        for u in [
            "http://10.0.0.1/",
            "http://localhost.evil/",
            "http://localhost../",
            "http://localhost.localdomain/",
            "http://app.localhost/",
            "http://[::2]/",
            "http://[::127.0.0.1]/",
            "http://0.0.0.0/",
        ] {
            assert!(!is_loopback(&url::Url::parse(u).unwrap()), "{u}");
        }
        assert!(is_loopback_host("localhost:8080") && !is_loopback_host("evil.example"));
        assert!(is_loopback_host("localhost.:8080") && !is_loopback_host("localhost.evil"));
    }
}
