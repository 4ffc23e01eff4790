// useAuth: a small React hook over wasm-oauth. Plain ES modules, no JSX, no build step of its own.
//
//   const { ready, isAuthenticated, user, login, logout, getAccessToken, error } = useAuth(options);
//
// `options` are AuthClient options. One AuthClient is made per distinct options (kept for the
// page's lifetime, shared by every component that asks with the same options), and the redirect
// callback is handled once, even when React runs effects twice (StrictMode) or several components
// mount the hook. Safe to import during a server render: nothing runs until an effect does.

import { useCallback, useEffect, useState } from "react";
import init, { AuthClient } from "wasm-oauth";

/**
 * @typedef {import("wasm-oauth").AuthClientOptions} AuthClientOptions
 * @typedef {import("wasm-oauth").LoginOptions} LoginOptions
 * @typedef {import("wasm-oauth").LogoutOptions} LogoutOptions
 * @typedef {import("wasm-oauth").GetAccessTokenOptions} GetAccessTokenOptions
 * @typedef {import("wasm-oauth").UserInfo} UserInfo
 * @typedef {import("wasm-oauth").AuthError} AuthError
 *
 * @typedef {object} AuthState
 * @property {boolean} ready            the SDK is loaded and any redirect callback was handled
 * @property {boolean} isAuthenticated  a non-expired access token is held
 * @property {UserInfo | undefined} user  the userinfo response, once signed in
 * @property {AuthError | Error | undefined} error  the last failure (a callback, a refresh, userinfo)
 *
 * @typedef {object} AuthActions
 * @property {(options?: LoginOptions) => Promise<void>} login  redirects to the provider
 * @property {(options?: LogoutOptions) => Promise<void>} logout  revokes and clears the session
 * @property {(options?: GetAccessTokenOptions) => Promise<string>} getAccessToken  refreshes when needed
 *
 * @typedef {AuthState & AuthActions} UseAuthResult
 *
 * @typedef {object} Started
 * @property {AuthClient} auth
 * @property {unknown} callbackError
 */

/** @type {Map<string, Promise<Started>>} one client (and one callback handling) per options */
const started = new Map();

/**
 * Loads the SDK, makes the client and, when the page is a redirect callback, finishes the login
 * (then moves to `appState.returnTo`). Once per distinct options.
 * @param {AuthClientOptions} options
 * @returns {Promise<Started>}
 */
function start(options) {
  const key = JSON.stringify(options);
  let entry = started.get(key);
  if (!entry) {
    entry = (async () => {
      await init();
      const auth = new AuthClient(options);
      let callbackError;
      if (auth.isCallback()) {
        try {
          const { appState } = await auth.handleRedirectCallback();
          const returnTo = /** @type {{ returnTo?: unknown } | undefined} */ (appState)?.returnTo;
          if (typeof returnTo === "string" && returnTo.startsWith("/") && !returnTo.startsWith("//")) {
            history.replaceState(history.state, "", returnTo);
          }
        } catch (error) {
          callbackError = error;
        }
      }
      return { auth, callbackError };
    })();
    started.set(key, entry);
    entry.catch(() => started.delete(key));
  }
  return entry;
}

/**
 * @param {unknown} error
 * @returns {AuthError | Error}
 */
function asError(error) {
  return error instanceof Error ? error : new Error(String(error));
}

/** @type {AuthState} */
const LOADING = { ready: false, isAuthenticated: false, user: undefined, error: undefined };

/**
 * @param {AuthClientOptions} options  AuthClient options; a new object with the same values is fine
 * @returns {UseAuthResult}
 */
export function useAuth(options) {
  const key = JSON.stringify(options);
  const [auth, setAuth] = useState(/** @type {AuthClient | undefined} */ (undefined));
  const [state, setState] = useState(LOADING);

  useEffect(() => {
    let active = true;
    /** @type {Array<() => void>} */
    let unsubscribe = [];

    /**
     * Reads the session into state: refreshes an expired access token when a refresh token is
     * held, and fetches the user once signed in.
     * @param {AuthClient} client
     * @param {unknown} [failure]
     */
    async function sync(client, failure) {
      let error = failure === undefined ? undefined : asError(failure);
      let isAuthenticated = client.isAuthenticated();
      if (!isAuthenticated && client.getTokens()?.refreshToken) {
        try {
          await client.getAccessToken();
          isAuthenticated = client.isAuthenticated();
        } catch (e) {
          error ??= asError(e);
        }
      }
      /** @type {UserInfo | undefined} */
      let user;
      if (isAuthenticated) {
        try {
          user = await client.getUser();
        } catch (e) {
          error ??= asError(e);
        }
      }
      if (active) setState({ ready: true, isAuthenticated, user, error });
    }

    start(options).then(
      ({ auth: client, callbackError }) => {
        if (!active) return;
        setAuth(client);
        unsubscribe = [
          client.on("tokens", () => void sync(client)),
          client.on("logout", () => void sync(client)),
          client.on("error", (e) => {
            if (active) setState((s) => ({ ...s, error: asError(e) }));
          }),
        ];
        return sync(client, callbackError);
      },
      (error) => {
        if (active) setState({ ...LOADING, ready: true, error: asError(error) });
      },
    );
    return () => {
      active = false;
      for (const off of unsubscribe) off();
    };
    // `key` stands for `options`: a re-render with equal options keeps the client.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const login = useCallback(
    /** @param {LoginOptions} [loginOptions] */
    async (loginOptions) => {
      if (!auth) throw new Error("useAuth: not ready yet");
      await auth.loginWithRedirect({
        appState: { returnTo: location.pathname + location.search },
        ...loginOptions,
      });
    },
    [auth],
  );

  const logout = useCallback(
    /** @param {LogoutOptions} [logoutOptions] */
    async (logoutOptions) => {
      if (!auth) throw new Error("useAuth: not ready yet");
      await auth.logout(logoutOptions);
      setState({ ready: true, isAuthenticated: false, user: undefined, error: undefined });
    },
    [auth],
  );

  const getAccessToken = useCallback(
    /** @param {GetAccessTokenOptions} [tokenOptions] */
    async (tokenOptions) => {
      if (!auth) throw new Error("useAuth: not ready yet");
      return auth.getAccessToken(tokenOptions);
    },
    [auth],
  );

  return { ...state, login, logout, getAccessToken };
}
