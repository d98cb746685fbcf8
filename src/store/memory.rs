//! Secrets held in memory, for in-process tests: the same contract as the keyring and file
//! stores, plus switches that make a save or a probe fail, so the rescue paths can be proven
//! in-process.

use super::{SecretStore, Tokens};
use crate::error::{Code, Error, Result};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// Shared by every `Store` a context opens (clones see the same secrets).
#[derive(Clone, Default)]
pub struct MemoryStore {
    items: Rc<RefCell<HashMap<String, zeroize::Zeroizing<String>>>>,
    /// When set, every save fails (a keyring that died, a full disk).
    pub fail_saves: Rc<Cell<bool>>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// The profiles holding secrets, sorted.
    pub fn profiles(&self) -> Vec<String> {
        let mut names: Vec<String> = self.items.borrow().keys().cloned().collect();
        names.sort();
        names
    }
}

impl SecretStore for MemoryStore {
    fn describe(&self, profile: &str) -> String {
        format!("memory (profile {profile})")
    }

    fn probe(&self, _profile: &str) -> Result<()> {
        Ok(())
    }

    fn load(&self, profile: &str) -> Result<Option<Tokens>> {
        match self.items.borrow().get(profile) {
            None => Ok(None),
            Some(text) => Tokens::from_json(text).map(Some).map_err(|e| {
                Error::new(
                    Code::StoreCorrupt,
                    format!("memory item {profile}: {e}"),
                    "",
                )
            }),
        }
    }

    fn save(&self, profile: &str, tokens: &Tokens) -> Result<()> {
        if self.fail_saves.get() {
            return Err(Error::new(
                Code::StoreUnwritable,
                "the store refused the save (as asked)",
                "",
            ));
        }
        self.items
            .borrow_mut()
            .insert(profile.to_string(), tokens.to_json());
        Ok(())
    }

    fn delete(&self, profile: &str) -> Result<()> {
        self.items.borrow_mut().remove(profile);
        Ok(())
    }
}
