//! The store conformance cases, run against every kind of store the
//! `storage` option takes: memory, sessionStorage, localStorage, and an
//! app's own store object answering synchronously or with promises. The
//! rules are the same for each: the client's entries live under its
//! prefixed, versioned keys and never see another client's; a stored
//! session round-trips; a corrupt entry is removed; a read that throws finds
//! nothing; a refused write is `storage_unavailable` and the new tokens stay
//! in memory.

use super::*;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_oauth::browser::custom_storage::{CustomStorage, CustomStore};
use wasm_oauth::face::AuthClient;

#[wasm_bindgen(module = "/tests/browser/helpers.js")]
extern "C" {
    #[wasm_bindgen(js_name = customStore)]
    fn custom_store(mode: &str) -> JsValue;
    #[wasm_bindgen(js_name = webStorageRefuses)]
    fn web_storage_refuses(method: &str, on: bool);
    fn wait(ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = answerTokenRequests)]
    fn answer_token_requests(body: &str);
    #[wasm_bindgen(js_name = restoreFetch)]
    fn restore_fetch();
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Memory,
    Session,
    Local,
    CustomSync,
    CustomAsync,
}

const KINDS: [Kind; 5] = [
    Kind::Memory,
    Kind::Session,
    Kind::Local,
    Kind::CustomSync,
    Kind::CustomAsync,
];

/// One store of `kind`, and a way to look at and change what it holds
/// beside the SDK.
struct Under {
    kind: Kind,
    /// `{ store, entries, faults }` of a custom store.
    custom: JsValue,
}

fn member(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap()
}

impl Under {
    fn new(kind: Kind) -> Under {
        let custom = match kind {
            Kind::CustomSync => custom_store("sync"),
            Kind::CustomAsync => custom_store("async"),
            _ => JsValue::UNDEFINED,
        };
        Under { kind, custom }
    }

    fn is_custom(&self) -> bool {
        matches!(self.kind, Kind::CustomSync | Kind::CustomAsync)
    }

    /// The `storage` option that picks this store.
    fn option(&self) -> JsValue {
        match self.kind {
            Kind::Memory => "memory".into(),
            Kind::Session => "session".into(),
            Kind::Local => "local".into(),
            _ => member(&self.custom, "store"),
        }
    }

    fn web(&self) -> Option<&'static str> {
        match self.kind {
            Kind::Session => Some("sessionStorage"),
            Kind::Local => Some("localStorage"),
            _ => None,
        }
    }

    fn entries(&self) -> js_sys::Map {
        member(&self.custom, "entries").unchecked_into()
    }

    /// What the store itself holds under `key` (memory: nothing to look at).
    fn raw(&self, key: &str) -> Option<String> {
        match self.web() {
            Some(store) => raw(store, key),
            None if self.is_custom() => self.entries().get(&JsValue::from_str(key)).as_string(),
            None => None,
        }
    }

    /// Puts `value` under `key` beside the SDK, as a page before this one did.
    fn seed(&self, key: &str, value: &JsValue) {
        match self.web() {
            Some(store) => {
                let code = format!("{store}.setItem({key:?}, {:?})", value.as_string().unwrap());
                js_sys::eval(&code).unwrap();
            }
            None => {
                self.entries().set(&JsValue::from_str(key), value);
            }
        }
    }

    fn clear(&self, key: &str) {
        if let Some(store) = self.web() {
            js_sys::eval(&format!("{store}.removeItem({key:?})")).unwrap();
        }
    }

    /// Makes the store's `get` or `set` refuse (throw or reject) while `on`.
    fn refuse(&self, method: &str, on: bool) {
        if self.is_custom() {
            let faults = member(&self.custom, "faults");
            js_sys::Reflect::set(&faults, &method.into(), &on.into()).unwrap();
        } else {
            web_storage_refuses(&format!("{method}Item"), on);
        }
    }

    /// The store behind the port, as the client gets it.
    fn open(&self) -> BrowserStorage {
        match self.kind {
            Kind::Memory => BrowserStorage::open(StorageKind::Memory),
            Kind::Session => BrowserStorage::open(StorageKind::Session),
            Kind::Local => BrowserStorage::open(StorageKind::Local),
            _ => {
                let store = CustomStore::from_option(&self.option()).unwrap();
                BrowserStorage::Custom(CustomStorage::open(store, "port-test", 5000))
            }
        }
    }

    /// Lets a promise-returning store settle what is in flight.
    async fn settle(&self) {
        if self.kind == Kind::CustomAsync {
            JsFuture::from(wait(30)).await.unwrap();
        }
    }
}

