//! The app's own store: `storage: { get, set, remove, keys }`, each method
//! synchronous or promise-returning (an IndexedDB wrapper, an encrypted
//! store, a native bridge in a WebView).
//!
//! The flows read storage synchronously (`getTokens()` and
//! `isAuthenticated()` answer at once), so this adapter keeps a mirror of the
//! client's own entries in memory: loaded once at start (`keys()`, then
//! `get()` for each key in the client's namespace), read from then on, and
//! written through. A store that answers with plain values is loaded before
//! the constructor returns; one that answers with promises loads in the
//! background, and the flows wait for it ([`Storage::ready`]), at most the
//! request timeout (`httpTimeoutSeconds`): a store whose promises never
//! settle must not hold every flow, which then go on as without a stored
//! session (what loads later still arrives, announced). Writes reach
//! the store in the order they were made: while one is pending, the next
//! ones queue behind it.
//!
//! Every answer is outside input, and the rules of the built-in stores hold:
//! a read that throws or rejects finds nothing; a write that throws is
//! `storage_unavailable` to the caller (the client then keeps the token set
//! in memory, as for a full localStorage), one that rejects later is a
//! `storage_unavailable` refusal handed to the client
//! ([`Storage::deliver_refusals_to`]: it tells the app and logs it) while
//! the mirror keeps the value for this page; a value that is not a string, or is longer than
//! [`MAX_VALUE_LEN`], is a corrupt entry and removed; `keys()` is read for
//! at most [`MAX_KEYS_SCANNED`] entries, and at most [`MAX_OWN_KEYS`] of the
//! client's own keys (at most [`MAX_KEY_LEN`] long) are kept.
//!
//! Only this page's writes reach the mirror after the start: the store is
//! not watched, so tabs sharing it do not see each other's changes before a
//! reload (the client treats a custom store as per tab: no lock, nothing
//! handed over between tabs).

use super::storage::MemoryStorage;
use super::warn;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::keys;
use crate::ports::Storage;
use js_sys::{Array, Function, JsString, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Waker};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How many entries of `keys()`'s answer are looked at.
pub const MAX_KEYS_SCANNED: u32 = 10_000;
/// How many of the client's own keys are loaded.
pub const MAX_OWN_KEYS: usize = 64;
/// The longest key looked at, in UTF-16 code units.
pub const MAX_KEY_LEN: u32 = 1024;
/// The longest value kept, in UTF-16 code units (the client reads no
/// stored record longer than this either).
pub const MAX_VALUE_LEN: u32 = 256 * 1024;

/// The four methods of the app's store, checked to be functions.
pub struct CustomStore {
    object: JsValue,
    get: Function,
    set: Function,
    remove: Function,
    keys: Function,
}

impl CustomStore {
    /// Reads the `storage` option when it is not a name: an object whose
    /// `get`, `set`, `remove` and `keys` (own or inherited, as a class's
    /// methods are) are functions. Anything else is `invalid_options`
    /// naming `storage`.
    pub fn from_option(value: &JsValue) -> Result<CustomStore, AuthError> {
        const SHAPE: &str =
            "must be \"memory\", \"session\", \"local\" or a store object with get, set, remove and keys methods";
        if !value.is_object() || Array::is_array(value) {
            return Err(AuthError::option("storage", SHAPE));
        }
        let method = |name: &str| {
            Reflect::get(value, &JsValue::from_str(name))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
                .ok_or_else(|| {
                    AuthError::option(
                        "storage",
                        &format!("{SHAPE} (its {name} is not a function)"),
                    )
                })
        };
        Ok(CustomStore {
            get: method("get")?,
            set: method("set")?,
            remove: method("remove")?,
            keys: method("keys")?,
            object: value.clone(),
        })
    }

    /// Calls one of the store's methods on it with string arguments; `Err`
    /// when it threw.
    fn call(&self, method: &Function, args: &[&str]) -> Result<Answer, JsValue> {
        let result = match args {
            [] => method.call0(&self.object),
            [a] => method.call1(&self.object, &JsValue::from_str(a)),
            [a, b, ..] => method.call2(&self.object, &JsValue::from_str(a), &JsValue::from_str(b)),
        }?;
        Answer::of(result)
    }
}

/// What a method gave back: a value now, or a promise (any thenable) of one.
enum Answer {
    Now(JsValue),
    Later(JsFuture),
}

impl Answer {
    fn of(value: JsValue) -> Result<Answer, JsValue> {
        if value.is_object() || value.is_function() {
            let then = Reflect::get(&value, &JsValue::from_str("then"))?;
            if then.is_function() {
                return Ok(Answer::Later(JsFuture::from(Promise::resolve(&value))));
            }
        }
        Ok(Answer::Now(value))
    }

