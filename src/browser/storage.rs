//! Storage adapters: memory ([`MemoryStorage`], which native tests use
//! too), `sessionStorage`, `localStorage` (web-sys), and the app's own store
//! (`custom_storage.rs`).
//!
//! Some browsers throw a `SecurityError` on merely touching `localStorage`
//! (private modes, blocked third-party storage): the adapter then falls back
//! to memory with one console warning, and login still works in that page.

use super::custom_storage::CustomStorage;
use super::warn;
use crate::core::config::StorageKind;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::Storage;
use std::cell::{OnceCell, RefCell};

/// A key written and removed to see whether the store takes writes at all
/// (Safari's old private mode has a store that refuses every write).
const PROBE: &str = "wasm-oauth:probe";

/// A store that lives as long as the page: `storage: "memory"`, and the
/// fallback when the browser's storage cannot be used.
#[derive(Default)]
pub struct MemoryStorage {
    entries: RefCell<Vec<(String, String)>>,
}

impl MemoryStorage {
    fn position(&self, key: &str) -> Option<usize> {
        self.entries.borrow().iter().position(|(k, _)| k == key)
    }
}

impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Option<String> {
        let i = self.position(key)?;
        Some(self.entries.borrow()[i].1.clone())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        let i = self.position(key);
        let mut entries = self.entries.borrow_mut();
        match i {
            Some(i) => entries[i].1 = value.to_string(),
            None => entries.push((key.to_string(), value.to_string())),
        }
        Ok(())
    }

    fn remove(&self, key: &str) {
        if let Some(i) = self.position(key) {
            self.entries.borrow_mut().swap_remove(i);
        }
    }

    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for (k, _) in self.entries.borrow().iter() {
            if k.starts_with(prefix) {
                keys.push(k.clone());
            }
        }
        keys
    }

    /// Always ready: it starts empty.
    fn is_ready(&self) -> bool {
        true
    }

    async fn ready(&self) -> bool {
        true
    }

    /// It never refuses a write.
    fn deliver_refusals_to(&self, _: Box<dyn Fn(AuthError)>) {}
}

/// The store a client uses.
pub enum BrowserStorage {
    Memory(MemoryStorage),
    /// A `localStorage` or `sessionStorage`.
    Web(web_sys::Storage),
    /// The app's own store (`storage: { get, set, remove, keys }`).
    Custom(CustomStorage),
    /// The store of a kind, opened on its first use ([`BrowserStorage::on_first_use`]).
    Later(StorageKind, OnceCell<Box<BrowserStorage>>),
}

/// The Web Storage of `kind` in this page, when it takes a write.
fn web_storage(kind: StorageKind) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    let store = match kind {
        StorageKind::Memory | StorageKind::Custom => return None,
        StorageKind::Local => window.local_storage(),
        StorageKind::Session => window.session_storage(),
    };
    let store = store.ok().flatten()?;
    store.set_item(PROBE, "1").ok()?;
    store.remove_item(PROBE).ok()?;
    Some(store)
}

impl BrowserStorage {
    /// Opens the store of `kind`, falling back to memory when it is unusable.
    /// (A custom store is wrapped by `CustomStorage::open`, never opened by kind.)
    pub fn open(kind: StorageKind) -> BrowserStorage {
        // Off the page (a server render, a worker) storage is not even looked at.
        if matches!(kind, StorageKind::Memory | StorageKind::Custom) || !super::in_page() {
            return BrowserStorage::Memory(MemoryStorage::default());
        }
        match web_storage(kind) {
            Some(store) => BrowserStorage::Web(store),
            None => {
                warn("wasm-oauth: browser storage is unavailable; keeping the session in memory for this page only");
                BrowserStorage::Memory(MemoryStorage::default())
            }
        }
    }

    /// The store of `kind`, opened as [`BrowserStorage::open`] does but on
    /// its first use rather than now. A page's first touch of its Web
    /// Storage is a synchronous load (with the probe's write, about a third
    /// of `new AuthClient()` in the bench's ready time), and the pending
    /// logins' sessionStorage of a client whose session lives elsewhere is
    /// not needed until a login starts or comes back. A store the browser
    /// refuses falls back to memory then, with the same warning.
    pub fn on_first_use(kind: StorageKind) -> BrowserStorage {
        BrowserStorage::Later(kind, OnceCell::new())
    }

    /// The store itself: a deferred one is opened now if it was not yet
    /// (what `open` returns is never deferred).
    fn opened(&self) -> &BrowserStorage {
        match self {
            BrowserStorage::Later(kind, store) => {
                store.get_or_init(|| Box::new(BrowserStorage::open(*kind)))
            }
            store => store,
        }
    }

    /// True when entries live in the page's memory only.
    pub fn is_memory(&self) -> bool {
        match self {
            BrowserStorage::Later(..) => self.opened().is_memory(),
            store => matches!(store, BrowserStorage::Memory(_)),
        }
    }
}

impl Storage for BrowserStorage {
    fn get(&self, key: &str) -> Option<String> {
        match self {
            BrowserStorage::Memory(m) => m.get(key),
            BrowserStorage::Web(s) => s.get_item(key).ok().flatten(),
            BrowserStorage::Custom(c) => c.get(key),
            BrowserStorage::Later(..) => self.opened().get(key),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        match self {
            BrowserStorage::Memory(m) => m.set(key, value),
            BrowserStorage::Custom(c) => c.set(key, value),
            BrowserStorage::Web(s) => s.set_item(key, value).map_err(|_| {
                AuthError::new(
                    ErrorCode::StorageUnavailable,
                    "the browser refused to store the session (quota exceeded or storage blocked)",
                )
            }),
            BrowserStorage::Later(..) => self.opened().set(key, value),
        }
    }

    fn remove(&self, key: &str) {
        match self {
            BrowserStorage::Memory(m) => m.remove(key),
            BrowserStorage::Custom(c) => c.remove(key),
            BrowserStorage::Web(s) => {
                let _ = s.remove_item(key);
            }
            BrowserStorage::Later(..) => self.opened().remove(key),
        }
    }

    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        match self {
            BrowserStorage::Memory(m) => m.keys_with_prefix(prefix),
            BrowserStorage::Custom(c) => c.keys_with_prefix(prefix),
            BrowserStorage::Web(s) => {
                let mut keys = Vec::new();
                for i in 0..s.length().unwrap_or(0) {
                    match s.key(i) {
                        Ok(Some(k)) if k.starts_with(prefix) => keys.push(k),
                        _ => {}
                    }
                }
                keys
            }
            BrowserStorage::Later(..) => self.opened().keys_with_prefix(prefix),
        }
    }

    fn is_ready(&self) -> bool {
        match self {
            BrowserStorage::Custom(c) => c.is_ready(),
            _ => true,
        }
    }

    async fn ready(&self) -> bool {
        match self {
            BrowserStorage::Custom(c) => c.ready().await,
            _ => true,
        }
    }

    fn deliver_refusals_to(&self, receiver: Box<dyn Fn(AuthError)>) {
        if let BrowserStorage::Custom(c) = self {
            c.deliver_refusals_to(receiver)
        }
    }
}
