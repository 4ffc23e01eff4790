//! The names the SDK gives its entries in browser storage, and its cross-tab
//! channel and lock: one namespace per client id.
//!
//! The client id is percent-encoded into the namespace, so it never holds a
//! `:`. The first `:` after the version therefore ends the client id, and no
//! key of one client is a prefix of another client's key: client `X`'s
//! pending logins (`…:X:tx:<state>`) can never be mistaken for the entries of
//! a client `X:tx`. Before v2 the id went in as it was; [`legacy_namespace`]
//! names those entries so a client can move its own once.

use super::form::encode_component;

/// What every name the SDK writes starts with, before the encoded client id.
pub const PREFIX: &str = "wasm-oauth:v2:";

/// The storage key of the token set, under a client's [`namespace`].
pub const TOKENS: &str = "tokens";
/// The name of the DPoP key pair's IndexedDB entry (tabs sharing a session).
pub const DPOP_KEY: &str = "dpop-key";
/// The name of the thumbprint of the DPoP key the stored session is bound to.
pub const DPOP_JKT: &str = "dpop-jkt";
/// The name of this tab's own DPoP key id (per-tab sessions keep it in sessionStorage).
pub const DPOP_TAB: &str = "dpop-tab";

/// The namespace of `client_id`: [`PREFIX`] and the id with every character
/// but RFC 3986's unreserved ones percent-encoded (`%` and `:` included, so
/// the encoding is one-to-one). A UUID client id reads as it is.
///
/// ```
/// use wasm_oauth::core::keys::namespace;
/// assert_eq!(namespace("X:tx"), "wasm-oauth:v2:X%3Atx");
/// assert_eq!(namespace("550e8400-e29b"), "wasm-oauth:v2:550e8400-e29b");
/// ```
pub fn namespace(client_id: &str) -> String {
    let mut name = String::from(PREFIX);
    encode_component(client_id, &mut name);
    name
}

/// A storage key of `client_id`: its namespace, `:`, and `name`.
pub fn key(client_id_namespace: &str, name: &str) -> String {
    format!("{client_id_namespace}:{name}")
}

/// What the storage key of every per-API access token starts with, under a
/// client's [`namespace`] (so logout finds them all).
pub const API_TOKENS: &str = "api:";

/// The storage key of the access token for `resource` and `scope`
/// (`core::resource`): each percent-encoded (never a `:` inside), empty when
/// absent (neither is ever empty when given), so every pair has its own key.
pub fn api_token(resource: Option<&str>, scope: Option<&str>) -> String {
    let mut name = String::from(API_TOKENS);
    encode_component(resource.unwrap_or_default(), &mut name);
    name.push(':');
    encode_component(scope.unwrap_or_default(), &mut name);
    name
}

/// The storage key of the pending login with `state`.
pub fn transaction(state: &str) -> String {
    format!("tx:{state}")
}

/// The namespace entries had before v2, with the client id as it is: read
/// once, by exact key (never by prefix, where it collides), to move them.
pub fn legacy_namespace(client_id: &str) -> String {
    format!("wasm-oauth:v1:{client_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key a client writes, for a pending login with `state`.
    fn keys_of(client_id: &str, state: &str) -> [String; 2] {
        let ns = namespace(client_id);
        [key(&ns, TOKENS), key(&ns, &transaction(state))]
    }

    #[test]
    fn no_key_of_one_client_is_a_prefix_of_anothers() {
        let ids = [
            "X", "X:tx", "X:tx:", "X:", "X:tokens", "X%3Atx", "X%", "x", "X tx", "X/tx", "Xtx",
            ":", "%", "", "é", "X\u{0}",
        ];
        for a in ids {
            let prefix = format!("{}:", namespace(a));
            let tx_prefix = key(&namespace(a), "tx:");
            for b in ids.iter().filter(|b| **b != a) {
                for k in keys_of(b, "tokens").iter().chain(&keys_of(b, "s")) {
                    assert!(!k.starts_with(&prefix), "{a:?} sees {b:?}'s {k:?}");
                    assert!(!k.starts_with(&tx_prefix), "{a:?} sweeps {b:?}'s {k:?}");
                }
                assert_ne!(namespace(a), namespace(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn each_resource_and_scope_pair_has_its_own_key() {
        let pairs = [
            (None, None),
            (Some("urn:a"), None),
            (None, Some("urn:a")),
            (Some("urn:a"), Some("b")),
            (Some("urn:a:b"), None),
            (Some("urn:a"), Some("b c")),
            (Some("urn:a b"), Some("c")),
        ];
        for (i, a) in pairs.iter().enumerate() {
            for b in &pairs[i + 1..] {
                assert_ne!(api_token(a.0, a.1), api_token(b.0, b.1), "{a:?} {b:?}");
            }
        }
        assert_eq!(
            api_token(Some("https://api.example/v1"), Some("read write")),
            "api:https%3A%2F%2Fapi.example%2Fv1:read%20write"
        );
        assert!(api_token(Some("urn:a"), None).starts_with(API_TOKENS));
    }

    #[test]
    fn the_client_id_is_percent_encoded_one_to_one() {
        assert_eq!(namespace("X:tx"), "wasm-oauth:v2:X%3Atx");
        assert_eq!(namespace("X%3Atx"), "wasm-oauth:v2:X%253Atx");
        assert_eq!(
            namespace("4f1c2e0a-6b7d-4e8f-9a10-2b3c4d5e6f70"),
            "wasm-oauth:v2:4f1c2e0a-6b7d-4e8f-9a10-2b3c4d5e6f70"
        );
        assert_eq!(namespace("a b/é"), "wasm-oauth:v2:a%20b%2F%C3%A9");
        assert_eq!(legacy_namespace("X:tx"), "wasm-oauth:v1:X:tx");
    }
}
