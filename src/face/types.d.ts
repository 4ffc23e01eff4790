// The declarations wasm-bindgen cannot derive from the Rust types: the error
// codes (the SDK's own and the servers'), the provider's documents (ID-token
// claims, userinfo) that pass through as JSON.parse built them, the option
// variants of the login methods, parseCallbackUrl's documented variants, and
// AuthClient's generic methods. Every other option and result type is
// generated from its Rust type (tsify), with its doc comments.

/**
 * Stable error codes: the SDK's own, or an OAuth error code from the server.
 * `not_initialized` (a call before `await init()` finished) and
 * `wasm_load_failed` (`init()` could not load the `.wasm`) come from the
 * package's entry module, before any WebAssembly runs.
 */
export type AuthErrorCode =
  | "not_initialized" | "wasm_load_failed"
  | "state_mismatch" | "missing_transaction" | "transaction_expired" | "issuer_mismatch"
  | "nonce_mismatch" | "invalid_id_token" | "login_required" | "network_error"
  | "storage_unavailable" | "expired_token" | "aborted" | "popup_blocked" | "popup_closed"
  | "timeout" | "secret_in_browser" | "invalid_options" | "invalid_response"
  | "invalid_grant" | "invalid_client" | "invalid_request" | "unauthorized_client"
  | "unsupported_grant_type" | "invalid_scope" | "access_denied" | "server_error"
  | "temporarily_unavailable" | "authorization_pending" | "slow_down"
  | "unsupported_response_type" | "interaction_required"
  | "consent_required" | "account_selection_required" | "invalid_request_uri"
  | "invalid_request_object" | "invalid_token" | "insufficient_scope" | "invalid_dpop_proof";

/**
 * Your own store for the session, as the `storage` option: an IndexedDB
 * wrapper, an encrypted store, a native bridge in a WebView. Each method may
 * answer at once or with a promise. The SDK loads its own entries once when
 * the client is made (`keys()`, then `get()` for each of its keys), serves
 * reads from memory and writes through in order; with a promise-returning
 * store, `getTokens()` and `isAuthenticated()` see the stored session once it
 * is loaded (a `tokens` event tells you), and every method that returns a
 * promise waits for the load first. Pending logins stay in `sessionStorage`
 * (they must survive the redirect in this tab). The store is not watched: a
 * change another tab makes shows after a reload, and refreshes are not
 * coordinated across tabs (use `"local"` for that).
 */
export interface CustomStorage {
  /** The value under `key`: a string, or `null`/`undefined` when absent. Anything else is a corrupt entry and removed; a throw or rejection reads as absent. */
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  /** Stores `value` (always a string) under `key`. A throw or rejection is a refused write: a `storage_unavailable` `error` event, and the session stays in this page's memory. */
  set(key: string, value: string): void | Promise<void>;
  /** Removes `key`. A throw or rejection is a `storage_unavailable` `error` event. */
  remove(key: string): void | Promise<void>;
  /** Every key the store holds (an array of strings); the SDK reads only its own (`wasm-oauth:v2:<clientId>:…`), from the first 10,000. */
  keys(): string[] | Promise<string[]>;
}

/** `logLevel`: the lowest level passed to `logger`; `"off"` passes none. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

/**
 * A log line's fields. Each is one of these typed values, built by the SDK:
 * never a token, an authorization code, a secret, a PKCE verifier, a state,
 * a nonce, a DPoP proof or a server's error description.
 */
export interface LogFields {
  /** The HTTP method of a request: `GET` or `POST`. */
  method?: "GET" | "POST";
  /** Where a request went: origin and path, never its query or fragment. */
  endpoint?: string;
  /** The HTTP status of an answer. */
  status?: number;
  /** How long a request took, in milliseconds. */
  durationMs?: number;
  /** How many of something (keys in a JWKS). */
  count?: number;
  /** How long the SDK waits before its next step (device polling), in milliseconds. */
  waitMs?: number;
  /** The provider's clock minus this device's, in seconds. */
  skewSeconds?: number;
  /** An error's code: the SDK's, or an OAuth code it knows (`unknown_server_error` otherwise). */
  error?: AuthErrorCode | "unknown_server_error";
}

/**
 * `logger`: called with each line at `logLevel` or above. `message` is fixed
 * text ("request sent", "refresh failed"); what varies is in `fields`. An
 * exception it throws, or a promise it returns that rejects, is ignored.
 */
export type Logger = (level: Exclude<LogLevel, "off">, message: string, fields: LogFields) => void;

/** The provider's endpoints, as `AuthClientOptions.endpoints` names them. */
export type Endpoints = EndpointOptions;

