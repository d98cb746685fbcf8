//! The authorization code as people paste it: from an argument, stdin or a no-echo prompt; a
//! bare code, a percent-encoded one, or the redirect URL (or query string) that holds it.
//! Bounded, so a stray file piped in is neither read whole nor sent.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::secret::Secret;
use std::io::Read;

/// The code from the argument, stdin or a no-echo prompt, in any of the forms people paste.
pub fn read_code(ctx: &Ctx, arg: Option<&str>) -> Result<Secret> {
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
        None if ctx.io().stdin_is_terminal => {
            let typed =
                (ctx.io().prompt_hidden)("serverAuthCode (input hidden): ").map_err(|e| {
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
    let mut stdin = ctx.io().stdin.borrow_mut();
    (&mut *stdin)
        .take(MAX_CODE_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Error::usage(
                format!("cannot read the code from stdin: {e}"),
                "pipe the code in as text, or pass it as an argument",
            )
        })?;
    // `mint | exchange -` whose first command failed: say where to look, not only what is
    // missing (its own error is the line above).
    if bytes.trim_ascii().is_empty() {
        return Err(Error::usage(
            "stdin was empty: no authorization code came through the pipe",
            "if a command before `|` made the code, its error above says why it did not; \
             else pipe the app's serverAuthCode in",
        ));
    }
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
fn normalise_code(raw: &str) -> Result<Secret> {
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
    fn e1_refuses_what_is_not_a_code() {
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
