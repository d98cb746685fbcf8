//! The People API's `people.get` for `people/me`, at its own path (`/v1/people/me`, what
//! Google's client libraries reach with the emulator as their endpoint) and under `/people/`
//! (what `gsignin api people/v1/people/me --api-url` reaches). Checks run in Google's order:
//! the token, the method's scopes (the front end), the mask, then each field's scopes.

mod fields;
mod person;

use crate::Shared;
use crate::google_api::{self, Envelope, Method, Rpc};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

const GET_PERSON: Method = Method {
    envelope: Envelope::Plain,
    rpc: Some(Rpc {
        service: "people.googleapis.com",
        method: "google.people.v1.PeopleService.GetPerson",
    }),
};

pub async fn get_me(
    State(shared): State<Shared>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let st = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let at = match google_api::authorize(&st, &headers, GET_PERSON, fields::METHOD_SCOPES) {
        Ok(at) => at,
        Err(resp) => return *resp,
    };
    let requested = match fields::requested(query.as_deref().unwrap_or_default()) {
        Ok(paths) => paths,
        Err(e) => return google_api::invalid_argument(&e.message()),
    };
    // Every scope that would release a field the grant cannot see, so the challenge names
    // all of them at once.
    let mut wanted: Vec<&str> = Vec::new();
    for field in &requested {
        let scopes = fields::scopes_for(field);
        if google_api::granted_any(at, scopes) {
            continue;
        }
        for scope in scopes {
            if !wanted.contains(scope) {
                wanted.push(scope);
            }
        }
    }
    if !wanted.is_empty() {
        return google_api::insufficient_scope(GET_PERSON, &wanted);
    }
    let sub = &at.grant.sub;
    google_api::answer(
        StatusCode::OK,
        &person::person(sub, st.user_by_sub(sub), &requested),
    )
}
