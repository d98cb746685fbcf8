//! `Ctx`: everything a command may touch, injected.
//!
//! Commands never read the environment, the real clock or the process's streams directly; they
//! get them here, so tests (and `demo`) can run commands with captured output, a fixed clock and
//! a throw-away home.

use crate::cli::GlobalArgs;
use crate::config::dirs::Dirs;
use crate::error::Result;
use crate::http::Http;
pub use crate::io::Io;
use crate::secret::Secret;
use crate::store::StoreKind;
use std::path::PathBuf;
use std::time::Duration;

/// The global options, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: String,
    pub store: StoreKind,
    /// What chose the store, as the user wrote it (`--store file` or `GSIGNIN_STORE=file`):
    /// warnings about it name what the user can change.
    pub store_chosen_by: String,
    pub issuer: String,
    /// Whether --issuer / GSIGNIN_ISSUER named it: a stored profile's issuer must then agree.
    pub issuer_given: bool,
    pub drive_url: String,
    /// The base of `gsignin api` paths without a host.
    pub api_url: String,
    pub json: bool,
    pub verbose: bool,
    pub timeout: Duration,
    pub client_secret: Option<PathBuf>,
    /// GSIGNIN_CLIENT_SECRET_JSON: the client secret's JSON itself, when no path is given.
    pub client_secret_json: Option<Secret>,
    pub home: Option<PathBuf>,
    /// GSIGNIN_REFRESH_TOKEN: a sign-in without any store (CI).
    pub refresh_token: Option<Secret>,
    /// The secrets' variables that are set but empty (a CI secret the job did not get): an
    /// error where the secret would be used, naming the variable.
    pub empty_secrets: Vec<&'static str>,
    /// GSIGNIN_EMULATOR_CONTROL_TOKEN: `emulator`'s control token, read from the environment
    /// only (argv is readable by every local user).
    pub emulator_control_token: Option<Secret>,
    /// GSIGNIN_INSECURE_HTTP=1: plain http to hosts other than loopback (warned).
    pub insecure_http: bool,
    /// BROWSER: what `login` opens its URL with.
    pub browser: Option<String>,
    /// The client-only options the command line itself gave (`emulator` refuses them).
    pub client_options_on_line: Vec<&'static str>,
}

pub use crate::envvars::EnvLookup;

impl Settings {
    /// The options as given, with the variables that only the environment carries (secrets,
    /// which argv would show to other users; the browser; the insecure-http opt-in), in one
    /// place. A variable that is set but not UTF-8 is an error naming it, never read as unset.
    pub fn resolve(g: &GlobalArgs, env: EnvLookup<'_>) -> Result<Settings> {
        let var = |name: &str| crate::envvars::get(env, name);
        let secret = |name: &str| -> Result<Option<Secret>> {
            Ok(var(name)?
                .filter(|v| !v.trim().is_empty())
                .map(|v| Secret::new(v.trim())))
        };
        Ok(Settings {
            profile: g.profile.clone(),
            store: g.store.into(),
            store_chosen_by: {
                let word = g.store.word();
                // A flag wins over the variable; the variable chose only when it says the same.
                match var(crate::envvars::STORE)? {
                    Some(v) if v == word => format!("{}={word}", crate::envvars::STORE),
                    _ => format!("--store {word}"),
                }
            },
            issuer: g
                .issuer
                .as_deref()
                .unwrap_or(crate::google::endpoints::GOOGLE_ISSUER)
                .trim_end_matches('/')
                .to_string(),
            issuer_given: g.issuer.is_some(),
            drive_url: g.drive_url.trim_end_matches('/').to_string(),
            api_url: g.api_url.trim_end_matches('/').to_string(),
            json: g.json,
            verbose: g.verbose,
            timeout: Duration::from_secs(g.timeout.max(1)),
            client_secret: g.client_secret.clone(),
            client_secret_json: secret(crate::envvars::CLIENT_SECRET_JSON)?,
            home: g.home.clone(),
            refresh_token: secret(crate::envvars::REFRESH_TOKEN)?,
            empty_secrets: [
                crate::envvars::REFRESH_TOKEN,
                crate::envvars::CLIENT_SECRET_JSON,
            ]
            .into_iter()
            .filter(|name| {
                var(name)
                    .ok()
                    .flatten()
                    .is_some_and(|v| v.trim().is_empty())
            })
            .collect(),
            // Set but empty is kept as such: `emulator` refuses it (a fork's pull request gets
            // its secrets empty, and a random token then would 401 every control call).
            emulator_control_token: var(crate::envvars::EMULATOR_CONTROL_TOKEN)?.map(Secret::new),
            insecure_http: var(crate::envvars::INSECURE_HTTP)?.is_some_and(|v| v == "1"),
            browser: var(crate::envvars::BROWSER)?,
            client_options_on_line: g.client_options_on_line.clone(),
        })
    }
}

