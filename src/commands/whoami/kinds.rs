//! The Google-signed tokens that are not Sign-In's ID tokens (Firebase's, IAP's, a service
//! account's own): each is judged with its kind's keys and rules, never with any the token
//! names (gsignin_verify::kind says which).

use crate::cli::WhoamiArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::google::id_token::Expectations;
use crate::google::jwks::{self, KeySource};
use gsignin_verify::keys::KeySet;
use gsignin_verify::kind::Kind;

/// What a token of `kind` must say: the kind's rules, and the audience and domain asked for.
/// Only `--audience` names the audience: a client secret's client ID is a Sign-In client,
/// never a Firebase project, an IAP backend or an API.
pub(super) fn expectations(kind: &Kind, audience: Option<&str>, hd: Option<&str>) -> Expectations {
    let mut expect = Expectations::for_kind(kind);
    expect.audience = audience.map(str::to_string);
    expect.hd = hd.map(str::to_string);
    expect
}

/// Where the keys of `kind` come from: `--jwks` when given, else the kind's own published
/// keys (fetched and cached as Google's certificates are); the Firebase Auth emulator's
/// unsigned tokens have none.
pub(super) fn key_source<'a>(
    ctx: &'a Ctx,
    args: &WhoamiArgs,
    kind: &Kind,
) -> Result<KeySource<'a>> {
    if let Some(given) = &args.jwks {
        return given_keys(ctx, given);
    }
    Ok(match kind.keys_url() {
        Some(url) => KeySource::issuer(ctx.http(), &url, ctx.cache(), ctx.clock().now()),
        None => KeySource::fixed(Default::default()),
    })
}

/// `--jwks FILE|URL`: the keys every token is judged with, whatever its kind.
pub(super) fn given_keys<'a>(ctx: &'a Ctx, source: &std::path::Path) -> Result<KeySource<'a>> {
    Ok(match jwks_url(source)? {
        Some(url) => KeySource::issuer(ctx.http(), &url, ctx.cache(), ctx.clock().now()),
        None => KeySource::fixed(read_jwks_file(ctx, source)?),
    })
}

/// `--jwks URL`: a JWKS or PEM certificate map fetched (over https, or http on loopback, as
/// every key source) instead of read from a file.
fn jwks_url(source: &std::path::Path) -> Result<Option<String>> {
    let Some(text) = source.to_str() else {
        return Ok(None);
    };
    let lower = text.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Ok(None);
    }
    let hint = "give a file, or a URL such as https://www.googleapis.com/oauth2/v3/certs";
    let url = url::Url::parse(text)
        .map_err(|e| Error::usage(format!("--jwks is not a URL: {e}"), hint))?;
    // Keys are public: a URL carrying a user or password is a mistake, and it would be shown
    // in every message naming the URL.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::usage(
            "--jwks names a user or password in its URL: keys are public, fetched without one",
            hint,
        ));
    }
    Ok(Some(url.to_string()))
}

fn read_jwks_file(ctx: &Ctx, path: &std::path::Path) -> Result<KeySet> {
    let bytes = crate::fsutil::read_limited(path, 8 << 20, false).map_err(|e| {
        Error::usage(
            format!("cannot read the JWKS file {}: {e}", path.display()),
            "save the issuer's keys with `curl -o jwks.json https://www.googleapis.com/oauth2/v3/certs`",
        )
    })?;
    let keys = jwks::parse(&bytes).map_err(|e| {
        Error::usage(
            format!("{}: {e}", path.display()),
            "pass a JWKS document or Google's PEM certificate map (oauth2/v1/certs)",
        )
    })?;
    for warning in &keys.warnings {
        ctx.warn(&format!("{warning} ({})", path.display()));
    }
    Ok(keys)
}
