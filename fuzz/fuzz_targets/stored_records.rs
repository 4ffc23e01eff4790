//! The records the SDK keeps in storage, read as the client reads them
//! (`read_token_set`, `read_pending`): any text through serde_json into
//! `StoredTokens` → `TokenSet::from_stored`, and into `StoredLogin` →
//! `PendingLogin::from_stored`. (Replaces the fuzzing of the crate's own JSON
//! parser, which is gone.)
//!
//! Properties: a record is accepted exactly when its schema version is 1 and
//! its values are possible (non-empty access token, expiry ≥ 0; a known flow,
//! a valid PKCE verifier, max_age within u32); what is accepted keeps the
//! stored values; and what is accepted round-trips: `to_stored`, written with
//! serde_json and read back, gives the same value and the same text.
#![no_main]

mod common;

use common::read_json;
use libfuzzer_sys::fuzz_target;
use wasm_oauth::core::pkce::CodeVerifier;
use wasm_oauth::core::tokens::{StoredTokens, TokenSet};
use wasm_oauth::core::transaction::{PendingLogin, StoredLogin, LIFETIME_MS, SCHEMA_VERSION};

/// A non-negative time in milliseconds as a u64 holds it, back as an f64:
/// the fraction cut off, anything past u64::MAX (2^64 as an f64) saturated.
fn whole_ms(ms: f64) -> f64 {
    ms.trunc().min(u64::MAX as f64)
}

fn tokens(text: &str) {
    let Some(stored) = read_json::<StoredTokens>(text) else {
        return;
    };
    let possible = stored.v == SCHEMA_VERSION
        && !stored.access_token.is_empty()
        && stored.expires_at.is_none_or(|at| at >= 0.0 && at.is_finite());
    let Some(t) = TokenSet::from_stored(stored.clone()) else {
        assert!(!possible, "a possible token record refused");
        return;
    };
    assert!(possible, "an impossible token record accepted");
    assert_eq!(t.access_token.secret(), stored.access_token);
    assert_eq!(t.token_type, stored.token_type);
    assert_eq!(
        (&t.scope, t.refresh_token.as_ref().map(|r| r.secret()), &t.id_token),
        (&stored.scope, stored.refresh_token.as_deref(), &stored.id_token)
    );
    // Whole milliseconds, as stored (a fraction is cut off, past u64 saturates).
    assert_eq!(t.expires_at_ms.map(|ms| ms as f64), stored.expires_at.map(whole_ms));

    let text = serde_json::to_string(&t.to_stored()).expect("a stored form is JSON");
    let back = read_json::<StoredTokens>(&text).expect("read back");
    let again = TokenSet::from_stored(back).expect("accepted back");
    assert_eq!(again, t, "{text}");
    assert_eq!(serde_json::to_string(&again.to_stored()).unwrap(), text);
}

fn login(text: &str) {
    let Some(stored) = read_json::<StoredLogin>(text) else {
        return;
    };
    let possible = stored.v == SCHEMA_VERSION
        && ["code", "code_fragment", "implicit"].contains(&stored.flow.as_str())
        && stored.code_verifier.as_deref().is_none_or(|v| CodeVerifier::parse(v).is_some())
        && stored.max_age.is_none_or(|a| (0.0..=f64::from(u32::MAX)).contains(&a));
    let Some(p) = PendingLogin::from_stored(stored.clone()) else {
        assert!(!possible, "a possible login record refused");
        return;
    };
    assert!(possible, "an impossible login record accepted");
    assert_eq!(p.state, stored.state);
    assert_eq!(p.redirect_uri, stored.redirect_uri);
    assert_eq!(p.scope, stored.scope);
    assert_eq!(p.nonce, stored.nonce);
    assert_eq!(p.app_state, stored.app_state);
    assert_eq!(p.code_verifier.as_ref().map(CodeVerifier::secret), stored.code_verifier.as_deref());
    assert_eq!(p.max_age.map(f64::from), stored.max_age.map(f64::trunc));
    assert_eq!(p.created_at_ms as f64, whole_ms(stored.created_at.max(0.0)));
    assert_eq!(p.flow.uses_fragment(), stored.flow != "code");

    // Fresh for exactly LIFETIME_MS after it was made.
    assert!(p.check_fresh(p.created_at_ms.saturating_add(LIFETIME_MS)).is_ok());
    if let Some(late) = p.created_at_ms.checked_add(LIFETIME_MS + 1) {
        assert_eq!(p.check_fresh(late).unwrap_err().code(), "transaction_expired");
    }

    let text = serde_json::to_string(&p.to_stored()).expect("a stored form is JSON");
    let back = read_json::<StoredLogin>(&text).expect("read back");
    let again = PendingLogin::from_stored(back).expect("accepted back");
    assert_eq!(again, p, "{text}");
    assert_eq!(serde_json::to_string(&again.to_stored()).unwrap(), text);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    tokens(text);
    login(text);
});
