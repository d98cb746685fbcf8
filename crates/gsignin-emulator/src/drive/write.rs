//! Drive v3's writes, metadata only: `files.create` (`POST /drive/v3/files`) and `files.delete`
//! (`DELETE /drive/v3/files/{id}`), so that a client's POST and DELETE can be tested end to
//! end. A file goes to the app data folder when its `parents` say so; anywhere else needs a
//! grant that reaches My Drive (`drive.file` or `drive`), which `drive.appdata` alone does not.

use super::{
    Caller, DriveFile, MY_DRIVE_SCOPES, error, file_not_found, insufficient_scope,
    is_app_data_folder, with_user_files,
};
use crate::Shared;
use crate::google_api;
use crate::token::json_response;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Files one user may hold: a client creating in a loop meets a full Drive, as it would at
/// Google, instead of growing the emulator's memory without bound.
const MAX_FILES: usize = 10_000;
/// The longest name or MIME type kept (Google's limits are larger; nothing a test needs is).
const MAX_TEXT: usize = 1024;
/// What Drive calls a file created without a name or a type.
const UNTITLED: &str = "Untitled";
const DEFAULT_MIME: &str = "application/octet-stream";

pub async fn create_file(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // The body is read after the token is judged: a request without one is a 401, whatever
    // its body holds, as at Google's front end.
    with_user_files(&shared, &headers, |caller, files| {
        create(caller, files, &body)
    })
}

fn create(caller: &Caller, files: &mut Vec<DriveFile>, body: &[u8]) -> Response {
    let new = match parse(&caller.sub, body) {
        Ok(new) => new,
        Err(resp) => return *resp,
    };
    if !new.in_app_data && !caller.my_drive {
        // Drive's scope refusal, naming what would reach My Drive (Google's exact words for
        // this case are unconfirmed; its status and reason are those of any missing scope).
        return insufficient_scope(MY_DRIVE_SCOPES);
    }
    if files.len() >= MAX_FILES {
        let message = "The user's Drive storage quota has been exceeded.";
        return error(
            403,
            json!({"error": {"errors": [{"domain": "usageLimits", "reason": "storageQuotaExceeded", "message": message}], "code": 403, "message": message}}),
        );
    }
    let file = DriveFile {
        id: format!("1{}", crate::server::random_urlsafe(24)),
        name: new.name,
        mime_type: new.mime_type,
        size: 0,
        modified_time: drive_time(caller.now),
        in_app_data: new.in_app_data,
    };
    let body =
        json!({"kind": "drive#file", "id": file.id, "name": file.name, "mimeType": file.mime_type});
    files.push(file);
    json_response(StatusCode::OK, &body, true)
}

pub async fn delete_file(
    State(shared): State<Shared>,
    Path(file_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    with_user_files(&shared, &headers, |caller, files| {
        if is_app_data_folder(&caller.sub, &file_id) {
            // The folder belongs to the app's space, not to the user's files (unconfirmed body:
            // Drive's usual words for a file one may not change).
            let message = "The user does not have sufficient permissions for this file.";
            return error(
                403,
                json!({"error": {"errors": [{"domain": "global", "reason": "insufficientFilePermissions", "message": message}], "code": 403, "message": message}}),
            );
        }
        match files.iter().position(|f| f.id == file_id && caller.sees(f)) {
            Some(i) => {
                files.remove(i);
                StatusCode::NO_CONTENT.into_response()
            }
            None => file_not_found(&file_id),
        }
    })
}

/// A `files.create` body as the emulator keeps it.
struct NewFile {
    name: String,
    mime_type: String,
    in_app_data: bool,
}

fn parse(sub: &str, body: &[u8]) -> Result<NewFile, Box<Response>> {
    // No body at all is allowed: Drive then creates an untitled file in My Drive.
    let map = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        google_api::json_object(body)?
    };
    let name = text(&map, "name")?.unwrap_or(UNTITLED).to_string();
    let mime_type = text(&map, "mimeType")?.unwrap_or(DEFAULT_MIME).to_string();
    let parents: Vec<&str> = match map.get("parents") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().ok_or_else(|| invalid_value("parents", v)))
            .collect::<Result<_, _>>()?,
        Some(other) => return Err(invalid_value("parents", other)),
    };
    Ok(NewFile {
        name,
        mime_type,
        in_app_data: !parents.is_empty() && parents.iter().all(|p| is_app_data_folder(sub, p)),
    })
}

/// A string field of the body, or the 400 for anything else there.
fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, Box<Response>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() <= MAX_TEXT => Ok(Some(s)),
        Some(Value::String(_)) => Err(Box::new(google_api::invalid_argument(&format!(
            "Invalid value at '{key}': the emulator keeps at most {MAX_TEXT} bytes."
        )))),
        Some(other) => Err(invalid_value(key, other)),
    }
}

/// The transcoder's 400 for a value of the wrong type, quoting (the start of) the value.
fn invalid_value(field: &str, value: &Value) -> Box<Response> {
    let shown: String = value.to_string().chars().take(100).collect();
    Box::new(google_api::invalid_argument(&format!(
        "Invalid value at '{field}' (TYPE_STRING), {shown}"
    )))
}

/// Drive's timestamps: RFC 3339, UTC, milliseconds.
fn drive_time(unix: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].000Z");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}
