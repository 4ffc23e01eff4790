//! The browser's clock for the expiry events: `web.js`'s `watchClock` calls
//! back on a short timer and when the page wakes up, and each call is one
//! `Client::on_clock`, which reads the wall clock and decides. Only in a page:
//! a server runtime gets no timer (it would keep the process alive).

use super::BrowserClient;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

/// How often the clock is read while nothing wakes the page, in ms.
const EVERY_MS: u32 = 5_000;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// Calls `tick(visible)`, `visible` a boolean, until the answered function is called.
    #[wasm_bindgen(js_name = watchClock)]
    fn watch_clock(tick: &Tick, every_ms: u32) -> js_sys::Function;
}

/// The tick, taking a `JsValue` rather than a `bool`: the closure type the futures'
/// callbacks and the tabs' delivery use too, so no conversion code of its own in the glue.
type Tick = Closure<dyn FnMut(JsValue)>;

/// The running clock of one client; stops when dropped (`free()`).
pub struct Clock {
    _tick: Tick,
    stop: js_sys::Function,
}

impl Clock {
    /// Starts the clock for `client`, in a page only.
    pub fn start(client: &Rc<BrowserClient>) -> Option<Clock> {
        if !crate::browser::in_page() {
            return None;
        }
        let client: Weak<BrowserClient> = Rc::downgrade(client);
        let tick: Tick = Closure::new(move |visible: JsValue| {
            let visible = visible.is_truthy();
            if let Some(client) = client.upgrade() {
                crate::browser::spawn(Box::pin(async move { client.on_clock(visible).await }));
            }
        });
        let stop = watch_clock(&tick, EVERY_MS);
        Some(Clock { _tick: tick, stop })
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        let _ = self.stop.call0(&JsValue::NULL);
    }
}
