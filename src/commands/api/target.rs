//! Where `gsignin api` sends the access token: the URL a PATH or URL names, and whether that
//! host may have the token at all. Checked before anything is sent or refreshed.

use crate::error::{Code, Error, Result};
use crate::google::DEFAULT_API_URL;
use url::{Host, Url};

/// APIs that live on their own host, whose paths there do not start with the API's name:
/// `people/v1/people/me` under the default base is `https://people.googleapis.com/v1/people/me`
/// (the `rootUrl` and `servicePath` of each API's discovery document). Gmail lives on its own
/// host with its name kept in the path.
const OWN_HOSTS: &[(&str, &str)] = &[
    ("people/", "https://people.googleapis.com/"),
    ("sheets/", "https://sheets.googleapis.com/"),
    ("docs/", "https://docs.googleapis.com/"),
    ("slides/", "https://slides.googleapis.com/"),
    ("forms/", "https://forms.googleapis.com/"),
    ("photoslibrary/", "https://photoslibrary.googleapis.com/"),
    ("chat/", "https://chat.googleapis.com/"),
    ("gmail/", "https://gmail.googleapis.com/gmail/"),
];

/// `--api-url` as a base: empty means the default; a query or fragment would swallow the paths
/// joined to it.
pub fn api_base(given: &str) -> Result<String> {
    let given = given.trim().trim_end_matches('/');
    if given.is_empty() {
        return Ok(DEFAULT_API_URL.to_string());
    }
    let url = Url::parse(given).map_err(|e| {
        Error::usage(
            format!("--api-url `{given}` is not a URL: {e}"),
            "use an API base such as https://www.googleapis.com (or an emulator's URL)",
        )
    })?;
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(Error::usage(
            format!("--api-url `{given}` holds a query, a fragment or credentials"),
            "give the base alone, e.g. https://www.googleapis.com",
        ));
    }
    Ok(given.to_string())
}

