//! The one-command parse: a line `gsignin [GLOBAL OPTIONS] COMMAND ...` is parsed against the
//! global options and that one command alone, not clap's whole tree. Building the whole tree
//! (every command's options, the global ones copied into each, their values copied back) costs
//! more than the rest of a `whoami` (0.25 ms and 76 page faults of a run); anything this parse
//! declines (help, version with more, errors, odd shapes) goes through the whole tree, which
//! renders it. The test below fails when a line is read differently from the whole tree, or
//! when the lines scripts run stop being read alone.

use super::{Cli, Command, GlobalArgs, LONG_VERSION, VERSION, client_options_on_line};
use clap::Args;

/// Makes the `Command` enum, and for each command a one-command enum with the same attributes
/// (in `single`), from one list of variants.
macro_rules! commands {
    (@read $variant:ident ($args:ty) $m:ident) => {
        <$args as clap::FromArgMatches>::from_arg_matches_mut($m).ok().map(Command::$variant)
    };
    (@read $variant:ident $m:ident) => {{
        let _ = $m;
        Some(Command::$variant)
    }};
    // A command with fields of its own is read only through the whole tree.
    (@read $variant:ident { $($fields:tt)* } $m:ident) => {{
        let _ = $m;
        None
    }};
    ($( $(#[$attr:meta])* $variant:ident $(( $args:ty ))? $({ $($fields:tt)* })? ),* $(,)?) => {
        #[derive(Debug, Subcommand)]
        pub enum Command {
            $( $(#[$attr])* $variant $(( $args ))? $({ $($fields)* })?, )*
        }

        /// Each command alone, exactly as it is in [`Command`].
        mod single {
            use super::*;
            $(
                #[derive(Subcommand)]
                #[allow(dead_code)]
                pub enum $variant {
                    $(#[$attr])* $variant $(( $args ))? $({ $($fields)* })?
                }
            )*
        }

        /// The command `name` (or an alias of it) as a command of its own, exactly as it is
        /// in [`Command`], and how to read what it matched.
        fn command_alone(name: &str) -> Option<(clap::Command, one_command::ReadCommand)> {
            $(
                if <single::$variant as Subcommand>::has_subcommand(name) {
                    let mut parent = <single::$variant as Subcommand>::augment_subcommands(
                        clap::Command::new("gsignin"),
                    );
                    let cmd = std::mem::take(parent.get_subcommands_mut().next()?);
                    return Some((cmd, |m| commands!(@read $variant $(($args))? $({ $($fields)* })? m)));
                }
            )*
            None
        }
    };
}

/// Reads a command's values out of its matches (taken, not copied: clap's `from_arg_matches`
/// copies the whole matches first).
pub(super) type ReadCommand = fn(&mut clap::ArgMatches) -> Option<Command>;

impl Cli {
    /// Parses argv as `Cli::try_parse_from` does, faster. Building clap's whole tree (every
    /// command's options, the global ones copied into each, their values copied back) costs
    /// more than the rest of a `whoami`: a line `gsignin [GLOBAL OPTIONS] COMMAND ...` is parsed
    /// as the one command with the global options among its own, which accepts exactly what
    /// the tree accepts there. Help, version, errors and anything unusual go through the whole
    /// tree, which renders them.
    pub fn parse_args(args: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
        if let [_, flag] = args
            && (flag == "--version" || flag == "-V")
        {
            // Scripts ask for the version alone; clap words it as the whole tree would.
            clap::Command::new("gsignin")
                .version(VERSION)
                .long_version(LONG_VERSION)
                .try_get_matches_from(args)?;
        }
        match Self::parse_alone(args) {
            Some(cli) => Ok(cli),
            None => Self::parse_whole(args),
        }
    }

    /// `Cli::try_parse_from`, noting which client-only options the line itself gave.
    fn parse_whole(args: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        let mut cmd = Cli::command();
        let mut matches = cmd.try_get_matches_from_mut(args)?;
        let on_line = client_options_on_line(
            std::iter::once(&matches).chain(matches.subcommand().map(|(_, m)| m)),
        );
        let mut cli = Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd))?;
        cli.global.client_options_on_line = on_line;
        Ok(cli)
    }

    fn parse_alone(args: &[std::ffi::OsString]) -> Option<Cli> {
        use clap::FromArgMatches;
        let global_options = || GlobalArgs::augment_args(clap::Command::new("gsignin"));
        // Most lines name the command first: only options before it need the global ones
        // looked up.
        let at = match args.get(1)?.to_str()? {
            first if first.starts_with('-') => command_at(&global_options(), args)?,
            _ => 1,
        };
        let (cmd, read) = super::command_alone(args[at].to_str()?)?;
        let cmd = GlobalArgs::augment_args(cmd);
        // The global options whose variable is set, for the check after the parse.
        let from_env: Vec<clap::Id> = cmd
            .get_arguments()
            .filter(|a| a.is_global_set())
            .filter(|a| {
                a.get_env()
                    .is_some_and(|name| std::env::var_os(name).is_some())
            })
            .map(|a| a.get_id().clone())
            .collect();
        // Flat: in one command a global option means nothing more, and clap would copy every
        // global value back and forth after the parse.
        let mut cmd = cmd.mut_args(|a| a.global(false));
        // The command's name first (clap's binary name), then the global options that came
        // before it, then the rest as written.
        let line = args[at..=at]
            .iter()
            .chain(&args[1..at])
            .chain(&args[at + 1..]);
        let mut matches = cmd.try_get_matches_from_mut(line).ok()?;
        // The whole tree reads the global options' variables at the top as well as in the
        // command, and refuses a bad one even where the line gives the option. The command
        // has read every variable the line did not override: only an overridden one is read
        // at the top as well, and a bad one leaves the line to the whole tree.
        let overridden = from_env.iter().any(|id| {
            matches.value_source(id.as_str()) == Some(clap::parser::ValueSource::CommandLine)
        });
        if overridden {
            let top = global_options().try_get_matches_from_mut(&args[..1]).ok()?;
            std::mem::forget(top);
        }
        let on_line = client_options_on_line([&matches]);
        let cli = GlobalArgs::from_arg_matches_mut(&mut matches)
            .ok()
            .zip(read(&mut matches))
            .map(|(mut global, command)| {
                global.client_options_on_line = on_line;
                Cli { global, command }
            });
        // Freeing clap's tree and matches costs more than parsing did; the process ends soon,
        // and a test's run leaks a few kilobytes.
        std::mem::forget((cmd, matches));
        cli
    }
}

/// Where the command's name is: the first argument that is neither a global option nor an
/// option's value. None for anything the global options alone cannot explain (`--help`, `-V`,
/// `--`, a value that looks like an option, a command's option before the command), which the
/// whole tree parses.
fn command_at(globals: &clap::Command, args: &[std::ffi::OsString]) -> Option<usize> {
    let mut at = 1;
    while let Some(arg) = args.get(at) {
        let arg = arg.to_str()?;
        let takes_value = if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            let opt = globals
                .get_arguments()
                .find(|a| a.get_long() == Some(name))?;
            !inline && opt.get_action().takes_values()
        } else if let Some(shorts) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut last_takes_value = false;
            for (i, c) in shorts.char_indices() {
                let opt = globals.get_arguments().find(|a| a.get_short() == Some(c))?;
                if opt.get_action().takes_values() {
                    last_takes_value = i + c.len_utf8() == shorts.len();
                    break;
                }
            }
            last_takes_value
        } else {
            return Some(at);
        };
        if takes_value {
            at += 1;
            args.get(at)?.to_str().filter(|v| !v.starts_with('-'))?;
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    /// Every command line the one-command parse accepts, the whole tree reads the same; what
    /// it declines (help, errors, odd shapes), the whole tree parses.
    #[test]
    fn p1_p3_parsing_one_command_alone_reads_every_line_as_the_whole_tree_does() {
        let tail: &[&[&str]] = &[
            &[],
            &["--json"],
            &["-v", "--timeout", "5"],
            &["--profile", "b"],
            &["--store=file", "--color", "never"],
            &["--json", "--json"],
            &["--help"],
            &["-V"],
            &["--bogus"],
            &["-", "--json"],
            &["--", "-x"],
        ];
        let head: &[&[&str]] = &[
            &[],
            &["--json"],
            &["-v"],
            &["--profile", "a"],
            &["--profile=a", "--issuer", "http://127.0.0.1:1"],
            &["--profile", "-x"],
            &["--timeout", "0"],
            &["--"],
            &["--help"],
        ];
        let mut lines: Vec<Vec<String>> = Vec::new();
        let mut names: Vec<String> = Cli::command()
            .get_subcommands()
            .flat_map(|c| {
                let mut all = vec![c.get_name().to_string()];
                all.extend(c.get_all_aliases().map(str::to_string));
                all
            })
            .collect();
        names.extend(["help".into(), "nope".into(), "-".into()]);
        for name in &names {
            for h in head {
                for t in tail {
                    let mut line = vec!["gsignin".to_string()];
                    line.extend(h.iter().map(ToString::to_string));
                    line.push(name.clone());
                    line.extend(t.iter().map(ToString::to_string));
                    lines.push(line);
                }
            }
        }
        for line in [
            "whoami eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
            "whoami - --json --jwks certs.json --now 2026-11-25T06:00:00Z",
            "whoami --access-token --json",
            "--json whoami tok --audience a --hd example.com",
            "api -X POST drive/v3/files -f name=x -f parents[]=appDataFolder --jq .id",
            "api drive/v3/about -H Accept:x --paginate -i",
            "token --id-token --min-valid 600",
            "--profile ci token --json",
            "exchange code --require-scope s --show-tokens",
            "exchange -v -- -0abc",
            "login --no-browser --scope openid --scope email",
            "receive --keep --bind 0.0.0.0 --tls",
            "refresh --print access-token",
            "status --check",
            "revoke --local",
            "drive-appfolder --list",
            "emulator --port 0",
            "emulator --profile x --store file --issuer http://127.0.0.1:1",
            "emulator mint --email bob@example.com --scope openid --json",
            "emulator --port 0 mint",
            "emulator fault add {} --url http://127.0.0.1:1",
            "emulator clock --advance -60",
            "emulator grants --action invalid_rapt --email a@b.c",
            "emulator users add users.json",
            "--profile a emulator mint",
            "completions bash",
            "man api",
            "demo",
            "demo extra",
        ] {
            let mut argv = vec!["gsignin".to_string()];
            argv.extend(line.split(' ').map(str::to_string));
            lines.push(argv);
        }
        let mut alone = 0;
        for line in &lines {
            let args: Vec<std::ffi::OsString> = line.iter().map(Into::into).collect();
            let whole = Cli::parse_whole(&args);
            // A line declined here is parsed by the whole tree (which renders help or errors).
            if let Some(fast) = Cli::parse_alone(&args) {
                alone += 1;
                let whole = whole.unwrap_or_else(|e| {
                    panic!("{line:?}: read alone, but the whole tree says {e}")
                });
                assert_eq!(format!("{fast:?}"), format!("{whole:?}"), "{line:?}");
            }
        }
        for flag in ["--version", "-V"] {
            let args: Vec<std::ffi::OsString> = ["gsignin", flag].map(Into::into).to_vec();
            let (fast, whole) = (
                Cli::parse_args(&args).unwrap_err(),
                Cli::try_parse_from(&args).unwrap_err(),
            );
            assert_eq!(fast.kind(), clap::error::ErrorKind::DisplayVersion);
            assert_eq!(fast.render().to_string(), whole.render().to_string());
        }
        assert!(
            alone > 200,
            "only {alone} of {} lines were read alone",
            lines.len()
        );
        // The lines `whoami` and `token` take in scripts are read alone.
        for line in [
            &["gsignin", "whoami", "tok"][..],
            &["gsignin", "--json", "token", "--min-valid", "60"],
            &["gsignin", "api", "drive/v3/about"],
        ] {
            let args: Vec<std::ffi::OsString> = line.iter().map(Into::into).collect();
            assert!(Cli::parse_alone(&args).is_some(), "{line:?}");
        }
    }
}
