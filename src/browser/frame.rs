//! The [`SilentFrame`] port: silent sign-in's hidden iframe. The
//! authorization request loads in it, and the app's silent callback page (our
//! origin) hands the callback URL back by `postMessage`, as a login popup
//! does. The frame, its message listener and its timer are in `web.js` (one
//! call per step).

use super::page_window;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::SilentFrame;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// Resolves to `{ url }` (what the frame handed back) or `{ timedOut: true }`.
    #[wasm_bindgen(js_name = frameLoad)]
    fn frame_load(url: &str, timeout_ms: u32) -> js_sys::Promise;
    /// The parent page when this page is in a silent sign-in frame of ours, else `null`.
    #[wasm_bindgen(js_name = frameParent)]
    fn frame_parent() -> Option<js_sys::Object>;
    /// Hands the callback URL to the parent (our origin only).
    #[wasm_bindgen(js_name = frameHandBack)]
    fn frame_hand_back(parent: &js_sys::Object, url: &str);
}

/// The hidden iframe of this page, and this page in one.
pub struct HiddenFrame;

impl SilentFrame for HiddenFrame {
    fn page_origin(&self) -> Option<String> {
        page_window()?.location().origin().ok()
    }

    async fn load(&self, url: &str, timeout_ms: u32) -> Result<String, AuthError> {
        let outcome = JsFuture::from(frame_load(url, timeout_ms))
            .await
            .unwrap_or(JsValue::NULL);
        js_sys::Reflect::get(&outcome, &JsValue::from_str("url"))
            .ok()
            .and_then(|u| u.as_string())
            .ok_or_else(|| {
                AuthError::new(
                    ErrorCode::Timeout,
                    "silent sign-in got no answer in time: is silentRedirectUri registered at the provider, and does its page call handleRedirectCallback()?",
                )
            })
    }

    fn is_own_frame(&self) -> bool {
        frame_parent().is_some()
    }

    fn hand_back(&self, url: &str) {
        if let Some(parent) = frame_parent() {
            frame_hand_back(&parent, url);
        }
    }
}
