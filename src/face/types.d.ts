/** Stable error codes: the SDK's own, or an OAuth error code from the server. */
export type AuthErrorCode =
  | "state_mismatch" | "missing_transaction" | "transaction_expired" | "issuer_mismatch"
  | "nonce_mismatch" | "invalid_id_token" | "login_required" | "network_error"
  | "storage_unavailable" | "expired_token" | "aborted" | "popup_blocked" | "popup_closed"
  | "timeout" | "secret_in_browser" | "invalid_options" | "invalid_response"
  | "invalid_grant" | "invalid_client" | "invalid_request" | "unauthorized_client"
  | "unsupported_grant_type" | "invalid_scope" | "access_denied" | "server_error"
  | "temporarily_unavailable" | "authorization_pending" | "slow_down"
  | "unsupported_response_type" | "interaction_required" | "login_required"
  | "consent_required" | "account_selection_required" | "invalid_request_uri"
  | "invalid_request_object" | "invalid_token" | "insufficient_scope" | "invalid_dpop_proof";

/** Provider endpoints, each an absolute URL (https, or http on loopback). */
export interface Endpoints {
  authorization?: string;
  token?: string;
  revocation?: string;
  userinfo?: string;
  jwks?: string;
  deviceAuthorization?: string;
  pushedAuthorization?: string;
  endSession?: string;
}

export interface AuthClientOptions {
  /** The client id registered at the provider. */
  clientId: string;
  /** The exact registered redirect URI. */
  redirectUri: string;
  /** Default `https://auth.xeonr.io`; endpoints default to the provider's layout under it. */
  issuer?: string;
  /** Default `"openid profile email"`; add `offline_access` for refresh tokens. */
  scope?: string;
  endpoints?: Endpoints;
  /** Read `{issuer}/.well-known/openid-configuration` first. */
  discovery?: boolean;
  /** Default `"session"`. */
  storage?: "memory" | "session" | "local";
  /** Push the authorization request first (RFC 9126). */
  usePar?: boolean;
  /** Default 60. */
  clockSkewSeconds?: number;
  /** Server runtimes only: refused in browsers. */
  clientSecret?: string;
}

export interface LoginOptions {
  /** Any JSON-serializable value, handed back by `handleRedirectCallback`. */
  appState?: unknown;
  scope?: string;
  prompt?: "none" | "login" | "consent" | "select_account" | (string & {});
  loginHint?: string;
  maxAge?: number;
  acrValues?: string;
  resource?: string | string[];
  /** Extra authorization parameters; may not set the SDK's own. */
  extraParams?: Record<string, string>;
  responseMode?: "query" | "fragment";
}

export interface ImplicitLoginOptions extends LoginOptions {
  responseType: "token" | "id_token token";
}

export interface TokenSet {
  accessToken: string;
  tokenType: "Bearer";
  /** Milliseconds since the epoch. */
  expiresAt?: number;
  scope?: string;
  refreshToken?: string;
  idToken?: string;
}

export interface CallbackResult {
  appState?: unknown;
  tokens: TokenSet;
}

export interface GetAccessTokenOptions {
  forceRefresh?: boolean;
  /** Default 30. */
  minValiditySeconds?: number;
}

export interface LogoutOptions {
  /** Where the end-session endpoint sends the browser afterwards. */
  returnTo?: string;
  /** Default true: revoke the refresh and access tokens (RFC 7009). */
  revoke?: boolean;
}

export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  auth_time?: number;
  azp?: string;
  at_hash?: string;
  sid?: string;
  [claim: string]: unknown;
}

export interface UserInfo {
  sub: string;
  [claim: string]: unknown;
}

export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: "S256";
}

export type ParsedCallback =
  | { kind: "code"; code: string; state?: string; iss?: string; responseMode: "query" | "fragment" }
  | {
      kind: "tokens"; accessToken?: string; tokenType?: string; expiresIn?: string; scope?: string;
      idToken?: string; state?: string; iss?: string; responseMode: "query" | "fragment";
    }
  | { kind: "error"; error: string; errorDescription?: string; state?: string; iss?: string; responseMode: "query" | "fragment" };

export interface PopupLoginOptions extends LoginOptions {
  /** Default 300. */
  timeoutSeconds?: number;
}

export type AuthEventName = "tokens" | "logout" | "error";