    /// The value, once there; `Err` when the promise rejected.
    async fn settle(self) -> Result<JsValue, JsValue> {
        match self {
            Answer::Now(v) => Ok(v),
            Answer::Later(f) => f.await,
        }
    }
}

/// A write on its way to the store.
enum Write {
    Set(String, String),
    Remove(String),
}

/// The client's receiver of refused writes.
type Receiver = Box<dyn Fn(AuthError)>;

struct Inner {
    store: CustomStore,
    /// The client's namespace and `:`: the only keys loaded.
    prefix: String,
    mirror: MemoryStorage,
    /// Keys this page wrote or removed while loading: what the store held
    /// before must not overwrite them.
    touched: RefCell<Vec<String>>,
    loaded: Cell<bool>,
    /// Resolves once loaded (a store that answered with a promise).
    loading: RefCell<Option<Promise>>,
    /// Writes waiting for the one in flight, in order (a few at most: the
    /// flows write a token set and its DPoP binding at a time).
    pending: RefCell<Vec<Write>>,
    writing: Cell<bool>,
    /// Where a refused write is reported (`storage_unavailable`): the
    /// client, once it asked ([`Storage::deliver_refusals_to`]).
    receiver: RefCell<Option<Receiver>>,
    /// Refusals from before the client asked (removing a corrupt entry
    /// while loading): a few at most, one per key loaded.
    held: RefCell<Vec<AuthError>>,
    /// How long a flow waits for the load (the request timeout).
    wait_ms: u32,
}

/// The app's store behind the [`Storage`] port.
pub struct CustomStorage(Rc<Inner>);

impl CustomStorage {
    /// Wraps `store` for the client `client_id` and loads its entries: at
    /// once when the store answers synchronously, else in the background,
    /// with flows waiting for it at most `wait_ms`.
    pub fn open(store: CustomStore, client_id: &str, wait_ms: u32) -> Self {
        let inner = Rc::new(Inner {
            store,
            prefix: keys::key(&keys::namespace(client_id), ""),
            mirror: MemoryStorage::default(),
            touched: RefCell::new(Vec::new()),
            loaded: Cell::new(false),
            loading: RefCell::new(None),
            pending: RefCell::new(Vec::new()),
            writing: Cell::new(false),
            receiver: RefCell::new(None),
            held: RefCell::new(Vec::new()),
            wait_ms,
        });
        // One way to load for both kinds of store: polled once here, the
        // load finishes when every answer was a plain value; otherwise the
        // same future goes on in the background.
        let mut load = Box::pin(load(inner.clone()));
        if load
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_ready()
        {
            inner.loaded.set(true);
        } else {
            let done = inner.clone();
            let loading = super::promise_of(Box::pin(async move {
                load.await;
                done.loaded.set(true);
                Ok(JsValue::UNDEFINED)
            }));
            *inner.loading.borrow_mut() = Some(loading);
        }
        CustomStorage(inner)
    }
}

/// Loads the client's entries into the mirror.
async fn load(inner: Rc<Inner>) {
    let listed = match inner.store.call(&inner.store.keys, &[]) {
        Ok(answer) => answer.settle().await,
        Err(e) => Err(e),
    };
    let Some(own) = listed.ok().and_then(|l| own_keys(&l, &inner.prefix)) else {
        warn("wasm-oauth: the app's storage did not list its keys (keys() must give an array of strings); starting without a stored session");
        return;
    };
    for key in own {
        let value = match inner.store.call(&inner.store.get, &[&key]) {
            Ok(answer) => answer.settle().await,
            Err(e) => Err(e),
        };
        // Unreadable (thrown, rejected) or absent: nothing to load.
        let Ok(value) = value else { continue };
        if value.is_undefined() || value.is_null() || inner.touched(&key) {
            continue;
        }
        match value.dyn_ref::<JsString>() {
            Some(text) if text.length() <= MAX_VALUE_LEN => {
                if let Some(text) = text.as_string() {
                    let _ = inner.mirror.set(&key, &text);
                }
            }
            // Not a string, or too long to be ours: a corrupt entry.
            _ => {
                if inner.write(Write::Remove(key.clone())).is_err() {
                    inner.report(&Write::Remove(key));
                }
            }
        }
    }
}

