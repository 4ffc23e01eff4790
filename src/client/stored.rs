//! A store that loads after the page starts (an app's promise-returning
//! `storage`): the flows that read or replace the session wait until it is
//! loaded, and a session it turns out to hold is announced as a `tokens`
//! event, since `getTokens()` and `isAuthenticated()` answer at once and saw
//! none before.

use super::Client;
use crate::ports::{Adapters, Event, Storage};

impl<A: Adapters> Client<A> {
    /// Waits until the storage holds what it kept before this page; at once
    /// for the built-in stores and for a store whose methods answer
    /// synchronously.
    pub(crate) async fn storage_ready(&self) {
        self.storage().ready().await
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
        while self.storage_loading() {
            self.storage_ready().await;
        }
        if let Some(tokens) = self.tokens() {
            self.adapters.emit(Event::Tokens(&tokens));
        }
    }
}
