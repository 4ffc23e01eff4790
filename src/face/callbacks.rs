//! `handleRedirectCallback` is idempotent for one URL within a page: the
//! first call for a client's callback URL does the work, and every later call
//! for that URL gets the very same promise (its result or its error). React
//! StrictMode runs an effect twice, and two components may each handle the
//! page; without this the second call would find the login's state already
//! used and fail.

use std::cell::RefCell;

/// The callback URL a client (issuer, client id) is handling or handled last.
struct Handled {
    issuer: String,
    client_id: String,
    url: String,
    promise: js_sys::Promise,
}

thread_local! {
    /// One entry per client: a page handles one callback per login round trip.
    static HANDLED: RefCell<Vec<Handled>> = const { RefCell::new(Vec::new()) };
}

/// The promise of the client's handling of `url`: the one already started
/// for that URL, else the one `start` makes, kept for the next caller.
pub fn once(
    issuer: &str,
    client_id: &str,
    url: &str,
    start: impl FnOnce() -> js_sys::Promise,
) -> js_sys::Promise {
    let same_client = |h: &Handled| h.issuer == issuer && h.client_id == client_id;
    let known = HANDLED.with_borrow(|handled| {
        handled
            .iter()
            .find(|h| same_client(h) && h.url == url)
            .map(|h| h.promise.clone())
    });
    if let Some(promise) = known {
        return promise;
    }
    let promise = start();
    HANDLED.with_borrow_mut(|handled| {
        handled.retain(|h| !same_client(h));
        handled.push(Handled {
            issuer: issuer.to_string(),
            client_id: client_id.to_string(),
            url: url.to_string(),
            promise: promise.clone(),
        });
    });
    promise
}
