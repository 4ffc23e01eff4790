//! `handleRedirectCallback` is idempotent for one URL within a page: the
//! first call for a client's callback URL does the work, and every later call
//! for that URL gets the very same promise (its result or its error). React
//! StrictMode runs an effect twice, and two components may each handle the
//! page; without this the second call would find the login's state already
//! used and fail.

use std::cell::RefCell;

/// A callback being handled or handled: which client (issuer, client id),
/// which URL, and the promise of its outcome.
struct Handled {
    issuer: String,
    client_id: String,
    url: String,
    promise: js_sys::Promise,
}

thread_local! {
    /// The callback this page handled last: a page handles one callback per
    /// login round trip.
    static LAST: RefCell<Option<Handled>> = const { RefCell::new(None) };
}

/// The promise of the client's handling of `url`: the one already started
/// for that URL, else the one `start` makes, kept for the next caller.
pub fn once(
    issuer: &str,
    client_id: &str,
    url: &str,
    start: impl FnOnce() -> js_sys::Promise,
) -> js_sys::Promise {
    let known = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|h| h.issuer == issuer && h.client_id == client_id && h.url == url)
            .map(|h| h.promise.clone())
    });
    known.unwrap_or_else(|| {
        let promise = start();
        LAST.set(Some(Handled {
            issuer: issuer.to_string(),
            client_id: client_id.to_string(),
            url: url.to_string(),
            promise: promise.clone(),
        }));
        promise
    })
}
