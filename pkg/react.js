// wasm-oauth/react: <AuthProvider> and useAuth() for React 18 and 19. Plain ES module,
// no JSX, no build step. Safe to import during a server render: nothing runs until an
// effect does, and effects do not run on the server.
//
// One session per distinct options in the page (their JSON): it loads the SDK once, makes
// one AuthClient, and handles each callback URL once, however many times React mounts a
// provider (StrictMode runs every effect twice; providers remount; two providers may share
// the options). handleRedirectCallback is itself idempotent for one URL within a page, so two
// sessions of one client share the single code exchange too.

import { createContext, createElement, useContext, useEffect, useMemo, useRef, useState } from "react";
import init, { AuthClient, AuthError } from "./index.js";

/** Each session: `{ ready: Promise<AuthClient>, handled: Map<url, Promise<AuthError|undefined>>, last, user }`. */
const sessions = new Map();

function sessionOf(options) {
  const key = JSON.stringify(options);
  let session = sessions.get(key);
  if (!session) {
    session = { ready: undefined, handled: new Map(), last: Promise.resolve(undefined), user: undefined };
    session.ready = init().then(() => new AuthClient(options));
    // A failed start (the .wasm did not load, a wrong option) is tried again by the next mount.
    session.ready.catch(() => sessions.delete(key));
    sessions.set(key, session);
  }
  return session;
}

/** The default after a login: back to `appState.returnTo` (set by `login()`), in this page. */
function returnTo(appState) {
  const target = appState?.returnTo;
  if (typeof target === "string") history.replaceState(history.state, "", target);
}

/**
 * Handles the page's callback URL once per session, and resolves with the error of the
 * session's last callback (undefined after a good one, or when there was none).
 */
function handleCallback(session, client, onRedirectCallback) {
  const url = location.href;
  if (!session.handled.has(url) && client.isCallback(url)) {
    const handling = client.handleRedirectCallback(url).then(
      (result) => {
        try {
          onRedirectCallback(result.appState, result);
        } catch (error) {
          // The app's own callback failed: report it as the app's error, not the login's.
          setTimeout(() => {
            throw error;
          });
        }
        return undefined;
      },
      (error) => error,
    );
    session.handled.set(url, handling);
    session.last = handling;
  }
  return session.last;
}

/** The userinfo response, fetched once per signed-in user and ID token. */
function userOf(session, client) {
  const claims = client.getIdTokenClaims();
  const key = `${claims?.sub}:${claims?.iat}`;
  if (session.user?.key !== key) {
    const promise = client.getUser();
    session.user = { key, promise };
    promise.catch(() => {
      if (session.user?.promise === promise) session.user = undefined;
    });
  }
  return session.user.promise;
}

/** What the session looks like now: refreshes an expired access token when it can. */
async function snapshot(session, client, error) {
  let isAuthenticated = client.isAuthenticated();
  if (!isAuthenticated && client.getTokens()?.refreshToken) {
    try {
      await client.getAccessToken();
    } catch (e) {
      error ??= e;
    }
    isAuthenticated = client.isAuthenticated();
  }
  let user;
  if (isAuthenticated) {
    try {
      user = await userOf(session, client);
    } catch (e) {
      error ??= e;
    }
  }
  return { isLoading: false, isAuthenticated, user, error };
}

const LOADING = { isLoading: true, isAuthenticated: false, user: undefined, error: undefined };

const AuthContext = createContext(undefined);

/** Provides the session of `options` to `useAuth()` below it. */
export function AuthProvider({ options, onRedirectCallback, children }) {
  const key = JSON.stringify(options);
  const [state, setState] = useState(LOADING);
  const [client, setClient] = useState(undefined);
  const redirected = useRef(onRedirectCallback);
  redirected.current = onRedirectCallback;

  useEffect(() => {
    let active = true;
    const session = sessionOf(options);
    const offs = [];
    const show = (next) => active && setState(next);
    session.ready.then(
      async (ready) => {
        if (!active) return;
        setClient(ready);
        const update = (error) => snapshot(session, ready, error).then(show);
        offs.push(
          ready.on("tokens", () => void update()),
          ready.on("logout", () => {
            session.user = undefined;
            void update();
          }),
          ready.on("error", (error) => active && setState((s) => ({ ...s, error }))),
        );
        const callbackError = await handleCallback(session, ready, (appState, result) =>
          (redirected.current ?? returnTo)(appState, result),
        );
        await update(callbackError);
      },
      (error) => show({ ...LOADING, isLoading: false, error }),
    );
    return () => {
      active = false;
      for (const off of offs) off();
    };
    // `key` stands for `options`: a new object with the same values keeps the session.
  }, [key]);

  const value = useMemo(() => {
    const ready = () => sessionOf(options).ready;
    return {
      ...state,
      client,
      login: async (loginOptions) =>
        (await ready()).loginWithRedirect({
          appState: { returnTo: location.pathname + location.search + location.hash },
          ...loginOptions,
        }),
      logout: async (logoutOptions) => (await ready()).logout(logoutOptions),
      getAccessToken: async (tokenOptions) => (await ready()).getAccessToken(tokenOptions),
    };
  }, [state, client, key]);

  return createElement(AuthContext.Provider, { value }, children);
}

/** The session of the nearest `<AuthProvider>`, and its actions. */
export function useAuth() {
  const value = useContext(AuthContext);
  if (value === undefined) {
    throw new AuthError(
      "not_initialized",
      "useAuth() was called outside <AuthProvider>: wrap your app in <AuthProvider options={...}> (from \"wasm-oauth/react\")",
    );
  }
  return value;
}
