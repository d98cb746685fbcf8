//! `personFields`, the field mask `people.get` requires: which paths a request names (also in
//! the older `requestMask.includeField` spelling, `person.email_addresses`, which Google still
//! takes), whether Google knows them, and which scopes release each one.

use crate::state::{SCOPE_EMAIL, SCOPE_PROFILE};

const DOCS: &str =
    "Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.";

/// Every path Google's `personFields` accepts (its documentation's list).
const KNOWN: &[&str] = &[
    "addresses",
    "ageRanges",
    "biographies",
    "birthdays",
    "calendarUrls",
    "clientData",
    "coverPhotos",
    "emailAddresses",
    "events",
    "externalIds",
    "genders",
    "imClients",
    "interests",
    "locales",
    "locations",
    "memberships",
    "metadata",
    "miscKeywords",
    "names",
    "nicknames",
    "occupations",
    "organizations",
    "phoneNumbers",
    "photos",
    "relations",
    "sipAddresses",
    "skills",
    "urls",
    "userDefined",
];

const PROFILE_SCOPES: &[&str] = &[SCOPE_PROFILE];
const EMAIL_SCOPES: &[&str] = &[
    SCOPE_EMAIL,
    "https://www.googleapis.com/auth/user.emails.read",
];

/// `people.get`'s own scopes: Google's front end refuses a token with none of them, whatever
/// the request asks for.
pub const METHOD_SCOPES: &[&str] = &[
    "https://www.googleapis.com/auth/contacts",
    "https://www.googleapis.com/auth/contacts.readonly",
    "https://www.googleapis.com/auth/contacts.other.readonly",
    "https://www.googleapis.com/auth/directory.readonly",
    "https://www.googleapis.com/auth/profile.agerange.read",
    "https://www.googleapis.com/auth/profile.language.read",
    "https://www.googleapis.com/auth/user.addresses.read",
    "https://www.googleapis.com/auth/user.birthday.read",
    "https://www.googleapis.com/auth/user.emails.read",
    "https://www.googleapis.com/auth/user.gender.read",
    "https://www.googleapis.com/auth/user.organization.read",
    "https://www.googleapis.com/auth/user.phonenumbers.read",
    SCOPE_EMAIL,
    SCOPE_PROFILE,
];

/// Why a request's mask is refused, in Google's words.
#[derive(Debug, PartialEq, Eq)]
pub enum MaskError {
    Missing,
    Unknown(String),
}

impl MaskError {
    pub fn message(&self) -> String {
        match self {
            MaskError::Missing => {
                format!(
                    "personFields mask is required. Please specify one or more valid paths. {DOCS}"
                )
            }
            MaskError::Unknown(path) => {
                format!("Invalid personFields mask path: \"{path}\". {DOCS}")
            }
        }
    }
}

/// The paths a query string names, each once, in its order, by their JSON names.
pub fn requested(query: &str) -> Result<Vec<&'static str>, MaskError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let values = |key: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    // The legacy spelling counts only when the current one is absent.
    let (masks, legacy) = match values("personFields") {
        v if v.is_empty() => (values("requestMask.includeField"), true),
        v => (v, false),
    };
    let mut paths: Vec<&'static str> = Vec::new();
    for raw in masks.iter().flat_map(|m| m.split(',')).map(str::trim) {
        if raw.is_empty() {
            continue;
        }
        let path = if legacy {
            raw.strip_prefix("person.").unwrap_or(raw)
        } else {
            raw
        };
        let name = camel_case(path);
        let known = KNOWN
            .iter()
            .find(|k| **k == name)
            .ok_or_else(|| MaskError::Unknown(raw.to_string()))?;
        if !paths.contains(known) {
            paths.push(known);
        }
    }
    if paths.is_empty() {
        Err(MaskError::Missing)
    } else {
        Ok(paths)
    }
}

/// A field mask path's JSON name: protobuf masks may spell `email_addresses` too.
fn camel_case(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The scopes that release `field` of the signed-in user. Fields the emulator's users have no
/// data for need only the method's scopes, which the front end checked already.
pub fn scopes_for(field: &str) -> &'static [&'static str] {
    match field {
        "names" | "photos" => PROFILE_SCOPES,
        "emailAddresses" => EMAIL_SCOPES,
        _ => METHOD_SCOPES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_the_mask_name_the_same_paths() {
        assert_eq!(
            requested("personFields=names,emailAddresses&alt=json"),
            Ok(vec!["names", "emailAddresses"])
        );
        assert_eq!(
            requested("requestMask.includeField=person.names%2Cperson.email_addresses,photos"),
            Ok(vec!["names", "emailAddresses", "photos"])
        );
        assert_eq!(requested("personFields=names,%20names,"), Ok(vec!["names"]));
        assert_eq!(
            requested("personFields=email_addresses"),
            Ok(vec!["emailAddresses"])
        );
    }

    #[test]
    fn a_missing_or_unknown_path_is_refused_with_googles_words() {
        for query in ["", "personFields=", "personFields=,", "fields=names"] {
            assert_eq!(requested(query), Err(MaskError::Missing), "{query}");
        }
        assert_eq!(
            requested("personFields=names,foo"),
            Err(MaskError::Unknown("foo".into()))
        );
        assert_eq!(
            requested("personFields=person.names"),
            Err(MaskError::Unknown("person.names".into())),
            "the person. prefix belongs to the legacy spelling only"
        );
        assert_eq!(
            MaskError::Unknown("foo".into()).message(),
            "Invalid personFields mask path: \"foo\". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get."
        );
    }
}
