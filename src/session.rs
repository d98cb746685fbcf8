//! The stored sign-in's life after `exchange`: load it (from the profile's store, or from
//! GSIGNIN_REFRESH_TOKEN), refresh it under the profile's lock, save what the issuer returned.
//!
//! Every command that needs a live token (`refresh`, `token`, `whoami` of the profile,
//! `status --check`, `drive-appfolder`) goes through here, so they all fail the same way.

use crate::config::client_secret::ClientSecret;
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::google::endpoints::Endpoints;
use crate::google::id_token::{Expectations, Verdict};
use crate::google::jwks::KeySource;
use crate::google::{scopes, token};
use crate::secret::Secret;
use crate::signin;
use crate::store::{self, Profile, Store, Tokens};

/// The sign-in a command works with.
pub struct Session<'a> {
    ctx: &'a Ctx,
    pub name: String,
    /// None when the refresh token comes from GSIGNIN_REFRESH_TOKEN (nothing is stored).
    pub store: Option<Store>,
    pub profile: Option<Profile>,
    pub tokens: Tokens,
    /// What the last refresh said of the tokens when there is no profile to keep it
    /// (GSIGNIN_REFRESH_TOKEN).
    unstored: Lifetimes,
    /// The profile's client secret, checked against the profile when the session opened (None
    /// when none is to be had here: a refresh then says so).
    client: Option<ClientSecret>,
}

/// When a session's tokens expire and what they were granted, where no profile keeps it.
#[derive(Debug, Default, Clone)]
struct Lifetimes {
    access_expires_at: Option<i64>,
    id_expires_at: Option<i64>,
    scopes: Vec<String>,
}

/// What a refresh brought.
pub struct Refreshed {
    pub response: token::TokenResponse,
    pub verdict: Option<Verdict>,
    /// The issuer sent a new refresh token, which replaced the old one.
    pub rotated: bool,
    /// Scopes the profile had that the new grant lacks.
    pub lost_scopes: Vec<String>,
}

