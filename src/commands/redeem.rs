//! The sign-in lifecycle every way in shares (`exchange`, `login`, `receive`): check what can
//! fail before the single-use code is spent (client secret, store, endpoints, keys), trade the
//! code, verify the ID token (nonce included where one was sent), save under the profile lock,
//! and rescue the tokens whenever anything after the trade fails.

use super::signin_report::{Shown, SignInReport};
use crate::config::client_secret::ClientSecret;
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::google::endpoints::Endpoints;
use crate::google::id_token::{self, Expectations, Verdict};
use crate::google::jwks::KeySource;
use crate::google::scopes;
use crate::google::token::{self, TokenResponse};
use crate::output::Outcome;
use crate::secret::Secret;
use crate::signin::SignIn;
use crate::store::{self, Profile, Store, StoreKind, Tokens, rescue};

/// One code to redeem, and how its sign-in is reported.
pub struct Redemption<'a> {
    pub code: &'a Secret,
    pub redirect_uri: &'a str,
    /// PKCE: the verifier of the challenge the authorization request sent.
    pub code_verifier: Option<&'a Secret>,
    /// The nonce the authorization request sent: the ID token must carry it.
    pub nonce: Option<&'a str>,
    pub shown: Shown,
    pub expect_scopes: &'a [String],
    /// What the sign-in must hold (`--require-…`), else the run fails with it stored.
    pub required: &'a crate::cli::RequireArgs,
    /// Store under a profile named by the user (`receive --keep`: each user their own
    /// profile, see [`name_for_user`]) instead of `profile_name`, never replacing another
    /// user's sign-in.
    pub profile_by_email: bool,
}

/// A stored sign-in: its report and the run's failure, if any (stored, but with something
/// the user must hear as an error).
pub struct Landed {
    pub report: SignInReport,
    pub failure: Option<Error>,
}

impl Landed {
    pub fn into_outcome(self) -> Outcome {
        self.report.into_outcome().with_failure(self.failure)
    }
}

/// Trades the code and lands the sign-in under `profile_name`.
pub fn redeem(
    ctx: &Ctx,
    ready: &mut Ready<'_>,
    profile_name: &str,
    r: &Redemption<'_>,
) -> Result<Landed> {
    // From the moment the code goes out until its tokens are stored (or rescued), Ctrl-C
    // waits: an interrupt there would lose a spent code's tokens.
    let held = crate::interrupt::Held::new();
    let resp = token::exchange_code(
        ctx.http(),
        &ready.token_url,
        &ready.client,
        r.code,
        r.redirect_uri,
        r.code_verifier,
    )?;

    // The code is spent. From here on, nothing may lose these tokens.
    let now = ctx.clock().now();
    let mut signin = SignIn::from_code(
        profile_name,
        &ctx.settings().issuer,
        &ready.client,
        ctx.settings().store,
        &resp,
        now,
    );
    ready.expect.nonce = r.nonce.map(str::to_string);
    let (verdict, in_flight) = judge(ctx, ready, &resp, &mut signin, now)?;
    let landed = name_the_profile(ready, &mut signin, profile_name, r.profile_by_email)
        .and_then(|()| land(ctx, &ready.store, &mut signin, now, r.profile_by_email));
    let kept_refresh = match landed {
        Ok(kept) => {
            if let Some(path) = in_flight {
                // Stored now: the copy that waited out the key fetch goes.
                let _ = std::fs::remove_file(path);
            }
            kept
        }
        Err(cause) => return Err(rescued_once(ctx, &signin, now, cause, in_flight)),
    };
    held.release(|| {
        ctx.warn(&format!(
            "interrupted: the sign-in was stored first (profile `{}`)",
            signin.profile.name
        ));
    });

    let failure = advise(ctx, r.expect_scopes, &signin.profile, verdict.as_ref()).or_else(|| {
        super::require::unmet(
            r.required,
            &signin.profile.scopes,
            signin.profile.has_refresh_token,
        )
    });
    let report = SignInReport::new(
        &signin.profile,
        &resp,
        verdict.as_ref(),
        ready.store.secrets.describe(&signin.profile.name),
        kept_refresh,
        r.shown,
        ctx.clock().now(),
    );
    Ok(Landed { report, failure })
}

