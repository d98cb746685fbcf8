//! Drive v3's app data folder, as the emulator serves it: `files.get(fileId='appfolder')` and
//! `files.list(spaces=appDataFolder)` with paging, per-user files, and Google's exact 401/403
//! bodies (google-protocol.md §6); creating and deleting files is in `write`.

mod write;

pub use write::{create_file, delete_file};

use super::Shared;
use super::google_api::{self, Envelope, Method};
use super::state::{DriveFile, SCOPE_DRIVE_APPDATA, State as EmuState};
use super::token::json_response;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

const FOLDER_MIME: &str = "application/vnd.google-apps.folder";
const DEFAULT_PAGE_SIZE: usize = 100;

/// Every user's app data starts with a few files, as an app that synced before would leave.
pub fn seed(sub: &str) -> Vec<DriveFile> {
    [
        ("settings.json", "application/json", 412),
        ("backup-2026-11-01.db", "application/octet-stream", 18_432),
        ("notes.txt", "text/plain", 1_203),
    ]
    .iter()
    .enumerate()
    .map(|(i, (name, mime, size))| DriveFile {
        id: file_id(sub, i),
        name: (*name).into(),
        mime_type: (*mime).into(),
        size: *size,
        modified_time: format!("2026-11-{:02}T09:00:00.000Z", i + 1),
        in_app_data: true,
    })
    .collect()
}

pub fn file_id(sub: &str, i: usize) -> String {
    let digest = crate::sha256(format!("{sub}/{i}").as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("1{hex}")
}

fn folder_id(sub: &str) -> String {
    format!("appDataFolder{}", &file_id(sub, usize::MAX)[..12])
}

fn error(status: u16, body: Value) -> Response {
    json_response(
        StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN),
        &body,
        true,
    )
}

/// Drive's refusals carry `errors[]`; Google's captured Drive answers name no RPC.
const DRIVE: Method = Method {
    envelope: Envelope::WithErrors,
    rpc: None,
};

const SCOPE_DRIVE_FILE: &str = "https://www.googleapis.com/auth/drive.file";
const SCOPE_DRIVE: &str = "https://www.googleapis.com/auth/drive";
/// The scopes Drive's `WWW-Authenticate` names for its file methods: any of them gets past
/// Google's front end (the app data folder itself then needs `drive.appdata`).
const FILE_SCOPES: &[&str] = &[SCOPE_DRIVE_APPDATA, SCOPE_DRIVE_FILE, SCOPE_DRIVE];
/// What a file outside the app data folder needs.
const MY_DRIVE_SCOPES: &[&str] = &[SCOPE_DRIVE_FILE, SCOPE_DRIVE];

/// Drive's own 403 body for a missing scope (older than the One Platform one Gmail and People
/// send), with the challenge naming `scopes`.
fn insufficient_scope(scopes: &[&str]) -> Response {
    let message = "Insufficient Permission: Request had insufficient authentication scopes.";
    google_api::with_scope_challenge(
        error(
            403,
            json!({"error": {"errors": [{"domain": "global", "reason": "insufficientPermissions", "message": message}], "code": 403, "message": message}}),
        ),
        scopes,
    )
}

fn not_configured() -> Response {
    let message = "Access Not Configured. Drive API has not been used in project 000000000000 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=000000000000 then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.";
    error(
        403,
        json!({"error": {"errors": [{"domain": "usageLimits", "reason": "accessNotConfigured", "message": message, "extendedHelp": "https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=000000000000"}], "code": 403, "message": message}}),
    )
}

/// Who a Drive request is from: copied out of the token, so the user's files can be borrowed
/// mutably next to it.
struct Caller {
    sub: String,
    /// Whether the grant reaches beyond the app data folder (`drive` or `drive.file`).
    my_drive: bool,
    /// The emulator's time, for what a request changes.
    now: i64,
}

impl Caller {
    /// Whether the grant reaches `file`: a file in My Drive is not there for `drive.appdata`.
    fn sees(&self, file: &DriveFile) -> bool {
        file.in_app_data || self.my_drive
    }
}

/// The caller behind a Drive request's bearer token, or Google's refusal.
fn authorize(st: &EmuState, headers: &HeaderMap) -> Result<Caller, Box<Response>> {
    let at = google_api::authenticate(st, headers, DRIVE)?;
    if !st.drive_api_enabled {
        return Err(Box::new(not_configured()));
    }
    if !google_api::granted_any(at, &[SCOPE_DRIVE_APPDATA]) {
        return Err(Box::new(insufficient_scope(FILE_SCOPES)));
    }
    Ok(Caller {
        sub: at.grant.sub.clone(),
        my_drive: google_api::granted_any(at, MY_DRIVE_SCOPES),
        now: st.now(),
    })
}

