//! The Google APIs the emulator serves to a user's access token (People `people/me`, Gmail's
//! profile and labels, Drive's writes) and its answers for paths no API serves, through the
//! public API and plain HTTP on 127.0.0.1, as another team's backend would reach them.

use gsignin_emulator::{Emulator, Fault, MintRequest, User};
use gsignin_emulator::{WEB_CLIENT_ID, WEB_CLIENT_SECRET};
use reqwest::Method;
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

const PROFILE: &str = "https://www.googleapis.com/auth/userinfo.profile";
const EMAIL: &str = "https://www.googleapis.com/auth/userinfo.email";
const APPDATA: &str = "https://www.googleapis.com/auth/drive.appdata";
const DRIVE: &str = "https://www.googleapis.com/auth/drive";
const GMAIL_READONLY: &str = "https://www.googleapis.com/auth/gmail.readonly";
const PEOPLE_DOCS: &str =
    "Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.";

/// An access token for `email` with exactly `scopes`, from a minted code traded at /token.
fn token_for(google: &Emulator, email: &str, scopes: &[&str]) -> String {
    let code = google.mint(MintRequest {
        email: Some(email.into()),
        scopes: Some(scopes.iter().map(ToString::to_string).collect()),
        force_refresh_token: true,
        ..Default::default()
    });
    let tokens: Value = Client::new()
        .post(format!("{}/token", google.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", WEB_CLIENT_ID),
            ("client_secret", WEB_CLIENT_SECRET),
            ("redirect_uri", ""),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_string()
}

fn token(google: &Emulator, scopes: &[&str]) -> String {
    token_for(google, "alice@example.com", scopes)
}

fn call(google: &Emulator, method: Method, path: &str, bearer: Option<&str>) -> Response {
    let mut req = Client::new().request(method, format!("{}{path}", google.base_url()));
    if let Some(b) = bearer {
        req = req.bearer_auth(b);
    }
    req.send().unwrap()
}

fn get(google: &Emulator, path: &str, bearer: Option<&str>) -> Response {
    call(google, Method::GET, path, bearer)
}

fn post_json(google: &Emulator, path: &str, bearer: &str, body: &str) -> Response {
    Client::new()
        .post(format!("{}{path}", google.base_url()))
        .bearer_auth(bearer)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .unwrap()
}

/// Status, `WWW-Authenticate` (or "") and JSON body.
fn parts(resp: Response) -> (u16, String, Value) {
    let status = resp.status().as_u16();
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, challenge, resp.json().unwrap())
}

fn scope_challenge(scopes: &[&str]) -> String {
    format!(
        "Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\", scope=\"{}\"",
        scopes.join(" ")
    )
}

#[test]
fn people_me_shows_each_field_from_the_users_record() {
    let google = Emulator::start(0).unwrap();
    let mut user = User::for_email("bob@example.com", Some("Bob Stone"), None);
    user.email_verified = false;
    google.add_user(user.clone());
    let at = token_for(&google, "bob@example.com", &["openid", "email", "profile"]);
    let sub = user.sub.as_str();
    for path in ["/v1/people/me", "/people/v1/people/me"] {
        let (status, _, person) = parts(get(
            &google,
            &format!("{path}?personFields=names,emailAddresses,photos"),
            Some(&at),
        ));
        assert_eq!(status, 200, "{path}: {person}");
        assert_eq!(person["resourceName"], format!("people/{sub}"));
        assert!(
            person["etag"].as_str().unwrap().starts_with('%'),
            "{person}"
        );
        assert_eq!(
            person["names"],
            json!([{"metadata": {"primary": true, "source": {"type": "PROFILE", "id": sub}},
                "displayName": "Bob Stone", "familyName": "Stone", "givenName": "Bob",
                "displayNameLastFirst": "Stone, Bob", "unstructuredName": "Bob Stone"}])
        );
        assert_eq!(
            person["emailAddresses"],
            json!([{"metadata": {"primary": true, "verified": false, "source": {"type": "ACCOUNT", "id": sub}},
                "value": "bob@example.com"}])
        );
        assert_eq!(
            person["photos"],
            json!([{"metadata": {"primary": true, "source": {"type": "PROFILE", "id": sub}},
                "url": user.picture, "default": true}])
        );
    }
    // One field: only it; the legacy mask spelling; a field the emulator has no data for.
    let (_, _, names) = parts(get(&google, "/v1/people/me?personFields=names", Some(&at)));
    assert!(names["names"].is_array() && names.get("emailAddresses").is_none());
    let (_, _, emails) = parts(get(
        &google,
        "/v1/people/me?personFields=emailAddresses",
        Some(&at),
    ));
    assert!(emails["emailAddresses"].is_array() && emails.get("names").is_none());
    let (_, _, photos) = parts(get(&google, "/v1/people/me?personFields=photos", Some(&at)));
    assert_eq!(photos["photos"][0]["url"], user.picture.as_str());
    let (status, _, legacy) = parts(get(
        &google,
        "/v1/people/me?requestMask.includeField=person.names,person.email_addresses",
        Some(&at),
    ));
    assert_eq!(status, 200);
    assert_eq!(legacy["emailAddresses"][0]["value"], "bob@example.com");
    let (status, _, bare) = parts(get(
        &google,
        "/v1/people/me?personFields=birthdays,genders",
        Some(&at),
    ));
    assert_eq!(status, 200);
    assert_eq!(
        bare.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["etag", "resourceName"]
    );
}

#[test]
fn people_me_requires_person_fields_with_googles_400s() {
    let google = Emulator::start(0).unwrap();
    let at = token(&google, &["openid", "email", "profile"]);
    let missing = json!({"error": {"code": 400, "message": format!("personFields mask is required. Please specify one or more valid paths. {PEOPLE_DOCS}"), "status": "INVALID_ARGUMENT"}});
    for query in ["", "?personFields=", "?fields=names"] {
        let (status, _, body) = parts(get(&google, &format!("/v1/people/me{query}"), Some(&at)));
        assert_eq!((status, &body), (400, &missing), "{query}");
    }
    let (status, _, body) = parts(get(
        &google,
        "/people/v1/people/me?personFields=names,foo",
        Some(&at),
    ));
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": {"code": 400, "message": format!("Invalid personFields mask path: \"foo\". {PEOPLE_DOCS}"), "status": "INVALID_ARGUMENT"}})
    );
}

