//! The authorization flow's pages: plain HTML forms (no JavaScript), labelled controls, every
//! value escaped. They look like what they stand for, not like Google.

use super::request::{AuthRequest, PageError, is_sign_in};
use super::state::User;
use crate::server::html::escape as esc;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::fmt::Write;

const CONSENT_ACTION: &str = "/o/oauth2/v2/auth/consent";
const APPROVE_ACTION: &str = "/o/oauth2/v2/auth/approve";

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#202124}\
h1{font-size:1.5rem;font-weight:500}.app{color:#1a73e8}.who{color:#5f6368}\
ul{list-style:none;padding:0}li{margin:.6rem 0}\
button{font:inherit;padding:.5rem 1.2rem;border-radius:4px;border:1px solid #dadce0;background:#fff;cursor:pointer}\
button.primary{background:#1a73e8;color:#fff;border-color:#1a73e8}\
.account{width:100%;text-align:left}.actions{display:flex;gap:1rem;justify-content:flex-end;margin-top:1.5rem}\
.error{border-left:4px solid #d93025;padding-left:1rem}.code{font-weight:600}.note{color:#5f6368;font-size:.9rem}\
input[type=email]{font:inherit;padding:.4rem;width:16rem}";

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let doc = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head>\n<body><main>\n{body}</main></body></html>\n",
        esc(title)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CACHE_CONTROL,
                "no-cache, no-store, max-age=0, must-revalidate",
            ),
            // Not to be framed (clickjacking) and nothing to run.
            (header::X_FRAME_OPTIONS, "DENY"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        doc,
    )
        .into_response()
}

/// The request's parameters as hidden fields, so the next step can validate it again.
fn hidden(req: &AuthRequest) -> String {
    let mut out = String::new();
    for (k, v) in &req.params {
        let _ = writeln!(
            out,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(k),
            esc(v)
        );
    }
    out
}

/// What a scope lets the app do, in the words of Google's consent screen where known.
fn describe(scope: &str) -> String {
    let text = match scope.trim_start_matches("https://www.googleapis.com/auth/") {
        "openid" => "Associate you with your personal info on Google",
        "email" | "userinfo.email" => "See your primary Google Account email address",
        "profile" | "userinfo.profile" => {
            "See your personal info, including any personal info you've made publicly available"
        }
        "drive.appdata" => {
            "See, create, and delete its own configuration data in your Google Drive"
        }
        "drive.file" => {
            "See, edit, create, and delete only the specific Google Drive files you use with this app"
        }
        "drive" => "See, edit, create, and delete all of your Google Drive files",
        "drive.readonly" => "See and download all your Google Drive files",
        _ => return scope.to_string(),
    };
    text.to_string()
}

pub fn error(e: &PageError) -> Response {
    let mut body = String::new();
    let _ = write!(
        body,
        "<section class=\"error\" role=\"alert\"><h1>Access blocked: Authorization Error</h1>\n\
         <p>{}</p>\n<p class=\"code\">Error {}: {}</p></section>\n",
        esc(&e.message),
        e.status,
        esc(e.code)
    );
    body.push_str("<h2>Request Details</h2><ul>");
    if let Some(uri) = &e.redirect_uri {
        let _ = write!(body, "<li>redirect_uri: {}</li>", esc(uri));
    }
    body.push_str("<li>flowName: GeneralOAuthFlow</li></ul>\n");
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    html(status, "Access blocked: Authorization Error", &body)
}

pub fn chooser(req: &AuthRequest, users: &[User]) -> Response {
    chooser_with(req, users, None)
}

pub fn chooser_again(req: &AuthRequest, users: &[User], problem: &str) -> Response {
    chooser_with(req, users, Some(problem))
}

fn chooser_with(req: &AuthRequest, users: &[User], problem: Option<&str>) -> Response {
    let fields = hidden(req);
    let mut body = format!(
        "<h1>Choose an account</h1>\n<p>to continue to <span class=\"app\">{}</span></p>\n",
        esc(&req.client_name)
    );
    if let Some(p) = problem {
        let _ = writeln!(body, "<p class=\"error\" role=\"alert\">{}</p>", esc(p));
    }
    body.push_str("<ul>\n");
    for u in users {
        let _ = writeln!(
            body,
            "<li><form method=\"post\" action=\"{CONSENT_ACTION}\">{fields}\
             <button class=\"account\" type=\"submit\" name=\"email\" value=\"{e}\" \
             aria-label=\"Continue as {e}\">{n}<br><span class=\"who\">{e}</span></button></form></li>",
            e = esc(&u.email),
            n = esc(&u.name),
        );
    }
    body.push_str("</ul>\n");
    let typed = req
        .login_hint()
        .filter(|h| h.contains('@'))
        .map(esc)
        .unwrap_or_default();
    let _ = writeln!(
        body,
        "<form method=\"post\" action=\"{CONSENT_ACTION}\">{fields}\
         <label for=\"email\">Use another account</label><br>\
         <input type=\"email\" id=\"email\" name=\"email\" value=\"{typed}\" autocomplete=\"email\" required> \
         <button type=\"submit\">Next</button></form>"
    );
    html(
        StatusCode::OK,
        "Sign in - Google Accounts (emulator)",
        &body,
    )
}

pub fn consent(req: &AuthRequest, user: &User) -> Response {
    let mut body = format!(
        "<h1><span class=\"app\">{app}</span> wants access to your Google Account</h1>\n\
         <p class=\"who\">{email}</p>\n\
         <form method=\"post\" action=\"{APPROVE_ACTION}\">\n{fields}\
         <input type=\"hidden\" name=\"email\" value=\"{email}\">\n",
        app = esc(&req.client_name),
        email = esc(&user.email),
        fields = hidden(req),
    );
    let sign_in: Vec<&String> = req.scopes.iter().filter(|s| is_sign_in(s)).collect();
    if !sign_in.is_empty() {
        body.push_str("<h2>Sign in</h2><ul>\n");
        for s in sign_in {
            let _ = writeln!(body, "<li>{}</li>", esc(&describe(s)));
        }
        body.push_str("</ul>\n");
    }
    let optional = req.optional_scopes();
    if !optional.is_empty() {
        body.push_str("<h2>Select what the app can access</h2><ul>\n");
        for (i, s) in optional.iter().enumerate() {
            let _ = writeln!(
                body,
                "<li><input type=\"checkbox\" id=\"scope{i}\" name=\"grant\" value=\"{v}\" checked> \
                 <label for=\"scope{i}\">{d}</label> <span class=\"note\">({v})</span></li>",
                v = esc(s),
                d = esc(&describe(s)),
            );
        }
        body.push_str("</ul>\n");
    }
    let _ = write!(
        body,
        "<p class=\"note\">Redirects to {}</p>\n\
         <div class=\"actions\">\
         <button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button>\
         <button class=\"primary\" type=\"submit\" name=\"action\" value=\"allow\">Allow</button>\
         </div></form>\n",
        esc(&req.redirect_uri)
    );
    html(
        StatusCode::OK,
        "Sign in - Google Accounts (emulator)",
        &body,
    )
}
