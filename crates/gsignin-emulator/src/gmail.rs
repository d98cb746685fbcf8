//! Gmail, read-only and minimal: `users.getProfile`, `users.labels.list` and
//! `users.messages.list` for `users/me`, an
//! empty mailbox with Gmail's system labels. Enough for a client to prove that a grant reaches
//! Gmail, and for Gmail's refusals (its envelope has `errors[]` and an `ErrorInfo`) to be tested.

use crate::Shared;
use crate::google_api::{self, Envelope, Method, Rpc};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

const MAIL: &str = "https://mail.google.com/";
const MODIFY: &str = "https://www.googleapis.com/auth/gmail.modify";
const COMPOSE: &str = "https://www.googleapis.com/auth/gmail.compose";
const READONLY: &str = "https://www.googleapis.com/auth/gmail.readonly";
const LABELS: &str = "https://www.googleapis.com/auth/gmail.labels";
const METADATA: &str = "https://www.googleapis.com/auth/gmail.metadata";

/// Each method's scopes, as Gmail's reference lists them (the order its challenge names them).
const PROFILE_SCOPES: &[&str] = &[MAIL, MODIFY, COMPOSE, READONLY, METADATA];
const LABELS_SCOPES: &[&str] = &[MAIL, MODIFY, LABELS, READONLY, METADATA];
const MESSAGES_SCOPES: &[&str] = &[MAIL, MODIFY, READONLY, METADATA];

const GET_PROFILE: Method = gmail_method("caribou.api.proto.MailboxService.GetProfile");
const LIST_LABELS: Method = gmail_method("caribou.api.proto.MailboxService.ListLabels");
const LIST_MESSAGES: Method = gmail_method("caribou.api.proto.MailboxService.ListMessages");

const fn gmail_method(rpc: &'static str) -> Method {
    Method {
        envelope: Envelope::WithErrors,
        rpc: Some(Rpc {
            service: "gmail.googleapis.com",
            method: rpc,
        }),
    }
}

/// The system labels every mailbox has.
const SYSTEM_LABELS: &[&str] = &[
    "INBOX",
    "SENT",
    "DRAFT",
    "SPAM",
    "TRASH",
    "UNREAD",
    "STARRED",
    "IMPORTANT",
];

/// An empty mailbox's history starts somewhere; Gmail sends it as a string.
const HISTORY_ID: &str = "1000";

pub async fn profile(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let at = match google_api::authorize(&st, &headers, GET_PROFILE, PROFILE_SCOPES) {
        Ok(at) => at,
        Err(resp) => return *resp,
    };
    let email = st
        .user_by_sub(&at.grant.sub)
        .map(|u| u.email.clone())
        .unwrap_or_default();
    google_api::answer(
        StatusCode::OK,
        &json!({"emailAddress": email, "messagesTotal": 0, "threadsTotal": 0, "historyId": HISTORY_ID}),
    )
}

pub async fn labels(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Err(resp) = google_api::authorize(&st, &headers, LIST_LABELS, LABELS_SCOPES) {
        return *resp;
    }
    let labels: Vec<_> = SYSTEM_LABELS
        .iter()
        .map(|id| json!({"id": id, "name": id, "type": "system"}))
        .collect();
    google_api::answer(StatusCode::OK, &json!({ "labels": labels }))
}

/// `users.messages.list` of an empty mailbox: Gmail leaves out `messages` and
/// `nextPageToken` and says `resultSizeEstimate: 0`.
pub async fn messages(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Err(resp) = google_api::authorize(&st, &headers, LIST_MESSAGES, MESSAGES_SCOPES) {
        return *resp;
    }
    google_api::answer(StatusCode::OK, &json!({"resultSizeEstimate": 0}))
}
