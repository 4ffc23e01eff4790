// The demo app: boots the SDK, finishes a redirect sign-in, and wires the buttons.
// `window.__auth` is the AuthClient, for the end-to-end tests.

import init, { AuthClient } from "/pkg/index.js";
import {
  logEvent, showClaims, showError, showStatus, showTokens, showUser, tickExpiry, whileBusy,
} from "/view.js";

const byId = (id) => document.getElementById(id);

/** Runs an optional SDK call; undefined when the method is missing or throws. */
function optional(call) {
  try {
    return call();
  } catch {
    return undefined;
  }
}

function render(auth) {
  const tokens = optional(() => auth.getTokens());
  const signedIn = optional(() => auth.isAuthenticated()) ?? Boolean(tokens);
  showStatus(signedIn);
  showTokens(tokens);
  showClaims(optional(() => auth.getIdTokenClaims()));
  if (!signedIn) showUser(undefined);
}

function fail(error) {
  showError(error);
  logEvent(`error ${error?.code ?? ""}`.trim());
}

/** Runs a button's action: clears the last error, shows a new one, re-renders. */
function onClick(id, auth, action) {
  const button = byId(id);
  button.addEventListener("click", () =>
    whileBusy(button, async () => {
      showError(undefined);
      try {
        await action();
      } catch (error) {
        fail(error);
      }
      render(auth);
    }));
}

function subscribe(auth) {
  if (typeof auth.on !== "function") return;
  auth.on("tokens", (tokens) => {
    const at = Number.isFinite(tokens?.expiresAt) ? new Date(tokens.expiresAt).toISOString() : "?";
    logEvent(`tokens: new access token, expires ${at}`);
    render(auth);
  });
  auth.on("logout", () => {
    logEvent("logout");
    render(auth);
  });
  auth.on("error", (error) => logEvent(`error event: ${error?.code ?? "unknown"}`));
}

async function boot() {
  await init();
  const config = await (await fetch("/config.json")).json();
  const auth = new AuthClient({
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    issuer: config.issuer,
    scope: config.scope,
  });
  window.__auth = auth;
  subscribe(auth);

  if (auth.isCallback()) {
    try {
      const { appState } = await auth.handleRedirectCallback();
      logEvent(`signed in by redirect (returnTo ${appState?.returnTo ?? "—"})`);
    } catch (error) {
      fail(error);
    }
  }

  onClick("login", auth, () =>
    auth.loginWithRedirect({ appState: { returnTo: location.pathname } }));
  onClick("logout", auth, async () => {
    await auth.logout();
    showUser(undefined);
    logEvent("logged out");
  });
  onClick("refresh", auth, async () => {
    await auth.getAccessToken({ forceRefresh: true });
    logEvent("refreshed");
  });
  onClick("userinfo", auth, async () => {
    showUser(await auth.getUser());
    logEvent("userinfo");
  });

  render(auth);
  setInterval(tickExpiry, 1000);
  document.documentElement.dataset.ready = "true";
}

boot().catch((error) => {
  showStatus(false);
  fail(error);
  document.documentElement.dataset.ready = "failed";
});
