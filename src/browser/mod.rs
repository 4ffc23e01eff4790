//! Ring 2: the browser adapters, the only code that touches the browser.
//! Each implements one port (`crate::ports`) over one Web API: HTTP through
//! gloo-net, storage, WebCrypto, location, history, the popup window and the
//! silent sign-in iframe through web-sys, randomness through getrandom, JSON
//! through the engine with serde-wasm-bindgen, URLs through the engine's
//! `URL`. `web.js` keeps the few operations that are callbacks at heart (a
//! lock held across an await, the popup's, the silent frame's and the
//! channel's message listeners, the app's listener registry, the abortable
//! wait), each one plain JavaScript function.
//! [`BrowserAdapters`] bundles them for the client.

pub mod api;
pub mod crypto;
pub mod custom_storage;
pub mod dpop;
pub mod frame;
pub mod http;
pub mod json;
pub mod log;
pub mod popup;
pub mod storage;
pub mod tabs;
pub mod url;

use crate::core::config::StorageKind;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{Abort, Adapters, Clock, Event, Events, Random, Runtime};
use crypto::WebCryptoVerifier;
use custom_storage::{CustomStorage, CustomStore};
use dpop::WebDpopKeys;
use frame::HiddenFrame;
use http::FetchHttp;
use json::EngineJson;
use popup::PageNavigation;
use std::rc::Rc;
use storage::BrowserStorage;
use tabs::BrowserTabs;
use url::EngineUrl;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// What the client runs on in a browser (or any runtime with `fetch`).
pub struct BrowserAdapters {
    pub storage: BrowserStorage,
    pub transactions: BrowserStorage,
    pub http: FetchHttp,
    pub json: EngineJson,
    pub tabs: BrowserTabs,
    pub dpop: WebDpopKeys,
    pub events: EventSink,
    /// The app's `logger` (none until the face sets it).
    pub log: log::JsLog,
}

/// Where the DPoP key pair is kept in IndexedDB: one entry per client when
/// the tabs share the session (`local`), one per tab and client for a per-tab
/// session (`session`: the tab's id lives in its sessionStorage, so a
/// reload finds the key again), none for `memory` or when storage fell back
/// to memory. An app's own store (`custom`) is kept as long as the app
/// decides, often longer than a tab, so its key is one per client as for
/// `local`: a new tab that loads the stored session still holds its key
/// (and a logout in one tab replaces the key for every tab of the client).
fn dpop_key_id(
    kind: StorageKind,
    storage: &BrowserStorage,
    transactions: &BrowserStorage,
    client_id: &str,
) -> Option<String> {
    use crate::core::keys;
    use crate::ports::Storage;
    let namespace = keys::namespace(client_id);
    match kind {
        _ if storage.is_memory() => None,
        StorageKind::Memory => None,
        StorageKind::Local | StorageKind::Custom => Some(keys::key(&namespace, keys::DPOP_KEY)),
        StorageKind::Session => {
            let tab_key = keys::key(&namespace, keys::DPOP_TAB);
            let tab = match transactions.get(&tab_key) {
                Some(tab) => tab,
                None => {
                    let mut random = [0u8; 16];
                    fill_random(&mut random).ok()?;
                    let tab = crate::core::dpop::jti(&random);
                    transactions.set(&tab_key, &tab).ok()?;
                    tab
                }
            };
            Some(keys::key(&namespace, &format!("{}:{tab}", keys::DPOP_KEY)))
        }
    }
}

