//! Storage adapters: memory, `sessionStorage`, `localStorage`.
//!
//! Some browsers throw a `SecurityError` on merely touching `localStorage`
//! (private modes, blocked third-party storage): the adapter then falls back
//! to memory with one console warning, and login still works in that page.

use super::{warn, window};
use crate::core::config::StorageKind;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{MemoryStorage, Storage};

/// The store a client uses.
pub enum BrowserStorage {
    Memory(MemoryStorage),
    Web(web_sys::Storage),
}

const PROBE_KEY: &str = "wasm-oauth:probe";

impl BrowserStorage {
    /// Opens the store of `kind`, falling back to memory when it is unusable.
    pub fn open(kind: StorageKind) -> BrowserStorage {
        if kind == StorageKind::Memory {
            return BrowserStorage::Memory(MemoryStorage::default());
        }
        let web = window().and_then(|w| {
            let s = match kind {
                StorageKind::Local => w.local_storage(),
                _ => w.session_storage(),
            };
            s.ok().flatten()
        });
        // A store that cannot take a tiny write (Safari's old private mode) is unusable.
        let usable = web.filter(|s| {
            let ok = s.set_item(PROBE_KEY, "1").is_ok();
            let _ = s.remove_item(PROBE_KEY);
            ok
        });
        match usable {
            Some(s) => BrowserStorage::Web(s),
            None => {
                if window().is_some() {
                    warn("wasm-oauth: browser storage is unavailable; keeping the session in memory for this page only");
                }
                BrowserStorage::Memory(MemoryStorage::default())
            }
        }
    }

    /// True when entries live in the page's memory only.
    pub fn is_memory(&self) -> bool {
        matches!(self, BrowserStorage::Memory(_))
    }
}

impl Storage for BrowserStorage {
    fn get(&self, key: &str) -> Option<String> {
        match self {
            BrowserStorage::Memory(m) => m.get(key),
            BrowserStorage::Web(s) => s.get_item(key).ok().flatten(),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        match self {
            BrowserStorage::Memory(m) => m.set(key, value),
            BrowserStorage::Web(s) => s.set_item(key, value).map_err(|_| {
                AuthError::new(
                    ErrorCode::StorageUnavailable,
                    "the browser refused to store the session (quota exceeded or storage blocked)",
                )
            }),
        }
    }

    fn remove(&self, key: &str) {
        match self {
            BrowserStorage::Memory(m) => m.remove(key),
            BrowserStorage::Web(s) => {
                let _ = s.remove_item(key);
            }
        }
    }

    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        match self {
            BrowserStorage::Memory(m) => m.keys_with_prefix(prefix),
            BrowserStorage::Web(s) => {
                let len = s.length().unwrap_or(0);
                (0..len)
                    .filter_map(|i| s.key(i).ok().flatten())
                    .filter(|k| k.starts_with(prefix))
                    .collect()
            }
        }
    }
}