/// `receive --keep`: the profile is the user's own (see [`name_for_user`]), never the
/// `--profile` one; otherwise `profile_name` stays.
fn name_the_profile(
    ready: &Ready<'_>,
    signin: &mut SignIn,
    profile_name: &str,
    by_user: bool,
) -> Result<()> {
    if !by_user {
        return Ok(());
    }
    // Only a verified token names the profile (judge returned Ok).
    match name_for_user(&ready.store, &signin.profile, profile_name) {
        Ok(name) => {
            signin.profile.name = name;
            Ok(())
        }
        Err(why) => {
            // Rescued under the user's own spelling, never under --profile's name.
            if let Some(sub) = signin
                .profile
                .sub
                .as_deref()
                .and_then(store::names::for_sub)
            {
                signin.profile.name = sub;
            }
            Err(Error::new(Code::StoreUnwritable, why, ""))
        }
    }
}

/// The sign-in could not be stored (`cause`): its tokens go to one rescue file the user is
/// told of. The copy that waited out a key fetch (`in_flight`), if any, is that file when
/// nothing newer was written; else it goes.
fn rescued_once(
    ctx: &Ctx,
    signin: &SignIn,
    now: i64,
    cause: Error,
    in_flight: Option<std::path::PathBuf>,
) -> Error {
    let err = match cause.code() {
        // `land` rescued already; anything else is rescued here.
        Code::Rescued | Code::RescueFailed => cause,
        _ => store::rescue(ctx.dirs(), &signin.profile, &signin.tokens, now, cause),
    };
    match (in_flight, err.code()) {
        (Some(path), Code::Rescued) => {
            let _ = std::fs::remove_file(path);
            err
        }
        (Some(path), _) => {
            let message = format!(
                "{err}; an earlier copy of the tokens is in {} (mode 0600)",
                path.display()
            );
            err.with_message(message)
        }
        (None, _) => err,
    }
}

/// Everything checked before the single-use code is spent: the client secret, a writable
/// store, the issuer's endpoints and keys.
pub struct Ready<'a> {
    pub client: ClientSecret,
    pub store: Store,
    pub endpoints: Endpoints,
    token_url: String,
    expect: Expectations,
    keys: KeySource<'a>,
}

pub fn prepare<'a>(ctx: &'a Ctx, profile_name: &str) -> Result<Ready<'a>> {
    let client = ctx.client_secret()?;
    let store = ctx.store();
    store.probe(profile_name)?;
    // The profile as it is (a damaged or planted profile file fails here, not after the code
    // is spent); one holding a refresh token may have to be set aside by this sign-in, so a
    // rescue file must be writable too.
    // Another gsignin holding the profile (a refresh) is not waited for here: the save
    // settles the profile again under its lock.
    let held = match store.settle(profile_name, Some(std::time::Duration::ZERO)) {
        Err(e) if e.code() == Code::LockTimeout => None,
        settled => settled?.profile,
    };
    if held.as_ref().is_some_and(|p| p.has_refresh_token) {
        rescue::probe(ctx.dirs()).map_err(|why| {
            Error::new(
                Code::HomeUnwritable,
                format!(
                    "profile `{profile_name}` holds a sign-in this one may replace, and no rescue \
                     file could keep it ({why})"
                ),
                "make gsignin's data dir writable, or sign in under another --profile",
            )
        })?;
    }
    store.expect_save(profile_name);
    let endpoints = ctx.endpoints(&ctx.settings().issuer)?;
    // The keys are needed after the code is spent; fetch them (or find them cached) before.
    let mut keys = KeySource::issuer(ctx.http(), &endpoints.jwks, ctx.cache(), ctx.clock().now());
    keys.keys()?;
    let token_url = client
        .token_uri
        .clone()
        .unwrap_or_else(|| endpoints.token.clone());
    let expect = Expectations::for_client(&endpoints.issuers, &client.client_id);
    Ok(Ready {
        client,
        store,
        endpoints,
        token_url,
        expect,
        keys,
    })
}