impl BrowserAdapters {
    /// Opens the storage of `kind` (`custom`: the app's `store`); with
    /// `local` storage the tabs of this origin share the session and
    /// coordinate refreshes. The client's events go to `listener` (the app's
    /// listeners, `src/face/events.rs`). The DPoP key's place is worked out
    /// only for a client with `dpop` on: no other client ever uses the key.
    pub fn open(
        kind: StorageKind,
        store: Option<CustomStore>,
        client_id: &str,
        dpop: bool,
        timeout_ms: u32,
        listener: Rc<dyn Fn(Event<'_>)>,
    ) -> Self {
        let storage = match store {
            Some(store) => {
                BrowserStorage::Custom(CustomStorage::open(store, client_id, timeout_ms))
            }
            None => BrowserStorage::open(kind),
        };
        let shared = kind == StorageKind::Local && !storage.is_memory();
        // Pending logins: sessionStorage whatever `kind` says, a custom store
        // too (they must survive the redirect in this tab); memory only where
        // the browser refuses it. Opened when a login first needs it, unless
        // it is the session's own store.
        let transactions = match (kind, &storage) {
            (StorageKind::Session, BrowserStorage::Web(store)) => {
                BrowserStorage::Web(store.clone())
            }
            (StorageKind::Session, _) => BrowserStorage::open(kind),
            _ => BrowserStorage::on_first_use(StorageKind::Session),
        };
        let id = if dpop {
            dpop_key_id(kind, &storage, &transactions, client_id)
        } else {
            None
        };
        let mut dpop = WebDpopKeys::new(id.clone());
        if let (StorageKind::Session, Some(_)) = (kind, id) {
            let namespace = crate::core::keys::namespace(client_id);
            let prefix = format!("{}:", crate::core::keys::DPOP_KEY);
            dpop = dpop.sweeping(crate::core::keys::key(&namespace, &prefix));
        }
        BrowserAdapters {
            tabs: BrowserTabs::open(shared, client_id),
            transactions,
            storage,
            dpop,
            http: FetchHttp { timeout_ms },
            json: EngineJson,
            events: EventSink(listener),
            log: log::JsLog::default(),
        }
    }
}

impl Adapters for BrowserAdapters {
    type Storage = BrowserStorage;
    type Http = FetchHttp;
    type Abort = SignalAbort;
    type Tabs = BrowserTabs;
    type Json = EngineJson;
    type Urls = EngineUrl;
    type DpopKeys = WebDpopKeys;
    type Clock = DateClock;
    type Random = CryptoRandom;
    type Signatures = WebCryptoVerifier;
    type Navigation = PageNavigation;
    type Events = EventSink;
    type Runtime = JsRuntime;
    type SilentFrame = HiddenFrame;
    type Log = log::JsLog;

    fn storage(&self) -> &BrowserStorage {
        &self.storage
    }

    fn transaction_storage(&self) -> &BrowserStorage {
        &self.transactions
    }

    fn http(&self) -> &FetchHttp {
        &self.http
    }

    fn tabs(&self) -> &BrowserTabs {
        &self.tabs
    }

    fn json(&self) -> &EngineJson {
        &self.json
    }

    fn urls(&self) -> &EngineUrl {
        &EngineUrl
    }

    fn dpop_keys(&self) -> &WebDpopKeys {
        &self.dpop
    }

    fn clock(&self) -> &DateClock {
        &DateClock
    }

    fn random(&self) -> &CryptoRandom {
        &CryptoRandom
    }

    fn signatures(&self) -> &WebCryptoVerifier {
        &WebCryptoVerifier
    }

    fn navigation(&self) -> &PageNavigation {
        &PageNavigation
    }

    fn events(&self) -> &EventSink {
        &self.events
    }

    fn runtime(&self) -> &JsRuntime {
        &JsRuntime
    }

    fn silent_frame(&self) -> &HiddenFrame {
        &HiddenFrame
    }

    fn log(&self) -> &log::JsLog {
        &self.log
    }
}

/// The wall clock: `Date.now()`.
pub struct DateClock;

impl Clock for DateClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

/// The secure random source: `crypto.getRandomValues`.
pub struct CryptoRandom;

impl Random for CryptoRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), AuthError> {
        fill_random(buf)
    }
}

/// The app's listeners, as the face hands them over.
pub struct EventSink(pub Rc<dyn Fn(Event<'_>)>);

impl Events for EventSink {
    fn emit(&self, event: Event<'_>) {
        (self.0)(event)
    }
}

/// The JavaScript runtime this runs in (a page, a worker, Node, Deno, Bun).
pub struct JsRuntime;

impl Runtime for JsRuntime {
    fn is_browser(&self) -> bool {
        is_browser()
    }
}

/// A plain JavaScript object of `members`, in their order; a member whose
/// value is `undefined` (an absent `Option`) is left out.
pub fn plain_object(members: &[(&str, JsValue)]) -> js_sys::Object {
    let object = js_sys::Object::new();
    for (name, value) in members {
        if !value.is_undefined() {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), value);
        }
    }
    object
}

