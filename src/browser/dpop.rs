//! The DPoP key pair (RFC 9449) through WebCrypto (`crypto.subtle`, by
//! web-sys): ES256 on P-256 with a non-extractable private key, kept in
//! IndexedDB (web.js, one function per operation) so that it survives a
//! reload and, under one `id`, is shared by the tabs of the origin.

use super::crypto::{algorithm, subtle};
use super::warn;
use crate::core::dpop::DpopJwk;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::DpopKeys;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, CryptoKeyPair};

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// Resolves to `{ pair }` (null when none), `{ unreadable: true }` or `{ unavailable: true }`.
    #[wasm_bindgen(js_name = dpopKeyLoad)]
    fn key_load(id: &str) -> js_sys::Promise;
    /// Stores `pair` unless a key pair is there; resolves to `{ pair }`, the one kept,
    /// or to `{ unreadable: true }` / `{ unavailable: true }`.
    #[wasm_bindgen(js_name = dpopKeyAdd)]
    fn key_add(id: &str, pair: &CryptoKeyPair) -> js_sys::Promise;
    /// Deletes the pair under `id`; resolves to `{ pair }`, the one deleted (null when none).
    #[wasm_bindgen(js_name = dpopKeyDelete)]
    fn key_delete(id: &str) -> js_sys::Promise;
    /// Deletes the pairs under ids starting with `prefix`, but `keep`,
    /// unused for more than `max_age_ms`: at most `max_deleted` after
    /// looking at at most `max_visited`.
    #[wasm_bindgen(js_name = dpopKeySweep)]
    fn key_sweep(
        prefix: &str,
        keep: &str,
        max_age_ms: f64,
        max_deleted: u32,
        max_visited: u32,
    ) -> js_sys::Promise;
}

/// How long the per-tab key of a tab that is gone is kept: longer than the
/// refresh tokens of a browser session usually live (30 days).
pub const STALE_KEY_AGE_MS: f64 = 30.0 * 24.0 * 3600.0 * 1000.0;
/// At most this many stale keys are deleted by one page load, after looking
/// at at most [`MAX_KEYS_VISITED`]: the sweep stays short however many tabs
/// came and went.
pub const MAX_KEYS_SWEPT: u32 = 32;
pub const MAX_KEYS_VISITED: u32 = 256;
/// A page that stays open marks its key used again after this long, so
/// that another tab's sweep never takes a key that is still in use.
const TOUCH_EVERY_MS: f64 = 24.0 * 3600.0 * 1000.0;

fn no_webcrypto() -> AuthError {
    AuthError::new(
        ErrorCode::InvalidOptions,
        "dpop needs WebCrypto's ECDSA P-256 (a secure context: https or localhost)",
    )
}

/// A key pair ready to sign with, shared by the flows that hold it.
#[derive(Clone)]
pub struct KeyPair(Rc<Pair>);

struct Pair {
    private_key: CryptoKey,
    jwk: DpopJwk,
}

/// Where a pair was found.
enum Stored {
    Pair(CryptoKeyPair),
    Absent,
    Unreadable,
    Unavailable,
}

async fn stored(promise: js_sys::Promise) -> Stored {
    let Ok(answer) = JsFuture::from(promise).await else {
        return Stored::Unreadable;
    };
    let member = |name: &str| js_sys::Reflect::get(&answer, &JsValue::from_str(name)).ok();
    if member("unavailable").is_some_and(|v| v.is_truthy()) {
        return Stored::Unavailable;
    }
    match member("pair") {
        Some(pair) if pair.is_object() => Stored::Pair(pair.unchecked_into()),
        Some(pair) if pair.is_null() => Stored::Absent,
        _ => Stored::Unreadable,
    }
}

async fn generate() -> Result<CryptoKeyPair, AuthError> {
    // `EcKeyGenParams` (WebCrypto §23): ECDSA on P-256.
    let params = algorithm("ECDSA", "namedCurve", "P-256".into());
    let usages = js_sys::Array::of1(&JsValue::from_str("sign"));
    // `false`: the private key can never be exported (WebCrypto makes the
    // public half of a pair extractable whatever this says).
    let promise = subtle()
        .map_err(|_| no_webcrypto())?
        .generate_key_with_object(&params, false, &usages)
        .map_err(|_| no_webcrypto())?;
    Ok(JsFuture::from(promise)
        .await
        .map_err(|_| no_webcrypto())?
        .unchecked_into())
}