export interface DeviceAuthorization {
  deviceCode: string;
  /** Show this to the user (6 characters at the provider). */
  userCode: string;
  verificationUri: string;
  /** The verification page with the code filled in: good for a QR code. */
  verificationUriComplete?: string;
  expiresIn: number;
  /** Seconds between polls (never below 5). */
  interval: number;
  /** When the device code expires, in ms since the epoch. */
  expiresAt: number;
}

export interface ScopeOptions {
  /** Space-separated scopes; default: the client's `scope`. */
  scope?: string;
}

export interface PollOptions {
  /** Aborting it rejects the poll at once with `aborted`. */
  signal?: AbortSignal;
}

/** What each event's listener receives. */
export interface AuthEventMap {
  /** A new token set was stored (login, refresh, device sign-in, or another tab). */
  tokens: TokenSet;
  /** The session ended (logout, refresh token refused, or another tab). */
  logout: undefined;
  /** A background operation failed. */
  error: import("./auth-error.js").AuthError;
}

// AuthClient's methods (one .wasm export names them on the prototype: src/face/methods.js).
export interface AuthClient {
  /**
   * Builds the authorization URL of a new code + PKCE (S256) login and
   * stores the pending login, without navigating.
   */
  buildAuthorizeUrl(opts?: LoginOptions): Promise<string>;
  /** Starts a code + PKCE login and sends the browser to the provider. */
  loginWithRedirect(opts?: LoginOptions): Promise<void>;
  /**
   * Legacy implicit login (`responseType: "token"` or `"id_token token"`),
   * only when asked for by name. Prefer `loginWithRedirect`.
   */
  loginWithImplicit(opts: ImplicitLoginOptions): Promise<void>;
  /**
   * Code + PKCE login in a popup window; resolves like
   * `handleRedirectCallback` once the popup's callback page hands the
   * response back. Rejects with `popup_blocked`, `popup_closed` or `timeout`.
   */
  loginWithPopup(opts?: PopupLoginOptions): Promise<CallbackResult>;
  /** True when `url` (default: the current address) carries an authorization response. */
  isCallback(url?: string | null): boolean;
  /** Subscribes to `"tokens"`, `"logout"` or `"error"`; returns the function that unsubscribes. */
  on<E extends AuthEventName>(event: E, listener: (payload: AuthEventMap[E]) => void): () => void;
  /** Device sign-in (RFC 8628), step 1: a user code and the page where the user enters it. */
  startDeviceAuthorization(opts?: ScopeOptions): Promise<DeviceAuthorization>;
  /**
   * Device sign-in, step 2: polls until the user approves (resolving with
   * the stored token set), denies (`access_denied`), the code expires
   * (`expired_token`) or `signal` aborts (`aborted`).
   */
  pollDeviceToken(device: DeviceAuthorization, opts?: PollOptions): Promise<TokenSet>;
  /**
   * Client credentials grant. Server runtimes only (needs `clientSecret`);
   * rejects with `secret_in_browser` in a browser before sending anything.
   */
  clientCredentials(opts?: ScopeOptions): Promise<TokenSet>;
  /**
   * Service token: exchanges a service account's JWT (jwt-bearer grant).
   * Server runtimes only; rejects with `secret_in_browser` in a browser.
   */
  exchangeServiceToken(assertion: string, opts?: ScopeOptions): Promise<TokenSet>;
  /**
   * Handles the authorization response in `url` (default: the current
   * address): checks state, issuer and nonce, exchanges the code, stores the
   * tokens, and removes the response from the address bar.
   */
  handleRedirectCallback(url?: string | null): Promise<CallbackResult>;
  /**
   * A usable access token, refreshed first when it has less than
   * `minValiditySeconds` (default 30) left or when `forceRefresh` is set.
   */
  getAccessToken(opts?: GetAccessTokenOptions): Promise<string>;
  /** The stored token set, or `undefined`. */
  getTokens(): TokenSet | undefined;
  /** The validated ID token claims, or `undefined`. */
  getIdTokenClaims(): IdTokenClaims | undefined;
  /** True when a non-expired access token is held. */
  isAuthenticated(): boolean;
  /** The userinfo response (OIDC Core §5.3), fetched with the access token. */
  getUser(): Promise<UserInfo>;
  /**
   * Logs out: revokes the tokens (unless `revoke: false`), clears the
   * session, and goes to the provider's end-session page when one is configured.
   */
  logout(opts?: LogoutOptions): Promise<void>;
}