/// A JavaScript `Promise` of `task`, which runs in the background. Boxed, so
/// one copy of the promise machinery serves every promise the SDK makes.
pub fn promise_of(
    task: std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, JsValue>>>>,
) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(task)
}

/// Runs `task` in the background, as a [`promise_of`] whose result nobody
/// reads: one task machinery for the methods' promises and the SDK's own
/// background work (the clock, a late store's load and writes).
pub fn spawn(task: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>) {
    let _ = promise_of(Box::pin(async move {
        task.await;
        Ok(JsValue::UNDEFINED)
    }));
}

/// `crypto.getRandomValues`, through getrandom.
pub fn fill_random(buf: &mut [u8]) -> Result<(), AuthError> {
    getrandom::fill(buf).map_err(|_| {
        AuthError::new(
            ErrorCode::InvalidOptions,
            "no secure random source (crypto.getRandomValues) in this runtime",
        )
    })
}

/// The page's window, when this is a page (a `window` with a `document`).
fn page_window() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    window.document().is_some().then_some(window)
}

/// True in a browser: a page (a `window` with a `document`) or a web worker
/// (`importScripts`, and not Deno, which has it too), where anything the code
/// holds can leak to the user. Node, Deno and Bun are not browsers.
pub fn is_browser() -> bool {
    if in_page() {
        return true;
    }
    let global = js_sys::global();
    let has = |name: &str| {
        js_sys::Reflect::get(&global, &JsValue::from_str(name)).is_ok_and(|v| !v.is_undefined())
    };
    has("importScripts") && !has("Deno")
}

/// True in a page (where there is a `window` with a `document`).
pub fn in_page() -> bool {
    page_window().is_some()
}

/// `location.href`, when there is a page.
pub fn current_url() -> Option<String> {
    page_window()?.location().href().ok()
}

/// Sends the page to `url`.
pub fn navigate(url: &str) -> Result<(), AuthError> {
    match page_window().map(|w| w.location().assign(url)) {
        Some(Ok(())) => Ok(()),
        _ => Err(AuthError::new(
            ErrorCode::InvalidOptions,
            "navigation needs a browser page",
        )),
    }
}

/// Rewrites the address bar without a navigation (`history.replaceState`).
pub fn replace_url(url: &str) {
    if let Some(history) = page_window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Writes a warning to the console. Never passed a token.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(message));
}

/// The longest delay `setTimeout` takes (2^31 - 1 ms, about 24.8 days).
pub const MAX_TIMER_MS: u32 = 2_147_483_647;

/// Cancellation from an optional `AbortSignal`.
pub struct SignalAbort(pub Option<web_sys::AbortSignal>);

impl Abort for SignalAbort {
    fn aborted(&self) -> bool {
        self.0.as_ref().is_some_and(|s| s.aborted())
    }

    async fn sleep(&self, ms: u64) {
        // A longer delay makes every browser's setTimeout fire at once.
        let ms = ms.min(MAX_TIMER_MS.into()) as u32;
        let _ = JsFuture::from(abortable_sleep(ms, self.0.as_ref())).await;
    }
}

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// Resolves after `ms`, or at once when `signal` aborts; removes its listener.
    #[wasm_bindgen(js_name = sleep)]
    fn abortable_sleep(ms: u32, signal: Option<&web_sys::AbortSignal>) -> js_sys::Promise;
}

/// The wasm32 heap: lol_alloc's free list instead of std's dlmalloc, about
/// 2.3 KB gzip less. The SDK makes few, small, short-lived allocations, so a
/// first-fit list is plenty; `tests/browser.rs` checks that freed memory is
/// reused. The spin lock costs next to nothing single-threaded and keeps the
/// crate free of `unsafe`.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