/// Verifies the ID token with the keys fetched before the code was spent. A key the issuer
/// published since needs a fetch: the tokens wait in a rescue file meanwhile (its path is
/// returned), so a kill, a hang or a crash during that fetch loses nothing. An invalid ID
/// token ends the exchange with the tokens rescued.
fn judge(
    ctx: &Ctx,
    ready: &mut Ready<'_>,
    resp: &TokenResponse,
    signin: &mut SignIn,
    now: i64,
) -> Result<(Option<Verdict>, Option<std::path::PathBuf>)> {
    let Some(token) = resp.id_token.as_ref() else {
        return Ok((None, None));
    };
    let token = token.expose().as_bytes();
    let mut in_flight = None;
    let mut verdict = id_token::verify(token, ready.keys.keys()?, &ready.expect, now);
    if verdict.unknown_kid {
        in_flight = rescue::write(ctx.dirs(), &signin.profile, &signin.tokens, now).ok();
        match ready.keys.refetch() {
            Ok(true) => verdict = id_token::verify(token, ready.keys.keys()?, &ready.expect, now),
            Ok(false) => {}
            // The keys could not be had: a network failure, not a bad token (exit 5, not 3).
            Err(e) => {
                signin.identify(&verdict);
                let saved = match in_flight {
                    Some(path) => Ok(path),
                    None => rescue::write(ctx.dirs(), &signin.profile, &signin.tokens, now),
                };
                let message = format!(
                    "could not fetch the issuer's new keys to verify the ID token ({e}); the sign-in was not stored, {}",
                    rescued_where(&saved)
                );
                return Err(e.with_message(message));
            }
        }
    }
    signin.identify(&verdict);
    if verdict.valid() {
        return Ok((Some(verdict), in_flight));
    }
    let reasons: Vec<String> = verdict
        .failures()
        .map(|(name, c)| format!("{name}: {}", c.detail))
        .collect();
    // Only the times failed: the clocks disagree, not the issuer and the client.
    let only_times = verdict
        .failures()
        .all(|(name, _)| matches!(name, "exp" | "iat" | "nbf"));
    let saved = match in_flight {
        Some(path) => Ok(path),
        None => rescue::write(ctx.dirs(), &signin.profile, &signin.tokens, now),
    };
    Err(Error::new(
        Code::IdTokenInvalid,
        format!(
            "the ID token from the exchange failed verification ({}); the sign-in was not stored, {}",
            reasons.join("; "),
            rescued_where(&saved)
        ),
        if only_times {
            "this machine's clock and the issuer's disagree by more than a minute (an \
             emulator whose clock was moved?): set the clock right, then `gsignin restore` the \
             rescued sign-in"
        } else {
            "check that --issuer and the client secret belong together; \
             `gsignin whoami TOKEN` on the rescued ID token shows every check"
        },
    ))
}

/// `receive --keep`'s profile for the user a verified sign-in names: their verified email,
/// spelled injectively ([`store::names`]); else, or when that name is `reserved` (the
/// `--profile` profile) or holds another user, `sub-<sub>`. Why not, when neither is free
/// for this user. [`land`] checks again under the profile's lock.
pub fn name_for_user(
    store: &Store,
    profile: &Profile,
    reserved: &str,
) -> std::result::Result<String, String> {
    let by_email = profile
        .email
        .as_deref()
        .filter(|_| profile.email_verified == Some(true))
        .and_then(store::names::for_email);
    let by_sub = profile.sub.as_deref().and_then(store::names::for_sub);
    let candidates: Vec<String> = [by_email, by_sub].into_iter().flatten().collect();
    let free = candidates.iter().find(|name| {
        *name != reserved
            && match store.load_profile(name) {
                Ok(None) => true,
                Ok(Some(old)) => same_user(&old, profile),
                Err(_) => false,
            }
    });
    match (free, candidates.is_empty()) {
        (Some(name), _) => Ok(name.clone()),
        (None, true) => Err(
            "the sign-in names no user to file it under (no verified email, and no `sub` that fits a profile name)"
                .into(),
        ),
        (None, false) => Err(format!(
            "every profile this user could be filed under ({}) holds another sign-in or is --profile's",
            candidates.join(", ")
        )),
    }
}