/// Every effect a run may have injected in its place (tests, `demo`'s steps): how it waits
/// between tries, draws jitter, tells the time, how long it waits for locks and the keyring,
/// its HTTP timeout, where secrets are kept. The default is the real thing.
#[derive(Default)]
pub struct Hooks {
    pub sleeper: Option<crate::http::Sleeper>,
    pub random: Option<crate::http::Random>,
    pub clock: Option<Clock>,
    pub deadlines: Option<Deadlines>,
    /// Replaces `--timeout` for every HTTP request.
    pub http_timeout: Option<Duration>,
    /// Secrets in memory instead of the keyring or files.
    pub memory_store: Option<crate::store::memory::MemoryStore>,
}

pub use gsignin_verify::time::Clock;

/// How long gsignin waits for things that may never answer. Tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    /// Waiting for another gsignin holding a profile; None: long enough for its refresh with
    /// every retry (see [`Ctx::lock_wait`]).
    pub lock: Option<Duration>,
    /// One call to the OS keyring.
    pub keyring: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            lock: None,
            keyring: crate::store::keyring::DEADLINE,
        }
    }
}

pub struct Ctx {
    settings: Settings,
    deadlines: Deadlines,
    /// Secrets held in memory instead of the keyring or files (tests).
    memory_store: Option<crate::store::memory::MemoryStore>,
    dirs: Dirs,
    io: Io,
    clock: Clock,
    diag: std::rc::Rc<crate::diagnostics::Diagnostics>,
    http: Http,
}

