//! Cross-tab coordination for a session shared through `localStorage`:
//! the Web Locks API serializes refreshes, and a BroadcastChannel hands the
//! new token set to the other tabs before the lock is released (Chromium
//! copies localStorage writes to other tabs late, so storage alone would let
//! a waiting tab reuse a rotated refresh token). The channel itself is in
//! `web.js`, since its message handler is a long-lived callback; what it
//! receives goes to the client (`Tabs::deliver_to`), which tells the app.

use crate::core::keys::namespace;
use crate::ports::{Published, Tabs};
use js_sys::{Function, Promise};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long the lock is kept after the new tokens were broadcast, so the
/// message reaches the other tabs before one of them gets the lock.
const HANDOVER_MS: u32 = 50;

/// How long a hand-over outranks this tab's view of localStorage: long
/// enough for Chromium to deliver the other tab's write, short enough that
/// storage is the truth again afterwards.
const HANDOVER_WINDOW_MS: u32 = 5_000;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// The session's channel, or `null` where there is no BroadcastChannel.
    #[wasm_bindgen(js_name = channelOpen)]
    fn channel_open(name: &str) -> JsValue;
    /// From now on, what another tab publishes is handed to `deliver`: the
    /// stored token set, or `null` for a logout.
    #[wasm_bindgen(js_name = channelDeliver)]
    fn channel_deliver(channel: &JsValue, deliver: &Deliver);
    /// Leaves the channel: nothing is delivered any more.
    #[wasm_bindgen(js_name = channelClose)]
    fn channel_close(channel: &JsValue);
    /// Publishes a token set (`stored`) or, with `None`, the end of the session.
    #[wasm_bindgen(js_name = channelPost)]
    fn channel_post(channel: &JsValue, stored: Option<&str>);
    /// What was published in the last `window_ms`: `{ stored }` (the stored
    /// token set, or `null` for a logout), or `null` for nothing.
    #[wasm_bindgen(js_name = channelLatest)]
    fn channel_latest(channel: &JsValue, window_ms: u32) -> JsValue;
    /// Resolves to the function that releases the lock `delay_ms` after it
    /// is called, once the lock is granted; to `null` without Web Locks.
    #[wasm_bindgen(js_name = lock)]
    fn request_lock(name: &str, delay_ms: u32) -> Promise;
}

/// The function the channel hands the other tabs' news to.
type Deliver = Closure<dyn FnMut(JsValue)>;

struct Channel {
    channel: JsValue,
    lock_name: String,
    /// The client's receiver, as the function the channel calls.
    deliver: RefCell<Option<Deliver>>,
}

impl Drop for Channel {
    fn drop(&mut self) {
        channel_close(&self.channel);
    }
}

/// The tabs that share this session; inert with per-tab storage.
pub struct BrowserTabs {
    channel: Option<Channel>,
}

impl BrowserTabs {
    /// Joins the session's channel when the session is shared (`shared`).
    /// The channel and the lock are named by the client's namespace
    /// (`core::keys`), as its storage keys are.
    pub fn open(shared: bool, client_id: &str) -> Self {
        if !shared {
            return BrowserTabs { channel: None };
        }
        let name = namespace(client_id);
        let channel = channel_open(&name);
        BrowserTabs {
            channel: (!channel.is_null()).then(|| Channel {
                channel,
                lock_name: format!("{name}:refresh"),
                deliver: RefCell::new(None),
            }),
        }
    }
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
            channel_post(&c.channel, Some(stored));
        }
    }

    fn publish_logout(&self) {
        if let Some(c) = &self.channel {
            channel_post(&c.channel, None);
        }
    }

    fn latest_published(&self) -> Published {
        let Some(c) = &self.channel else {
            return Published::Nothing;
        };
        let latest = channel_latest(&c.channel, HANDOVER_WINDOW_MS);
        if latest.is_null() {
            return Published::Nothing;
        }
        match js_sys::Reflect::get(&latest, &JsValue::from_str("stored")).map(|s| s.as_string()) {
            Ok(Some(stored)) => Published::Tokens(stored),
            _ => Published::LoggedOut,
        }
    }

    fn deliver_to(&self, receiver: Box<dyn Fn(Published)>) {
        let Some(c) = &self.channel else {
            return;
        };
        let deliver = Closure::new(move |stored: JsValue| {
            receiver(match stored.as_string() {
                Some(stored) => Published::Tokens(stored),
                None => Published::LoggedOut,
            })
        });
        channel_deliver(&c.channel, &deliver);
        *c.deliver.borrow_mut() = Some(deliver);
    }
}
