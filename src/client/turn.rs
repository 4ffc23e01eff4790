//! One use of the refresh token at a time in this page. The session's
//! refresh token is spent by the session's own refresh and by every per-API
//! token request; with rotation, two requests sending the same one would
//! have the second refused (and the provider may end the whole grant for a
//! reused token). Across tabs the Web Lock serializes them; this serializes
//! them inside one page, where per-tab storage has no lock at all.

use super::flight::Shared;
use std::cell::RefCell;

/// Whose turn it is to use the refresh token.
#[derive(Default)]
pub struct Turns {
    busy: RefCell<Option<Shared<()>>>,
}

impl Turns {
    /// Waits until no other turn is held in this page, then holds one
    /// until the returned guard is dropped.
    pub async fn take(&self) -> Turn<'_> {
        loop {
            let held = self.busy.borrow().clone();
            match held {
                Some(other) => other.wait().await,
                None => break,
            }
        }
        let mine = Shared::default();
        *self.busy.borrow_mut() = Some(mine.clone());
        Turn { turns: self, mine }
    }
}

/// A held turn; dropping it lets the next waiter go.
pub struct Turn<'a> {
    turns: &'a Turns,
    mine: Shared<()>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.turns.busy.borrow_mut().take();
        self.mine.complete(());
    }
}
