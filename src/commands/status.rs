//! `gsignin status`: the stored sign-ins, never a secret; `--check` refreshes each one through
//! the same path real calls take.

use crate::cli::StatusArgs;
use crate::context::Ctx;
use crate::error::Result;
use crate::google::scopes;
use crate::output::{Outcome, aligned};
use crate::session::Session;
use crate::timefmt::{relative, rfc3339};
use serde_json::{Value, json};

pub fn run(ctx: &Ctx, args: StatusArgs) -> Result<Outcome> {
    let index = ctx.store();
    let profiles = index.list_profiles()?;
    let now = ctx.clock.now();
    let mut human = String::new();
    let mut docs = Vec::new();
    let mut first_failure = None;
    if profiles.is_empty() {
        human.push_str("No stored sign-ins. Run `gsignin exchange CODE` to add one.\n");
    }
    for entry in profiles {
        let profile = match entry {
            Ok(p) => p,
            Err(e) => {
                human.push_str(&format!("(damaged) {e}\n"));
                docs.push(json!({"error": e.to_string()}));
                continue;
            }
        };
        let location = ctx.store_for(&profile).secrets.describe(&profile.name);
        let mut rows = vec![
            (
                "email",
                match (&profile.email, profile.email_verified) {
                    (None, _) => "-".into(),
                    (Some(e), Some(true)) => e.clone(),
                    (Some(e), Some(false)) => format!("{e} (NOT verified: not an identity)"),
                    (Some(e), None) => format!("{e} (verification unknown)"),
                },
            ),
            ("sub", profile.sub.clone().unwrap_or_else(|| "-".into())),
            ("scopes", scopes::short_list(&profile.scopes)),
            (
                "access token",
                profile
                    .access_token_expires_at
                    .map(|t| {
                        let verb = if t > now { "expires" } else { "expired" };
                        format!("{verb} {} ({})", rfc3339(t), relative(t, now))
                    })
                    .unwrap_or_else(|| "-".into()),
            ),
            (
                "refresh token",
                if profile.has_refresh_token {
                    format!("in {location}")
                } else {
                    "none (the issuer sent none)".into()
                },
            ),
            ("issuer", profile.issuer.clone()),
        ];
        let mut check = Value::Null;
        if args.check {
            let result = Session::open_profile(ctx, &profile.name).and_then(|mut s| s.refresh());
            match result {
                Ok(_) => {
                    rows.push(("check", "ok: the refresh token works".into()));
                    check = json!({"ok": true});
                }
                Err(e) => {
                    rows.push(("check", format!("FAILED: {e}")));
                    check = json!({"ok": false, "error": {"code": e.code().as_str(), "message": e.to_string(), "hint": e.hint()}});
                    first_failure.get_or_insert(e);
                }
            }
        }
        human.push_str(&format!("{}\n{}", profile.name, aligned(&rows)));
        docs.push(json!({
            "profile": profile.name,
            "email": profile.email,
            "email_verified": profile.email_verified,
            "sub": profile.sub,
            "scopes": profile.scopes,
            "issuer": profile.issuer,
            "store": profile.store,
            "location": location,
            "has_refresh_token": profile.has_refresh_token,
            "access_token_expires_at": profile.access_token_expires_at.map(rfc3339),
            "check": check,
        }));
    }
    // The run fails as the first failed check did (its exit code), after listing them all.
    let failure = first_failure;
    Ok(Outcome::report(human, json!({"profiles": docs})).with_failure(failure))
}
