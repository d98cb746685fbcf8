//! Drive v3's app data folder: `files.get(fileId='appfolder')` and
//! `files.list(spaces=appDataFolder)`, with Drive's refusals read for what they mean. The
//! requests go through [`crate::google::api`], as every Google API call does.

use crate::error::{Code, Error, Result};
use crate::google::api::errors::{self, GoogleError};
use crate::http::Response;

pub const SCOPE: &str = "https://www.googleapis.com/auth/drive.appdata";

pub fn appfolder_url(base: &str) -> String {
    format!("{base}/files/appfolder")
}

/// One page of the app data folder's files.
pub fn list_url(base: &str, page: Option<&str>) -> Result<String> {
    let mut url = url::Url::parse(&format!("{base}/files")).map_err(|e| {
        Error::usage(
            format!("--drive-url `{base}` is not a URL: {e}"),
            "use the Drive API base, e.g. https://www.googleapis.com/drive/v3",
        )
    })?;
    url.query_pairs_mut()
        .append_pair("spaces", "appDataFolder")
        .append_pair("pageSize", "1000")
        .append_pair(
            "fields",
            "nextPageToken,files(id,name,mimeType,size,modifiedTime)",
        );
    if let Some(p) = page {
        url.query_pairs_mut().append_pair("pageToken", p);
    }
    Ok(url.into())
}

/// Drive's refusal, said as Drive's: the generic explanation, with the app data folder's
/// own scope hint, its console page, and its error codes.
pub fn explain(resp: &Response, granted: &[String]) -> Error {
    let general = errors::explain(resp, "Drive", granted);
    match general.code() {
        Code::InsufficientScope => missing_scope(),
        Code::ApiUnauthorized => Error::new(
            Code::DriveUnauthorized,
            "Drive refused the access token twice, even right after a refresh",
            "the grant may have been revoked: `gsignin refresh` shows the issuer's reason; sign in again if it says so",
        ),
        Code::ApiDisabled => {
            let console = GoogleError::parse(&resp.body).console.unwrap_or_else(|| {
                "https://console.cloud.google.com/apis/library/drive.googleapis.com".into()
            });
            Error::new(
                Code::DriveApiDisabled,
                "the Drive API is not enabled for the Google Cloud project of this client",
                format!(
                    "enable it at {} (the project that owns the web client), wait a few minutes, and try again",
                    crate::redact::escape_controls(&console)
                ),
            )
        }
        _ => general,
    }
}

/// The sign-in was not granted `drive.appdata`.
pub fn missing_scope() -> Error {
    Error::new(
        Code::InsufficientScope,
        format!("the sign-in was not granted {SCOPE}, which the app data folder needs"),
        "request it in the app's sign-in: Android `.requestScopes(new Scope(DriveScopes.DRIVE_APPDATA))` \
               (or GoogleSignInOptions with Scope(\"https://www.googleapis.com/auth/drive.appdata\")), \
               iOS `signIn(withPresenting:hint:additionalScopes: [\"https://www.googleapis.com/auth/drive.appdata\"])`; \
               then `gsignin exchange` the new serverAuthCode",
    )
}