/// Saves the sign-in under the profile's lock, as every save is: a refresh of the old sign-in
/// running now must not write the old user back over this one. With `mine_only`, a profile
/// that holds another user is never replaced (the tokens are rescued instead). Returns
/// whether a refresh token already stored for the same user stays in use.
fn land(ctx: &Ctx, store: &Store, signin: &mut SignIn, now: i64, mine_only: bool) -> Result<bool> {
    let SignIn { profile, tokens } = signin;
    let _lock = match store.lock(&profile.name, ctx.lock_wait()) {
        Ok(lock) => lock,
        Err(cause) => return Err(store::rescue(ctx.dirs(), profile, tokens, now, cause)),
    };
    // A save a kill cut short is finished first: its refresh token may be the one to keep.
    let previous = match store.settle(&profile.name, None) {
        Ok(settled) => {
            if let Some(recovered) = &settled.recovered {
                ctx.warn(&recovered.message());
            }
            // Secrets another home wrote under this name are set aside like a sign-in.
            settled.profile.or(settled.foreign)
        }
        // The profile file went bad since it was checked: the secrets' own account of whose
        // they are decides what is set aside.
        Err(e) => {
            ctx.warn(&e.to_string());
            store
                .load_tokens(&profile.name)
                .ok()
                .flatten()
                .and_then(|t| t.profile)
                .map(|p| *p)
                .filter(|p| p.name == profile.name)
        }
    };
    if mine_only
        && previous
            .as_ref()
            .is_some_and(|old| !same_user(old, profile))
    {
        let cause = Error::new(
            Code::StoreUnwritable,
            format!(
                "profile `{}` holds another user's sign-in, which this one must not replace",
                profile.name
            ),
            "keep the rescued tokens, or move the other profile aside with `gsignin revoke --local --profile NAME`",
        );
        return Err(store::rescue(ctx.dirs(), profile, tokens, now, cause));
    }
    // Written before the save, so no kill between the two loses it; removed again when the
    // save fails (the store still holds it then).
    let aside = previous
        .as_ref()
        .filter(|old| !same_user(old, profile))
        .map(|old| (old, set_aside(ctx, &ctx.store_for(old), old, now)));
    if let Some(old) = previous
        .as_ref()
        .filter(|old| old.issuer == profile.issuer && old.client_id == profile.client_id)
    {
        // What this issuer's refreshes showed of it outlives the sign-in.
        profile.rotates_refresh_tokens = old.rotates_refresh_tokens;
    }
    let kept = keep_previous_refresh_token(ctx, previous.clone(), profile, tokens);
    if let Err(e) = store.save_or_rescue(ctx.dirs(), profile, tokens, now) {
        // The store still holds the earlier sign-in unless the save got as far as its secrets.
        if let Some((old, Aside::Kept(path, rt))) = &aside {
            let held = ctx.store_for(old).load_tokens(&old.name).ok().flatten();
            let still = held
                .and_then(|t| t.refresh_token)
                .is_some_and(|t| t.expose() == rt.expose());
            if still {
                let _ = std::fs::remove_file(path);
            }
        }
        return Err(e);
    }
    // Said once tokens are in the file, not on a run that stores nothing.
    if profile.store == StoreKind::File && ctx.settings().store == StoreKind::File {
        ctx.warn(&format!(
            "{} keeps tokens in {}, not in the OS keyring",
            ctx.settings().store_chosen_by,
            store.secrets.describe(&profile.name)
        ));
    }
    if let Some(old) = previous.as_ref().filter(|old| old.store != profile.store) {
        // The earlier sign-in lived in the other store: what it held is kept (set aside, or
        // its refresh token carried over), so its copy there would only be a stray secret.
        let _ = ctx.store_for(old).secrets.delete(&old.name);
    }
    if let Some((old, aside)) = &aside {
        ctx.warn(&format!(
            "profile `{}` held the sign-in of {}; it now holds {} ({})",
            profile.name,
            old.who(),
            profile.who(),
            aside.say()
        ));
    }
    Ok(kept)
}

/// What became of a sign-in another user's replaced.
enum Aside {
    /// It had no refresh token to keep.
    Nothing,
    /// Its tokens are in this rescue file; its refresh token.
    Kept(std::path::PathBuf, crate::secret::Secret),
    /// Its refresh token could not be kept, and why.
    Lost(String),
}

