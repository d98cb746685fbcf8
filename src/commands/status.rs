//! `gsignin status`: the stored sign-ins, never a secret; `--check` refreshes each one through
//! the same path real calls take.

use crate::cli::StatusArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::google::scopes;
use crate::output::{Outcome, aligned};
use crate::session::Session;
use crate::store::Profile;
use crate::timefmt::{instant, rfc3339};
use serde::Serialize;
use serde_json::Value;

pub fn run(ctx: &Ctx, args: StatusArgs) -> Result<Outcome> {
    let index = ctx.store();
    let now = ctx.clock().now();
    let mut entries = Vec::new();
    let mut first_failure = None;
    let mut recovered = Vec::new();
    let listed = index.list_profiles(&mut recovered)?;
    for r in &recovered {
        ctx.warn(&r.message());
    }
    for entry in listed {
        let profile = match entry {
            Ok(p) => p,
            Err(e) => {
                entries.push(Entry::Damaged {
                    error: e.to_string(),
                });
                continue;
            }
        };
        let location = ctx.store_for(&profile).secrets.describe(&profile.name);
        let check = args.check.then(|| {
            match Session::open_stored(ctx, &profile.name).and_then(|mut s| s.refresh()) {
                Ok(_) => Check::ok(),
                Err(e) => {
                    let check = Check::failed(&e);
                    first_failure.get_or_insert(e);
                    check
                }
            }
        });
        entries.push(Entry::Stored(Box::new(ProfileStatus::new(
            &profile, location, check,
        ))));
    }
    let report = StatusReport { profiles: entries };
    let human = report.human(now);
    // The run fails as the first failed check did (its exit code), after listing them all.
    Ok(
        Outcome::report(human, serde_json::to_value(&report).unwrap_or(Value::Null))
            .with_failure(first_failure),
    )
}

/// What `status` reports: its JSON (serde) and its human text from the same fields.
#[derive(Serialize)]
struct StatusReport {
    profiles: Vec<Entry>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Entry {
    Stored(Box<ProfileStatus>),
    /// A profile file that cannot be read.
    Damaged {
        error: String,
    },
}

#[derive(Serialize)]
struct ProfileStatus {
    profile: String,
    email: Option<String>,
    email_verified: Option<bool>,
    sub: Option<String>,
    scopes: Vec<String>,
    issuer: String,
    store: crate::store::StoreKind,
    location: String,
    has_refresh_token: bool,
    access_token_expires_at: Option<String>,
    check: Option<Check>,
    #[serde(skip)]
    expires_at: Option<i64>,
}

/// `--check`: whether the refresh token works, and if not, the error a refresh met.
#[derive(Serialize)]
struct Check {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Value>,
}

impl Check {
    fn ok() -> Check {
        Check {
            ok: true,
            error: None,
        }
    }

    fn failed(e: &Error) -> Check {
        Check {
            ok: false,
            error: Some(crate::output::error_json(e)["error"].clone()),
        }
    }
}

impl ProfileStatus {
    fn new(profile: &Profile, location: String, check: Option<Check>) -> ProfileStatus {
        ProfileStatus {
            profile: profile.name.clone(),
            email: profile.email.clone(),
            email_verified: profile.email_verified,
            sub: profile.sub.clone(),
            scopes: profile.scopes.clone(),
            issuer: profile.issuer.clone(),
            store: profile.store,
            location,
            has_refresh_token: profile.has_refresh_token,
            access_token_expires_at: profile.access_token_expires_at.map(rfc3339),
            check,
            expires_at: profile.access_token_expires_at,
        }
    }

    fn human(&self, now: i64) -> String {
        let mut rows = vec![
            (
                "email",
                match (&self.email, self.email_verified) {
                    (None, _) => "-".into(),
                    (Some(e), Some(true)) => e.clone(),
                    (Some(e), Some(false)) => format!("{e} (NOT verified: not an identity)"),
                    (Some(e), None) => format!("{e} (verification unknown)"),
                },
            ),
            ("sub", self.sub.clone().unwrap_or_else(|| "-".into())),
            ("scopes", scopes::short_list(&self.scopes)),
            (
                "access token",
                self.expires_at
                    .map(|t| {
                        let verb = if t > now { "expires" } else { "expired" };
                        format!("{verb} {}", instant(t, now))
                    })
                    .unwrap_or_else(|| "-".into()),
            ),
            (
                "refresh token",
                if self.has_refresh_token {
                    format!("in {}", self.location)
                } else {
                    "none (the issuer sent none)".into()
                },
            ),
            ("issuer", self.issuer.clone()),
        ];
        match &self.check {
            Some(Check { ok: true, .. }) => {
                rows.push(("check", "ok: the refresh token works".into()));
            }
            Some(Check { error: Some(e), .. }) => rows.push((
                "check",
                format!("FAILED: {}", e["message"].as_str().unwrap_or_default()),
            )),
            _ => {}
        }
        format!("{}\n{}", self.profile, aligned(&rows))
    }
}

impl StatusReport {
    fn human(&self, now: i64) -> String {
        if self.profiles.is_empty() {
            return "No stored sign-ins. Run `gsignin exchange` (it asks for the code) to add one.\n"
                .into();
        }
        self.profiles
            .iter()
            .map(|entry| match entry {
                Entry::Stored(p) => p.human(now),
                Entry::Damaged { error } => format!("(damaged) {error}\n"),
            })
            .collect()
    }
}