#[test]
fn people_me_without_the_fields_scope_is_403_with_the_scopes_that_would_do() {
    let google = Emulator::start(0).unwrap();
    let body = json!({"error": {"code": 403, "message": "Request had insufficient authentication scopes.", "status": "PERMISSION_DENIED",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "domain": "googleapis.com",
            "metadata": {"service": "people.googleapis.com", "method": "google.people.v1.PeopleService.GetPerson"}}]}});
    let email_only = token(&google, &["openid", "email"]);
    for fields in ["names", "photos", "names,emailAddresses"] {
        let (status, challenge, got) = parts(get(
            &google,
            &format!("/v1/people/me?personFields={fields}"),
            Some(&email_only),
        ));
        assert_eq!((status, &got), (403, &body), "{fields}");
        assert_eq!(challenge, scope_challenge(&[PROFILE]), "{fields}");
    }
    let profile_only = token(&google, &["openid", "profile"]);
    let (status, challenge, got) = parts(get(
        &google,
        "/v1/people/me?personFields=names,emailAddresses",
        Some(&profile_only),
    ));
    assert_eq!((status, &got), (403, &body));
    assert_eq!(
        challenge,
        scope_challenge(&[EMAIL, "https://www.googleapis.com/auth/user.emails.read"])
    );
    // `user.emails.read` alone releases the addresses.
    let emails_read = token(
        &google,
        &["https://www.googleapis.com/auth/user.emails.read"],
    );
    let (status, _, got) = parts(get(
        &google,
        "/v1/people/me?personFields=emailAddresses",
        Some(&emails_read),
    ));
    assert_eq!(status, 200, "{got}");
    // No People scope at all: the front end refuses before it reads the mask.
    let drive_only = token(&google, &[APPDATA]);
    let (status, challenge, got) = parts(get(&google, "/v1/people/me", Some(&drive_only)));
    assert_eq!((status, &got), (403, &body));
    assert!(
        challenge.contains("https://www.googleapis.com/auth/contacts.readonly ")
            && challenge.ends_with(&format!("{EMAIL} {PROFILE}\"")),
        "{challenge}"
    );
}

