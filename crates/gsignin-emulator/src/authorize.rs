//! The authorization endpoint (`/o/oauth2/v2/auth`, `/o/oauth2/auth`): Google's parameters and
//! errors (google-authorize.md §1–4), an account chooser, a consent page with granular consent,
//! and the redirect back with a code.
//!
//! The flow keeps no server-side state between pages: every form carries the original request
//! in hidden fields and each step validates it again, so a tampered form is just another
//! authorization request, judged by the same rules.

use super::Shared;
use super::page;
use super::request::{AuthRequest, PageError, is_sign_in};
use super::state::{
    ClientKind, CodeGrant, DEFAULT_EMAIL, RefreshRule, State as EmuState, User, normalise_scope,
    plausible_email, random_token,
};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

/// The request parameters the flow understands (anything else is ignored, as Google does).
const PARAMS: &[&str] = &[
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "access_type",
    "include_granted_scopes",
    "enable_granular_consent",
    "login_hint",
    "prompt",
    "hd",
    "nonce",
];

/// Accounts listed on the chooser.
const CHOOSER_MAX: usize = 50;

/// Longest parameter value taken (a URL-length bound; Google's limit is not documented).
const MAX_PARAM: usize = 2048;

fn known_scope(scope: &str) -> bool {
    is_sign_in(scope) || scope.starts_with("https://www.googleapis.com/auth/")
}

fn page_error(status: u16, code: &'static str, message: impl Into<String>) -> PageError {
    PageError {
        status,
        code,
        message: message.into(),
        redirect_uri: None,
    }
}

/// Whether `uri` is a loopback redirect a Desktop client may use on any port: http on
/// 127.0.0.1, [::1] or localhost, no fragment, no user info.
fn loopback_redirect(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    let host_ok = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    url.scheme() == "http"
        && host_ok
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none()
}

/// The scopes asked for, each once, in order; Google's errors for none and for unknown ones.
fn requested_scopes(scope: &str) -> Result<Vec<String>, PageError> {
    let mut scopes: Vec<String> = Vec::new();
    for s in scope.split([' ', '+']).filter(|s| !s.is_empty()) {
        if !scopes.iter().any(|x| x == s) {
            scopes.push(s.to_string());
        }
    }
    if scopes.is_empty() {
        return Err(page_error(
            400,
            "invalid_request",
            "Missing required parameter: scope",
        ));
    }
    let invalid: Vec<&str> = scopes
        .iter()
        .map(String::as_str)
        .filter(|s| !known_scope(s))
        .collect();
    if !invalid.is_empty() {
        return Err(page_error(
            400,
            "invalid_scope",
            format!(
                "Some requested scopes were invalid. {{invalid=[{}]}}",
                invalid.join(", ")
            ),
        ));
    }
    Ok(scopes)
}

/// PKCE's parameters: a known method, and a challenge whenever a method is named.
fn check_code_challenge(method: &str, challenge: &str) -> Result<(), PageError> {
    if !method.is_empty() && method != "S256" && method != "plain" {
        return Err(page_error(
            400,
            "invalid_request",
            format!(
                "Invalid parameter value for code_challenge_method: '{method}' is not a valid CodeChallengeMethod"
            ),
        ));
    }
    if !method.is_empty() && challenge.is_empty() {
        return Err(page_error(
            400,
            "invalid_request",
            "Missing required parameter: code_challenge",
        ));
    }
    Ok(())
}

/// The `prompt` values; Google's errors for an unknown one and for `none` with others.
fn prompts(prompt: &str) -> Result<Vec<String>, PageError> {
    let prompt: Vec<String> = prompt
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if let Some(bad) = prompt
        .iter()
        .find(|p| !matches!(p.as_str(), "none" | "consent" | "select_account"))
    {
        return Err(page_error(
            400,
            "invalid_request",
            format!("Invalid prompt: {bad}"),
        ));
    }
    if prompt.iter().any(|p| p == "none") && prompt.len() > 1 {
        return Err(page_error(
            400,
            "invalid_request",
            "Invalid prompt: none must not be specified with other values.",
        ));
    }
    Ok(prompt)
}

