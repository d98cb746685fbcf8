//! `gsignin exchange`: trade a serverAuthCode for tokens, verify the ID token, store the sign-in.
//!
//! The order is the point: everything that can fail without the network (the code's form, the
//! client secret, the store) and everything that can fail before the code is sent (discovery,
//! keys) is checked first, because the code is single-use. After the exchange, every failure
//! ends with the tokens stored or in a rescue file.

use crate::cli::ExchangeArgs;
use crate::config::client_secret::ClientSecret;
use crate::context::Ctx;
use crate::error::{Code, Error, Result};
use crate::google::id_token::{self, Expectations, Verdict};
use crate::google::jwks::KeySource;
use crate::google::scopes;
use crate::google::token::{self, TokenResponse};
use crate::output::{self, Outcome, aligned};
use crate::secret::Secret;
use crate::signin::{self, SignIn};
use crate::store::{self, Profile, Store, StoreKind, Tokens, rescue};
use crate::timefmt::{relative, rfc3339};
use serde_json::{Value, json};
use std::io::Read;

pub fn run(ctx: &Ctx, args: ExchangeArgs) -> Result<Outcome> {
    let profile_name = ctx.settings.profile.clone();
    store::validate_profile(&profile_name)?;
    let code = read_code(ctx, args.code.as_deref())?;
    let client = ClientSecret::load(
        ctx.settings.client_secret.as_deref(),
        &ctx.dirs.default_client_secret(),
    )?;
    let store = ctx.store();
    if ctx.settings.store == StoreKind::File {
        ctx.warn(&format!(
            "--store file keeps tokens in {}, not in the OS keyring",
            store.secrets.describe(&profile_name)
        ));
    }
    store.probe(&profile_name)?;
    let now = ctx.clock.now();
    let endpoints = ctx.endpoints(&ctx.settings.issuer)?;
    // The keys are needed after the code is spent; fetch them (or find them cached) before.
    let mut keys = KeySource::issuer(&ctx.http, &endpoints.jwks, ctx.cache(), now);
    keys.keys()?;
    let token_url = client
        .token_uri
        .clone()
        .unwrap_or_else(|| endpoints.token.clone());

    let resp = token::exchange_code(&ctx.http, &token_url, &client, &code, &args.redirect_uri)?;

    // The code is spent. From here on, nothing may lose these tokens.
    let now = ctx.clock.now();
    let granted = scopes::split(resp.scope.as_deref());
    let SignIn {
        mut profile,
        mut tokens,
    } = SignIn::from_code(
        &profile_name,
        &ctx.settings.issuer,
        &client.client_id,
        ctx.settings.store,
        &resp,
        now,
    );

    let expect = Expectations::for_client(&endpoints.issuers, &client.client_id);
    // Verified with the keys fetched before the code was spent. A key the issuer published
    // since needs a fetch: the tokens wait in a rescue file meanwhile, so a kill, a hang or a
    // crash during that fetch loses nothing.
    let mut in_flight = None;
    let verdict = match resp.id_token.as_ref() {
        None => None,
        Some(t) => {
            let token = t.expose().as_bytes();
            let mut verdict = id_token::verify(token, keys.keys()?, &expect, now);
            if verdict.unknown_kid {
                in_flight = rescue::write(&ctx.dirs, &profile, &tokens, now).ok();
                if keys.refetch_once().unwrap_or(false) {
                    verdict = id_token::verify(token, keys.keys()?, &expect, now);
                }
            }
            Some(verdict)
        }
    };
    if let Some(v) = verdict.as_ref() {
        signin::identify(&mut profile, v);
    }

    if let Some(v) = verdict.as_ref().filter(|v| !v.valid()) {
        let reasons: Vec<String> = v
            .failures()
            .map(|(name, c)| format!("{name}: {}", c.detail))
            .collect();
        let saved = match in_flight {
            Some(path) => Ok(path),
            None => rescue::write(&ctx.dirs, &profile, &tokens, now),
        };
        return Err(Error::new(
            Code::IdTokenInvalid,
            format!(
                "the ID token from the exchange failed verification ({}); the sign-in was not stored, {}",
                reasons.join("; "),
                rescued_where(&saved)
            ),
            "check that --issuer and the client secret belong together; \
                   `gsignin whoami TOKEN` on the rescued ID token shows every check",
        ));
    }

    // Under the profile's lock, as every save is: a refresh of the old sign-in running now
    // must not write the old user back over this one.
    let _lock = match store.lock(&profile.name, ctx.lock_wait()) {
        Ok(lock) => lock,
        Err(cause) => return Err(store::rescue(&ctx.dirs, &profile, &tokens, now, cause)),
    };
    let previous = store.load_profile(&profile.name).ok().flatten();
    if let Some(old) = previous.as_ref().filter(|old| !same_user(old, &profile)) {
        ctx.warn(&format!(
            "profile `{}` held the sign-in of {}; it now holds {} (use --profile NAME to keep both)",
            profile.name,
            old.who(),
            profile.who(),
        ));
    }
    let kept_refresh =
        keep_previous_refresh_token(ctx, &store, previous, &mut profile, &mut tokens);
    store.save_or_rescue(&ctx.dirs, &profile, &tokens, now)?;
    if let Some(path) = in_flight {
        // Stored now: the copy that waited out the key fetch goes.
        let _ = std::fs::remove_file(path);
    }

    for expected in &args.expect_scopes {
        if !scopes::contains(&granted, expected) {
            ctx.warn(&format!(
                "the granted scopes lack {} (granted: {})",
                scopes::expand(expected),
                scopes::short_list(&granted)
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
    let openid_granted = granted.iter().any(|s| s == "openid");
    let failure = match (&verdict, openid_granted) {
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
    };
    Ok(report(
        ctx,
        &store,
        &profile,
        &resp,
        verdict.as_ref(),
        kept_refresh,
        &args,
    )
    .with_failure(failure))
}

fn rescued_where(saved: &std::result::Result<std::path::PathBuf, String>) -> String {
    match saved {
        Ok(path) => format!("the tokens were written to {} (mode 0600)", path.display()),
        Err(why) => format!("and no rescue file could be written ({why})"),
    }
}

/// Two sign-ins are the same user only when both name a subject, the same one, at the same
/// issuer for the same client: "no subject" is nobody in particular, never a match.
fn same_user(a: &Profile, b: &Profile) -> bool {
    a.sub.is_some() && a.sub == b.sub && a.issuer == b.issuer && a.client_id == b.client_id
}

/// When the issuer sends no refresh token (not the user's first code), a refresh token already
/// stored for the same user, issuer and client stays in use.
fn keep_previous_refresh_token(
    ctx: &Ctx,
    store: &Store,
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
    match store.load_tokens(&profile.name) {
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

/// The code from the argument, stdin or a no-echo prompt, in any of the forms people paste.
fn read_code(ctx: &Ctx, arg: Option<&str>) -> Result<Secret> {
    let raw = match arg {
        Some("-") => read_stdin(ctx)?,
        Some(code) if code.len() as u64 > MAX_CODE_INPUT => {
            return Err(Error::usage(
                format!(
                    "the code is longer than {} KiB: that is not an authorization code",
                    MAX_CODE_INPUT / 1024
                ),
                "pass the code alone (or the redirect URL that holds it)",
            ));
        }
        Some(code) => zeroize::Zeroizing::new(code.to_string()),
        None if ctx.io.stdin_is_terminal => {
            let typed = (ctx.io.prompt_hidden)("serverAuthCode (input hidden): ").map_err(|e| {
                Error::usage(
                    format!("cannot read the code from the terminal: {e}"),
                    "pass it as an argument, or pipe it in with `-`",
                )
            })?;
            zeroize::Zeroizing::new(typed)
        }
        None => read_stdin(ctx)?,
    };
    normalise_code(&raw)
}

/// A code (or the redirect URL that holds one) is a few hundred bytes: anything much longer is
/// not one, and is neither read whole nor sent.
const MAX_CODE_INPUT: u64 = 16 * 1024;

fn read_stdin(ctx: &Ctx) -> Result<zeroize::Zeroizing<String>> {
    let mut bytes = zeroize::Zeroizing::new(Vec::new());
    let mut stdin = ctx.io.stdin.borrow_mut();
    (&mut *stdin)
        .take(MAX_CODE_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Error::usage(
                format!("cannot read the code from stdin: {e}"),
                "pipe the code in as text, or pass it as an argument",
            )
        })?;
    if bytes.len() as u64 > MAX_CODE_INPUT {
        return Err(Error::usage(
            format!(
                "stdin holds more than {} KiB: that is not an authorization code",
                MAX_CODE_INPUT / 1024
            ),
            "pipe the code alone (or the redirect URL that holds it)",
        ));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::usage(
            "stdin is not text",
            "pipe the code in as text, exactly as the app received it",
        )
    })?;
    Ok(zeroize::Zeroizing::new(text.to_string()))
}

/// A bare code, a percent-encoded code, or a redirect URL (or query string) holding `code=`.
pub fn normalise_code(raw: &str) -> Result<Secret> {
    let text = raw.trim();
    let no_code = || {
        Error::usage(
            "no authorization code given",
            "pass the app's serverAuthCode: `gsignin exchange CODE`, or `-` to read it from stdin",
        )
    };
    if text.is_empty() {
        return Err(no_code());
    }
    let from_query = |q: &str| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
    };
    let code = if text.contains("code=") {
        let query = match url::Url::parse(text) {
            Ok(u) => u.query().map(str::to_string).unwrap_or_default(),
            Err(_) => text
                .split_once('?')
                .map(|(_, q)| q)
                .unwrap_or(text)
                .to_string(),
        };
        // An error redirect (`?error=access_denied`) carries no code.
        from_query(&query).ok_or_else(|| {
            Error::usage(
                "the URL holds no `code` parameter",
                "paste the redirect URL the sign-in ended on, or the bare code",
            )
        })?
    } else if text.contains('%') {
        percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .map_err(|_| {
                Error::usage(
                    "the code is percent-encoded but does not decode to text",
                    "paste the code exactly as the app received it",
                )
            })?
            .into_owned()
    } else {
        text.to_string()
    };
    let code = code.trim().to_string();
    if code.is_empty() {
        return Err(no_code());
    }
    if code.chars().any(char::is_whitespace) {
        return Err(Error::usage(
            "the code contains spaces or line breaks",
            "paste it on one line, exactly as the app received it",
        ));
    }
    Ok(Secret::new(code))
}

fn report(
    ctx: &Ctx,
    store: &Store,
    profile: &Profile,
    resp: &TokenResponse,
    verdict: Option<&Verdict>,
    kept_refresh: bool,
    args: &ExchangeArgs,
) -> Outcome {
    let now = ctx.clock.now();
    let location = store.secrets.describe(&profile.name);
    let refresh_line = match (resp.refresh_token.is_some(), kept_refresh) {
        (true, _) => format!("stored in {location}"),
        (false, true) => format!("none issued; the one already in {location} stays in use"),
        (false, false) => "none issued (see the warning above)".to_string(),
    };
    let id_line = match verdict {
        Some(v) => {
            let kid = v
                .header
                .as_ref()
                .and_then(|h| h.get("kid"))
                .and_then(Value::as_str)
                .unwrap_or("-");
            let aud = v.claim_str("aud").unwrap_or("-");
            format!("verified (RS256, key {kid}, aud {aud})")
        }
        None if scopes::contains(&profile.scopes, "openid") => {
            "MISSING although openid was granted".to_string()
        }
        None => "none issued (no openid scope)".to_string(),
    };
    let who = match verdict {
        Some(_) => profile.who(),
        None => "an UNKNOWN user (no ID token: nothing says who)".into(),
    };
    let mut rows = vec![
        ("sub", profile.sub.clone().unwrap_or_else(|| "-".into())),
        ("scopes", scopes::short_list(&profile.scopes)),
        (
            "access token",
            match profile.access_token_expires_at {
                Some(t) => format!("expires {} ({})", rfc3339(t), relative(t, now)),
                None => "no expiry given".into(),
            },
        ),
        ("refresh token", refresh_line),
        ("ID token", id_line),
        ("profile", profile.name.clone()),
    ];
    let (shown_rows, shown) = output::shown_tokens(
        args.show_tokens.then_some(&resp.access_token),
        resp.id_token.as_ref().filter(|_| args.show_tokens),
        resp.refresh_token
            .as_ref()
            .filter(|_| args.show_refresh_token),
    );
    rows.extend(shown_rows);
    let human = format!("Signed in as {who}\n{}", aligned(&rows));
    let mut doc = json!({
        "profile": profile.name,
        "email": profile.email,
        "email_verified": profile.email_verified,
        "sub": profile.sub,
        "scopes": profile.scopes,
        "access_token_expires_at": profile.access_token_expires_at.map(rfc3339),
        "refresh_token": {
            "issued": resp.refresh_token.is_some(),
            "stored": profile.has_refresh_token,
            "store": profile.store,
            "location": location,
        },
        "id_token": verdict.map(|v| json!({
            "valid": v.valid(),
            "kid": v.header.as_ref().and_then(|h| h.get("kid")).cloned(),
        })),
    });
    if !shown.is_empty() {
        doc["tokens"] = Value::Object(shown);
    }
    Outcome::report(human, doc)
}

#[cfg(test)]
mod tests {
    use super::normalise_code;

    #[test]
    fn accepts_every_pasted_form() {
        let bare = "4/0AfJohXnabc_DEF-123";
        for input in [
            bare.to_string(),
            format!("  {bare}\n"),
            "4%2F0AfJohXnabc_DEF-123".to_string(),
            "http://localhost/cb?state=x&code=4%2F0AfJohXnabc_DEF-123&scope=email".to_string(),
            format!("com.example.app:/oauth2redirect?code={bare}"),
            format!("code={bare}&scope=openid"),
        ] {
            assert_eq!(normalise_code(&input).unwrap().expose(), bare, "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_code() {
        for input in [
            "",
            "   \n",
            "http://localhost/cb?error=access_denied&code=",
            "4/0A abc",
        ] {
            let e = normalise_code(input).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{input}: {e}");
        }
    }
}
