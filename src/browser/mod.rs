//! Ring 2: the browser adapters, the only code that touches web-sys. Each
//! implements one of the [`ports`](crate::ports) traits over one Web API.

pub mod http;
pub mod storage;

use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{Clock, Entropy};

/// `Date.now()`.
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

/// `crypto.getRandomValues` through getrandom.
pub struct BrowserEntropy;

impl Entropy for BrowserEntropy {
    fn fill(&self, buf: &mut [u8]) -> Result<(), AuthError> {
        getrandom::fill(buf).map_err(|_| {
            AuthError::new(
                ErrorCode::InvalidOptions,
                "no secure random source (crypto.getRandomValues) in this runtime",
            )
        })
    }
}

/// The page's `window`, when there is one (not in Node or a worker).
pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// `location.href`, when there is a page.
pub fn current_url() -> Option<String> {
    window()?.location().href().ok()
}

/// Sends the page to `url`.
pub fn navigate(url: &str) -> Result<(), AuthError> {
    window()
        .and_then(|w| w.location().assign(url).ok())
        .ok_or_else(|| AuthError::new(ErrorCode::InvalidOptions, "navigation needs a browser page"))
}

/// Rewrites the address bar without a navigation (`history.replaceState`).
pub fn replace_url(url: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// Writes a warning to the console. Never passed a token.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&wasm_bindgen::JsValue::from_str(message));
}
