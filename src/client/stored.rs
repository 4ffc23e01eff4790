//! A store that loads after the page starts (an app's promise-returning
//! `storage`): the flows that read or replace the session wait until it is
//! loaded, and a session it turns out to hold is announced as a `tokens`
//! event, since `getTokens()` and `isAuthenticated()` answer at once and saw
//! none before. Such a store can also refuse a write after `set` or `remove`
//! returned: the storage delivers the refusal here (`Storage::deliver_refusals_to`,
//! wired by [`Client::open`]), and the app hears it as an `error` event.

use super::Client;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::log::Level;
use crate::ports::{Adapters, Event, Events, Storage};

impl<A: Adapters> Client<A> {
    /// Waits until the storage holds what it kept before this page; at once
    /// for the built-in stores and for a store whose methods answer
    /// synchronously. A wait that runs out is logged, and the flow goes on
    /// as without a stored session.
    pub(crate) async fn storage_ready(&self) {
        if !self.storage().ready().await {
            let e = AuthError::new(
                ErrorCode::Timeout,
                "the app's storage did not finish loading in time",
            );
            self.log_warning("storage load timed out", &e);
        }
    }

    /// True while the storage is still loading what it kept.
    pub fn storage_loading(&self) -> bool {
        !self.storage().is_ready()
    }

    /// Once the storage is loaded: a `tokens` event for the session it holds,
    /// if any. Started at construction, only while [`Client::storage_loading`].
    /// It outwaits the bound a flow waits for ([`Storage::ready`]): a store
    /// that loads after that still announces what it found.
    pub async fn announce_loaded_session(&self) {
        let late = self.storage_loading();
        while !self.storage().ready().await {}
        if late {
            self.log(Level::Debug, "storage loaded late", &[]);
        }
        if let Some(tokens) = self.tokens() {
            self.adapters.events().emit(Event::Tokens(&tokens));
        }
    }

    /// The storage refused a write after it returned (its promise rejected):
    /// logged with the code only, and told to the app as an `error` event.
    /// What the write carried stays in this page's memory.
    pub fn storage_refused(&self, e: AuthError) {
        self.log_warning("storage refused a write", &e);
        self.adapters.events().emit(Event::Error(&e));
    }
}
