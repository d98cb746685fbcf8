//! `gsignin restore FILE`: takes a rescue file (written when a sign-in could not be stored, or
//! when a sign-in replaced another user's) back into the store, then deletes it. The one way
//! back from a rescue: no copying of tokens by hand.

use crate::cli::RestoreArgs;
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::output::{Outcome, aligned};
use crate::store::{self, Profile, Tokens};
use serde::Serialize;
use std::path::Path;

pub fn run(ctx: &Ctx, args: RestoreArgs) -> Result<Outcome> {
    if let Some(to) = &args.to {
        store::validate_profile(to)?;
    }
    let (mut profile, mut tokens) = read(ctx, &args.file)?;
    match &args.to {
        Some(to) => profile.name.clone_from(to),
        None => store::validate_profile(&profile.name)?,
    }
    profile.store = ctx.settings().store;
    let store = ctx.store();
    store.probe(&profile.name)?;
    let _lock = store.lock(&profile.name, ctx.lock_wait())?;
    let settled = store.settle(&profile.name, None)?;
    if let Some(recovered) = &settled.recovered {
        ctx.warn(&recovered.message());
    }
    let merged = match settled.profile {
        None => false,
        Some(stored) => merge(&ctx.store_for(&stored), &stored, &mut profile, &mut tokens)?,
    };
    store.save(&profile, &tokens)?;
    // Stored: the copy goes (it holds live tokens), and its removal is made durable.
    let deleted = std::fs::remove_file(&args.file).is_ok();
    if let Some(dir) = args.file.parent() {
        let _ = crate::fsutil::sync_dir(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        });
    }
    if !deleted {
        ctx.warn(&format!(
            "could not delete {}: it still holds live tokens, delete it yourself",
            args.file.display()
        ));
    }
    let report = RestoreReport {
        profile: profile.name.clone(),
        who: profile.who(),
        has_refresh_token: profile.has_refresh_token,
        location: store.secrets.describe(&profile.name),
        merged,
        file: args.file.display().to_string(),
        deleted,
    };
    Ok(Outcome::report(
        report.human(),
        serde_json::to_value(&report).unwrap_or_default(),
    ))
}

/// The rescue file's sign-in. Only a file of this user's that nobody else could have written
/// is read (a planted file would put someone else's tokens under the user's name).
fn read(ctx: &Ctx, path: &Path) -> Result<(Profile, Tokens)> {
    let bytes = zeroize::Zeroizing::new(read_rescue(path).map_err(|e| match e {
        crate::fsutil::ReadFailure::Untrusted(why) => crate::fsutil::untrusted_error(path, &why),
        e => Error::usage(
            format!("cannot read the rescue file {}: {e}", path.display()),
            "give the path an error message named (gsignin-rescue-….json)",
        ),
    })?);
    #[derive(serde::Deserialize)]
    struct Rescue {
        profile: Profile,
        tokens: serde_json::Value,
    }
    let not_ours = |why: String| {
        Error::usage(
            format!("{} is not a gsignin rescue file ({why})", path.display()),
            "give the path an error message named (gsignin-rescue-….json)",
        )
    };
    let rescue: Rescue = serde_json::from_slice(&bytes).map_err(|e| not_ours(why_not(&e)))?;
    let text = zeroize::Zeroizing::new(rescue.tokens.to_string());
    let tokens = Tokens::from_json(&text).map_err(|_| not_ours("its tokens".into()))?;
    for t in [
        &tokens.refresh_token,
        &tokens.access_token,
        &tokens.id_token,
    ]
    .into_iter()
    .flatten()
    {
        ctx.diagnostics().seen().add(t.expose());
    }
    if rescue.profile.client_id.is_empty() {
        return Err(Error::usage(
            format!(
                "{} holds a refresh token the issuer rotated for GSIGNIN_REFRESH_TOKEN, not a stored sign-in",
                path.display()
            ),
            "put its refresh_token in the secret store that sets GSIGNIN_REFRESH_TOKEN, then delete the file",
        ));
    }
    if tokens.refresh_token.is_none() && tokens.access_token.is_none() {
        return Err(not_ours("it holds no token".into()));
    }
    let mut profile = rescue.profile;
    profile.has_refresh_token = tokens.refresh_token.is_some();
    Ok((
        profile,
        Tokens {
            profile: None,
            ..tokens
        },
    ))
}

