//! Single flight: the first caller does the work, every concurrent caller
//! awaits the same result (50 `getAccessToken()` calls, one refresh request).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

struct State<T> {
    value: Option<T>,
    wakers: Vec<Waker>,
}

/// A result that several futures in one page can wait for.
pub struct Shared<T: Clone> {
    state: Rc<RefCell<State<T>>>,
}

impl<T: Clone> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared {
            state: self.state.clone(),
        }
    }
}

impl<T: Clone> Default for Shared<T> {
    fn default() -> Self {
        Shared {
            state: Rc::new(RefCell::new(State {
                value: None,
                wakers: Vec::new(),
            })),
        }
    }
}

impl<T: Clone> Shared<T> {
    /// Sets the result and wakes every waiter.
    pub fn complete(&self, value: T) {
        let wakers = {
            let mut s = self.state.borrow_mut();
            s.value = Some(value);
            std::mem::take(&mut s.wakers)
        };
        for w in wakers {
            w.wake();
        }
    }

    /// Waits for the result.
    pub fn wait(&self) -> Wait<T> {
        Wait {
            state: self.state.clone(),
        }
    }
}

/// The future of [`Shared::wait`].
pub struct Wait<T> {
    state: Rc<RefCell<State<T>>>,
}

impl<T: Clone> Future for Wait<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut s = self.state.borrow_mut();
        match &s.value {
            Some(v) => Poll::Ready(v.clone()),
            None => {
                s.wakers.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