/// The keys of `listed` (an array) under `prefix`, bounded; `None` when it
/// is no array. Read with `Reflect`, so a hostile array (a proxy, a getter)
/// cannot throw through.
fn own_keys(listed: &JsValue, prefix: &str) -> Option<Vec<String>> {
    if !Array::is_array(listed) {
        return None;
    }
    let length = Reflect::get(listed, &JsValue::from_str("length"))
        .ok()?
        .as_f64()?;
    let scanned = length.clamp(0.0, f64::from(MAX_KEYS_SCANNED)) as u32;
    let mut own: Vec<String> = Vec::new();
    for i in 0..scanned {
        let Ok(item) = Reflect::get_u32(listed, i) else {
            continue;
        };
        let Some(text) = item.dyn_ref::<JsString>() else {
            continue;
        };
        if text.length() > MAX_KEY_LEN {
            continue;
        }
        let Some(key) = text.as_string() else {
            continue;
        };
        if key.starts_with(prefix) && !own.contains(&key) {
            own.push(key);
            if own.len() == MAX_OWN_KEYS {
                break;
            }
        }
    }
    Some(own)
}

impl Inner {
    fn touched(&self, key: &str) -> bool {
        self.touched.borrow().iter().any(|k| k == key)
    }

    /// Notes a key this page writes while the store is still loading.
    fn touch(&self, key: &str) {
        if !self.loaded.get() && !self.touched(key) {
            self.touched.borrow_mut().push(key.to_string());
        }
    }

    /// Sends `write` now, or queues it behind the one in flight. `Err` only
    /// when the store threw at once (nothing is pending then).
    fn write(self: &Rc<Self>, write: Write) -> Result<(), JsValue> {
        if self.writing.get() {
            self.pending.borrow_mut().push(write);
            return Ok(());
        }
        match self.send(&write)? {
            Answer::Now(_) => Ok(()),
            Answer::Later(answer) => {
                self.writing.set(true);
                super::spawn(Box::pin(drain(self.clone(), write, answer)));
                Ok(())
            }
        }
    }

    fn send(&self, write: &Write) -> Result<Answer, JsValue> {
        match write {
            Write::Set(key, value) => self.store.call(&self.store.set, &[key, value]),
            Write::Remove(key) => self.store.call(&self.store.remove, &[key]),
        }
    }

    /// Tells the client a write did not reach its store. The message names
    /// no key or value.
    fn report(&self, write: &Write) {
        let message = match write {
            Write::Set(..) => "the app's storage refused to store the session (its set() threw or rejected); it is kept in this page's memory",
            Write::Remove(_) => "the app's storage refused to remove an entry of the session (its remove() threw or rejected)",
        };
        let e = AuthError::new(ErrorCode::StorageUnavailable, message);
        match &*self.receiver.borrow() {
            Some(receiver) => receiver(e),
            None => self.held.borrow_mut().push(e),
        }
    }
}

/// Waits for the write in flight, then sends the queued ones in order.
async fn drain(inner: Rc<Inner>, first: Write, answer: JsFuture) {
    if answer.await.is_err() {
        inner.report(&first);
    }
    loop {
        let next = {
            let mut pending = inner.pending.borrow_mut();
            (!pending.is_empty()).then(|| pending.remove(0))
        };
        let Some(next) = next else { break };
        let outcome = match inner.send(&next) {
            Ok(answer) => answer.settle().await,
            Err(e) => Err(e),
        };
        if outcome.is_err() {
            inner.report(&next);
        }
    }
    inner.writing.set(false);
}

impl Storage for CustomStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.mirror.get(key)
    }

    /// Written through; a store that throws at once is `storage_unavailable`
    /// and the mirror keeps the value it had, as a full localStorage does.
    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        self.0.touch(key);
        self.0
            .write(Write::Set(key.to_string(), value.to_string()))
            .map_err(|_| {
                AuthError::new(
                    ErrorCode::StorageUnavailable,
                    "the app's storage refused to store the session (its set() threw)",
                )
            })?;
        self.0.mirror.set(key, value)
    }

    fn remove(&self, key: &str) {
        self.0.touch(key);
        self.0.mirror.remove(key);
        if self.0.write(Write::Remove(key.to_string())).is_err() {
            self.0.report(&Write::Remove(key.to_string()));
        }
    }

    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.0.mirror.keys_with_prefix(prefix)
    }

    fn is_ready(&self) -> bool {
        self.0.loaded.get()
    }

    async fn ready(&self) -> bool {
        let loading = self.0.loading.borrow().clone();
        if let (Some(loading), false) = (loading, self.0.loaded.get()) {
            let timeout = super::abortable_sleep(self.0.wait_ms, None);
            let _ = JsFuture::from(Promise::race(&Array::of2(&loading, &timeout))).await;
        }
        self.0.loaded.get()
    }

    fn deliver_refusals_to(&self, receiver: Box<dyn Fn(AuthError)>) {
        let held = std::mem::take(&mut *self.0.held.borrow_mut());
        for e in held {
            receiver(e);
        }
        *self.0.receiver.borrow_mut() = Some(receiver);
    }
}