fn client(under: &Under, client_id: &str) -> AuthClient {
    let options = options_object(&format!(
        r#"{{"clientId":{client_id:?},"redirectUri":"http://127.0.0.1:8080/"}}"#
    ));
    js_sys::Reflect::set(&options, &"storage".into(), &under.option()).unwrap();
    AuthClient::new(options).unwrap_or_else(|e| panic!("{:?}: {e:?}", under.kind))
}

/// Has `options` log from `level` into the array returned, one
/// `level message fields-as-JSON` line per call.
fn record_logs(options: &JsValue, level: &str) -> js_sys::Array {
    let lines = js_sys::Array::new();
    let logger = js_sys::Function::new_with_args(
        "level, message, fields",
        "this.push(`${level} ${message} ${JSON.stringify(fields)}`)",
    )
    .bind0(&lines);
    js_sys::Reflect::set(options, &"logger".into(), &logger).unwrap();
    js_sys::Reflect::set(options, &"logLevel".into(), &level.into()).unwrap();
    lines
}

/// [`client`], logging from `level` into the array returned.
fn client_logged(under: &Under, client_id: &str, level: &str) -> (AuthClient, js_sys::Array) {
    let options = options_object(&format!(
        r#"{{"clientId":{client_id:?},"redirectUri":"http://127.0.0.1:8080/"}}"#
    ));
    js_sys::Reflect::set(&options, &"storage".into(), &under.option()).unwrap();
    let lines = record_logs(&options, level);
    let c = AuthClient::new(options).unwrap_or_else(|e| panic!("{:?}: {e:?}", under.kind));
    (c, lines)
}

fn strings(array: &js_sys::Array) -> Vec<String> {
    array.iter().filter_map(|v| v.as_string()).collect()
}

fn tokens_key(client_id: &str) -> String {
    format!("wasm-oauth:v2:{client_id}:tokens")
}

/// A stored token set (schema version 1) expiring `in_ms` from now.
fn record(access_token: &str, in_ms: f64) -> String {
    format!(
        r#"{{"v":1,"access_token":{access_token:?},"token_type":"Bearer","expires_at":{},"refresh_token":"rt-1"}}"#,
        js_sys::Date::now() + in_ms
    )
}

/// The access token `getAccessToken()` gives, or `error <code>` when it rejects.
async fn access_token(client: &AuthClient) -> String {
    match JsFuture::from(client.get_access_token(JsValue::UNDEFINED)).await {
        Ok(token) => token.as_string().unwrap(),
        Err(e) => format!("error {}", error_code(&e)),
    }
}

/// The codes of the `error` events `client` sends from now on.
fn record_errors(client: &AuthClient) -> js_sys::Array {
    let codes = js_sys::Array::new();
    let push = js_sys::Function::new_with_args("e", "this.push(e.code)").bind0(&codes);
    client.on("error".into(), push.into()).unwrap();
    codes
}

fn held_access_token(client: &AuthClient) -> Option<String> {
    let tokens = client.get_tokens();
    if tokens.is_undefined() {
        return None;
    }
    member(&tokens, "accessToken").as_string()
}

#[wasm_bindgen_test]
async fn every_store_round_trips_and_lists_only_the_prefix_asked_for() {
    for kind in KINDS {
        let under = Under::new(kind);
        let store = under.open();
        let prefix = "wasm-oauth:v2:port-test:";
        let (a, b) = (format!("{prefix}a"), format!("{prefix}b"));
        store.set(&a, "1").unwrap();
        store.set(&b, "2").unwrap();
        store.set("unrelated-key", "x").unwrap();
        assert_eq!(store.get(&a).as_deref(), Some("1"), "{kind:?}");
        let mut keys = store.keys_with_prefix(prefix);
        keys.sort();
        assert_eq!(keys, vec![a.clone(), b.clone()], "{kind:?}");
        under.settle().await;
        if kind != Kind::Memory {
            assert_eq!(
                under.raw(&a).as_deref(),
                Some("1"),
                "{kind:?} writes through"
            );
        }
        store.remove(&a);
        assert_eq!(store.get(&a), None, "{kind:?}");
        under.settle().await;
        assert_eq!(under.raw(&a), None, "{kind:?} removes through");
        store.remove(&b);
        store.remove("unrelated-key");
        under.settle().await;
    }
}

