//! The small traits the flows are written against: storage, HTTP, time and
//! randomness. `browser` implements them with web-sys; tests use fakes.
// The traits are only used through generics, never as `dyn`, and wasm
// futures are single-threaded, so `async fn` in a trait is what we want.
#![allow(async_fn_in_trait)]

use crate::core::error::AuthError;
use std::cell::RefCell;

/// A key-value store (memory, sessionStorage or localStorage).
pub trait Storage {
    /// The value under `key`; `None` when absent or unreadable.
    fn get(&self, key: &str) -> Option<String>;
    /// Stores a value; `storage_unavailable` when the store refuses (quota).
    fn set(&self, key: &str, value: &str) -> Result<(), AuthError>;
    /// Removes a value; never fails.
    fn remove(&self, key: &str);
    /// Every key that starts with `prefix`.
    fn keys_with_prefix(&self, prefix: &str) -> Vec<String>;
}

/// A store that lives as long as the page: `storage: "memory"`, and the
/// fallback when the browser's storage cannot be used.
#[derive(Default)]
pub struct MemoryStorage {
    entries: RefCell<Vec<(String, String)>>,
}

impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.entries
            .borrow()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        let mut entries = self.entries.borrow_mut();
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.to_string(),
            None => entries.push((key.to_string(), value.to_string())),
        }
        Ok(())
    }

    fn remove(&self, key: &str) {
        self.entries.borrow_mut().retain(|(k, _)| k != key);
    }

    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.entries
            .borrow()
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// An HTTP request the SDK makes. Bodies are always form-encoded.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HttpRequest {
    pub url: String,
    /// `Some` makes it a POST of `application/x-www-form-urlencoded`.
    pub form: Option<String>,
    /// An access token sent as `Authorization: Bearer`.
    pub bearer: Option<String>,
}

/// What came back.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    /// The `Date` header, as milliseconds since the epoch, for clock-skew tracking.
    pub date_ms: Option<u64>,
}

/// Sends HTTP requests. A failure to get any response is `network_error`
/// (or `timeout`); an HTTP error status is a response, not a failure.
pub trait Http {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, AuthError>;
}

/// Wall-clock time.
pub trait Clock {
    fn now_ms(&self) -> u64;
}

/// Cryptographically secure random bytes.
pub trait Entropy {
    fn fill(&self, buf: &mut [u8]) -> Result<(), AuthError>;
}
