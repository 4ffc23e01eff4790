//! The [`Navigation`] port: the page's address (`location`, `history`, in
//! `mod.rs`) and the login popup, whose callback page hands the response
//! back by `postMessage` to our exact origin. The window handling is in
//! `web.js` (one call per step).

use super::{current_url, in_page, navigate, replace_url};
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{Navigation, PopupWindow};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// The popup window, or `null` when the browser blocked it.
    #[wasm_bindgen(js_name = popupOpen)]
    fn popup_open(url: &str) -> JsValue;
    /// The opener when this page is a login popup of ours, else `null`.
    #[wasm_bindgen(js_name = popupOpener)]
    fn popup_opener() -> Option<js_sys::Object>;
    /// Hands the callback URL to the opener (our origin only) and closes.
    #[wasm_bindgen(js_name = popupHandBack)]
    fn popup_hand_back(opener: &js_sys::Object, url: &str);
    /// Resolves to `{ url }`, `{ closed: true }` or `{ timedOut: true }`.
    #[wasm_bindgen(js_name = popupWait)]
    fn popup_wait(popup: &JsValue, url: &str, timeout_ms: u32) -> js_sys::Promise;
}

/// A login popup this page opened.
pub struct Popup(JsValue);

/// The page's `location` and `history`, and its login popups.
pub struct PageNavigation;

impl Navigation for PageNavigation {
    type Popup = Popup;

    fn current_url(&self) -> Option<String> {
        current_url()
    }

    fn navigate(&self, url: &str) -> Result<(), AuthError> {
        navigate(url)
    }

    fn replace_url(&self, url: &str) {
        replace_url(url)
    }

    fn open_popup(&self) -> Result<Popup, AuthError> {
        open()
    }

    fn is_own_popup(&self) -> bool {
        popup_opener().is_some()
    }

    fn hand_back(&self, url: &str) {
        if let Some(opener) = popup_opener() {
            popup_hand_back(&opener, url);
        }
    }
}

/// Opens an empty popup (inside the click that asked for it, or the browser
/// blocks it); `popup_blocked` when the browser refuses.
fn open() -> Result<Popup, AuthError> {
    if !in_page() {
        return Err(AuthError::new(
            ErrorCode::InvalidOptions,
            "a popup login needs a browser page",
        ));
    }
    let popup = popup_open("about:blank");
    if popup.is_null() {
        return Err(AuthError::new(
            ErrorCode::PopupBlocked,
            "the browser blocked the login popup",
        ));
    }
    Ok(Popup(popup))
}

impl PopupWindow for Popup {
    fn close(&self) {
        let _ = self.0.unchecked_ref::<web_sys::Window>().close();
    }

    async fn wait_for_callback(&self, url: &str, timeout_ms: u32) -> Result<String, AuthError> {
        let outcome = JsFuture::from(popup_wait(&self.0, url, timeout_ms))
            .await
            .unwrap_or(JsValue::NULL);
        let member = |name: &str| js_sys::Reflect::get(&outcome, &JsValue::from_str(name)).ok();
        if let Some(url) = member("url").and_then(|u| u.as_string()) {
            return Ok(url);
        }
        Err(if member("timedOut").is_some_and(|t| t.is_truthy()) {
            AuthError::new(
                ErrorCode::Timeout,
                "the login popup was not completed in time",
            )
        } else {
            AuthError::new(
                ErrorCode::PopupClosed,
                "the login popup was closed before the login finished",
            )
        })
    }
}