#[wasm_bindgen_test]
async fn a_stored_session_loads_from_its_own_prefixed_versioned_key_only() {
    for kind in KINDS.into_iter().filter(|k| *k != Kind::Memory) {
        let under = Under::new(kind);
        let id = format!("conf-load-{kind:?}");
        // A neighbour whose id extends ours, and an entry of a future schema.
        let neighbour = format!("{id}x");
        under.seed(&tokens_key(&id), &record("at-own", 3_600_000.0).into());
        under.seed(
            &tokens_key(&neighbour),
            &record("at-neighbour", 3_600_000.0).into(),
        );
        let c = client(&under, &id);
        assert_eq!(access_token(&c).await, "at-own", "{kind:?}");
        assert_eq!(held_access_token(&c).as_deref(), Some("at-own"), "{kind:?}");
        assert!(c.is_authenticated(), "{kind:?}");

        let future = record("at-future", 3_600_000.0).replace(r#""v":1"#, r#""v":2"#);
        under.seed(&tokens_key(&neighbour), &future.into());
        let n = client(&under, &neighbour);
        assert_eq!(access_token(&n).await, "error login_required", "{kind:?}");
        under.settle().await;
        assert_eq!(
            under.raw(&tokens_key(&neighbour)),
            None,
            "{kind:?}: unknown schema removed"
        );
        under.clear(&tokens_key(&id));
    }
}

#[wasm_bindgen_test]
async fn a_corrupt_entry_is_removed_never_fatal() {
    for kind in KINDS.into_iter().filter(|k| *k != Kind::Memory) {
        let under = Under::new(kind);
        let id = format!("conf-corrupt-{kind:?}");
        for junk in [
            JsValue::from_str("{not json"),
            JsValue::from_str(r#"{"v":1,"access_token":""}"#),
        ] {
            under.seed(&tokens_key(&id), &junk);
            let c = client(&under, &id);
            assert_eq!(access_token(&c).await, "error login_required", "{kind:?}");
            assert!(c.get_tokens().is_undefined(), "{kind:?}");
            under.settle().await;
            assert_eq!(
                under.raw(&tokens_key(&id)),
                None,
                "{kind:?}: {junk:?} removed"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn a_custom_store_value_that_is_no_string_is_removed() {
    for kind in [Kind::CustomSync, Kind::CustomAsync] {
        let under = Under::new(kind);
        let id = format!("conf-nostring-{kind:?}");
        let object = js_sys::JSON::parse(&record("at-object", 3_600_000.0)).unwrap();
        for junk in [JsValue::from_f64(5.0), object, js_sys::Array::new().into()] {
            under.seed(&tokens_key(&id), &junk);
            let c = client(&under, &id);
            assert_eq!(access_token(&c).await, "error login_required", "{kind:?}");
            under.settle().await;
            assert!(
                !under.entries().has(&tokens_key(&id).into()),
                "{kind:?}: {junk:?} removed"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn a_read_that_throws_finds_nothing() {
    for kind in KINDS.into_iter().filter(|k| *k != Kind::Memory) {
        let under = Under::new(kind);
        let id = format!("conf-throwing-get-{kind:?}");
        under.seed(
            &tokens_key(&id),
            &record("at-unreadable", 3_600_000.0).into(),
        );
        under.refuse("get", true);
        let c = client(&under, &id);
        let outcome = access_token(&c).await;
        let held = held_access_token(&c);
        under.refuse("get", false);
        assert_eq!(outcome, "error login_required", "{kind:?}");
        assert_eq!(held, None, "{kind:?}");
        // Unreadable is not corrupt: the entry is left for a later page.
        assert!(under.raw(&tokens_key(&id)).is_some(), "{kind:?}");
        under.clear(&tokens_key(&id));
    }
}

#[wasm_bindgen_test]
async fn a_refused_write_is_storage_unavailable_and_the_new_tokens_stay_in_memory() {
    let answer = r#"{"access_token":"at-new","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-2"}"#;
    for kind in KINDS.into_iter().filter(|k| *k != Kind::Memory) {
        let under = Under::new(kind);
        let id = format!("conf-refused-{kind:?}");
        // Expired: getAccessToken refreshes and stores the answer.
        let old = record("at-old", -1000.0);
        under.seed(&tokens_key(&id), &old.clone().into());
        let (c, lines) = client_logged(&under, &id, "warn");
        let errors = record_errors(&c);
        // Web Storage is probed with a write when it opens: refuse after.
        under.refuse("set", true);
        answer_token_requests(answer);
        let outcome = access_token(&c).await;
        under.settle().await;
        restore_fetch();
        under.refuse("set", false);
        assert_eq!(outcome, "at-new", "{kind:?}");
        assert_eq!(held_access_token(&c).as_deref(), Some("at-new"), "{kind:?}");
        let codes: Vec<_> = errors.iter().filter_map(|c| c.as_string()).collect();
        assert_eq!(codes, ["storage_unavailable"], "{kind:?}");
        // Logged once, with the code only: no key, no value.
        assert_eq!(
            strings(&lines),
            [r#"warn storage refused a write {"error":"storage_unavailable"}"#],
            "{kind:?}"
        );
        assert_eq!(under.raw(&tokens_key(&id)), Some(old), "{kind:?}");
        under.clear(&tokens_key(&id));
    }
}

/// A client over the store object `store_js` (JavaScript source); `None`
/// when the constructor refused it, with the error's code and message.
fn client_over(store_js: &str, client_id: &str) -> Result<AuthClient, (String, String)> {
    let options = options_object(&format!(
        r#"{{"clientId":{client_id:?},"redirectUri":"http://127.0.0.1:8080/"}}"#
    ));
    let store = js_sys::eval(&format!("({store_js})")).unwrap();
    js_sys::Reflect::set(&options, &"storage".into(), &store).unwrap();
    AuthClient::new(options).map_err(|e| {
        let message = member(&e, "message").as_string().unwrap();
        (error_code(&e), message)
    })
}

#[wasm_bindgen_test]
fn a_store_missing_a_method_or_of_another_shape_is_invalid_options() {
    let methods = "get() {}, set() {}, remove() {}";
    for (store, says) in [
        (format!("{{ {methods} }}"), "its keys is not a function"),
        (
            format!("{{ {methods}, keys: [] }}"),
            "its keys is not a function",
        ),
        (
            "{ set() {}, remove() {}, keys() {} }".to_string(),
            "its get is not a function",
        ),
        ("{}".to_string(), "its get is not a function"),
        ("[]".to_string(), "store object"),
        ("() => {}".to_string(), "store object"),
        ("5".to_string(), "store object"),
        ("true".to_string(), "store object"),
    ] {
        let (code, message) = client_over(&store, "bad-store").err().expect(&store);
        assert_eq!(code, "invalid_options", "{store}");
        assert!(
            message.starts_with(r#"option "storage": "#),
            "{store}: {message}"
        );
        assert!(message.contains(says), "{store}: {message}");
    }
    // A class instance: its methods are inherited, not own.
    let store = "new (class { get() { return null } set() {} remove() {} keys() { return [] } })()";
    assert!(client_over(store, "class-store").is_ok());
}

/// A synchronous store whose `keys()` gives what `keys_js` makes; `get`
/// answers a good token set for any key.
fn store_listing(keys_js: &str) -> String {
    let good = record("at-listed", 3_600_000.0);
    format!("{{ get: () => {good:?}, set() {{}}, remove() {{}}, keys: () => {{ {keys_js} }} }}")
}

#[wasm_bindgen_test]
async fn keys_that_are_junk_huge_or_hostile_load_nothing_or_a_bounded_part() {
    let id = "conf-keys";
    let own = tokens_key(id);
    for (keys_js, loads) in [
        // Not an array: nothing is loaded, and nothing breaks.
        ("return 'a string';".to_string(), false),
        ("return 5;".to_string(), false),
        (format!("return {{ length: 1, 0: {own:?} }};"), false),
        ("return null;".to_string(), false),
        ("throw new Error('no keys');".to_string(), false),
        // Entries that are no strings, too long, or another client's are skipped.
        (format!("return [5, null, {{}}, 'x'.repeat(5000), 'wasm-oauth:v2:other:tokens', {own:?}];"), true),
        // A huge list: only its first 10,000 entries are looked at.
        (format!("const k = new Array(1_000_000).fill('junk'); k[5] = {own:?}; return k;"), true),
        (format!("const k = new Array(1_000_000).fill('junk'); k[20_000] = {own:?}; return k;"), false),
        // A hostile array: a proxy whose entries throw.
        ("return new Proxy([1, 2, 3], { get(t, p) { if (p === 'length') return 3; throw new Error('trap'); } });".to_string(), false),
    ] {
        let c = client_over(&store_listing(&keys_js), id).expect(&keys_js);
        let expected = if loads { "at-listed" } else { "error login_required" };
        assert_eq!(access_token(&c).await, expected, "{keys_js}");
    }
}

#[wasm_bindgen_test]
async fn a_remove_the_store_refuses_is_reported_as_storage_unavailable() {
    for kind in [Kind::CustomSync, Kind::CustomAsync] {
        let under = Under::new(kind);
        let id = format!("conf-remove-{kind:?}");
        under.seed(&tokens_key(&id), &record("at-kept", 3_600_000.0).into());
        let (c, lines) = client_logged(&under, &id, "warn");
        let errors = record_errors(&c);
        assert_eq!(access_token(&c).await, "at-kept", "{kind:?}");
        under.refuse("remove", true);
        let logout = JsFuture::from(c.logout(options_object(r#"{"revoke":false}"#))).await;
        under.settle().await;
        under.refuse("remove", false);
        assert!(logout.is_ok(), "{kind:?}");
        // Logged out in this page; the app is told its store still holds the entry.
        assert!(c.get_tokens().is_undefined(), "{kind:?}");
        // One event per entry the store kept (the token set, the DPoP binding).
        let codes: Vec<_> = errors.iter().filter_map(|c| c.as_string()).collect();
        assert!(!codes.is_empty(), "{kind:?}");
        assert!(
            codes.iter().all(|c| c == "storage_unavailable"),
            "{kind:?}: {codes:?}"
        );
        assert!(under.raw(&tokens_key(&id)).is_some(), "{kind:?}");
        // A warning per refusal, with the code only.
        let lines = strings(&lines);
        assert_eq!(lines.len(), codes.len(), "{kind:?}: {lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| l == r#"warn storage refused a write {"error":"storage_unavailable"}"#),
            "{kind:?}: {lines:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_store_that_loads_too_slowly_holds_no_flow_and_its_session_comes_later() {
    let id = "conf-slow";
    let good = record("at-slow", 3_600_000.0);
    let own = tokens_key(id);
    // keys() settles after 3 s; the flows wait at most httpTimeoutSeconds (1 s).
    let store = format!(
        "{{ get: async () => {good:?}, set() {{}}, remove() {{}}, \
           keys: () => new Promise((resolve) => setTimeout(() => resolve([{own:?}]), 3000)) }}"
    );
    let options = options_object(&format!(
        r#"{{"clientId":{id:?},"redirectUri":"http://127.0.0.1:8080/","httpTimeoutSeconds":1}}"#
    ));
    js_sys::Reflect::set(
        &options,
        &"storage".into(),
        &js_sys::eval(&format!("({store})")).unwrap(),
    )
    .unwrap();
    let lines = record_logs(&options, "debug");
    let c = AuthClient::new(options).unwrap();
    let announced = js_sys::Array::new();
    let push = js_sys::Function::new_with_args("t", "this.push(t.accessToken)").bind0(&announced);
    c.on("tokens".into(), push.into()).unwrap();
    let started = js_sys::Date::now();
    assert_eq!(access_token(&c).await, "error login_required");
    let waited = js_sys::Date::now() - started;
    assert!((900.0..2900.0).contains(&waited), "waited {waited} ms");
    assert_eq!(announced.length(), 0);
    let timed_out = r#"warn storage load timed out {"error":"timeout"}"#;
    assert_eq!(
        strings(&lines).iter().filter(|l| *l == timed_out).count(),
        1,
        "{:?}",
        strings(&lines)
    );
    // The load finishes later: announced, and read from then on.
    for _ in 0..100 {
        if announced.length() > 0 {
            break;
        }
        JsFuture::from(wait(100)).await.unwrap();
    }
    assert_eq!(announced.to_vec(), [JsValue::from_str("at-slow")]);
    assert!(
        strings(&lines).contains(&"debug storage loaded late {}".to_string()),
        "{:?}",
        strings(&lines)
    );
    assert_eq!(access_token(&c).await, "at-slow");
    // No line carries the stored value or the key.
    for line in strings(&lines) {
        assert!(!line.contains("at-slow") && !line.contains(&own), "{line}");
    }
}

#[wasm_bindgen_test]
async fn a_refusal_while_loading_reaches_the_logger_of_the_client_being_made() {
    // The load, inside the constructor, cannot clean up the corrupt entry.
    let options = refused_at_load_options("conf-refused-at-load");
    let lines = record_logs(&options, "warn");
    let c = AuthClient::new(options).unwrap();
    assert_eq!(
        strings(&lines),
        [r#"warn storage refused a write {"error":"storage_unavailable"}"#]
    );
    assert_eq!(access_token(&c).await, "error login_required");
}

/// The options of a client over a sync store holding a corrupt entry (a
/// number) whose remove() throws: its load, inside the constructor, is refused.
fn refused_at_load_options(id: &str) -> JsValue {
    let own = tokens_key(id);
    let store = js_sys::eval(&format!(
        "({{ get: () => 7, set() {{}}, remove() {{ throw new Error('no'); }}, keys: () => [{own:?}] }})"
    ))
    .unwrap();
    let options = options_object(&format!(
        r#"{{"clientId":{id:?},"redirectUri":"http://127.0.0.1:8080/"}}"#
    ));
    js_sys::Reflect::set(&options, &"storage".into(), &store).unwrap();
    options
}

/// A client made with [`refused_at_load_options`].
fn client_refused_at_load(id: &str) -> AuthClient {
    AuthClient::new(refused_at_load_options(id)).unwrap()
}

#[wasm_bindgen_test]
async fn a_refusal_while_loading_reaches_the_error_listeners_added_after_the_constructor() {
    // Listeners added right after the constructor returns: each hears it once,
    // after `on()` returned.
    let c = client_refused_at_load("conf-refused-at-load-heard");
    let (first, second) = (record_errors(&c), record_errors(&c));
    assert_eq!(first.length(), 0, "not from inside on()");
    JsFuture::from(wait(0)).await.unwrap();
    assert_eq!(strings(&first), ["storage_unavailable"]);
    assert_eq!(strings(&second), ["storage_unavailable"]);
    // Told once: a listener added later does not hear it again.
    let later = record_errors(&c);
    JsFuture::from(wait(0)).await.unwrap();
    assert_eq!(later.length(), 0);
    assert_eq!(strings(&first), ["storage_unavailable"]);

    // The first listener comes a task later (an app that subscribes after an
    // await, as `wasm-oauth/react` does): it is kept for it.
    let c = client_refused_at_load("conf-refused-at-load-late");
    JsFuture::from(wait(10)).await.unwrap();
    let late = record_errors(&c);
    JsFuture::from(wait(0)).await.unwrap();
    assert_eq!(strings(&late), ["storage_unavailable"]);
}

/// The pending logins' sessionStorage of a client whose session lives
/// elsewhere is opened on its first use: making it touches nothing (a probe
/// write refused then would have sent it to memory), and it opens, probe and
/// fallback included, as `BrowserStorage::open` does.
#[wasm_bindgen_test]
fn a_store_opened_on_first_use_probes_then_not_when_made() {
    let key = "wasm-oauth:test-first-use";
    web_storage_refuses("setItem", true);
    let later = BrowserStorage::on_first_use(StorageKind::Session);
    web_storage_refuses("setItem", false);
    later.set(key, "v").unwrap();
    assert!(!later.is_memory());
    assert_eq!(raw("sessionStorage", key).as_deref(), Some("v"));
    assert_eq!(later.get(key).as_deref(), Some("v"));
    later.remove(key);
    assert_eq!(raw("sessionStorage", key), None);

    // The browser refuses the probe at the first use: memory, as `open` falls back.
    let refused = BrowserStorage::on_first_use(StorageKind::Session);
    web_storage_refuses("setItem", true);
    let fell_back = refused.is_memory();
    web_storage_refuses("setItem", false);
    assert!(fell_back);
    refused.set(key, "m").unwrap();
    assert_eq!(refused.get(key).as_deref(), Some("m"));
    assert_eq!(raw("sessionStorage", key), None);
}
