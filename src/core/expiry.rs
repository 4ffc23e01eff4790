//! When to tell the app that its access token is about to expire, or has:
//! `tokenExpiring` once a lead time before `expires_at`, `tokenExpired` once
//! at it. Judged from the wall clock at each check, so a page that slept (a
//! laptop closed for hours, a throttled background tab) hears `tokenExpired`
//! once when it wakes, never a stale `tokenExpiring`.

/// What a check found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ExpiryNotice {
    /// The token expires within the lead time (at `expires_at_ms`).
    Expiring { expires_at_ms: u64 },
    /// The token has expired.
    Expired,
}

/// Default lead time of `tokenExpiring`, in seconds.
pub const DEFAULT_LEAD_SECONDS: u32 = 60;

/// Remembers what was told about which token, so each is told once.
#[derive(Clone, Debug, Default)]
pub struct ExpiryWatch {
    lead_ms: u64,
    /// The `expires_at` `tokenExpiring` was told for.
    told_expiring: Option<u64>,
    /// The `expires_at` `tokenExpired` was told for.
    told_expired: Option<u64>,
}

impl ExpiryWatch {
    /// A watch that says `tokenExpiring` `lead_ms` before expiry.
    pub fn new(lead_ms: u64) -> Self {
        ExpiryWatch {
            lead_ms,
            told_expiring: None,
            told_expired: None,
        }
    }

    /// What to tell now, at `now_ms`, about a token expiring at
    /// `expires_at_ms` (`None`: no session, or no known lifetime).
    pub fn check(&mut self, expires_at_ms: Option<u64>, now_ms: u64) -> Option<ExpiryNotice> {
        let at = expires_at_ms?;
        if now_ms >= at {
            if self.told_expired == Some(at) {
                return None;
            }
            // Past expiry, "expiring" would be stale: it is never said after.
            self.told_expired = Some(at);
            self.told_expiring = Some(at);
            return Some(ExpiryNotice::Expired);
        }
        if now_ms >= at.saturating_sub(self.lead_ms) && self.told_expiring != Some(at) {
            self.told_expiring = Some(at);
            return Some(ExpiryNotice::Expiring { expires_at_ms: at });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: u64 = 1_800_000_000_000;

    #[test]
    fn expiring_once_at_the_lead_time_then_expired_once() {
        let mut w = ExpiryWatch::new(60_000);
        assert_eq!(w.check(Some(AT), AT - 60_001), None);
        assert_eq!(
            w.check(Some(AT), AT - 60_000),
            Some(ExpiryNotice::Expiring { expires_at_ms: AT })
        );
        assert_eq!(w.check(Some(AT), AT - 30_000), None, "told once");
        assert_eq!(w.check(Some(AT), AT), Some(ExpiryNotice::Expired));
        assert_eq!(w.check(Some(AT), AT + 5_000), None, "told once");
    }

    #[test]
    fn a_page_that_slept_past_expiry_hears_expired_once_and_no_stale_expiring() {
        let mut w = ExpiryWatch::new(60_000);
        assert_eq!(w.check(Some(AT), AT - 3 * 3_600_000), None);
        // Three hours later the page wakes up.
        assert_eq!(
            w.check(Some(AT), AT + 3 * 3_600_000),
            Some(ExpiryNotice::Expired)
        );
        assert_eq!(w.check(Some(AT), AT + 3 * 3_600_000 + 1), None);
    }

    #[test]
    fn a_new_token_is_watched_afresh() {
        let mut w = ExpiryWatch::new(60_000);
        assert_eq!(w.check(Some(AT), AT), Some(ExpiryNotice::Expired));
        let next = AT + 3_600_000;
        assert_eq!(w.check(Some(next), AT + 1), None);
        assert_eq!(
            w.check(Some(next), next - 1),
            Some(ExpiryNotice::Expiring {
                expires_at_ms: next
            })
        );
        assert_eq!(w.check(None, next + 1), None, "no session, nothing to tell");
    }
}
