//! Where the emulator listens, and the URLs it goes by: the address it binds (loopback by
//! default; any address of this machine for a service container), the URL a process on this
//! machine reaches it at, and the public base URL its clients use (a service name), which every
//! answer names.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};

/// Binds `ip:port` (port 0: any free one).
pub(crate) fn bind(ip: IpAddr, port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind((ip, port))
}

/// Whether a bind address only this machine can reach: 127.0.0.0/8 or ::1 (also written as
/// ::ffff:127.x). The unspecified addresses (0.0.0.0, ::) are every address, so they are not.
pub(crate) fn is_loopback_bind(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// The URL a process on this machine reaches a listener at: its own address, but for the
/// unspecified ones (0.0.0.0, ::), which are no address to connect to; those are reached on
/// the loopback address of their family.
pub(crate) fn local_url(scheme: &str, addr: SocketAddr) -> String {
    // ::ffff:0.0.0.0 listens on every IPv4 address, as 0.0.0.0 does.
    let ip = match addr.ip() {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_unspecified()) => {
            IpAddr::V6(Ipv6Addr::LOCALHOST)
        }
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    };
    format!("{scheme}://{}", SocketAddr::new(ip, addr.port()))
}

/// A public base URL as the emulator names itself: `http` or `https`, a host, maybe a port, and
/// nothing else (its endpoints sit at Google's paths from the root, so a path prefix could not
/// be honoured). Returns it in its canonical form, without a trailing slash.
///
/// ```
/// assert_eq!(
///     gsignin_emulator::public_base_url("http://Google-Emulator:8080/").unwrap(),
///     "http://google-emulator:8080"
/// );
/// assert!(gsignin_emulator::public_base_url("http://google-emulator:8080/auth").is_err());
/// ```
pub fn public_base_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text.trim())
        .map_err(|e| format!("the public URL `{text}` is not an absolute URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the public URL `{text}` is not http:// or https://"
        ));
    }
    if url.host().is_none() {
        return Err(format!("the public URL `{text}` names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the public URL carries no user name or password".to_string());
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "the public URL `{text}` is a base (scheme, host, port): no path, query or fragment"
        ));
    }
    // The URL is printed in `export` lines a shell may evaluate, and given to every client:
    // a host name of letters, digits, dots and hyphens, or an IP address a client can reach.
    match url.host() {
        Some(url::Host::Domain(name))
            if !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') =>
        {
            return Err(format!(
                "the public URL's host `{name}` is not a host name (letters, digits, dots, hyphens)"
            ));
        }
        Some(url::Host::Ipv4(ip)) if ip.is_unspecified() => {
            return Err("the public URL names 0.0.0.0, which no client can reach".to_string());
        }
        Some(url::Host::Ipv6(ip)) if ip.is_unspecified() => {
            return Err("the public URL names [::], which no client can reach".to_string());
        }
        _ => {}
    }
    if url.port() == Some(0) {
        return Err("the public URL names port 0, which no client can reach".to_string());
    }
    Ok(url.origin().ascii_serialization())
}

/// Whether an HTTP `Host` header (`name[:port]`) names the host and port of `base` (a public
/// base URL): what a client that reached the emulator by that URL sends. A missing port is
/// the scheme's default, as in the URL.
pub(crate) fn host_names(host: &str, base: &str) -> bool {
    let Ok(base) = url::Url::parse(base) else {
        return false;
    };
    let Ok(sent) = url::Url::parse(&format!("{}://{host}/", base.scheme())) else {
        return false;
    };
    // A Host with a path, credentials or a query is no Host header, whatever it starts with.
    let only_a_host = sent.path() == "/"
        && sent.username().is_empty()
        && sent.password().is_none()
        && sent.query().is_none()
        && sent.fragment().is_none();
    only_a_host
        && sent.host().is_some()
        && sent.host() == base.host()
        && sent.port_or_known_default() == base.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_is_a_base_and_nothing_more() {
        for (given, canonical) in [
            ("http://google-emulator:8080", "http://google-emulator:8080"),
            (
                "http://GOOGLE-emulator:8080/",
                "http://google-emulator:8080",
            ),
            ("https://emu.example", "https://emu.example"),
            ("https://emu.example:443/", "https://emu.example"),
            ("http://10.89.0.2:8080", "http://10.89.0.2:8080"),
            ("http://[fd00::2]:8080", "http://[fd00::2]:8080"),
        ] {
            assert_eq!(public_base_url(given).as_deref(), Ok(canonical), "{given}");
        }
        for bad in [
            "google-emulator:8080",
            "ftp://emu.example",
            "http://user:pw@emu.example",
            "http://emu.example/prefix",
            "http://emu.example/?x=1",
            "http://emu.example/#f",
            "file:///etc/hosts",
            "",
            // Printed in `export` lines a shell may evaluate: no shell syntax in a host.
            "http://a`id`b.test",
            "http://a$(id)b.test",
            "http://0.0.0.0:8080",
            "http://[::]:8080",
            "http://svc.test:0",
        ] {
            assert!(public_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn m10_a_host_header_names_the_public_url_by_host_and_port() {
        let base = "http://google-emulator:8080";
        assert!(host_names("google-emulator:8080", base));
        assert!(host_names("Google-Emulator:8080", base));
        for other in [
            "google-emulator",
            "google-emulator:80",
            "google-emulator:8081",
            "google-emulator.evil:8080",
            "evil@google-emulator:8080",
            "google-emulator:8080/x",
            "10.89.0.2:8080",
            "",
        ] {
            assert!(!host_names(other, base), "{other}");
        }
        // The scheme's default port may be left out, as clients do.
        assert!(host_names("emu.example", "https://emu.example"));
        assert!(host_names("emu.example:443", "https://emu.example"));
        assert!(!host_names("emu.example:80", "https://emu.example"));
        assert!(host_names("[fd00::2]:8080", "http://[fd00::2]:8080"));
    }

    #[test]
    fn the_local_url_of_every_address_is_loopback_of_its_family() {
        let url = |a: &str| local_url("http", a.parse().unwrap());
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080");
        assert_eq!(url("10.89.0.2:8080"), "http://10.89.0.2:8080");
        assert_eq!(url("[::1]:1"), "http://[::1]:1");
    }

    #[test]
    fn only_loopback_addresses_are_a_loopback_bind() {
        for ip in ["127.0.0.1", "127.3.2.1", "::1", "::ffff:127.0.0.1"] {
            assert!(is_loopback_bind(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["0.0.0.0", "::", "10.89.0.2", "fd00::2", "::ffff:10.0.0.1"] {
            assert!(!is_loopback_bind(ip.parse().unwrap()), "{ip}");
        }
    }
}