#[test]
fn a_missing_or_bad_token_is_googles_401_on_every_api() {
    let google = Emulator::start(0).unwrap();
    let hint = "Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
    let missing_message = format!("Request is missing required authentication credential. {hint}");
    let bad_message = format!("Request had invalid authentication credentials. {hint}");
    let realm = "Bearer realm=\"https://accounts.google.com/\"";
    let invalid = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
    let info = |reason: &str, service: &str, method: &str| {
        json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com",
            "metadata": {"service": service, "method": method}}])
    };
    let login_required = json!([{"message": "Login Required.", "domain": "global", "reason": "required", "location": "Authorization", "locationType": "header"}]);
    let invalid_credentials = json!([{"message": "Invalid Credentials", "domain": "global", "reason": "authError", "location": "Authorization", "locationType": "header"}]);

    // People: One Platform's envelope; a missing token names the RPC.
    let (status, challenge, body) = parts(get(&google, "/v1/people/me?personFields=names", None));
    assert_eq!((status, challenge.as_str()), (401, realm));
    assert_eq!(
        body,
        json!({"error": {"code": 401, "message": missing_message, "status": "UNAUTHENTICATED",
            "details": info("CREDENTIALS_MISSING", "people.googleapis.com", "google.people.v1.PeopleService.GetPerson")}})
    );
    let (status, challenge, body) = parts(get(
        &google,
        "/people/v1/people/me?personFields=names",
        Some("ya29.nonsense"),
    ));
    assert_eq!((status, challenge.as_str()), (401, invalid));
    assert_eq!(
        body,
        json!({"error": {"code": 401, "message": bad_message, "status": "UNAUTHENTICATED"}})
    );

    // Gmail: the same with `errors[]`.
    let (status, challenge, body) = parts(get(&google, "/gmail/v1/users/me/profile", None));
    assert_eq!((status, challenge.as_str()), (401, realm));
    assert_eq!(
        body,
        json!({"error": {"code": 401, "message": missing_message, "errors": login_required, "status": "UNAUTHENTICATED",
            "details": info("CREDENTIALS_MISSING", "gmail.googleapis.com", "caribou.api.proto.MailboxService.GetProfile")}})
    );
    let (status, challenge, body) = parts(get(
        &google,
        "/gmail/v1/users/me/labels",
        Some("ya29.nonsense"),
    ));
    assert_eq!((status, challenge.as_str()), (401, invalid));
    assert_eq!(
        body,
        json!({"error": {"code": 401, "message": bad_message, "errors": invalid_credentials, "status": "UNAUTHENTICATED"}})
    );

    // Drive's writes: its `errors[]` bodies, no RPC named, before the body is read.
    let resp = Client::new()
        .post(format!("{}/drive/v3/files", google.base_url()))
        .body("not json")
        .send()
        .unwrap();
    let (status, challenge, body) = parts(resp);
    assert_eq!((status, challenge.as_str()), (401, realm));
    assert_eq!(
        body,
        json!({"error": {"code": 401, "message": missing_message, "errors": login_required, "status": "UNAUTHENTICATED"}})
    );
    let (status, challenge, _) = parts(call(
        &google,
        Method::DELETE,
        "/drive/v3/files/1abc",
        Some("ya29.nonsense"),
    ));
    assert_eq!((status, challenge.as_str()), (401, invalid));
}