/// Validates an authorization request as Google does: first what decides whether a redirect
/// may be trusted (client, redirect URI), then the rest.
pub fn validate(st: &EmuState, params: BTreeMap<String, String>) -> Result<AuthRequest, PageError> {
    if let Some((name, _)) = params.iter().find(|(_, v)| v.len() > MAX_PARAM) {
        return Err(page_error(
            400,
            "invalid_request",
            format!("Parameter {name} is too long."),
        ));
    }
    let get = |name: &str| params.get(name).map(String::as_str).unwrap_or("");
    let client_id = get("client_id");
    if client_id.is_empty() {
        return Err(page_error(
            400,
            "invalid_request",
            "Missing required parameter: client_id",
        ));
    }
    let Some(client) = st.client(client_id) else {
        return Err(page_error(
            401,
            "invalid_client",
            "The OAuth client was not found.",
        ));
    };
    let redirect_uri = get("redirect_uri");
    if redirect_uri.is_empty() {
        return Err(page_error(
            400,
            "invalid_request",
            "Missing required parameter: redirect_uri",
        ));
    }
    let registered = client.redirect_uris.iter().any(|r| r == redirect_uri);
    let allowed = match client.kind {
        ClientKind::Web => registered,
        ClientKind::Installed => registered || loopback_redirect(redirect_uri),
    };
    if !allowed {
        let mut e = page_error(
            400,
            "redirect_uri_mismatch",
            "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. If you're the app developer, register the redirect URI in the Google Cloud Console.",
        );
        e.redirect_uri = Some(redirect_uri.to_string());
        return Err(e);
    }
    match get("response_type") {
        "" => {
            return Err(page_error(
                400,
                "invalid_request",
                "Required parameter is missing: response_type",
            ));
        }
        "code" => {}
        other => {
            return Err(page_error(
                400,
                "invalid_request",
                format!("Invalid response_type: {other}"),
            ));
        }
    }
    let scopes = requested_scopes(get("scope"))?;
    check_code_challenge(get("code_challenge_method"), get("code_challenge"))?;
    let prompt = prompts(get("prompt"))?;
    let offline = match get("access_type") {
        "" | "online" => false,
        "offline" => true,
        other => {
            return Err(page_error(
                400,
                "invalid_request",
                format!("Invalid access_type: {other}"),
            ));
        }
    };
    Ok(AuthRequest {
        client_id: client_id.to_string(),
        client_name: client.name.clone(),
        kind: client.kind,
        redirect_uri: redirect_uri.to_string(),
        scopes,
        prompt,
        offline,
        params,
    })
}

