//! Drive v3's app data folder, as the emulator serves it: `files.get(fileId='appfolder')` and
//! `files.list(spaces=appDataFolder)` with paging, per-user files, and Google's exact 401/403
//! bodies (google-protocol.md §6).

use super::Shared;
use super::state::{SCOPE_DRIVE_APPDATA, State as EmuState};
use super::token::json_response;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriveFile {
    pub id: String,
    pub name: String,
    pub mime_type: String,
    pub size: u64,
    pub modified_time: String,
}

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
    })
    .collect()
}

pub fn file_id(sub: &str, i: usize) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{sub}/{i}").as_bytes());
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

/// Google's 401: a missing token is "Login Required", a bad one "Invalid Credentials"; both
/// with the `WWW-Authenticate` challenge.
fn unauthenticated(headers: &HeaderMap) -> Response {
    let body = if headers.contains_key(axum::http::header::AUTHORIZATION) {
        json!({"error": {"code": 401, "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", "errors": [{"message": "Invalid Credentials", "domain": "global", "reason": "authError", "location": "Authorization", "locationType": "header"}], "status": "UNAUTHENTICATED"}})
    } else {
        json!({"error": {"code": 401, "message": "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", "errors": [{"message": "Login Required.", "domain": "global", "reason": "required", "location": "Authorization", "locationType": "header"}], "status": "UNAUTHENTICATED"}})
    };
    super::info::unauthorized(headers, &body)
}

fn insufficient_scope() -> Response {
    let message = "Insufficient Permission: Request had insufficient authentication scopes.";
    error(
        403,
        json!({"error": {"errors": [{"domain": "global", "reason": "insufficientPermissions", "message": message}], "code": 403, "message": message}}),
    )
}

fn not_configured() -> Response {
    let message = "Access Not Configured. Drive API has not been used in project 000000000000 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=000000000000 then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.";
    error(
        403,
        json!({"error": {"errors": [{"domain": "usageLimits", "reason": "accessNotConfigured", "message": message, "extendedHelp": "https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=000000000000"}], "code": 403, "message": message}}),
    )
}

/// The user behind a Drive request's bearer token, or Google's refusal.
fn authorize(st: &EmuState, headers: &HeaderMap) -> Result<String, Box<Response>> {
    let at = st
        .bearer(headers)
        .ok_or_else(|| Box::new(unauthenticated(headers)))?;
    if !st.drive_api_enabled {
        return Err(Box::new(not_configured()));
    }
    if !at.grant.scopes.iter().any(|s| s == SCOPE_DRIVE_APPDATA) {
        return Err(Box::new(insufficient_scope()));
    }
    Ok(at.grant.sub.clone())
}

/// Runs `answer` with the app data of the request's user (seeded on first use), or answers
/// with Google's refusal.
fn with_user_files(
    shared: &Shared,
    headers: &HeaderMap,
    answer: impl FnOnce(&str, &mut Vec<DriveFile>) -> Response,
) -> Response {
    let mut st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let sub = match authorize(&st, headers) {
        Ok(sub) => sub,
        Err(resp) => return *resp,
    };
    let files = st
        .drive_files
        .entry(sub.clone())
        .or_insert_with(|| seed(&sub));
    answer(&sub, files)
}

pub async fn get_file(
    State(shared): State<Shared>,
    Path(file_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    with_user_files(&shared, &headers, |sub, files| {
        file_answer(sub, files, &file_id)
    })
}

fn file_answer(sub: &str, files: &[DriveFile], file_id: &str) -> Response {
    if file_id == "appfolder" || file_id == "appDataFolder" {
        return json_response(
            StatusCode::OK,
            &json!({"kind": "drive#file", "id": folder_id(sub), "name": "Application Data", "mimeType": FOLDER_MIME}),
            true,
        );
    }
    match files.iter().find(|f| f.id == file_id) {
        Some(f) => json_response(
            StatusCode::OK,
            &json!({"kind": "drive#file", "id": f.id, "name": f.name, "mimeType": f.mime_type}),
            true,
        ),
        None => error(
            404,
            json!({"error": {"errors": [{"domain": "global", "reason": "notFound", "message": format!("File not found: {file_id}."), "locationType": "parameter", "location": "fileId"}], "code": 404, "message": format!("File not found: {file_id}.")}}),
        ),
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
    let sub = super::state::User::for_email(&email, None, None).sub;
    let files: Vec<DriveFile> = (0..req.count)
        .map(|i| DriveFile {
            id: file_id(&sub, i),
            name: format!("file-{i:04}.bin"),
            mime_type: "application/octet-stream".into(),
            size: 1024 + i as u64,
            modified_time: "2026-11-20T12:00:00.000Z".into(),
        })
        .collect();
    st.drive_files.insert(sub, files);
    json_response(StatusCode::OK, &json!({"count": req.count}), true)
}
