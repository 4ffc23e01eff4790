//! What the other tabs of a shared session publish, as this client takes it
//! in: the tab channel delivers here (`Tabs::deliver_to`, wired by
//! [`Client::open`]), and the client decides what changes and what its app
//! is told.

use super::Client;
use crate::core::log::Level;
use crate::ports::{Adapters, Event, Events, Published};

impl<A: Adapters> Client<A> {
    /// Another tab stored a new token set or ended the session: the app
    /// hears `tokens` (with the set as this client reads it) or `logout`, as
    /// it would for this tab's own; news that does not read as a token set is
    /// not told. What the session now is, [`Client::tokens`] decides from the
    /// same news (`Tabs::latest_published`), storage and a set held in memory;
    /// a refresh waiting for the lock uses what it was handed there.
    pub fn receive_from_tabs(&self, news: Published) {
        match news {
            Published::Nothing => {}
            Published::Tokens(stored) => match self.read_token_set(&stored) {
                Some(tokens) => {
                    self.log(Level::Debug, "tokens received from another tab", &[]);
                    self.adapters.events().emit(Event::Tokens(&tokens));
                }
                None => self.log(Level::Warn, "unreadable news from another tab ignored", &[]),
            },
            Published::LoggedOut => {
                self.log(Level::Debug, "logout received from another tab", &[]);
                self.adapters.events().emit(Event::Logout);
            }
        }
    }
}
