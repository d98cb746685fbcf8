//! Opening a URL in the user's browser: `BROWSER` first (as Python's webbrowser and git read
//! it: commands separated by `:`, `%s` standing for the URL, else the URL appended), then the
//! platform's opener. The browser's own output never reaches gsignin's stdout (that is data).

use std::process::{Command, Stdio};

/// What separates the commands of `BROWSER`: the platform's path separator, as Python's
/// webbrowser reads it (`;` on Windows, where `:` is part of `C:\...`).
const SEPARATOR: char = if cfg!(windows) { ';' } else { ':' };

/// Opens `url`; on failure, says what was tried.
pub fn open(url: &str, browser_env: Option<&str>) -> Result<String, String> {
    let mut tried = Vec::new();
    let candidates: Vec<Vec<String>> = match browser_env.filter(|b| !b.trim().is_empty()) {
        Some(list) => list
            .split(SEPARATOR)
            .filter(|c| !c.trim().is_empty())
            .map(|c| command_line(c, url))
            .collect(),
        None => platform_openers(url),
    };
    for argv in candidates {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        crate::start::core_limit_as_found(&mut cmd);
        match cmd.spawn() {
            Ok(mut child) => {
                // Reaped in the background: a browser launcher may return at once or stay.
                std::thread::spawn(move || {
                    let _ = child.wait();
                });
                return Ok(program.clone());
            }
            Err(e) => tried.push(format!("{program}: {e}")),
        }
    }
    Err(if tried.is_empty() {
        "no browser command known for this platform".into()
    } else {
        tried.join("; ")
    })
}

/// One `BROWSER` entry as argv: words split on whitespace, `%s` replaced by the URL (or the
/// URL appended when there is none).
fn command_line(entry: &str, url: &str) -> Vec<String> {
    let mut words: Vec<String> = entry.split_whitespace().map(String::from).collect();
    if words.iter().any(|w| w.contains("%s")) {
        for w in &mut words {
            *w = w.replace("%s", url);
        }
    } else {
        words.push(url.to_string());
    }
    words
}

fn platform_openers(url: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| {
        a.iter()
            .map(std::string::ToString::to_string)
            .chain([url.to_string()])
            .collect()
    };
    if cfg!(target_os = "macos") {
        vec![v(&["open"])]
    } else if cfg!(windows) {
        vec![v(&["rundll32", "url.dll,FileProtocolHandler"])]
    } else {
        vec![
            v(&["xdg-open"]),
            v(&["sensible-browser"]),
            v(&["x-www-browser"]),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::command_line;

    #[test]
    fn browser_entries_take_the_url_where_percent_s_stands_or_at_the_end() {
        assert_eq!(command_line("firefox", "http://u"), ["firefox", "http://u"]);
        assert_eq!(
            command_line("node drive.js --detach %s --x", "http://u"),
            ["node", "drive.js", "--detach", "http://u", "--x"]
        );
    }
}