impl Ctx {
    /// Everything a command may touch, built once: the settings, the streams, and the effects
    /// `hooks` injects (the real ones by default). gsignin's folders are checked private here.
    pub fn new(settings: Settings, io: Io, hooks: Hooks) -> Result<Ctx> {
        let dirs = Dirs::resolve(settings.home.as_deref())?;
        dirs.check_trusted()?;
        let timeout = hooks.http_timeout.unwrap_or(settings.timeout);
        let diag = std::rc::Rc::new(crate::diagnostics::Diagnostics::new(
            io.stderr.clone(),
            settings.verbose,
            io.colors.stderr,
        ));
        let mut http = Http::new(timeout, diag.clone())
            .allow_insecure_http(settings.insecure_http)
            .with_spinner(io.stderr_is_terminal && !settings.verbose);
        if let Some(sleeper) = hooks.sleeper {
            http = http.with_sleeper(sleeper);
        }
        if let Some(random) = hooks.random {
            http = http.with_random(random);
        }
        Ok(Ctx {
            settings,
            deadlines: hooks.deadlines.unwrap_or_default(),
            memory_store: hooks.memory_store,
            dirs,
            io,
            clock: hooks.clock.unwrap_or(Clock::System),
            diag,
            http,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn io(&self) -> &Io {
        &self.io
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    pub fn dirs(&self) -> &Dirs {
        &self.dirs
    }

    /// What the run tells a person on stderr, and the secrets it scrubs from that.
    pub fn diagnostics(&self) -> &crate::diagnostics::Diagnostics {
        &self.diag
    }

    /// How long to wait for another gsignin holding a profile: long enough for its refresh
    /// with every retry to end.
    pub fn lock_wait(&self) -> Duration {
        self.deadlines.lock.unwrap_or_else(|| {
            self.settings
                .timeout
                .saturating_mul(4)
                .saturating_add(Duration::from_secs(10))
        })
    }

    /// The store `--store` names: every command opens its store here.
    pub fn store(&self) -> crate::store::Store {
        self.open_store(self.settings.store)
    }

    fn open_store(&self, kind: crate::store::StoreKind) -> crate::store::Store {
        match &self.memory_store {
            Some(memory) => crate::store::Store::with_secrets(Box::new(memory.clone()), &self.dirs),
            None => crate::store::Store::open(kind, &self.dirs, self.deadlines.keyring),
        }
    }

    /// The store a saved profile's secrets live in, whatever `--store` says now.
    pub fn store_for(&self, profile: &crate::store::Profile) -> crate::store::Store {
        self.open_store(profile.store)
    }

    /// The issuer's endpoints, with a warning for each one its discovery document puts on
    /// another origin (the code or the keys would come from there).
    pub fn endpoints(&self, issuer: &str) -> Result<crate::google::endpoints::Endpoints> {
        let endpoints = crate::google::endpoints::Endpoints::resolve(
            &self.http,
            &self.cache(),
            issuer,
            self.clock.now(),
        )?;
        for place in &endpoints.elsewhere {
            self.warn(&format!(
                "the issuer {issuer} puts {place}, another origin than its own"
            ));
        }
        Ok(endpoints)
    }

    /// The client secret: `--client-secret`'s file, else GSIGNIN_CLIENT_SECRET_JSON, else the
    /// default file.
    pub fn client_secret(&self) -> Result<crate::config::client_secret::ClientSecret> {
        let json = crate::envvars::CLIENT_SECRET_JSON;
        if self.settings.client_secret.is_none() && self.settings.empty_secrets.contains(&json) {
            return Err(crate::error::Error::secret_empty(json));
        }
        let client = crate::config::client_secret::ClientSecret::resolve(
            self.settings.client_secret.as_deref(),
            self.settings.client_secret_json.as_ref(),
            &self.dirs.default_client_secret(),
        )?;
        // Known from the moment it is read: no text shown from here on can carry it.
        self.diag.seen().add(client.client_secret.expose());
        Ok(client)
    }

    /// The client secret file a profile was signed in with (held to the default file's trust
    /// rule: nobody named it in this run).
    pub fn client_secret_file(
        &self,
        path: &std::path::Path,
        profile: &str,
    ) -> Result<crate::config::client_secret::ClientSecret> {
        let client = crate::config::client_secret::ClientSecret::load_remembered(path, profile)?;
        self.diag.seen().add(client.client_secret.expose());
        Ok(client)
    }

    /// Whether the user named a client secret (--client-secret, GSIGNIN_CLIENT_SECRET or
    /// GSIGNIN_CLIENT_SECRET_JSON): a stored profile's client must then agree.
    pub fn client_secret_given(&self) -> bool {
        self.settings.client_secret.is_some() || self.settings.client_secret_json.is_some()
    }

    /// Whether any client secret is given (the default file counts only when it exists).
    pub fn has_client_secret(&self) -> bool {
        self.settings.client_secret.is_some()
            || self.settings.client_secret_json.is_some()
            || self.dirs.default_client_secret().exists()
    }

    /// The on-disk cache of discovery documents and keys.
    pub fn cache(&self) -> crate::cache::Cache {
        crate::cache::Cache::new(&self.dirs.cache)
    }

    /// A progress line on stderr (see [`Diagnostics::say`](crate::diagnostics::Diagnostics::say)).
    pub fn say(&self, line: &str) {
        self.diag.say(line);
    }

    /// A warning on stderr, scrubbed.
    pub fn warn(&self, message: &str) {
        self.diag.warn(message);
    }

    /// The error scrubbed of every secret this run has seen.
    pub fn scrub(&self, e: crate::error::Error) -> crate::error::Error {
        self.diag.scrub(e)
    }
}
