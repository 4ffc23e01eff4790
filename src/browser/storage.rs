//! Storage adapters: memory, `sessionStorage`, `localStorage`.
//!
//! Some browsers throw a `SecurityError` on merely touching `localStorage`
//! (private modes, blocked third-party storage): the adapter then falls back
//! to memory with one console warning, and login still works in that page.

use super::{in_page, warn};
use crate::core::config::StorageKind;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{MemoryStorage, Storage};
use wasm_bindgen::prelude::*;

// The Web Storage calls, in web.js: none of them throws.
#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// The `Storage` object named `name` when it takes a write, else `null`.
    #[wasm_bindgen(js_name = openStore)]
    fn open_store(name: &str) -> JsValue;
    /// 0: get, 1: set, 2: remove, 3: keys starting with `key` (see web.js).
    fn store(store: &JsValue, op: u8, key: &str, value: Option<&str>) -> JsValue;
}

/// The store a client uses.
pub enum BrowserStorage {
    Memory(MemoryStorage),
    /// A `localStorage` or `sessionStorage` object.
    Web(JsValue),
}

impl BrowserStorage {
    /// Opens the store of `kind`, falling back to memory when it is unusable.
    pub fn open(kind: StorageKind) -> BrowserStorage {
        let name = match kind {
            StorageKind::Memory => return BrowserStorage::Memory(MemoryStorage::default()),
            StorageKind::Local => "localStorage",
            StorageKind::Session => "sessionStorage",
        };
        // Off the page (a server render, a worker) storage is not even looked at.
        if !in_page() {
            return BrowserStorage::Memory(MemoryStorage::default());
        }
        let store = open_store(name);
        if store.is_null() {
            warn("wasm-oauth: browser storage is unavailable; keeping the session in memory for this page only");
            return BrowserStorage::Memory(MemoryStorage::default());
        }
        BrowserStorage::Web(store)
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
            BrowserStorage::Web(s) => store(s, 0, key, None).as_string(),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        match self {
            BrowserStorage::Memory(m) => m.set(key, value),
            BrowserStorage::Web(s) if store(s, 1, key, Some(value)).is_truthy() => Ok(()),
            BrowserStorage::Web(_) => Err(AuthError::new(
                ErrorCode::StorageUnavailable,
                "the browser refused to store the session (quota exceeded or storage blocked)",
            )),
        }
    }

    fn remove(&self, key: &str) {
        match self {
            BrowserStorage::Memory(m) => m.remove(key),
            BrowserStorage::Web(s) => {
                store(s, 2, key, None);
            }
        }
    }

    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        match self {
            BrowserStorage::Memory(m) => m.keys_with_prefix(prefix),
            BrowserStorage::Web(s) => {
                let keys = js_sys::Array::from(&store(s, 3, prefix, None));
                let mut out = Vec::new();
                for i in 0..keys.length() {
                    out.extend(keys.get(i).as_string());
                }
                out
            }
        }
    }
}
