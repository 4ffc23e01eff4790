// wasm-oauth/react: <AuthProvider> and useAuth() for React 18 and 19 (React is an
// optional peer dependency of wasm-oauth: install it to use this entry).
import type { ReactElement, ReactNode } from "react";
import type {
  AuthClient,
  AuthClientOptions,
  AuthError,
  CallbackResult,
  GetAccessTokenOptions,
  LoginOptions,
  LogoutOptions,
  UserInfo,
} from "./index.js";

/** The props of `<AuthProvider>`. */
export interface AuthProviderProps<TAppState = unknown> {
  /**
   * `AuthClient` options. One client is made per distinct options (compared as JSON), so
   * an inline object is fine: re-renders keep the client.
   */
  options: AuthClientOptions;
  /**
   * Called once per callback URL, after a good login, with the `appState` given to
   * `login()` (by default `{ returnTo }`, the path the user was on). Default: replaces the
   * address with `appState.returnTo`. With a router, navigate there instead.
   *
   * @example
   * onRedirectCallback={(appState) => navigate(appState?.returnTo ?? "/")}
   */
  onRedirectCallback?: (appState: TAppState | undefined, result: CallbackResult<TAppState>) => void;
  /** The app: `useAuth()` works anywhere below. */
  children?: ReactNode;
}

/**
 * Loads the SDK (`init()`, once per page), makes the `AuthClient`, and finishes a login
 * when the page is the redirect callback, exactly once per URL: React StrictMode's double
 * effects, remounts and a second provider with the same options all share that one
 * handling. Then it keeps `useAuth()` up to date (refreshes, logouts, other tabs).
 *
 * @example
 * <AuthProvider options={{ clientId: "…", redirectUri: window.location.origin + "/" }}>
 *   <App />
 * </AuthProvider>
 */
export function AuthProvider<TAppState = { returnTo?: string }>(props: AuthProviderProps<TAppState>): ReactElement;

/** What `useAuth()` returns: the session, and what to do with it. */
export interface Auth<TUser extends UserInfo = UserInfo> {
  /** True until the SDK is loaded, any callback handled and the user fetched. */
  isLoading: boolean;
  /** True while a non-expired access token is held (an expired one is refreshed on load when a refresh token is held). */
  isAuthenticated: boolean;
  /** The userinfo response of the signed-in user (fetched once per login); `undefined` when signed out. */
  user: TUser | undefined;
  /** The last failure: the callback's (`access_denied`, `state_mismatch`, ...), a refresh's, or loading's (`wasm_load_failed`). */
  error: AuthError | undefined;
  /** The `AuthClient`, once loaded, for everything else it does (`getIdTokenClaims()`, `on()`, device sign-in, ...). */
  client: AuthClient | undefined;
  /**
   * Sends the browser to the provider to sign in (`loginWithRedirect`). By default
   * `appState` is `{ returnTo }`: the current path, where `<AuthProvider>` brings the user
   * back.
   */
  login<TAppState = { returnTo?: string }>(options?: LoginOptions<TAppState>): Promise<void>;
  /** Revokes and clears the session, then the provider's end-session page when one is configured. */
  logout(options?: LogoutOptions): Promise<void>;
  /** A usable access token, refreshed when it has under 30 s left (`login_required` when signed out). */
  getAccessToken(options?: GetAccessTokenOptions): Promise<string>;
}

/**
 * The nearest `<AuthProvider>`'s session. `TUser` types the userinfo response for
 * providers that add claims. Throws `AuthError` `not_initialized` outside a provider.
 *
 * @example
 * const { isLoading, isAuthenticated, user, login, logout } = useAuth();
 */
export function useAuth<TUser extends UserInfo = UserInfo>(): Auth<TUser>;