/** `loginWithImplicit`'s options: `responseType` is required. */
export type ImplicitLoginOptions<TAppState = unknown> = LoginOptions<TAppState> & {
  /** The legacy response type, asked for by name. */
  responseType: "token" | "id_token token";
};

/** `loginWithPopup`'s options (`timeoutSeconds` applies). */
export type PopupLoginOptions<TAppState = unknown> = LoginOptions<TAppState>;

/**
 * What a handled login gives the app. `TAppState` is the type of the
 * `appState` given at login (TypeScript only: nothing checks it at run time).
 */
export interface CallbackResult<TAppState = unknown> {
  /**
   * The `appState` given at login, as its JSON parses; absent when the
   * login gave none.
   */
  appState?: TAppState;
  /** The stored token set. */
  tokens: TokenSet;
}

/** `parseCallbackUrl`'s result: what an authorization response holds, unchecked. */
export type ParsedCallback = ParsedCallbackCode | ParsedCallbackTokens | ParsedCallbackError;

/** `parseCallbackUrl`'s result for a code response (the code flow), unchecked. */
export interface ParsedCallbackCode {
  /** What the response holds. */
  kind: "code";
  /** The authorization code: a secret, to exchange and never to log. */
  code: string;
  /** The `state` it carries. */
  state?: string;
  /** The issuer it names (RFC 9207). */
  iss?: string;
  /** Where it came: the query or the fragment. */
  responseMode: "query" | "fragment";
}

/** `parseCallbackUrl`'s result for tokens in the address (the legacy implicit flow), unchecked. */
export interface ParsedCallbackTokens {
  /** What the response holds. */
  kind: "tokens";
  /** The access token: a secret. */
  accessToken?: string;
  /** The token type (`Bearer`). */
  tokenType?: string;
  /** The access token's lifetime in seconds, as the text the URL carries. */
  expiresIn?: string;
  /** The scopes granted, space-separated. */
  scope?: string;
  /** The ID token (a JWT), not checked here. */
  idToken?: string;
  /** The `state` it carries. */
  state?: string;
  /** The issuer it names (RFC 9207). */
  iss?: string;
  /** Where it came: the query or the fragment. */
  responseMode: "query" | "fragment";
}

/** `parseCallbackUrl`'s result for an error response from the provider. */
export interface ParsedCallbackError {
  /** What the response holds. */
  kind: "error";
  /** The OAuth error code (`access_denied`, ...). */
  error: string;
  /** The provider's human text, when it sent one. */
  errorDescription?: string;
  /** The `state` it carries. */
  state?: string;
  /** The issuer it names (RFC 9207). */
  iss?: string;
  /** Where it came: the query or the fragment. */
  responseMode: "query" | "fragment";
}

/** The standard claims (OIDC Core §5.1), any of which a provider may send. */
export interface StandardClaims {
  /** The user: an opaque identifier, never to be parsed. */
  sub: string;
  /** Full name, in displayable form. */
  name?: string;
  /** Given (first) name(s). */
  given_name?: string;
  /** Surname(s) or last name(s). */
  family_name?: string;
  /** Middle name(s). */
  middle_name?: string;
  /** Casual name. */
  nickname?: string;
  /** The name the user likes to be called by (e.g. a login name); not unique, not stable: never key on it. */
  preferred_username?: string;
  /** URL of the user's profile page. */
  profile?: string;
  /** URL of the user's picture. */
  picture?: string;
  /** URL of the user's web page or blog. */
  website?: string;
  /** Preferred email address; check `email_verified` before trusting it. */
  email?: string;
  /** True when the provider verified `email`. */
  email_verified?: boolean;
  /** Gender (`female`, `male`, or another value). */
  gender?: string;
  /** Birthday: `YYYY-MM-DD`, or `YYYY` alone. */
  birthdate?: string;
  /** Time zone, from the IANA database (`Europe/Paris`). */
  zoneinfo?: string;
  /** Locale, a BCP 47 tag (`en-US`). */
  locale?: string;
  /** Preferred telephone number (E.164 recommended). */
  phone_number?: string;
  /** True when the provider verified `phone_number`. */
  phone_number_verified?: boolean;
  /** Preferred postal address (OIDC Core §5.1.1). */
  address?: {
    /** The full address, for display (may hold line breaks). */
    formatted?: string;
    /** Street address (may hold line breaks). */
    street_address?: string;
    /** City or locality. */
    locality?: string;
    /** State, province, prefecture or region. */
    region?: string;
    /** Zip or postal code. */
    postal_code?: string;
    /** Country name. */
    country?: string;
  };
  /** When the user's information was last updated, in seconds since the epoch. */
  updated_at?: number;
}

