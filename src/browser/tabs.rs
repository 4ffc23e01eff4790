//! Cross-tab coordination for a session shared through `localStorage`:
//! the Web Locks API serializes refreshes, and a BroadcastChannel hands the
//! new token set to the other tabs before the lock is released (Chromium
//! copies localStorage writes to other tabs late, so storage alone would let
//! a waiting tab reuse a rotated refresh token).

use crate::core::text::cat;
use crate::core::tokens::TokenSet;
use crate::ports::{Event, Published, Tabs};
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long the lock is kept after the new tokens were broadcast, so the
/// message reaches the other tabs before one of them gets the lock.
const HANDOVER_MS: u32 = 50;

/// How long a hand-over outranks this tab's view of localStorage: long
/// enough for Chromium to deliver the other tab's write, short enough that
/// storage is the truth again afterwards.
const HANDOVER_WINDOW_MS: f64 = 5_000.0;

const TOKENS: &str = "tokens:";
const LOGOUT: &str = "logout";

struct Channel {
    channel: web_sys::BroadcastChannel,
    /// What was last published, and when (ms since the epoch).
    latest: Rc<RefCell<(Published, f64)>>,
    lock_name: String,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

/// The tabs that share this session; inert with per-tab storage.
pub struct BrowserTabs {
    channel: Option<Channel>,
}

impl BrowserTabs {
    /// Joins the session's channel when the session is shared (`shared`).
    pub fn open(shared: bool, client_id: &str, listener: Rc<dyn Fn(Event<'_>)>) -> Self {
        if !shared {
            return BrowserTabs { channel: None };
        }
        let name = cat(&["wasm-oauth:v1:", client_id]);
        let Ok(channel) = web_sys::BroadcastChannel::new(&name) else {
            return BrowserTabs { channel: None };
        };
        let latest = Rc::new(RefCell::new((Published::Nothing, 0.0)));
        let seen = latest.clone();
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |m: web_sys::MessageEvent| {
                let Some(text) = m.data().as_string() else {
                    return;
                };
                if let Some(stored) = text.strip_prefix(TOKENS) {
                    if let Some(tokens) = TokenSet::from_json(stored) {
                        *seen.borrow_mut() =
                            (Published::Tokens(stored.to_string()), js_sys::Date::now());
                        listener(Event::Tokens(&tokens));
                    }
                } else if text == LOGOUT {
                    *seen.borrow_mut() = (Published::LoggedOut, js_sys::Date::now());
                    listener(Event::Logout);
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        BrowserTabs {
            channel: Some(Channel {
                channel,
                latest,
                lock_name: cat(&[&name, ":refresh"]),
                _on_message: on_message,
            }),
        }
    }
}

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// Resolves to the function that releases the lock `delay_ms` after it
    /// is called, once the lock is granted; to `null` without Web Locks.
    #[wasm_bindgen(js_name = lock)]
    fn request_lock(name: &str, delay_ms: u32) -> Promise;
}

/// Releases the Web Lock when dropped (after the hand-over delay).
pub struct LockGuard(Option<Function>);

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}

impl Tabs for BrowserTabs {
    type Guard = LockGuard;

    async fn lock(&self) -> LockGuard {
        let Some(c) = &self.channel else {
            return LockGuard(None);
        };
        let release = JsFuture::from(request_lock(&c.lock_name, HANDOVER_MS))
            .await
            .ok()
            .filter(JsValue::is_function)
            .map(JsCast::unchecked_into);
        LockGuard(release)
    }

    fn publish_tokens(&self, stored: &str) {
        if let Some(c) = &self.channel {
            *c.latest.borrow_mut() = (Published::Tokens(stored.to_string()), js_sys::Date::now());
            let _ = c
                .channel
                .post_message(&JsValue::from_str(&cat(&[TOKENS, stored])));
        }
    }

    fn publish_logout(&self) {
        if let Some(c) = &self.channel {
            *c.latest.borrow_mut() = (Published::LoggedOut, js_sys::Date::now());
            let _ = c.channel.post_message(&JsValue::from_str(LOGOUT));
        }
    }

    fn latest_published(&self) -> Published {
        let Some(c) = &self.channel else {
            return Published::Nothing;
        };
        let (published, at) = &*c.latest.borrow();
        if js_sys::Date::now() - at > HANDOVER_WINDOW_MS {
            return Published::Nothing;
        }
        published.clone()
    }
}
