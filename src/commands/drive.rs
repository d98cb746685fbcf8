//! `gsignin drive-appfolder`: the offline API call a backend makes for the user, as a smoke
//! test: Drive's app data folder, or its files.

use crate::cli::DriveArgs;
use crate::context::Ctx;
use crate::error::Result;
use crate::google::api::{Caller, Request};
use crate::google::drive;
use crate::google::scopes;
use crate::http::MAX_BODY;
use crate::output::{Outcome, aligned};
use crate::redact::escape_controls;
use crate::session::Session;
use serde_json::{Value, json};

pub fn run(ctx: &Ctx, args: DriveArgs) -> Result<Outcome> {
    let mut session = Session::open(ctx)?;
    // Known to lack the scope: say so without bothering Drive.
    if let Some(p) = &session.profile
        && !p.scopes.is_empty()
        && !scopes::contains(&p.scopes, drive::SCOPE)
    {
        return Err(drive::missing_scope());
    }
    let base = ctx.settings().drive_url.clone();
    let mut caller = Caller::new(ctx, &mut session);
    let body = if args.list {
        list_all(&mut caller, &base)?
    } else {
        fetch(&mut caller, drive::appfolder_url(&base))?
    };
    let who = session
        .profile
        .as_ref()
        .map(crate::store::Profile::who)
        .unwrap_or_else(|| format!("profile {}", session.name));
    Ok(if args.list {
        report_list(&who, body)
    } else {
        report_folder(&who, body)
    })
}

/// One Drive GET, its refusal explained as Drive's.
fn fetch(caller: &mut Caller<'_, '_>, url: String) -> Result<Value> {
    let resp = caller.send(&Request::get(url), MAX_BODY)?;
    if !resp.is_success() {
        let granted = caller
            .session()
            .profile
            .as_ref()
            .map(|p| p.scopes.clone())
            .unwrap_or_default();
        return Err(drive::explain(&resp, &granted));
    }
    resp.json()
}

/// Follows nextPageToken to the end; the pages are joined into one `files` list.
fn list_all(caller: &mut Caller<'_, '_>, base: &str) -> Result<Value> {
    let mut files = Vec::new();
    let mut page: Option<String> = None;
    let mut pages = 0;
    loop {
        let body = fetch(caller, drive::list_url(base, page.as_deref())?)?;
        pages += 1;
        if let Some(list) = body["files"].as_array() {
            files.extend(list.iter().cloned());
        }
        match body["nextPageToken"].as_str() {
            Some(next) if !next.is_empty() && pages < 10_000 => page = Some(next.into()),
            _ => break,
        }
    }
    Ok(json!({"kind": "drive#fileList", "files": files, "pages": pages}))
}

fn report_folder(who: &str, body: Value) -> Outcome {
    // Names come from Drive, written by whoever made the files: no control characters reach
    // the terminal.
    let field = |k: &str| escape_controls(body[k].as_str().unwrap_or("-"));
    let human = format!(
        "App data folder of {who}\n{}",
        aligned(&[
            ("id", field("id")),
            ("name", field("name")),
            ("mimeType", field("mimeType")),
        ])
    );
    Outcome::report(human, body)
}

fn report_list(who: &str, body: Value) -> Outcome {
    let files = body["files"].as_array().cloned().unwrap_or_default();
    let mut human = format!(
        "{} file{} in the app data folder of {who}\n",
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    );
    let cell = |f: &Value, k: &str| escape_controls(f[k].as_str().unwrap_or("-"));
    let rows: Vec<[String; 4]> = files
        .iter()
        .map(|f| {
            [
                cell(f, "name"),
                cell(f, "id"),
                cell(f, "size"),
                cell(f, "modifiedTime"),
            ]
        })
        .collect();
    if !rows.is_empty() {
        let header = ["NAME", "ID", "SIZE", "MODIFIED"].map(String::from);
        let widths: Vec<usize> = (0..4)
            .map(|i| {
                rows.iter()
                    .chain(std::iter::once(&header))
                    .map(|r| r[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in std::iter::once(&header).chain(rows.iter()) {
            human.push_str(&format!(
                "  {:<w0$}  {:<w1$}  {:>w2$}  {}\n",
                row[0],
                row[1],
                row[2],
                row[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2]
            ));
        }
    }
    Outcome::report(human, json!({"files": files, "count": files.len()}))
}
