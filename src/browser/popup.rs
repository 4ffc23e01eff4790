//! Popup login: the authorization round trip in a popup window, whose
//! callback page hands the response back by `postMessage` to our exact origin.

use super::{clear_timeout, set_timeout, window};
use crate::core::error::{AuthError, ErrorCode};
use crate::core::text::cat;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// `window.name` of the popups the SDK opens: the callback page recognises
/// them by it (and by having an opener of the same origin).
pub const POPUP_NAME: &str = "wasm-oauth-popup";
/// Prefix of the message that carries the callback URL.
const MESSAGE_PREFIX: &str = "wasm-oauth:callback:";

/// Opens the popup at `url`; `popup_blocked` when the browser refuses.
pub fn open(url: &str) -> Result<web_sys::Window, AuthError> {
    let blocked = || {
        AuthError::new(
            ErrorCode::PopupBlocked,
            "the browser blocked the login popup",
        )
    };
    let w = window().ok_or_else(|| {
        AuthError::new(
            ErrorCode::InvalidOptions,
            "a popup login needs a browser page",
        )
    })?;
    w.open_with_url_and_target_and_features(url, POPUP_NAME, "popup,width=520,height=680")
        .ok()
        .flatten()
        .ok_or_else(blocked)
}

/// Set on the opener's `window` while it waits for a popup login. The popup
/// reads it (possible only when the opener is of our origin): unlike
/// `window.name`, it survives the popup's cross-site trip to the provider.
const WAITING_FLAG: &str = "__wasmOauthPopupWaiting";

fn set_waiting(w: &web_sys::Window, waiting: bool) {
    let _ = js_sys::Reflect::set(
        w,
        &JsValue::from_str(WAITING_FLAG),
        &JsValue::from_bool(waiting),
    );
}

/// The opener, when this page is a login popup the SDK opened from a page of
/// our origin that is waiting for it.
pub fn is_own_popup() -> Option<web_sys::Window> {
    let w = window()?;
    let opener = w.opener().ok()?;
    if opener.is_null() || opener.is_undefined() {
        return None;
    }
    // A cross-origin opener throws on property access: not ours.
    let waiting = js_sys::Reflect::get(&opener, &JsValue::from_str(WAITING_FLAG)).ok()?;
    (waiting.as_bool() == Some(true)).then(|| opener.unchecked_into())
}

/// In the popup: hands the callback URL to the opener (our origin only) and closes.
pub fn hand_back(opener: &web_sys::Window, url: &str) {
    let Some(w) = window() else { return };
    let Ok(origin) = w.location().origin() else {
        return;
    };
    let _ = opener.post_message(&JsValue::from_str(&cat(&[MESSAGE_PREFIX, url])), &origin);
    let _ = w.close();
}

/// In the opener: waits for the popup's callback URL.
pub async fn wait_for_callback(
    popup: &web_sys::Window,
    timeout_ms: u32,
) -> Result<String, AuthError> {
    let w = window().ok_or_else(|| AuthError::new(ErrorCode::PopupBlocked, "no window"))?;
    let origin = w.location().origin().unwrap_or_default();
    let mut settle = None;
    let outcome = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else {
        return Err(AuthError::new(
            ErrorCode::PopupClosed,
            "the popup could not be watched",
        ));
    };
    let source = popup.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            // Only our origin, only our popup.
            let from_popup = e.source().is_some_and(|s| js_sys::Object::is(&s, &source));
            if e.origin() != origin || !from_popup {
                return;
            }
            if let Some(url) = e
                .data()
                .as_string()
                .and_then(|d| d.strip_prefix(MESSAGE_PREFIX).map(str::to_string))
            {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(&url));
            }
        });
    let watched = popup.clone();
    let closed_reject = reject.clone();
    let check_closed = Closure::<dyn FnMut()>::new(move || {
        if watched.closed().unwrap_or(true) {
            let _ = closed_reject.call1(&JsValue::NULL, &JsValue::from_str("closed"));
        }
    });
    let on_timeout = Closure::once_into_js(move || {
        let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("timeout"));
    });
    set_waiting(&w, true);
    let _ = w.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    let interval = w
        .set_interval_with_callback_and_timeout_and_arguments_0(
            check_closed.as_ref().unchecked_ref(),
            300,
        )
        .unwrap_or(0);
    let timer = set_timeout(on_timeout.unchecked_ref(), timeout_ms);
    let result = JsFuture::from(outcome).await;
    set_waiting(&w, false);
    let _ = w.remove_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    w.clear_interval_with_handle(interval);
    clear_timeout(&timer);
    match result {
        Ok(url) => Ok(url.as_string().unwrap_or_default()),
        Err(reason) if reason.as_string().as_deref() == Some("timeout") => {
            let _ = popup.close();
            Err(AuthError::new(
                ErrorCode::Timeout,
                "the login popup was not completed in time",
            ))
        }
        Err(_) => Err(AuthError::new(
            ErrorCode::PopupClosed,
            "the login popup was closed before the login finished",
        )),
    }
}
