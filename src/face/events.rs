//! `auth.on(event, listener)`: the app's listeners, fed by the client (and,
//! through the BroadcastChannel, by the other tabs of a shared session).

use super::error_to_js;
use super::write::tokens_object;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::Event;
use js_sys::Function;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

const KINDS: [&str; 3] = ["tokens", "logout", "error"];

/// The registered listeners.
#[derive(Default)]
pub struct Listeners {
    next_id: Cell<u32>,
    entries: RefCell<Vec<(u32, &'static str, Function)>>,
}

impl Listeners {
    /// Registers `listener` for `event`; returns the unsubscribe function.
    pub fn add(self: &Rc<Self>, event: &str, listener: Function) -> Result<JsValue, AuthError> {
        let Some(kind) = KINDS.iter().copied().find(|k| *k == event) else {
            return Err(AuthError::new(
                ErrorCode::InvalidOptions,
                "the event must be \"tokens\", \"logout\" or \"error\"",
            ));
        };
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.entries.borrow_mut().push((id, kind, listener));
        let me = Rc::downgrade(self);
        let off = Closure::<dyn FnMut()>::new(move || {
            if let Some(l) = me.upgrade() {
                l.entries.borrow_mut().retain(|(i, _, _)| *i != id);
            }
        });
        Ok(off.into_js_value())
    }

    fn dispatch(&self, kind: &str, payload: &JsValue) {
        // Copy first: a listener may subscribe or unsubscribe while we call.
        let targets: Vec<Function> = self
            .entries
            .borrow()
            .iter()
            .filter(|(_, k, _)| *k == kind)
            .map(|(_, _, f)| f.clone())
            .collect();
        for f in targets {
            // A throwing listener must not break the SDK or the other listeners.
            let _ = f.call1(&JsValue::UNDEFINED, payload);
        }
    }

    /// The sink the adapters emit into.
    pub fn sink(self: Rc<Self>) -> Rc<dyn Fn(Event<'_>)> {
        Rc::new(move |event: Event<'_>| match event {
            Event::Tokens(t) => self.dispatch("tokens", &tokens_object(t)),
            Event::Logout => self.dispatch("logout", &JsValue::UNDEFINED),
            Event::Error(e) => self.dispatch("error", &error_to_js(e.clone())),
        })
    }
}
