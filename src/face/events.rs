//! `auth.on(event, listener)`: the app's listeners, fed by the client (which
//! also tells them what the other tabs of a shared session publish).
//! The registry itself is a few lines of JavaScript in `web.js`: each
//! subscription hands back an unsubscribe function, which is a plain closure
//! there and would be a long-lived Rust closure handed to JavaScript here.

use super::error_to_js;
use super::write::tokens_object;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::Event;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    #[wasm_bindgen(js_name = listeners)]
    fn new_registry() -> JsValue;
    /// The function that unsubscribes, or `null` for an unknown event.
    fn listen(registry: &JsValue, event: &str, listener: &js_sys::Function) -> JsValue;
    fn emit(registry: &JsValue, event: &str, payload: &JsValue);
    fn opened(registry: &JsValue);
}

/// The registered listeners.
pub struct Listeners(JsValue);

impl Default for Listeners {
    fn default() -> Self {
        Listeners(new_registry())
    }
}

impl Listeners {
    /// The constructor returned. The `error` events raised before (the
    /// app's store refusing to remove a corrupt entry as it loaded), when
    /// no listener could exist yet, are kept for the first `error` listener.
    pub fn opened(&self) {
        opened(&self.0);
    }

    /// Registers `listener` for `event`; returns the unsubscribe function.
    pub fn add(&self, event: &str, listener: &js_sys::Function) -> Result<JsValue, AuthError> {
        let off = listen(&self.0, event, listener);
        if off.is_null() {
            return Err(AuthError::new(
                ErrorCode::InvalidOptions,
                "the event must be \"tokens\", \"logout\", \"error\", \"tokenExpiring\" or \"tokenExpired\"",
            ));
        }
        Ok(off)
    }

    /// The sink the adapters emit into.
    pub fn sink(self: Rc<Self>) -> Rc<dyn Fn(Event<'_>)> {
        Rc::new(move |event: Event<'_>| match event {
            Event::Tokens(t) => emit(&self.0, "tokens", &tokens_object(t)),
            Event::Logout => emit(&self.0, "logout", &JsValue::UNDEFINED),
            Event::Error(e) => emit(&self.0, "error", &error_to_js(e.clone())),
            Event::TokenExpiring(at) => {
                emit(&self.0, "tokenExpiring", &JsValue::from_f64(at as f64))
            }
            Event::TokenExpired => emit(&self.0, "tokenExpired", &JsValue::UNDEFINED),
        })
    }
}
