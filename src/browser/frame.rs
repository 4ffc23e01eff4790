//! Silent sign-in's hidden iframe: the authorization request loads in it,
//! and the app's silent callback page (our origin) hands the callback URL
//! back by `postMessage`, as a login popup does. The frame, its message
//! listener and its timer are in `web.js` (one call per step).

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
    #[wasm_bindgen(js_name = frameHandBack)]
    fn frame_hand_back(parent: &JsValue, url: &str);
}

/// The hidden iframe of this page.
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
}

/// The parent page, when this page is the silent callback page in a frame
/// the SDK opened from a page of our origin that is waiting for it.
pub fn is_own_frame() -> Option<JsValue> {
    frame_parent().map(JsValue::from)
}

/// In the frame: hands the callback URL to the parent (our origin only).
pub fn hand_back(parent: &JsValue, url: &str) {
    frame_hand_back(parent, url);
}
