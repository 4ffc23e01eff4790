// The declarations wasm-bindgen cannot derive from the Rust types: the error
// codes (the SDK's own and the servers'), the provider's documents (ID-token
// claims, userinfo) that pass through as JSON.parse built them, the option
// variants of the login methods, and the generic event subscription. Every
// other option and result type is generated from its Rust type (tsify).

/** Stable error codes: the SDK's own, or an OAuth error code from the server. */
export type AuthErrorCode =
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

/** The provider's endpoints, as `AuthClientOptions.endpoints` names them. */
export type Endpoints = EndpointOptions;

/** `loginWithImplicit`'s options: `responseType` is required. */
export type ImplicitLoginOptions = LoginOptions & { responseType: "token" | "id_token token" };

/** `loginWithPopup`'s options (`timeoutSeconds` applies). */
export type PopupLoginOptions = LoginOptions;

/** The standard claims (OIDC Core §5.1), any of which a provider may send. */
export interface StandardClaims {
  /** The user: an opaque identifier, never to be parsed. */
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  email?: string;
  email_verified?: boolean;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  address?: {
    formatted?: string;
    street_address?: string;
    locality?: string;
    region?: string;
    postal_code?: string;
    country?: string;
  };
  /** When the user's information was last updated, in seconds since the epoch. */
  updated_at?: number;
}

/** The checked ID token's claims (OIDC Core §2); times are seconds since the epoch. */
export interface IdTokenClaims extends StandardClaims {
  iss: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nbf?: number;
  nonce?: string;
  auth_time?: number;
  azp?: string;
  at_hash?: string;
  acr?: string;
  amr?: string[];
  sid?: string;
  [claim: string]: unknown;
}

/** The userinfo response (OIDC Core §5.3): its `sub` is the ID token's. */
export interface UserInfo extends StandardClaims {
  [claim: string]: unknown;
}

export type AuthEventName = "tokens" | "logout" | "error" | "tokenExpiring" | "tokenExpired";

/** What each event's listener receives. */
export interface AuthEventMap {
  /** A new token set was stored (login, refresh, device sign-in, or another tab). */
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
  /** A background operation failed. */
  error: import("./auth-error.js").AuthError;
}

export interface AuthClient {
  /**
   * Subscribes to `"tokens"` (a new token set, also from another tab),
   * `"logout"` or `"error"`. Returns the function that unsubscribes.
   */
  on<E extends AuthEventName>(event: E, listener: (payload: AuthEventMap[E]) => void): () => void;
}
