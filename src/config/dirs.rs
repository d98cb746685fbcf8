//! Where gsignin keeps its files: `GSIGNIN_HOME` when set (one folder for everything, for tests,
//! CI and portable use), else the platform's config, cache and data dirs.

use crate::error::{Code, Error, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Dirs {
    /// GSIGNIN_HOME, when set.
    pub home: Option<PathBuf>,
    pub config: PathBuf,
    pub cache: PathBuf,
    pub data: PathBuf,
}

impl Dirs {
    pub fn resolve(home: Option<&Path>) -> Result<Dirs> {
        if let Some(home) = home {
            return Ok(Dirs {
                home: Some(home.to_path_buf()),
                config: home.join("config"),
                cache: home.join("cache"),
                data: home.join("data"),
            });
        }
        let project = directories::ProjectDirs::from("", "", "gsignin").ok_or_else(|| {
            Error::new(
                Code::NoHome,
                "cannot find a home folder for gsignin's files",
                "set GSIGNIN_HOME to a folder gsignin may use",
            )
        })?;
        Ok(Dirs {
            home: None,
            config: project.config_dir().to_path_buf(),
            cache: project.cache_dir().to_path_buf(),
            data: project.data_dir().to_path_buf(),
        })
    }

    /// Refuses the folders if another user could write them (and so plant keys, a discovery
    /// document or a client secret): see [`crate::fsutil::untrusted`].
    pub fn check_trusted(&self) -> Result<()> {
        for dir in self.home.iter().chain([
            &self.config,
            &self.cache,
            &self.data,
            &self.cache.join("http"),
            &self.data.join("profiles"),
            &self.data.join("secrets"),
            &self.data.join("locks"),
        ]) {
            crate::fsutil::check_trusted(dir)?;
        }
        Ok(())
    }

    /// Non-secret profile metadata lives here, one JSON file per profile.
    pub fn profiles(&self) -> PathBuf {
        self.data.join("profiles")
    }

    pub fn default_client_secret(&self) -> PathBuf {
        self.config.join("client_secret.json")
    }
}