/// The rescue file's bytes: the file itself, never a link to one (deleting the link would
/// leave the tokens behind), and nobody else's nor writable by others. Its folder must be as
/// private, unless it is a shared one whose sticky bit keeps others from replacing the file
/// (the temp dir, where a rescue goes when gsignin's own folder cannot take it).
fn read_rescue(path: &Path) -> std::result::Result<Vec<u8>, crate::fsutil::ReadFailure> {
    use crate::fsutil::{ReadFailure, read_limited};
    let meta = std::fs::symlink_metadata(path).map_err(ReadFailure::Io)?;
    if meta.file_type().is_symlink() {
        return Err(ReadFailure::Untrusted(
            "it is a symbolic link: give the rescue file itself".into(),
        ));
    }
    match read_limited(path, 1 << 20, true) {
        Err(ReadFailure::Untrusted(_)) if sticky_folder(path) => {
            if let Some(own) = crate::fsutil::untrusted(&meta) {
                return Err(ReadFailure::Untrusted(own));
            }
            read_limited(path, 1 << 20, false)
        }
        read => read,
    }
}

/// Whether `path`'s folder has the sticky bit (only a file's owner may replace it there).
fn sticky_folder(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::metadata(parent).is_ok_and(|m| m.permissions().mode() & 0o1000 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Why a file is not a rescue file, without quoting what it holds.
fn why_not(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io | Category::Eof => "it ends early",
        Category::Syntax => "it is not JSON",
        Category::Data => "its fields are not a rescued sign-in",
    }
    .to_string()
}

/// The profile already holds a sign-in. The same user's, written after the rescue and holding
/// a refresh token, wins (the rescued one may have been rotated away); one without a refresh
/// token takes the rescued one in. Another user's is never replaced. Returns whether the
/// rescued refresh token joined the stored sign-in.
fn merge(
    store: &store::Store,
    stored: &Profile,
    rescued: &mut Profile,
    tokens: &mut Tokens,
) -> Result<bool> {
    let same = stored.sub.is_some()
        && stored.sub == rescued.sub
        && stored.issuer == rescued.issuer
        && stored.client_id == rescued.client_id;
    if !same {
        return Err(Error::new(
            Code::StoreUnwritable,
            format!(
                "profile `{}` holds the sign-in of {}, not of {} whom the rescue file holds",
                stored.name,
                stored.who(),
                rescued.who()
            ),
            "restore it under another name with --to NAME",
        ));
    }
    if stored.updated_at <= rescued.updated_at {
        if tokens.refresh_token.is_none() && stored.has_refresh_token {
            // The rescued sign-in brought no refresh token (not a first consent): the stored
            // one serves it, as it would have at the exchange.
            let held = store
                .load_tokens(&stored.name)?
                .and_then(|t| t.refresh_token);
            if let Some(rt) = held {
                tokens.refresh_token = Some(rt);
                rescued.has_refresh_token = true;
                rescued.refresh_token_expires_at = stored.refresh_token_expires_at;
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if stored.has_refresh_token || tokens.refresh_token.is_none() {
        return Err(Error::new(
            Code::StoreUnwritable,
            format!(
                "profile `{}` holds a newer sign-in of {} than the rescue file",
                stored.name,
                stored.who()
            ),
            "nothing to restore: delete the rescue file, or restore it under another name with --to NAME",
        ));
    }
    // A later sign-in brought no refresh token: the rescued one serves it.
    let mut current = store.load_tokens(&stored.name)?.unwrap_or_default();
    current.refresh_token = tokens.refresh_token.take();
    *tokens = current;
    let refresh_expiry = rescued.refresh_token_expires_at;
    *rescued = Profile {
        has_refresh_token: true,
        refresh_token_expires_at: refresh_expiry,
        store: rescued.store,
        name: rescued.name.clone(),
        ..stored.clone()
    };
    Ok(true)
}

#[derive(Serialize)]
struct RestoreReport {
    profile: String,
    who: String,
    has_refresh_token: bool,
    location: String,
    merged: bool,
    file: String,
    deleted: bool,
}

impl RestoreReport {
    fn human(&self) -> String {
        let what = if self.merged {
            "its refresh token joined the stored sign-in"
        } else {
            "stored"
        };
        let refresh = if self.has_refresh_token {
            format!("in {}", self.location)
        } else {
            "none (the rescue held an access token only)".to_string()
        };
        let file = if self.deleted {
            format!("{} (deleted)", self.file)
        } else {
            format!("{} (NOT deleted: delete it)", self.file)
        };
        format!(
            "Restored profile `{}`: {what}\n{}",
            self.profile,
            aligned(&[
                ("user", self.who.clone()),
                ("refresh token", refresh),
                ("rescue file", file),
            ])
        )
    }
}