/** The checked ID token's claims (OIDC Core §2); times are seconds since the epoch. */
export interface IdTokenClaims extends StandardClaims {
  /** The issuer: equal to the client's `issuer` (checked). */
  iss: string;
  /** The audience: includes the client id (checked). */
  aud: string | string[];
  /** Expiry, in seconds since the epoch (checked with the clock skew). */
  exp: number;
  /** When the token was issued, in seconds since the epoch. */
  iat: number;
  /** Not valid before this time, in seconds since the epoch (checked). */
  nbf?: number;
  /** The login's nonce (checked). */
  nonce?: string;
  /** When the user signed in, in seconds since the epoch (checked against `maxAge`). */
  auth_time?: number;
  /** The authorized party: the client id when there are several audiences (checked). */
  azp?: string;
  /** Hash of the access token issued with it (checked when present). */
  at_hash?: string;
  /** The authentication context class the sign-in satisfied. */
  acr?: string;
  /** The authentication methods used (`pwd`, `otp`, ...; RFC 8176). */
  amr?: string[];
  /** The provider's session id (for logout). */
  sid?: string;
  /** Any other claim the provider sends, as its JSON parses. */
  [claim: string]: unknown;
}

/** The userinfo response (OIDC Core §5.3): its `sub` is the ID token's. */
export interface UserInfo extends StandardClaims {
  /** Any other claim the provider sends, as its JSON parses. */
  [claim: string]: unknown;
}

/** The events `on()` subscribes to. */
export type AuthEventName = "tokens" | "logout" | "error" | "tokenExpiring" | "tokenExpired";

/** What each event's listener receives. */
export interface AuthEventMap {
  /** A new token set was stored (login, refresh, device sign-in, or another tab), or a promise-returning `CustomStorage` finished loading one. */
  tokens: TokenSet;
  /** The session ended (logout, refresh token refused, or another tab). */
  logout: undefined;
  /**
   * The access token expires within `tokenExpiringSeconds` (default 60): at this time, in
   * milliseconds since the epoch. Told once per token; never after it expired.
   */
  tokenExpiring: number;
  /** The access token has expired (told once, also to a page that slept past it). */
  tokenExpired: undefined;
  /**
   * A background operation failed. One raised while the constructor ran (a `CustomStorage`
   * refusing to remove a corrupt entry as it loaded) is kept for the first `error` listener,
   * told a microtask after `on()` returns.
   */
  error: import("./auth-error.js").AuthError;
}

// AuthClient's generic methods (wasm-bindgen declares no type parameters):
// this interface merges with the generated class.
export interface AuthClient {
  /**
   * Starts a code + PKCE (S256) login and sends the browser to the provider.
   * `appState` (any JSON value, typed `TAppState`) stays in this browser and
   * comes back from `handleRedirectCallback`. Rejects with `invalid_options`
   * for a wrong option, or without `redirectUri`.
   *
   * @example
   * await auth.loginWithRedirect({ appState: { returnTo: location.pathname } });
   */
  loginWithRedirect<TAppState = unknown>(options?: LoginOptions<TAppState>): Promise<void>;
  /**
   * Code + PKCE login in a popup window; resolves like `handleRedirectCallback`
   * once the popup's page (which calls `handleRedirectCallback()` as usual)
   * hands the response back. Call it from a click. Rejects with
   * `popup_blocked`, `popup_closed` or `timeout` (default 300 s).
   */
  loginWithPopup<TAppState = unknown>(options?: PopupLoginOptions<TAppState>): Promise<CallbackResult<TAppState>>;
  /**
   * Legacy implicit login (`responseType: "token"` or `"id_token token"`),
   * only when asked for by name; no refresh token is ever kept. Prefer
   * `loginWithRedirect`.
   */
  loginWithImplicit<TAppState = unknown>(options: ImplicitLoginOptions<TAppState>): Promise<void>;
  /**
   * Handles the authorization response in `url` (default: the current
   * address): removes it from the address bar first, then checks state,
   * issuer and nonce, exchanges the code and stores the tokens. Idempotent
   * within a page: a second call for the same URL (React StrictMode, two
   * components) gets the first call's promise. `TAppState` types the
   * `appState` given at login (nothing checks it at run time).
   *
   * @example
   * const { appState } = await auth.handleRedirectCallback<{ returnTo?: string }>();
   */
  handleRedirectCallback<TAppState = unknown>(url?: string | null): Promise<CallbackResult<TAppState>>;
  /**
   * Subscribes to `"tokens"` (a new token set, also from another tab),
   * `"logout"` or `"error"`. Returns the function that unsubscribes.
   */
  on<E extends AuthEventName>(event: E, listener: (payload: AuthEventMap[E]) => void): () => void;
}