impl<'a> Session<'a> {
    /// The profile named by --profile, or the GSIGNIN_REFRESH_TOKEN sign-in.
    pub fn open(ctx: &'a Ctx) -> Result<Session<'a>> {
        Self::open_profile(ctx, &ctx.settings().profile)
    }

    pub fn open_profile(ctx: &'a Ctx, name: &str) -> Result<Session<'a>> {
        if let Some(rt) = &ctx.settings().refresh_token {
            let mut session = Session {
                ctx,
                name: name.to_string(),
                store: None,
                profile: None,
                tokens: Tokens {
                    refresh_token: Some(rt.clone()),
                    ..Tokens::default()
                },
                unstored: Lifetimes::default(),
                client: None,
            };
            session.bind()?;
            return Ok(session);
        }
        let var = crate::envvars::REFRESH_TOKEN;
        if ctx.settings().empty_secrets.contains(&var) {
            return Err(Error::secret_empty(var));
        }
        Self::open_stored(ctx, name)
    }

    /// The profile `name` as stored, whatever GSIGNIN_REFRESH_TOKEN says (`status --check`
    /// proves the stored sign-ins, not the variable's).
    pub fn open_stored(ctx: &'a Ctx, name: &str) -> Result<Session<'a>> {
        store::validate_profile(name)?;
        let not_signed_in = || Error::not_signed_in(name);
        let index = ctx.store();
        let settled = index.settle(name, Some(ctx.lock_wait()))?;
        if let Some(recovered) = &settled.recovered {
            ctx.warn(&recovered.message());
        }
        if let (Some(theirs), Some(ours)) = (&settled.foreign, &settled.profile) {
            return Err(foreign(name, ours, theirs));
        }
        let profile = settled.profile.ok_or_else(not_signed_in)?;
        let store = ctx.store_for(&profile);
        let tokens = settled.tokens?.ok_or_else(not_signed_in)?;
        let mut session = Session {
            ctx,
            name: name.to_string(),
            store: Some(store),
            profile: Some(profile),
            tokens,
            unstored: Lifetimes::default(),
            client: None,
        };
        session.bind()?;
        Ok(session)
    }

    /// Binds the session to its profile's issuer and client: what this run names (or the
    /// default client secret file, when the profile's own is gone) must be the profile's, or
    /// the run ends here with `profile_mismatch`, before any of the profile's tokens is used
    /// (a cached access token would otherwise go to the other client's endpoints). Every way
    /// to a stored profile's tokens is a `Session`, and every `Session` of a profile is bound.
    fn bind(&mut self) -> Result<()> {
        self.issuer()?;
        self.client = self.resolve_client()?.ok();
        Ok(())
    }

    /// The profile's issuer; an `--issuer` naming another is `profile_mismatch`.
    pub fn issuer(&self) -> Result<&str> {
        let settings = self.ctx.settings();
        match &self.profile {
            Some(p) if settings.issuer_given && !same_issuer(&p.issuer, &settings.issuer) => {
                Err(Error::new(
                    Code::ProfileMismatch,
                    format!(
                        "profile `{}` was signed in at issuer {}, but --issuer / GSIGNIN_ISSUER \
                         names {}",
                        self.name, p.issuer, settings.issuer
                    ),
                    format!(
                        "drop --issuer (the profile knows its issuer), pass --issuer {}, or \
                         sign in at the other issuer under another --profile",
                        p.issuer
                    ),
                ))
            }
            Some(p) => Ok(p.issuer.as_str()),
            None => Ok(settings.issuer.as_str()),
        }
    }

    /// When the session's token of `kind` expires, if known.
    pub fn expires_at(&self, kind: TokenKind) -> Option<i64> {
        match (&self.profile, kind) {
            (Some(p), TokenKind::Access) => p.access_token_expires_at,
            (Some(p), TokenKind::Id) => p.id_token_expires_at,
            (None, TokenKind::Access) => self.unstored.access_expires_at,
            (None, TokenKind::Id) => self.unstored.id_expires_at,
        }
    }

    /// The scopes the sign-in holds, as far as known.
    pub fn scopes(&self) -> &[String] {
        match &self.profile {
            Some(p) => &p.scopes,
            None => &self.unstored.scopes,
        }
    }

    /// The client secret the profile was signed in with (its file, or
    /// GSIGNIN_CLIENT_SECRET_JSON), unless the user names one; a named one must be for the
    /// profile's client.
    pub fn client(&self) -> Result<ClientSecret> {
        match &self.client {
            Some(client) => Ok(client.clone()),
            None => self.resolve_client()?,
        }
    }

    /// The profile's client secret, if one is here: Ok(Err) says why none is (nothing named,
    /// the profile's file gone and no default file, GSIGNIN_CLIENT_SECRET_JSON unset), which
    /// only a refresh needs to hear; Err is one that is here but wrong (another client's, a
    /// file another user could have written), which no command may pass.
    fn resolve_client(&self) -> Result<Result<ClientSecret>> {
        use crate::config::client_secret::{Source, shown_path};
        let Some(p) = &self.profile else {
            return Ok(self.ctx.client_secret());
        };
        let given = self.ctx.client_secret_given();
        let default_exists = self.ctx.dirs().default_client_secret().exists();
        let client = match (&p.client_secret, given) {
            (Some(Source::File(path)), false) if path.exists() => {
                self.ctx.client_secret_file(path, &self.name)?
            }
            (Some(Source::Inline), false) => {
                return Ok(Err(Error::new(
                    Code::ProfileMismatch,
                    format!(
                        "profile `{}` was signed in with the client secret in \
                         GSIGNIN_CLIENT_SECRET_JSON (client {}), which is not set now",
                        self.name, p.client_id
                    ),
                    "set GSIGNIN_CLIENT_SECRET_JSON again, or pass --client-secret PATH of that client",
                )));
            }
            (_, false) if !default_exists => match self.ctx.client_secret() {
                Ok(client) => client,
                Err(none) => return Ok(Err(none)),
            },
            (Some(Source::File(path)), false) => {
                self.ctx.warn(&format!(
                    "{}, the client secret file profile `{}` was signed in with, is gone: \
                     using the default one",
                    shown_path(path),
                    self.name
                ));
                self.ctx.client_secret()?
            }
            _ => self.ctx.client_secret()?,
        };
        if client.client_id != p.client_id {
            let was = match &p.client_secret {
                Some(Source::File(path)) => format!(" (from {})", shown_path(path)),
                Some(Source::Inline) => " (from GSIGNIN_CLIENT_SECRET_JSON)".to_string(),
                None => String::new(),
            };
            return Err(Error::new(
                Code::ProfileMismatch,
                format!(
                    "profile `{}` was signed in with client {}{was}, but the client secret {} is \
                     for client {}",
                    self.name,
                    p.client_id,
                    shown_path(&client.path),
                    client.client_id
                ),
                format!(
                    "pass --client-secret with client {}'s file, or sign in again with this one \
                     (a refresh token works only with the client it was issued to)",
                    p.client_id
                ),
            ));
        }
        Ok(Ok(client))
    }

    /// The client secret bound to the session, if one is here (see [`Session::client`]).
    pub fn bound_client(&self) -> Option<&ClientSecret> {
        self.client.as_ref()
    }

    pub fn endpoints(&self) -> Result<Endpoints> {
        self.ctx.endpoints(self.issuer()?)
    }

    /// A token of the profile that stays valid for `min_valid` seconds, from the store when it
    /// does, else after a refresh.
    pub fn fresh_token(&mut self, kind: TokenKind, min_valid: i64) -> Result<Secret> {
        let now = self.ctx.clock().now();
        let cached = match kind {
            TokenKind::Access => self.tokens.access_token.clone(),
            TokenKind::Id => self.tokens.id_token.clone(),
        }
        .zip(self.expires_at(kind));
        if let Some((token, expires_at)) = cached
            && expires_at - now >= min_valid
        {
            return Ok(token);
        }
        self.refresh()?;
        let token = match kind {
            TokenKind::Access => self.tokens.access_token.clone(),
            TokenKind::Id => self.tokens.id_token.clone(),
        };
        token.ok_or_else(Error::no_id_token_on_refresh)
    }

    /// The refresh token this refresh sends, under the profile's lock: the profile settled
    /// (a save a kill cut short finished), still the one this run opened, and no later refresh
    /// token waiting in a rescue file (the stored one may be rotated away).
    fn refresh_token_to_send(&mut self) -> Result<Secret> {
        if let Some(store) = &self.store {
            let settled = store.settle(&self.name, None)?;
            if let (Some(theirs), Some(ours)) = (&settled.foreign, &settled.profile) {
                return Err(foreign(&self.name, ours, theirs));
            }
            if let Some(recovered) = &settled.recovered {
                self.ctx.warn(&recovered.message());
            }
            self.tokens = settled
                .tokens?
                .ok_or_else(|| Error::not_signed_in(&self.name))?;
            if let Some(p) = settled.profile {
                // Another process may have signed the profile in again meanwhile: what this
                // run named is checked against the profile as it is now.
                self.profile = Some(p);
                self.bind()?;
            }
        }
        if let Some(profile) = self.profile.as_ref().filter(|_| self.store.is_some()) {
            let stored = self.tokens.refresh_token.as_ref().map(Secret::expose);
            if let Some(path) = crate::store::rescue::newer_than(self.ctx.dirs(), profile, stored) {
                return Err(Error::new(
                    Code::Rescued,
                    format!(
                        "profile `{}` has a later refresh token in the rescue file {} (a save \
                         that failed): the stored one may be rotated away, and sending it could \
                         end the grant",
                        self.name,
                        path.display()
                    ),
                    format!(
                        "`gsignin restore {}` stores it and deletes the file",
                        path.display()
                    ),
                ));
            }
        }
        self.tokens.refresh_token.clone().ok_or_else(|| {
            Error::new(
                Code::NoRefreshToken,
                format!("profile `{}` holds no refresh token", self.name),
                "the issuer sends one only with a user's first code for this client: on Android \
                 request the code with forceCodeForRefreshToken=true (on the web, \
                 prompt=consent), then exchange it",
            )
        })
    }

    /// Refreshes under the profile's lock: re-reads the stored refresh token first (another
    /// process may have rotated it meanwhile), then saves the result atomically.
    pub fn refresh(&mut self) -> Result<Refreshed> {
        let wait = self.ctx.lock_wait();
        let _lock = match &self.store {
            Some(store) => Some(store.lock(&self.name, wait)?),
            None => None,
        };
        let refresh_token = self.refresh_token_to_send()?;
        let endpoints = self.endpoints()?;
        let client = self.client()?;
        let token_url = client
            .token_uri
            .clone()
            .unwrap_or_else(|| endpoints.token.clone());
        // From the moment the refresh token goes out until the refresh is stored, a signal
        // waits: the old refresh token may be dead at the issuer already.
        let held = crate::interrupt::Held::new();
        let response = token::refresh(
            self.ctx.http(),
            &token_url,
            &client,
            &refresh_token,
            self.retry(&endpoints),
        )
        .map_err(|e| self.name_the_variable(e))?;

        // From here the old refresh token may be dead (rotation): nothing may lose the new one.
        let now = self.ctx.clock().now();
        let before = self.profile.clone();
        let rotated = signin::absorb(self.profile.as_mut(), &mut self.tokens, &response, now);
        if let Some(p) = self.profile.as_mut() {
            // A refresh always sent a refresh token: a new one back is a rotation.
            p.rotates_refresh_tokens = Some(rotated || p.rotates_refresh_tokens == Some(true));
        }
        if rotated {
            // The only live refresh token is stored before any further network I/O (the
            // ID token's keys may take retries × timeout to fetch, and a kill then would lose it).
            self.save(now)?;
            if self.store.is_none() {
                self.rescue_rotated(now);
            }
        }
        let verdict = self.verify_new_id_token(&response, &endpoints, &client, now);
        if self.profile.is_none() {
            self.unstored = Lifetimes {
                access_expires_at: response.expires_in.map(|s| now.saturating_add(s)),
                id_expires_at: verdict.as_ref().and_then(|v| v.claim_i64("exp")),
                scopes: scopes::split(response.scope.as_deref()),
            };
        }
        let judged = judge_refresh(&self.name, before.as_ref(), &response, verdict.as_ref());
        for warning in &judged.warnings {
            self.ctx.warn(warning);
        }
        if judged.keep_id_token {
            self.tokens.id_token = response.id_token.clone();
            if let (Some(p), Some(v)) = (self.profile.as_mut(), verdict.as_ref()) {
                // The same user; the email (or its verification) may have changed.
                signin::identify(p, v);
            }
        }
        self.save(now)?;
        // Held to here, the key fetch included: a signal then takes effect once the run has
        // said what it did (the rotated token was stored before the fetch).
        let name = self.name.clone();
        held.release(|| {
            self.ctx.warn(&format!(
                "interrupted: the refreshed sign-in was stored first (profile `{name}`)"
            ));
        });
        if let Some(e) = judged.user_changed {
            return Err(e);
        }
        Ok(Refreshed {
            response,
            verdict,
            rotated,
            lost_scopes: judged.lost_scopes,
        })
    }

    /// A refused refresh token that came from GSIGNIN_REFRESH_TOKEN: the hint names the secret
    /// to replace (a CI job's secret store holds it), not a new exchange into a store.
    fn name_the_variable(&self, e: Error) -> Error {
        if self.store.is_some() || e.code() != Code::InvalidGrant {
            return e;
        }
        let message = format!("{e} (the refresh token in GSIGNIN_REFRESH_TOKEN)");
        e.with_message(message).with_hint(
            "replace the GSIGNIN_REFRESH_TOKEN secret with a live refresh token: sign in again \
             and run `gsignin exchange --show-refresh-token` (or `--store file`) to get one",
        )
    }

    /// The refreshed ID token's verdict, or None when there is none or its keys could not be
    /// had (said as a warning: the refresh itself succeeded).
    fn verify_new_id_token(
        &self,
        response: &token::TokenResponse,
        endpoints: &Endpoints,
        client: &ClientSecret,
        now: i64,
    ) -> Option<Verdict> {
        let token = response.id_token.as_ref()?;
        let expect = Expectations::for_client(&endpoints.issuers, &client.client_id);
        let mut keys = KeySource::issuer(self.ctx.http(), &endpoints.jwks, self.ctx.cache(), now);
        match keys.verify(token.expose().as_bytes(), &expect, now) {
            Ok(v) => Some(v),
            Err(e) => {
                self.ctx
                    .warn(&format!("could not verify the new ID token: {e}"));
                None
            }
        }
    }

    /// Whether a refresh that may have reached the issuer can be sent again: only where the
    /// refresh token is known not to rotate (a resent rotated-away token trips the issuer's
    /// reuse detection, which revokes the grant). What the profile's refreshes showed decides;
    /// before its first refresh (and for GSIGNIN_REFRESH_TOKEN), only Google's issuer is
    /// known not to rotate.
    fn retry(&self, endpoints: &Endpoints) -> crate::http::Retry {
        let google = || endpoints.issuers.iter().any(|i| Endpoints::is_google(i));
        let never_rotates = match self.profile.as_ref().and_then(|p| p.rotates_refresh_tokens) {
            Some(rotates) => !rotates,
            None => google(),
        };
        if never_rotates {
            crate::http::Retry::Safe
        } else {
            crate::http::Retry::IfRefused
        }
    }

    /// Writes the sign-in as it is now (the caller holds the profile's lock); when the store
    /// fails, the tokens go to a rescue file. Nothing to do for GSIGNIN_REFRESH_TOKEN.
    fn save(&self, now: i64) -> Result<()> {
        match (&self.store, &self.profile) {
            (Some(store), Some(profile)) => {
                store.save_or_rescue(self.ctx.dirs(), profile, &self.tokens, now)
            }
            _ => Ok(()),
        }
    }

    /// GSIGNIN_REFRESH_TOKEN was rotated: the variable now holds a dead token and nothing is
    /// stored, so the new one goes to a 0600 rescue file the user is told of (the job's
    /// secret store needs it), never lost and never printed unasked.
    fn rescue_rotated(&self, now: i64) {
        let profile = Profile {
            name: self.name.clone(),
            issuer: self.ctx.settings().issuer.clone(),
            has_refresh_token: true,
            updated_at: now,
            ..Profile::default()
        };
        let rotated = Tokens {
            refresh_token: self.tokens.refresh_token.clone(),
            ..Tokens::default()
        };
        match crate::store::rescue::write(self.ctx.dirs(), &profile, &rotated, now) {
            Ok(path) => self.ctx.warn(&format!(
                "the issuer rotated the refresh token: the one in GSIGNIN_REFRESH_TOKEN is spent; \
                 the new one is in {} (mode 0600): put it in the secret store, then delete the file",
                path.display()
            )),
            Err(why) => self.ctx.warn(&format!(
                "the issuer rotated the refresh token: the one in GSIGNIN_REFRESH_TOKEN is spent, \
                 and the new one could not be written anywhere ({why}); only \
                 `refresh --show-refresh-token` would have printed it"
            )),
        }
    }

    /// Where the refresh token lives, for people.
    pub fn location(&self) -> String {
        match &self.store {
            Some(store) => store.secrets.describe(&self.name),
            None => "GSIGNIN_REFRESH_TOKEN (not stored)".to_string(),
        }
    }
}

/// The profile file names one user, its secrets (a keyring item, shared by every
/// GSIGNIN_HOME of the OS user) another's: using them would act as someone else.
fn foreign(name: &str, ours: &Profile, theirs: &Profile) -> Error {
    Error::new(
        Code::ProfileMismatch,
        format!(
            "profile `{name}` is the sign-in of {}, but its secrets hold the sign-in of {}, \
             saved under the same name from another GSIGNIN_HOME (the keyring is shared)",
            ours.who(),
            theirs.who()
        ),
        "give each GSIGNIN_HOME's sign-ins profile names of their own (--profile NAME), and \
         sign in again here",
    )
}

/// Whether two spellings name one issuer: URLs compared as parsed (scheme and host case, a
/// trailing slash, a default port), anything else as written.
fn same_issuer(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        url::Url::parse(s).map_or_else(
            |_| s.trim_end_matches('/').to_string(),
            |u| u.as_str().trim_end_matches('/').to_string(),
        )
    };
    norm(a) == norm(b)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Id,
}

/// What a refresh's answer means for the stored sign-in, decided with no I/O.
#[derive(Debug)]
pub struct Judged {
    /// Scopes the sign-in had that the new grant lacks (the user removed access).
    pub lost_scopes: Vec<String>,
    /// The new ID token is valid and names the same user: it replaces the stored one.
    pub keep_id_token: bool,
    /// A valid new ID token names another user: the refresh's failure.
    pub user_changed: Option<Error>,
    /// What the user must hear.
    pub warnings: Vec<String>,
}

/// Judges a refresh's answer against the sign-in as it was before (`stored`): scopes lost,
/// whether the new ID token may replace the stored one, a switched user.
pub fn judge_refresh(
    name: &str,
    stored: Option<&Profile>,
    response: &token::TokenResponse,
    verdict: Option<&Verdict>,
) -> Judged {
    let granted = scopes::split(response.scope.as_deref());
    let lost_scopes: Vec<String> = match (stored, response.scope.is_some()) {
        (Some(p), true) => p
            .scopes
            .iter()
            .filter(|s| !scopes::contains(&granted, s))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let user_changed = verdict.and_then(|v| user_changed(name, stored, v));
    let keep_id_token = verdict.is_some_and(Verdict::valid) && user_changed.is_none();
    let mut warnings = Vec::new();
    if verdict.is_some_and(|v| !v.valid()) {
        warnings.push(
            "the new ID token failed verification and was not stored; `gsignin whoami` shows \
             why once you fetch one with --show-tokens"
                .to_string(),
        );
    }
    if !lost_scopes.is_empty() {
        warnings.push(format!(
            "the refreshed grant lacks scopes the sign-in had: {} (the user may have removed \
             access)",
            scopes::short_list(&lost_scopes)
        ));
    }
    Judged {
        lost_scopes,
        keep_id_token,
        user_changed,
        warnings,
    }
}

/// OpenID Connect Core 12.2: a refreshed ID token names the same user as the original. The
/// error when a valid one names another `sub` than the stored sign-in.
fn user_changed(name: &str, stored: Option<&Profile>, verdict: &Verdict) -> Option<Error> {
    let stored = stored?;
    let sub = stored.sub.as_deref()?;
    if !verdict.valid() || verdict.claim_str("sub") == Some(sub) {
        return None;
    }
    Some(Error::new(
        Code::IdTokenUserChanged,
        format!(
            "the refreshed ID token names {}, but profile `{name}` is the sign-in of {}; \
             the new ID token was not stored and the profile keeps its user",
            verdict.who(),
            stored.who()
        ),
        "the issuer answered for another user: check --issuer and the client secret's \
         token_uri; `gsignin revoke --local` and a new exchange start over",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::google::id_token::{Expectations, verify};
    use gsignin_verify::keys::{Key, KeySet};
    use gsignin_verify::signing::SigningKey;
    use serde_json::json;

    const NOW: i64 = 1_795_500_000;

    fn response(scope: Option<&str>, id_token: Option<String>) -> token::TokenResponse {
        token::TokenResponse {
            access_token: Secret::new("ya29.a"),
            expires_in: Some(3599),
            refresh_token: None,
            refresh_token_expires_in: None,
            scope: scope.map(str::to_string),
            id_token: id_token.map(Secret::new),
        }
    }

    fn stored(sub: &str, scopes: &[&str]) -> Profile {
        Profile {
            name: "default".into(),
            sub: Some(sub.into()),
            scopes: scopes.iter().map(ToString::to_string).collect(),
            ..Profile::default()
        }
    }

    /// A verdict on a token for `sub`, valid or not.
    fn verdict(sub: &str, valid: bool) -> Verdict {
        let key = SigningKey::generate();
        let keys = KeySet::new(vec![
            Key::from_components(Some(key.kid.clone()), None, &key.n, &key.e).unwrap(),
        ]);
        let exp = if valid { NOW + 3600 } else { NOW - 3600 };
        let token = key.sign(&json!({"iss": "https://accounts.google.com", "aud": "c",
            "sub": sub, "iat": NOW - 10, "exp": exp}));
        let expect = Expectations::for_client(&["https://accounts.google.com".into()], "c");
        verify(token.as_bytes(), &keys, &expect, NOW)
    }

    #[test]
    fn a_refresh_is_judged_on_scopes_the_id_token_and_the_user() {
        let p = stored(
            "1",
            &["openid", "https://www.googleapis.com/auth/drive.appdata"],
        );
        // The same user, every scope kept: the new ID token replaces the stored one.
        let same = verdict("1", true);
        let j = judge_refresh(
            "default",
            Some(&p),
            &response(
                Some("openid https://www.googleapis.com/auth/drive.appdata"),
                Some("t".into()),
            ),
            Some(&same),
        );
        assert!(j.keep_id_token && j.user_changed.is_none() && j.lost_scopes.is_empty());
        assert!(j.warnings.is_empty(), "{:?}", j.warnings);

        // A scope removed by the user: said, the sign-in goes on.
        let j = judge_refresh("default", Some(&p), &response(Some("openid"), None), None);
        assert_eq!(
            j.lost_scopes,
            ["https://www.googleapis.com/auth/drive.appdata"]
        );
        assert!(j.warnings[0].contains("lacks scopes"), "{:?}", j.warnings);
        // No scope in the answer says nothing about scopes.
        assert!(
            judge_refresh("default", Some(&p), &response(None, None), None)
                .lost_scopes
                .is_empty()
        );

        // An invalid new ID token is not kept, and said.
        let bad = verdict("1", false);
        let j = judge_refresh(
            "default",
            Some(&p),
            &response(None, Some("t".into())),
            Some(&bad),
        );
        assert!(!j.keep_id_token && j.user_changed.is_none());
        assert!(j.warnings[0].contains("failed verification"));

        // A valid one for another user: the refresh's failure, nothing kept.
        let other = verdict("2", true);
        let j = judge_refresh(
            "default",
            Some(&p),
            &response(None, Some("t".into())),
            Some(&other),
        );
        assert!(!j.keep_id_token);
        assert_eq!(j.user_changed.unwrap().code(), Code::IdTokenUserChanged);

        // GSIGNIN_REFRESH_TOKEN: no stored sign-in to compare with.
        let j = judge_refresh(
            "default",
            None,
            &response(Some("openid"), Some("t".into())),
            Some(&same),
        );
        assert!(j.keep_id_token && j.lost_scopes.is_empty());
    }
}