impl Aside {
    fn say(&self) -> String {
        match self {
            Aside::Nothing => "use --profile NAME to keep both".to_string(),
            Aside::Kept(path, _) => format!(
                "the earlier sign-in is kept in {0} (mode 0600): `gsignin restore --to NAME {0}` stores it again",
                path.display()
            ),
            Aside::Lost(why) => format!("the earlier refresh token could not be kept: {why}"),
        }
    }
}

/// A sign-in about to be replaced by another user's keeps its refresh token: nothing a save
/// replaces is lost. It goes to a rescue file (`gsignin restore FILE --to NAME` takes it
/// back).
fn set_aside(ctx: &Ctx, store: &Store, old: &Profile, now: i64) -> Aside {
    if !old.has_refresh_token {
        return Aside::Nothing;
    }
    let (tokens, rt) = match store.load_tokens(&old.name) {
        Ok(Some(tokens)) => match tokens.refresh_token.clone() {
            Some(rt) => (tokens, rt),
            None => return Aside::Nothing,
        },
        Ok(None) => return Aside::Nothing,
        Err(e) => return Aside::Lost(format!("it could not be read: {e}")),
    };
    match rescue::write(ctx.dirs(), old, &tokens, now) {
        Ok(path) => Aside::Kept(path, rt),
        Err(why) => Aside::Lost(why),
    }
}

/// What the user should hear about the grant once it is stored; a malformed answer (openid
/// granted without an ID token) is the run's failure.
fn advise(
    ctx: &Ctx,
    expect_scopes: &[String],
    profile: &Profile,
    verdict: Option<&Verdict>,
) -> Option<Error> {
    let granted = &profile.scopes;
    for expected in expect_scopes {
        if !scopes::contains(granted, expected) {
            ctx.warn(&format!(
                "the granted scopes lack {} (granted: {})",
                scopes::expand(expected),
                scopes::short_list(granted)
            ));
        }
    }
    if !profile.has_refresh_token {
        ctx.warn(
            "the issuer returned no refresh token: only a user's first code for this client carries one. \
             On Android request the code with forceCodeForRefreshToken=true, or remove the app's access at \
             https://myaccount.google.com/permissions and sign in again",
        );
    }
    match (verdict, scopes::contains(granted, "openid")) {
        (Some(_), _) => None,
        // OpenID Connect Core 3.1.3.3: a response to an openid request carries an ID token.
        (None, true) => Some(Error::server(
            "the issuer granted the openid scope but sent no ID token: a malformed answer; the \
             tokens are stored (the code is spent), but nobody can say whose they are",
            "check --issuer and the client secret's token_uri (run with -v to see the answer); \
             sign in again once the issuer answers correctly",
        )),
        (None, false) => {
            ctx.warn(
                "the issuer returned no ID token (the openid scope was not granted): gsignin \
                 cannot tell who signed in, so this sign-in names no user. The tokens are stored \
                 (the code is spent); request openid (and email) in the app to know the user",
            );
            None
        }
    }
}

fn rescued_where(saved: &std::result::Result<std::path::PathBuf, String>) -> String {
    match saved {
        Ok(path) => format!("the tokens were written to {} (mode 0600)", path.display()),
        Err(why) => format!("and no rescue file could be written ({why})"),
    }
}

use store::same_user;

/// When the issuer sends no refresh token (not the user's first code), a refresh token already
/// stored for the same user, issuer and client stays in use.
fn keep_previous_refresh_token(
    ctx: &Ctx,
    previous: Option<Profile>,
    profile: &mut Profile,
    tokens: &mut Tokens,
) -> bool {
    if tokens.refresh_token.is_some() {
        return false;
    }
    let Some(old) = previous else {
        return false;
    };
    let same = same_user(&old, profile);
    if !same || !old.has_refresh_token {
        return false;
    }
    // From the store the earlier sign-in was saved in, whatever --store says now.
    match ctx.store_for(&old).load_tokens(&profile.name) {
        Ok(Some(Tokens {
            refresh_token: Some(rt),
            ..
        })) => {
            tokens.refresh_token = Some(rt);
            profile.has_refresh_token = true;
            profile.refresh_token_expires_at = old.refresh_token_expires_at;
            true
        }
        Ok(_) => false,
        Err(e) => {
            ctx.warn(&format!("could not read the stored refresh token: {e}"));
            false
        }
    }
}
