//! The signed-in user as the People API shows them: a `Person` built from the emulator's user
//! record, holding the fields the request named and nothing else (Google leaves out what was
//! not asked for, and what it has no data for).

use crate::state::User;
use serde_json::{Map, Value, json};

/// `people/me` for the user `sub` (their record, when the emulator still has it).
pub fn person(sub: &str, user: Option<&User>, fields: &[&str]) -> Value {
    let mut person = Map::new();
    person.insert("resourceName".into(), json!(format!("people/{sub}")));
    if let Some(user) = user {
        for field in fields {
            let value = match *field {
                "names" => json!([names(user)]),
                "emailAddresses" => json!([{
                    "metadata": {"primary": true, "verified": user.email_verified, "source": {"type": "ACCOUNT", "id": sub}},
                    "value": user.email,
                }]),
                "photos" => json!([{
                    "metadata": {"primary": true, "source": {"type": "PROFILE", "id": sub}},
                    "url": user.picture,
                    // The emulator's pictures are placeholders, as Google's default one is.
                    "default": true,
                }]),
                // Known to Google; the emulator's users have no such data.
                _ => continue,
            };
            person.insert((*field).to_string(), value);
        }
    }
    let etag = etag(&person);
    person.insert("etag".into(), json!(etag));
    Value::Object(person)
}

/// A name as Google spells it out; empty parts are left out, as proto3 JSON leaves them.
fn names(user: &User) -> Value {
    let mut name = json!({
        "metadata": {"primary": true, "source": {"type": "PROFILE", "id": user.sub}},
        "displayName": user.name,
        "unstructuredName": user.name,
    });
    let last_first = match (user.family_name.is_empty(), user.given_name.is_empty()) {
        (true, _) => user.name.clone(),
        (false, true) => user.family_name.clone(),
        (false, false) => format!("{}, {}", user.family_name, user.given_name),
    };
    name["displayNameLastFirst"] = json!(last_first);
    if !user.given_name.is_empty() {
        name["givenName"] = json!(user.given_name);
    }
    if !user.family_name.is_empty() {
        name["familyName"] = json!(user.family_name);
    }
    name
}

/// Google's person etags start with `%`; this one changes whenever the answer does, so a
/// client's cache behaves as it would at Google.
fn etag(person: &Map<String, Value>) -> String {
    use base64::Engine;
    let digest = crate::sha256(Value::Object(person.clone()).to_string().as_bytes());
    format!(
        "%{}",
        base64::engine::general_purpose::STANDARD.encode(&digest[..18])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_fields_are_there_and_names_are_spelled_out() {
        let user = User::for_email("ann@example.com", Some("Ann Lee"), None);
        let p = person(&user.sub, Some(&user), &["names", "birthdays"]);
        assert_eq!(p["resourceName"], format!("people/{}", user.sub));
        assert!(p["etag"].as_str().unwrap().starts_with('%'));
        assert!(
            p.get("emailAddresses").is_none() && p.get("birthdays").is_none(),
            "{p}"
        );
        let name = &p["names"][0];
        assert_eq!(name["displayNameLastFirst"], "Lee, Ann");
        assert_eq!(name["givenName"], "Ann");
        assert_eq!(name["metadata"]["source"]["type"], "PROFILE");

        let single = User::for_email("cher@example.com", Some("Cher"), None);
        let name = &person(&single.sub, Some(&single), &["names"])["names"][0];
        assert_eq!(name["displayNameLastFirst"], "Cher");
        assert!(name.get("familyName").is_none(), "{name}");
    }

    #[test]
    fn the_etag_follows_the_answer() {
        let user = User::for_email("ann@example.com", None, None);
        let names = person(&user.sub, Some(&user), &["names"]);
        let both = person(&user.sub, Some(&user), &["names", "photos"]);
        assert_ne!(names["etag"], both["etag"]);
        assert_eq!(
            names["etag"],
            person(&user.sub, Some(&user), &["names"])["etag"]
        );
    }
}