async fn ready(pair: &CryptoKeyPair) -> Result<KeyPair, AuthError> {
    let export = subtle()
        .map_err(|_| no_webcrypto())?
        .export_key("jwk", &pair.get_public_key())
        .map_err(|_| no_webcrypto())?;
    let exported = JsFuture::from(export).await.map_err(|_| no_webcrypto())?;
    // The members of the exported public JWK that the proof's header needs.
    let coordinate = |name: &str| {
        js_sys::Reflect::get(&exported, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(no_webcrypto)
    };
    Ok(KeyPair(Rc::new(Pair {
        private_key: pair.get_private_key(),
        jwk: DpopJwk::p256(&coordinate("x")?, &coordinate("y")?)?,
    })))
}

/// The DPoP keys of one client in a browser.
pub struct WebDpopKeys {
    /// The IndexedDB key of the pair; `None` keeps it in this page's memory.
    id: Option<String>,
    /// With per-tab keys: the id prefix of this client's tab keys, whose
    /// stale entries the first load deletes.
    siblings: Option<String>,
    pair: RefCell<Option<KeyPair>>,
    /// How many times the pair in use was retired: a load that sees this
    /// change meanwhile may have read the retired pair, and reads again.
    retired: Cell<u32>,
    warned: Cell<bool>,
    /// When this page last marked its key used (`Date.now()`).
    touched_at: Cell<f64>,
}

impl WebDpopKeys {
    /// Keys kept in IndexedDB under `id`, or in memory when `id` is `None`
    /// (`storage: "memory"`).
    pub fn new(id: Option<String>) -> Self {
        WebDpopKeys {
            id,
            siblings: None,
            pair: RefCell::new(None),
            retired: Cell::new(0),
            warned: Cell::new(false),
            touched_at: Cell::new(0.0),
        }
    }

    /// Per-tab keys (`storage: "session"`): the ids of this client's tab
    /// keys start with `prefix`. Closed tabs leave their keys behind, so
    /// the first load deletes those unused for [`STALE_KEY_AGE_MS`]; this
    /// page's key is marked used at every load and once a day.
    pub fn sweeping(mut self, prefix: String) -> Self {
        self.siblings = Some(prefix);
        self
    }

    /// Deletes this client's stale per-tab keys (a bounded pass); a sweep
    /// that fails leaves them for the next page.
    async fn sweep(&self, id: &str) {
        if let Some(prefix) = &self.siblings {
            let promise = key_sweep(
                prefix,
                id,
                STALE_KEY_AGE_MS,
                MAX_KEYS_SWEPT,
                MAX_KEYS_VISITED,
            );
            let _ = JsFuture::from(promise).await;
        }
    }

    /// Marks this page's stored key used again once a day.
    async fn touch(&self) {
        let now = js_sys::Date::now();
        if let (Some(id), true) = (&self.id, now - self.touched_at.get() > TOUCH_EVERY_MS) {
            self.touched_at.set(now);
            // Loading a pair marks it used now (what is there and is no pair is left as it is).
            let _ = JsFuture::from(key_load(id)).await;
        }
    }

    /// The pair kept under `id`, made and kept now when there is none (or
    /// an unreadable one); `None` when IndexedDB cannot be used.
    async fn kept(&self, id: &str) -> Result<Option<CryptoKeyPair>, AuthError> {
        match stored(key_load(id)).await {
            Stored::Pair(pair) => return Ok(Some(pair)),
            Stored::Unavailable => return Ok(None),
            Stored::Absent | Stored::Unreadable => {}
        }
        // Another tab may store its new pair first: `key_add` answers
        // whichever pair is kept, so every tab signs with the same key.
        match stored(key_add(id, &generate().await?)).await {
            Stored::Pair(pair) => Ok(Some(pair)),
            _ => Ok(None),
        }
    }

    async fn key_pair(&self) -> Result<KeyPair, AuthError> {
        loop {
            if let Some(pair) = self.pair.borrow().clone() {
                return Ok(pair);
            }
            let retired = self.retired.get();
            let pair = self.load_or_make().await?;
            // Retired while loading: read again, after the deletion.
            if self.retired.get() == retired {
                // A call that raced this one may have set a pair meanwhile: keep one.
                let mut held = self.pair.borrow_mut();
                return Ok(held.get_or_insert(pair).clone());
            }
        }
    }

    /// The pair kept, or a new one (kept when IndexedDB can be used).
    async fn load_or_make(&self) -> Result<KeyPair, AuthError> {
        let kept = match &self.id {
            Some(id) => {
                let kept = self.kept(id).await?;
                // Loaded (or made) now: marked used by `kept`.
                self.touched_at.set(js_sys::Date::now());
                if kept.is_some() {
                    self.sweep(id).await;
                }
                kept
            }
            None => None,
        };
        let pair = match kept {
            Some(pair) => pair,
            None => {
                if self.id.is_some() && !self.warned.replace(true) {
                    warn("wasm-oauth: IndexedDB is unavailable; the DPoP key lives in memory for this page only");
                }
                generate().await?
            }
        };
        ready(&pair).await
    }
}

impl DpopKeys for WebDpopKeys {
    type Key = KeyPair;

    async fn key(&self) -> Result<KeyPair, AuthError> {
        self.key_pair().await
    }

    fn public_key<'k>(&self, key: &'k KeyPair) -> &'k DpopJwk {
        &key.0.jwk
    }

    async fn sign(&self, pair: &KeyPair, signing_input: &[u8]) -> Result<Vec<u8>, AuthError> {
        self.touch().await;
        // `EcdsaParams`: ECDSA with SHA-256 (ES256, RFC 7518 §3.4).
        let params = algorithm("ECDSA", "hash", "SHA-256".into());
        let promise = subtle()
            .map_err(|_| no_webcrypto())?
            .sign_with_object_and_u8_array(&params, &pair.0.private_key, signing_input)
            .map_err(|_| no_webcrypto())?;
        let signature = JsFuture::from(promise).await.map_err(|_| no_webcrypto())?;
        Ok(js_sys::Uint8Array::new(&signature).to_vec())
    }

    /// Forgets the pair and deletes it from IndexedDB at once (before any
    /// await): a load asked for after this call is answered after the
    /// deletion (IndexedDB runs them in order), and one already under way
    /// sees `retired` change and loads again.
    async fn retire(&self) -> Option<KeyPair> {
        self.retired.set(self.retired.get() + 1);
        let held = self.pair.borrow_mut().take();
        let deleted = match &self.id {
            Some(id) => stored(key_delete(id)).await,
            None => Stored::Absent,
        };
        match (held, deleted) {
            (Some(pair), _) => Some(pair),
            (None, Stored::Pair(pair)) => ready(&pair).await.ok(),
            _ => None,
        }
    }
}