/// The URL `target` names: a whole http(s) URL as given, else a path under `api_url`.
pub fn resolve(target: &str, api_url: &str) -> Result<Url> {
    let api_url = api_url.trim_end_matches('/');
    let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
    let joined = if lower.starts_with("https://") || lower.starts_with("http://") {
        target.to_string()
    } else if target.contains("://") {
        return Err(Error::usage(
            format!("`{target}` is not an http or https URL"),
            "give a path under --api-url (drive/v3/about) or an https URL",
        ));
    } else {
        let path = target.trim_start_matches('/');
        match OWN_HOSTS
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
        {
            Some((prefix, host)) if api_url == DEFAULT_API_URL => {
                format!("{host}{}", &path[prefix.len()..])
            }
            _ => format!("{api_url}/{path}"),
        }
    };
    let mut url = Url::parse(&joined).map_err(|e| {
        Error::usage(
            format!("`{joined}` is not a URL: {e}"),
            "give a path under --api-url (drive/v3/about) or an https URL",
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::usage(
            "the URL holds credentials (user@ or user:password@)",
            "gsignin authenticates with the sign-in's access token: remove them",
        ));
    }
    // Never sent; dropped so that nothing after `#` is mistaken for part of the request.
    url.set_fragment(None);
    Ok(url)
}

/// Whether the access token may go to `url`: an https host under googleapis.com, the
/// `--api-url` origin exactly, or a host the user named with --allow-host.
pub fn check_trusted(url: &Url, api_url: &str, allowed: &[String]) -> Result<()> {
    let google = url.scheme() == "https"
        && matches!(url.host(), Some(Host::Domain(h)) if h == "googleapis.com" || h.ends_with(".googleapis.com"));
    let base = Url::parse(api_url).map_err(|e| {
        Error::usage(
            format!("--api-url `{api_url}` is not a URL: {e}"),
            "use an API base such as https://www.googleapis.com (or an emulator's URL)",
        )
    })?;
    let same_origin = crate::http::origin(url) == crate::http::origin(&base);
    let host = bare_host(url.host_str().unwrap_or_default());
    let named = allowed
        .iter()
        .any(|a| bare_host(a).eq_ignore_ascii_case(host));
    if google || same_origin || named {
        return Ok(());
    }
    Err(Error::new(
        Code::UntrustedHost,
        format!(
            "refusing to send the access token to {}: not a Google API host (https, under \
             googleapis.com) nor the --api-url host",
            crate::http::origin(url)
        ),
        format!("if you trust it with the user's token, name it: --allow-host {host}"),
    ))
}

/// A host without the brackets of an IPv6 literal, and without a trailing dot.
fn bare_host(host: &str) -> &str {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(target: &str, base: &str) -> String {
        resolve(target, base).unwrap().to_string()
    }

    #[test]
    fn a_path_joins_the_api_base_and_own_host_apis_go_to_their_host() {
        let g = DEFAULT_API_URL;
        assert_eq!(
            url("drive/v3/about", g),
            "https://www.googleapis.com/drive/v3/about"
        );
        assert_eq!(
            url("/drive/v3/about?x=1", g),
            "https://www.googleapis.com/drive/v3/about?x=1"
        );
        assert_eq!(
            url("people/v1/people/me", g),
            "https://people.googleapis.com/v1/people/me"
        );
        assert_eq!(
            url("gmail/v1/users/me/profile", g),
            "https://gmail.googleapis.com/gmail/v1/users/me/profile"
        );
        // Another base (an emulator) takes every path as it is.
        assert_eq!(
            url("people/v1/people/me", "http://127.0.0.1:9/"),
            "http://127.0.0.1:9/people/v1/people/me"
        );
        // Leading slashes never make a path a host.
        assert_eq!(
            url("//evil.example/x", g),
            "https://www.googleapis.com/evil.example/x"
        );
    }

    #[test]
    fn a1_the_token_goes_only_to_google_the_api_base_or_a_named_host() {
        let trusted = |target: &str, allowed: &[&str]| {
            let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_string()).collect();
            resolve(target, "http://127.0.0.1:8089")
                .is_ok_and(|u| check_trusted(&u, "http://127.0.0.1:8089", &allowed).is_ok())
        };
        assert!(trusted("drive/v3/about", &[]));
        assert!(trusted("https://people.googleapis.com/v1/people/me", &[]));
        assert!(trusted(
            "https://GMAIL.googleapis.com/gmail/v1/users/me/profile",
            &[]
        ));
        assert!(
            !trusted("http://www.googleapis.com/drive/v3/about", &[]),
            "plain http"
        );
        assert!(!trusted("https://googleapis.com.evil.example/x", &[]));
        assert!(!trusted("https://evilgoogleapis.com/x", &[]));
        assert!(!trusted("https://www.googleapis.com@evil.example/x", &[]));
        assert!(!trusted("http://127.0.0.1:8090/x", &[]), "another port");
        assert!(!trusted("http://localhost:8089/x", &[]), "another spelling");
        assert!(trusted("http://127.0.0.1:8090/x", &["127.0.0.1"]));
        assert!(trusted("http://[::1]:8090/x", &["[::1]"]));
        assert!(trusted("https://api.example.com/x", &["API.example.com"]));
    }

    #[test]
    fn a1_the_api_base_is_a_base_alone() {
        assert_eq!(api_base("").unwrap(), DEFAULT_API_URL);
        assert_eq!(
            api_base("http://127.0.0.1:9/").unwrap(),
            "http://127.0.0.1:9"
        );
        for bad in ["http://h/x?a=1", "http://h/#f", "http://u@h", "not a url"] {
            assert_eq!(api_base(bad).unwrap_err().exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn a1_credentials_and_other_schemes_are_refused() {
        assert!(resolve("https://u:p@www.googleapis.com/x", DEFAULT_API_URL).is_err());
        assert!(resolve("ftp://www.googleapis.com/x", DEFAULT_API_URL).is_err());
    }
}