#[test]
fn gmail_shows_an_empty_mailbox_to_a_gmail_grant() {
    let google = Emulator::start(0).unwrap();
    for scope in [
        GMAIL_READONLY,
        "https://mail.google.com/",
        "https://www.googleapis.com/auth/gmail.metadata",
    ] {
        let at = token(&google, &["openid", scope]);
        let (status, _, profile) = parts(get(&google, "/gmail/v1/users/me/profile", Some(&at)));
        assert_eq!(status, 200, "{scope}: {profile}");
        assert_eq!(
            (
                &profile["emailAddress"],
                &profile["messagesTotal"],
                &profile["threadsTotal"]
            ),
            (&json!("alice@example.com"), &json!(0), &json!(0))
        );
        assert!(profile["historyId"].is_string(), "{profile}");
        let (status, _, labels) = parts(get(&google, "/gmail/v1/users/me/labels", Some(&at)));
        assert_eq!(status, 200, "{scope}: {labels}");
        let ids: Vec<&str> = labels["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"INBOX") && ids.contains(&"SENT"), "{labels}");
        assert!(
            labels["labels"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["type"] == "system")
        );
    }
}

#[test]
fn gmail_refuses_a_grant_without_a_gmail_scope_with_errors_and_the_challenge() {
    let google = Emulator::start(0).unwrap();
    let at = token(&google, &["openid", "email", "profile", APPDATA]);
    for (path, rpc, scopes) in [
        (
            "/gmail/v1/users/me/profile",
            "GetProfile",
            "https://mail.google.com/ https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.compose https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/gmail.metadata",
        ),
        (
            "/gmail/v1/users/me/labels",
            "ListLabels",
            "https://mail.google.com/ https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.labels https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/gmail.metadata",
        ),
    ] {
        let (status, challenge, body) = parts(get(&google, path, Some(&at)));
        assert_eq!(status, 403, "{path}");
        assert_eq!(
            body,
            json!({"error": {"code": 403, "message": "Request had insufficient authentication scopes.",
                "errors": [{"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}],
                "status": "PERMISSION_DENIED",
                "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "domain": "googleapis.com",
                    "metadata": {"service": "gmail.googleapis.com", "method": format!("caribou.api.proto.MailboxService.{rpc}")}}]}}),
            "{path}"
        );
        assert_eq!(
            challenge,
            format!(
                "Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\", scope=\"{scopes}\""
            )
        );
    }
}

#[test]
fn drive_creates_and_deletes_app_data_files() {
    let google = Emulator::start(0).unwrap();
    let at = token(&google, &["openid", APPDATA]);
    let (status, _, created) = parts(post_json(
        &google,
        "/drive/v3/files",
        &at,
        r#"{"name": "state.json", "parents": ["appDataFolder"], "mimeType": "application/json"}"#,
    ));
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        created,
        json!({"kind": "drive#file", "id": id, "name": "state.json", "mimeType": "application/json"})
    );
    // It is in the folder, under either alias; no type is Drive's default.
    let (_, _, list) = parts(get(
        &google,
        "/drive/v3/files?spaces=appDataFolder",
        Some(&at),
    ));
    assert!(
        list["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == id.as_str()),
        "{list}"
    );
    let (status, _, untyped) = parts(post_json(
        &google,
        "/drive/v3/files",
        &at,
        r#"{"name": "blob", "parents": ["appfolder"]}"#,
    ));
    assert_eq!(
        (status, untyped["mimeType"].as_str()),
        (200, Some("application/octet-stream"))
    );
    let (status, _, got) = parts(get(&google, &format!("/drive/v3/files/{id}"), Some(&at)));
    assert_eq!((status, got["name"].as_str()), (200, Some("state.json")));

    let gone = call(
        &google,
        Method::DELETE,
        &format!("/drive/v3/files/{id}"),
        Some(&at),
    );
    assert_eq!(gone.status().as_u16(), 204);
    assert!(gone.text().unwrap().is_empty());
    let (status, _, body) = parts(call(
        &google,
        Method::DELETE,
        &format!("/drive/v3/files/{id}"),
        Some(&at),
    ));
    assert_eq!(status, 404);
    let message = format!("File not found: {id}.");
    assert_eq!(
        body,
        json!({"error": {"errors": [{"domain": "global", "reason": "notFound", "message": message, "locationType": "parameter", "location": "fileId"}], "code": 404, "message": message}})
    );
    let (status, _, _) = parts(get(&google, &format!("/drive/v3/files/{id}"), Some(&at)));
    assert_eq!(status, 404);
}

#[test]
fn drive_keeps_an_appdata_grant_out_of_my_drive_and_refuses_bad_json() {
    let google = Emulator::start(0).unwrap();
    let appdata = token(&google, &[APPDATA]);
    let scopes = ["https://www.googleapis.com/auth/drive.file", DRIVE];
    let insufficient = "Insufficient Permission: Request had insufficient authentication scopes.";
    for body in [
        r#"{"name": "x"}"#,
        r#"{"name": "x", "parents": ["root"]}"#,
        "",
    ] {
        let (status, challenge, got) = parts(post_json(&google, "/drive/v3/files", &appdata, body));
        assert_eq!(status, 403, "{body}");
        assert_eq!(got["error"]["message"], insufficient, "{body}");
        assert_eq!(challenge, scope_challenge(&scopes), "{body}");
    }
    for (body, message) in [
        (
            "{\"name\": ",
            "Invalid JSON payload received. Unexpected end of string.",
        ),
        (
            "{name: 'x'}",
            "Invalid JSON payload received. Unexpected token.",
        ),
        (
            "[1]",
            "Invalid JSON payload received. Unknown name \"\": Root element must be a message.",
        ),
        (r#"{"name": 5}"#, "Invalid value at 'name' (TYPE_STRING), 5"),
        (
            r#"{"parents": "appDataFolder"}"#,
            "Invalid value at 'parents' (TYPE_STRING), \"appDataFolder\"",
        ),
    ] {
        let (status, _, got) = parts(post_json(&google, "/drive/v3/files", &appdata, body));
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            got,
            json!({"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}),
            "{body}"
        );
    }
    // A grant that reaches My Drive creates there; the app data listing does not show it, and
    // the app-data-only grant cannot see it.
    let full = token(&google, &[APPDATA, DRIVE]);
    let (status, _, created) = parts(post_json(
        &google,
        "/drive/v3/files",
        &full,
        r#"{"name": "mine"}"#,
    ));
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap();
    let (_, _, list) = parts(get(
        &google,
        "/drive/v3/files?spaces=appDataFolder",
        Some(&full),
    ));
    assert!(
        !list["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == id),
        "{list}"
    );
    let (status, _, _) = parts(get(
        &google,
        &format!("/drive/v3/files/{id}"),
        Some(&appdata),
    ));
    assert_eq!(status, 404);
}

#[test]
fn drives_scope_refusal_keeps_its_body_and_names_the_scopes_that_would_do() {
    let google = Emulator::start(0).unwrap();
    let at = token(&google, &["openid", "email"]);
    let insufficient = "Insufficient Permission: Request had insufficient authentication scopes.";
    for (method, path) in [
        (Method::GET, "/drive/v3/files/appfolder"),
        (Method::GET, "/drive/v3/files?spaces=appDataFolder"),
        (Method::POST, "/drive/v3/files"),
        (Method::DELETE, "/drive/v3/files/1abc"),
    ] {
        let (status, challenge, body) = parts(call(&google, method, path, Some(&at)));
        assert_eq!(status, 403, "{path}");
        assert_eq!(
            body,
            json!({"error": {"errors": [{"domain": "global", "reason": "insufficientPermissions", "message": insufficient}], "code": 403, "message": insufficient}}),
            "{path}"
        );
        assert_eq!(
            challenge,
            scope_challenge(&[APPDATA, "https://www.googleapis.com/auth/drive.file", DRIVE])
        );
    }
}

#[test]
fn unknown_paths_and_methods_answer_googles_json_404() {
    let google = Emulator::start(0).unwrap();
    let why = |method: &Method, path: &str| {
        format!(
            "the gsignin emulator does not emulate {method} {path}; docs/emulator-service.md (\"Google API methods served\") lists the Google API methods it serves"
        )
    };
    let one_platform = |method: &Method, path: &str| json!({"error": {"code": 404, "message": format!("Method not found: {}", why(method, path)), "status": "NOT_FOUND"}});
    let drive_style = |method: &Method, path: &str| {
        let message = format!("Not Found: {}", why(method, path));
        json!({"error": {"errors": [{"domain": "global", "reason": "notFound", "message": message}], "code": 404, "message": message}})
    };
    type Expected<'a> = &'a dyn Fn(&Method, &str) -> Value;
    let (one_platform, drive_style): (Expected, Expected) = (&one_platform, &drive_style);
    for (method, path, expected) in [
        (Method::GET, "/nowhere", one_platform),
        (Method::POST, "/v1/people/nobody/x", one_platform),
        (Method::DELETE, "/people/v1/people/me", one_platform),
        (Method::POST, "/v1/people/me", one_platform),
        (Method::GET, "/drive/v2/files", drive_style),
        (Method::PUT, "/drive/v3/files", drive_style),
        (Method::PATCH, "/drive/v3/files/1abc", drive_style),
        (Method::GET, "/gmail/v1/users/me/threads", drive_style),
        (Method::POST, "/gmail/v1/users/me/profile", drive_style),
        (Method::POST, "/drive/v3/about", drive_style),
    ] {
        let expected = &expected(&method, path);
        let resp = call(&google, method.clone(), path, None);
        assert_eq!(
            resp.headers()["content-type"],
            "application/json; charset=utf-8",
            "{method} {path}"
        );
        let (status, _, body) = parts(resp);
        assert_eq!((status, &body), (404, expected), "{method} {path}");
    }
    // The emulator's own surfaces keep their answers: the OAuth endpoints' 405 and 404, the
    // control API's bare 404.
    assert_eq!(get(&google, "/token", None).status().as_u16(), 405);
    assert_eq!(get(&google, "/revoke", None).status().as_u16(), 404);
    let control = get(&google, "/control/nothing", None);
    assert_eq!(control.status().as_u16(), 404);
    assert!(control.text().unwrap().is_empty());
    // Made-up paths share one counter; a wrong method on a known path counts as that path.
    assert_eq!(google.hits("(no route)"), 5);
    assert_eq!(google.hits("/drive/v3/about"), 1);
    assert_eq!(google.hits("/v1/people/me"), 1);
}

#[test]
fn faults_and_counters_reach_the_new_paths() {
    let google = Emulator::start(0).unwrap();
    let at = token(
        &google,
        &["openid", "email", "profile", APPDATA, GMAIL_READONLY],
    );
    google.inject_fault(Fault {
        path: "/v1/people/me".into(),
        status: Some(503),
        retry_after: Some(7),
        body: Some(r#"{"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}}"#.into()),
        count: Some(1),
        ..Default::default()
    });
    let resp = get(&google, "/v1/people/me?personFields=names", Some(&at));
    assert_eq!(resp.headers()["retry-after"], "7");
    let (status, _, body) = parts(resp);
    assert_eq!(
        (status, body["error"]["status"].as_str()),
        (503, Some("UNAVAILABLE"))
    );
    assert_eq!(
        get(&google, "/v1/people/me?personFields=names", Some(&at)).status(),
        200
    );

    google.inject_fault(Fault {
        path: "/drive/v3/files".into(),
        status: Some(500),
        count: Some(1),
        ..Default::default()
    });
    let body = r#"{"name": "a", "parents": ["appDataFolder"]}"#;
    assert_eq!(
        post_json(&google, "/drive/v3/files", &at, body).status(),
        500
    );
    let (status, _, created) = parts(post_json(&google, "/drive/v3/files", &at, body));
    assert_eq!(status, 200);
    let id = created["id"].as_str().unwrap();
    google.inject_fault(Fault {
        path: "/gmail/v1/users/me/labels".into(),
        status: Some(429),
        retry_after: Some(1),
        ..Default::default()
    });
    assert_eq!(
        get(&google, "/gmail/v1/users/me/labels", Some(&at)).status(),
        429
    );
    assert_eq!(
        call(
            &google,
            Method::DELETE,
            &format!("/drive/v3/files/{id}"),
            Some(&at)
        )
        .status(),
        204
    );

    // /control/stats counts every method on each path, POSTs and DELETEs included.
    let stats: Value = get(&google, "/control/stats", None).json().unwrap();
    assert_eq!(stats["hits"]["/drive/v3/files"], 2, "{stats}");
    assert_eq!(stats["hits"][format!("/drive/v3/files/{id}")], 1, "{stats}");
    assert_eq!(stats["hits"]["/v1/people/me"], 2, "{stats}");
    assert_eq!(stats["hits"]["/gmail/v1/users/me/labels"], 1, "{stats}");
}

#[test]
fn drive_about_needs_fields_and_any_drive_scope_and_shows_the_user() {
    let google = Emulator::start(0).unwrap();
    let at = token_for(
        &google,
        "ann@example.com",
        &["openid", EMAIL, PROFILE, APPDATA],
    );
    let (status, _, body) = parts(get(&google, "/drive/v3/about?fields=user", Some(&at)));
    assert_eq!(status, 200, "{body}");
    let user = &body["user"];
    assert_eq!(user["kind"], "drive#user");
    assert_eq!(user["emailAddress"], "ann@example.com");
    assert_eq!(user["displayName"], "Ann Example");
    assert_eq!(user["me"], true);
    assert!(user["photoLink"].as_str().unwrap().starts_with("https://"));
    assert!(
        user["permissionId"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_digit())
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        1,
        "only what fields asks: {body}"
    );
    let (_, _, body) = parts(get(
        &google,
        "/drive/v3/about?fields=user(emailAddress),storageQuota/limit",
        Some(&at),
    ));
    assert_eq!(
        body,
        json!({"user": {"emailAddress": "ann@example.com"}, "storageQuota": {"limit": "16106127360"}})
    );
    // Without fields, Drive's 400.
    let message = "The 'fields' parameter is required for this method.";
    let (status, _, body) = parts(get(&google, "/drive/v3/about", Some(&at)));
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": {"errors": [{"domain": "global", "reason": "required", "message": message, "locationType": "parameter", "location": "fields"}], "code": 400, "message": message}})
    );
    let (status, _, body) = parts(get(&google, "/drive/v3/about?fields=nothing", Some(&at)));
    assert_eq!(status, 400);
    assert_eq!(body["error"]["message"], "Invalid field selection nothing");
    // No Drive scope: 403 naming the scopes that would do; no token: 401.
    let at = token(&google, &["openid", EMAIL]);
    let (status, challenge, _) = parts(get(&google, "/drive/v3/about?fields=user", Some(&at)));
    assert_eq!(status, 403);
    assert!(challenge.contains("drive.appdata"), "{challenge}");
    assert_eq!(
        get(&google, "/drive/v3/about?fields=user", None)
            .status()
            .as_u16(),
        401
    );
}

#[test]
fn gmail_lists_an_empty_mailbox_to_a_read_scope_only() {
    let google = Emulator::start(0).unwrap();
    let at = token(&google, &["openid", EMAIL, GMAIL_READONLY]);
    let (status, _, body) = parts(get(&google, "/gmail/v1/users/me/messages", Some(&at)));
    assert_eq!((status, body), (200, json!({"resultSizeEstimate": 0})));
    for scope in [
        "https://mail.google.com/",
        "https://www.googleapis.com/auth/gmail.modify",
        "https://www.googleapis.com/auth/gmail.metadata",
    ] {
        let at = token(&google, &["openid", scope]);
        let status = get(
            &google,
            "/gmail/v1/users/me/messages?maxResults=5",
            Some(&at),
        )
        .status();
        assert_eq!(status.as_u16(), 200, "{scope}");
    }
    // gmail.labels reads labels, not messages.
    let at = token(
        &google,
        &["openid", "https://www.googleapis.com/auth/gmail.labels"],
    );
    let (status, challenge, body) = parts(get(&google, "/gmail/v1/users/me/messages", Some(&at)));
    assert_eq!(status, 403);
    assert_eq!(
        body["error"]["errors"][0]["reason"],
        "insufficientPermissions"
    );
    assert_eq!(
        body["error"]["details"][0]["metadata"]["method"],
        "caribou.api.proto.MailboxService.ListMessages"
    );
    assert!(challenge.contains("gmail.readonly"), "{challenge}");
}