/// The parameters of a query string or form, the flow's own fields included; a repeated
/// parameter keeps its first value.
fn parse(raw: &[u8]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

fn only_request_params(all: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    all.iter()
        .filter(|(k, _)| PARAMS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, EmuState> {
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `GET /o/oauth2/v2/auth`: validate, then the chooser, the consent page, or (auto-approve,
/// `prompt=none`) straight back to the app.
pub async fn authorize(State(shared): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let params = only_request_params(&parse(query.unwrap_or_default().as_bytes()));
    let mut st = lock(&shared);
    let req = match validate(&st, params) {
        Ok(r) => r,
        Err(e) => return page::error(&e),
    };
    let hinted = req.login_hint().and_then(|h| find_user(&st, h)).cloned();
    if req.prompt.iter().any(|p| p == "none") {
        // No session and no page: only a user named by login_hint who already consented to
        // everything asked can be answered.
        return match hinted.filter(|u| already_consented(&st, &req, &u.sub)) {
            Some(user) => {
                let granted = req.scopes.clone();
                approve(&mut st, &req, &user, &granted, "none")
            }
            None => error_redirect(&req, "interaction_required"),
        };
    }
    if st.auto_approve {
        // The hinted account (by email or sub), a new one for a hinted address, else the
        // default user.
        let user = match (&hinted, req.login_hint()) {
            (Some(u), _) => u.clone(),
            (None, Some(h)) if plausible_email(h) && st.users.len() < super::state::MAX_USERS => {
                user_for(&mut st, h, req.hd())
            }
            _ => user_for(&mut st, DEFAULT_EMAIL, req.hd()),
        };
        let granted = req.scopes.clone();
        return approve(&mut st, &req, &user, &granted, "consent");
    }
    let select = req.prompt.iter().any(|p| p == "select_account");
    match hinted {
        Some(user) if !select => consent_or_skip(&mut st, &req, &user),
        _ => page::chooser(&req, &chooser_users(&st, &req)),
    }
}

/// The consent page, unless the user already granted everything asked and the app did not
/// ask for `prompt=consent`: then Google asks nothing and says `prompt=none`.
fn consent_or_skip(st: &mut EmuState, req: &AuthRequest, user: &User) -> Response {
    let forced = req.prompt.iter().any(|p| p == "consent");
    if !forced && already_consented(st, req, &user.sub) {
        let granted = req.scopes.clone();
        return approve(st, req, user, &granted, "none");
    }
    page::consent(req, user)
}

/// `POST /o/oauth2/v2/auth/consent`: the account chosen (or typed); show what it grants.
pub async fn consent(State(shared): State<Shared>, body: Bytes) -> Response {
    let all = parse(&body);
    let mut st = lock(&shared);
    let req = match validate(&st, only_request_params(&all)) {
        Ok(r) => r,
        Err(e) => return page::error(&e),
    };
    match chosen_account(&mut st, &req, &all) {
        Ok(user) => consent_or_skip(&mut st, &req, &user),
        Err(page) => *page,
    }
}

/// `POST /o/oauth2/v2/auth/approve`: Allow (with the scopes left checked) or Cancel.
pub async fn decide(State(shared): State<Shared>, body: Bytes) -> Response {
    let all = parse(&body);
    let checked: Vec<String> = url::form_urlencoded::parse(&body)
        .filter(|(k, _)| k == "grant")
        .map(|(_, v)| v.into_owned())
        .collect();
    let mut st = lock(&shared);
    let req = match validate(&st, only_request_params(&all)) {
        Ok(r) => r,
        Err(e) => return page::error(&e),
    };
    if all.get("action").map(String::as_str) != Some("allow") {
        return error_redirect(&req, "access_denied");
    }
    let user = match chosen_account(&mut st, &req, &all) {
        Ok(user) => user,
        Err(page) => return *page,
    };
    // Granular consent: sign-in scopes come as one, the others only when left checked. A
    // checkbox for a scope the app never asked for grants nothing.
    let granted: Vec<String> = req
        .scopes
        .iter()
        .filter(|s| is_sign_in(s) || checked.iter().any(|c| c == *s))
        .cloned()
        .collect();
    approve(&mut st, &req, &user, &granted, "consent")
}

/// The account a form names (`email`), created on first sight within the bound; else the
/// chooser again, saying what is wrong.
fn chosen_account(
    st: &mut EmuState,
    req: &AuthRequest,
    form: &BTreeMap<String, String>,
) -> Result<User, Box<Response>> {
    let email = form.get("email").map(|s| s.trim()).unwrap_or_default();
    let problem = if !plausible_email(email) {
        "Enter a valid email address."
    } else if !st.users.contains_key(email) && st.users.len() >= super::state::MAX_USERS {
        "This emulator has too many accounts: choose an existing one."
    } else {
        return Ok(user_for(st, email, req.hd()));
    };
    Err(Box::new(page::chooser_again(
        req,
        &chooser_users(st, req),
        problem,
    )))
}

/// A known user by email or `sub` (login_hint may be either).
fn find_user<'a>(st: &'a EmuState, hint: &str) -> Option<&'a User> {
    st.users
        .get(hint)
        .or_else(|| st.users.values().find(|u| u.sub == hint))
}

/// The user for `email`, created on first sight; a new address in the requested hosted domain
/// becomes a Workspace account of it.
fn user_for(st: &mut EmuState, email: &str, hd: Option<&str>) -> User {
    let domain = email.rsplit('@').next().unwrap_or_default();
    let hd = hd.filter(|h| *h != "*" && h.eq_ignore_ascii_case(domain));
    st.users
        .entry(email.to_string())
        .or_insert_with(|| User::for_email(email, None, hd))
        .clone()
}

/// The accounts offered: every known user (the default one when there are none), only the
/// requested hosted domain's when `hd` is given.
fn chooser_users(st: &EmuState, req: &AuthRequest) -> Vec<User> {
    let mut users: Vec<User> = st.users.values().cloned().collect();
    if users.is_empty() {
        users.push(User::for_email(DEFAULT_EMAIL, None, None));
    }
    users.sort_by(|a, b| a.email.cmp(&b.email));
    if let Some(hd) = req.hd() {
        users.retain(|u| match (&u.hd, hd) {
            (Some(_), "*") => true,
            (Some(h), want) => h.eq_ignore_ascii_case(want),
            (None, _) => false,
        });
    }
    // A page, not a directory: the rest are reached by typing the address (or login_hint).
    users.truncate(CHOOSER_MAX);
    users
}

fn already_consented(st: &EmuState, req: &AuthRequest, sub: &str) -> bool {
    let Some(done) = st.consented.get(&(req.client_id.clone(), sub.to_string())) else {
        return false;
    };
    req.scopes
        .iter()
        .all(|s| done.contains(&normalise_scope(s)))
}

/// Mints the code and sends the browser back with Google's parameters, in Google's order.
fn approve(
    st: &mut EmuState,
    req: &AuthRequest,
    user: &User,
    granted: &[String],
    prompt_shown: &str,
) -> Response {
    let key = (req.client_id.clone(), user.sub.clone());
    let mut urls: Vec<String> = granted.iter().map(|s| normalise_scope(s)).collect();
    // include_granted_scopes (web clients): the new grant also covers the earlier ones.
    if req.kind == ClientKind::Web && req.param("include_granted_scopes") == Some("true") {
        for s in st.consented.get(&key).into_iter().flatten() {
            if !urls.contains(s) {
                urls.push(s.clone());
            }
        }
    }
    urls.dedup();
    st.consented
        .entry(key)
        .or_default()
        .extend(urls.iter().cloned());
    let refresh = match (req.kind, req.offline) {
        // "refresh tokens are always returned for installed applications"
        (ClientKind::Installed, _) => RefreshRule::Always,
        (ClientKind::Web, false) => RefreshRule::Never,
        (ClientKind::Web, true) if req.prompt.iter().any(|p| p == "consent") => RefreshRule::Always,
        (ClientKind::Web, true) => RefreshRule::FirstTime,
    };
    let code = random_token("4/0A", 54);
    let iss = st.iss_value(st.iss);
    let challenge = req.param("code_challenge").filter(|c| !c.is_empty());
    st.prune();
    st.codes.insert(
        code.clone(),
        CodeGrant {
            client_id: req.client_id.clone(),
            azp: req.client_id.clone(),
            sub: user.sub.clone(),
            scopes: urls,
            redirect_uri: req.redirect_uri.clone(),
            expires_at: st.now() + st.code_lifetime,
            used: false,
            refresh,
            nonce: req
                .param("nonce")
                .filter(|n| !n.is_empty())
                .map(String::from),
            iss: Some(iss.clone()),
            code_challenge: challenge.map(|c| {
                let method = req
                    .param("code_challenge_method")
                    .filter(|m| !m.is_empty())
                    .unwrap_or("plain");
                (c.to_string(), method.to_string())
            }),
        },
    );
    // The callback's scope keeps the app's spellings, as Google's does.
    let scope = granted.join(" ");
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if let Some(state) = req.param("state") {
        pairs.push(("state", state));
    }
    pairs.extend([
        ("iss", iss.as_str()),
        ("code", code.as_str()),
        ("scope", scope.as_str()),
        ("authuser", "0"),
    ]);
    if let Some(hd) = user.hd.as_deref() {
        pairs.push(("hd", hd));
    }
    pairs.push(("prompt", prompt_shown));
    redirect(&req.redirect_uri, &pairs)
}

/// `error=…` back to the app (the user said no, or nothing could be asked).
fn error_redirect(req: &AuthRequest, error: &str) -> Response {
    let mut pairs = vec![("error", error)];
    if let Some(state) = req.param("state") {
        pairs.push(("state", state));
    }
    redirect(&req.redirect_uri, &pairs)
}

/// A 302 to `base` with `pairs` added to its query (a registered URI may carry its own).
fn redirect(base: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(base) else {
        return page::error(&page_error(400, "invalid_request", "Invalid redirect_uri."));
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, url.to_string()),
            (
                header::CACHE_CONTROL,
                "no-cache, no-store, max-age=0, must-revalidate".into(),
            ),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m2_a_desktop_client_may_use_any_loopback_port_but_nothing_else() {
        for ok in [
            "http://127.0.0.1:9004",
            "http://127.0.0.1:1/callback",
            "http://[::1]:8080",
            "http://localhost:5555/",
        ] {
            assert!(loopback_redirect(ok), "{ok}");
        }
        for bad in [
            "https://127.0.0.1:9004",
            "http://127.0.0.1.evil.example:80",
            "http://evil.example/",
            "http://user@127.0.0.1:9/",
            "http://127.0.0.1:9/#frag",
            "urn:ietf:wg:oauth:2.0:oob",
            "com.example.app:/oauth2redirect",
        ] {
            assert!(!loopback_redirect(bad), "{bad}");
        }
    }

    #[test]
    fn m3_emails_that_could_break_a_page_are_refused() {
        assert!(plausible_email("bob@example.com"));
        for bad in [
            "bob",
            "bob@",
            "@example.com",
            "a@b@c.com",
            "a b@c.com",
            "<x>@c.com",
            "a@localhost",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
