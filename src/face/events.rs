//! `auth.on(event, listener)`: the app's listeners, fed by the client (which
//! also tells them what the other tabs of a shared session publish).
//! The registry itself is a few lines of JavaScript in `web.js`: each
//! subscription hands back an unsubscribe function, which is a plain closure
//! there and would be a long-lived Rust closure handed to JavaScript here.

use super::error_to_js;
use super::write::tokens_object;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::Event;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    #[wasm_bindgen(js_name = listeners)]
    fn new_registry() -> JsValue;
    /// The function that unsubscribes, or `null` for an unknown event.
    fn listen(registry: &JsValue, event: &str, listener: &js_sys::Function) -> JsValue;
    fn emit(registry: &JsValue, event: &str, payload: &JsValue);
}

/// The registered listeners.
pub struct Listeners {
    registry: JsValue,
    /// True until the constructor returns: no listener can exist yet.
    opening: Cell<bool>,
    /// The `error` events raised meanwhile (the app's store refusing to
    /// remove a corrupt entry while it loaded), kept for the first `error`
    /// listener.
    early: RefCell<Vec<JsValue>>,
}

impl Default for Listeners {
    fn default() -> Self {
        Listeners {
            registry: new_registry(),
            opening: Cell::new(true),
            early: RefCell::new(Vec::new()),
        }
    }
}

impl Listeners {
    /// The constructor is done: events go to the listeners from now on.
    pub fn opened(&self) {
        self.opening.set(false);
    }

    /// Registers `listener` for `event`; returns the unsubscribe function.
    /// The first `error` listener hears the errors raised while the
    /// constructor ran, a microtask after `on()` returns (so do the other
    /// `error` listeners the app adds in the same run of its code).
    pub fn add(&self, event: &str, listener: &js_sys::Function) -> Result<JsValue, AuthError> {
        let off = listen(&self.registry, event, listener);
        if off.is_null() {
            return Err(AuthError::new(
                ErrorCode::InvalidOptions,
                "the event must be \"tokens\", \"logout\", \"error\", \"tokenExpiring\" or \"tokenExpired\"",
            ));
        }
        let early = match event {
            "error" => std::mem::take(&mut *self.early.borrow_mut()),
            _ => Vec::new(),
        };
        if !early.is_empty() {
            let registry = self.registry.clone();
            wasm_bindgen_futures::spawn_local(async move {
                for e in early {
                    emit(&registry, "error", &e);
                }
            });
        }
        Ok(off)
    }

    /// The sink the adapters emit into.
    pub fn sink(self: Rc<Self>) -> Rc<dyn Fn(Event<'_>)> {
        Rc::new(move |event: Event<'_>| match event {
            Event::Tokens(t) => emit(&self.registry, "tokens", &tokens_object(t)),
            Event::Logout => emit(&self.registry, "logout", &JsValue::UNDEFINED),
            Event::Error(e) if self.opening.get() => {
                self.early.borrow_mut().push(error_to_js(e.clone()))
            }
            Event::Error(e) => emit(&self.registry, "error", &error_to_js(e.clone())),
            Event::TokenExpiring(at) => emit(
                &self.registry,
                "tokenExpiring",
                &JsValue::from_f64(at as f64),
            ),
            Event::TokenExpired => emit(&self.registry, "tokenExpired", &JsValue::UNDEFINED),
        })
    }
}