/// Runs `answer` with the files of the request's user (seeded on first use), or answers
/// with Google's refusal.
fn with_user_files(
    shared: &Shared,
    headers: &HeaderMap,
    answer: impl FnOnce(&Caller, &mut Vec<DriveFile>) -> Response,
) -> Response {
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let caller = match authorize(&st, headers) {
        Ok(caller) => caller,
        Err(resp) => return *resp,
    };
    let files = st
        .drive_files
        .entry(caller.sub.clone())
        .or_insert_with(|| seed(&caller.sub));
    answer(&caller, files)
}

/// Whether `file_id` names the app data folder: its aliases, or its own ID.
fn is_app_data_folder(sub: &str, file_id: &str) -> bool {
    file_id == "appfolder" || file_id == "appDataFolder" || file_id == folder_id(sub)
}

/// Drive's 404 for a file the user does not have.
fn file_not_found(file_id: &str) -> Response {
    let message = format!("File not found: {file_id}.");
    error(
        404,
        json!({"error": {"errors": [{"domain": "global", "reason": "notFound", "message": message, "locationType": "parameter", "location": "fileId"}], "code": 404, "message": message}}),
    )
}

pub async fn get_file(
    State(shared): State<Shared>,
    Path(file_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    with_user_files(&shared, &headers, |caller, files| {
        file_answer(caller, files, &file_id)
    })
}

fn file_answer(caller: &Caller, files: &[DriveFile], file_id: &str) -> Response {
    if is_app_data_folder(&caller.sub, file_id) {
        return json_response(
            StatusCode::OK,
            &json!({"kind": "drive#file", "id": folder_id(&caller.sub), "name": "Application Data", "mimeType": FOLDER_MIME}),
            true,
        );
    }
    match files.iter().find(|f| f.id == file_id && caller.sees(f)) {
        Some(f) => json_response(
            StatusCode::OK,
            &json!({"kind": "drive#file", "id": f.id, "name": f.name, "mimeType": f.mime_type}),
            true,
        ),
        None => file_not_found(file_id),
    }
}

pub async fn list_files(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    with_user_files(&shared, &headers, |_, files| list_answer(files, &q))
}

fn list_answer(files: &[DriveFile], q: &HashMap<String, String>) -> Response {
    let spaces = q.get("spaces").map(String::as_str).unwrap_or("drive");
    if spaces.split(',').any(|s| s.trim() != "appDataFolder") {
        let message = "The granted scopes do not give access to all of the requested spaces.";
        return error(
            403,
            json!({"error": {"errors": [{"domain": "global", "reason": "insufficientScopes", "message": message, "locationType": "parameter", "location": "spaces"}], "code": 403, "message": message}}),
        );
    }
    let page_size = q
        .get("pageSize")
        .and_then(|s| s.parse().ok())
        .filter(|n: &usize| (1..=1000).contains(n))
        .unwrap_or(DEFAULT_PAGE_SIZE);
    let start: usize = q
        .get("pageToken")
        .and_then(|t| t.strip_prefix("page-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let fields = q.get("fields").cloned().unwrap_or_default();
    let files: Vec<&DriveFile> = files.iter().filter(|f| f.in_app_data).collect();
    let page: Vec<Value> = files
        .iter()
        .skip(start)
        .take(page_size)
        .map(|f| {
            // Without `fields`, Drive returns only kind, id, name and mimeType.
            let mut v =
                json!({"kind": "drive#file", "id": f.id, "name": f.name, "mimeType": f.mime_type});
            if fields.contains("size") {
                v["size"] = json!(f.size.to_string());
            }
            if fields.contains("modifiedTime") {
                v["modifiedTime"] = json!(f.modified_time);
            }
            v
        })
        .collect();
    let mut body = json!({"kind": "drive#fileList", "incompleteSearch": false, "files": page});
    if start + page_size < files.len() {
        body["nextPageToken"] = json!(format!("page-{}", start + page_size));
    }
    json_response(StatusCode::OK, &body, true)
}

#[derive(Deserialize)]
pub struct SeedRequest {
    email: Option<String>,
    count: usize,
}

/// Control: gives a user `count` files in their app data folder (tests of paging).
pub async fn seed_files(State(shared): State<Shared>, Json(req): Json<SeedRequest>) -> Response {
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let email = req
        .email
        .unwrap_or_else(|| super::state::DEFAULT_EMAIL.to_string());
    let sub = st.users.get(&email).map_or_else(
        || super::state::User::for_email(&email, None, None).sub,
        |u| u.sub.clone(),
    );
    let files: Vec<DriveFile> = (0..req.count)
        .map(|i| DriveFile {
            id: file_id(&sub, i),
            name: format!("file-{i:04}.bin"),
            mime_type: "application/octet-stream".into(),
            size: 1024 + i as u64,
            modified_time: "2026-11-20T12:00:00.000Z".into(),
            in_app_data: true,
        })
        .collect();
    st.drive_files.insert(sub, files);
    json_response(StatusCode::OK, &json!({"count": req.count}), true)
}

/// Every Drive scope: `about.get` takes any of them, `drive.appdata` included.
const ABOUT_SCOPES: &[&str] = &[
    SCOPE_DRIVE,
    SCOPE_DRIVE_APPDATA,
    SCOPE_DRIVE_FILE,
    "https://www.googleapis.com/auth/drive.metadata",
    "https://www.googleapis.com/auth/drive.metadata.readonly",
    "https://www.googleapis.com/auth/drive.photos.readonly",
    "https://www.googleapis.com/auth/drive.readonly",
];

/// Drive's 400 for a `fields` it cannot use (missing, or naming what `about` lacks).
fn bad_fields(reason: &str, message: &str) -> Response {
    error(
        400,
        json!({"error": {"errors": [{"domain": "global", "reason": reason, "message": message, "locationType": "parameter", "location": "fields"}], "code": 400, "message": message}}),
    )
}

/// `about.get`: who the user is and their quota. Drive v3 requires `fields` here (400
/// without it); `user`, `storageQuota`, `kind` and `*` are served, with one level of
/// sub-selection (`user(emailAddress)`, `user/displayName`).
pub async fn about(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let at = match google_api::authenticate(&st, &headers, DRIVE) {
        Ok(at) => at,
        Err(resp) => return *resp,
    };
    if !st.drive_api_enabled {
        return not_configured();
    }
    if !google_api::granted_any(at, ABOUT_SCOPES) {
        return insufficient_scope(ABOUT_SCOPES);
    }
    let Some(fields) = q.get("fields").filter(|f| !f.trim().is_empty()) else {
        return bad_fields(
            "required",
            "The 'fields' parameter is required for this method.",
        );
    };
    let sub = at.grant.sub.clone();
    let (name, email, photo) = st
        .user_by_sub(&sub)
        .map(|u| (u.name.clone(), u.email.clone(), u.picture.clone()))
        .unwrap_or_default();
    let usage: u64 = st
        .drive_files
        .get(&sub)
        .map_or(0, |files| files.iter().map(|f| f.size).sum());
    let full = json!({
        "kind": "drive#about",
        "user": {
            "kind": "drive#user",
            "displayName": name,
            "photoLink": photo,
            "me": true,
            "permissionId": permission_id(&sub),
            "emailAddress": email,
        },
        "storageQuota": {
            "limit": "16106127360",
            "usage": usage.to_string(),
            "usageInDrive": usage.to_string(),
            "usageInDriveTrash": "0",
        },
    });
    match select(&full, fields) {
        Ok(v) => json_response(StatusCode::OK, &v, true),
        Err(bad) => bad_fields(
            "invalidParameter",
            &format!("Invalid field selection {bad}"),
        ),
    }
}

/// A user's Drive permission ID: digits, stable per user.
fn permission_id(sub: &str) -> String {
    let digest = crate::sha256(format!("permission/{sub}").as_bytes());
    digest
        .iter()
        .take(10)
        .map(|b| format!("{:02}", b % 100))
        .collect()
}

/// `fields` applied to `full`: top-level names (or `*`), each with an optional flat
/// sub-selection. Err: the first name `full` lacks.
fn select(full: &Value, fields: &str) -> Result<Value, String> {
    let mut out = serde_json::Map::new();
    for item in split_top(fields) {
        let item = item.trim();
        if item == "*" {
            return Ok(full.clone());
        }
        let (name, sub) = match (item.find('('), item.find('/')) {
            (Some(i), _) => (&item[..i], Some(item[i + 1..].trim_end_matches(')'))),
            (None, Some(i)) => (&item[..i], Some(&item[i + 1..])),
            (None, None) => (item, None),
        };
        let Some(value) = full.get(name) else {
            return Err(name.to_string());
        };
        let chosen = match (sub, value.as_object()) {
            (Some(sub), Some(obj)) if sub.trim() != "*" => {
                let mut part = serde_json::Map::new();
                for key in sub.split(',').map(str::trim) {
                    match obj.get(key) {
                        Some(v) => {
                            part.insert(key.to_string(), v.clone());
                        }
                        None => return Err(format!("{name}.{key}")),
                    }
                }
                Value::Object(part)
            }
            _ => value.clone(),
        };
        out.insert(name.to_string(), chosen);
    }
    Ok(Value::Object(out))
}

/// `a,b(c,d),e` → `a`, `b(c,d)`, `e`.
fn split_top(fields: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in fields.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&fields[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&fields[start..]);
    parts
}
