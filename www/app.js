// The demo app: boots the SDK with the chosen flow and storage, finishes a redirect sign-in, and
// wires the buttons. `window.__auth` is the AuthClient, for the end-to-end tests.

import { idbStore } from "/idb-store.js";
import { demoLogger } from "/log.js";
import { clearQr, drawQr } from "/qr.js";
import { FLOWS, STORAGES, pathWithSettings, readSettings, saveSettings } from "/settings.js";
import { setupTabs } from "/tabs.js";
import {
  countdown, logEvent, redact, showClaims, showDevice, showDeviceStatus, showError, showStatus,
  showTokens, showUser, tickDevice, tickExpiry, whileBusy,
} from "/view.js";

const byId = (id) => document.getElementById(id);

// Implicit and device sign-in never get a refresh token: don't ask for offline_access there.
const SCOPE_WITHOUT_REFRESH = "openid profile email";
// Parameters of this page's own that are used once and then dropped from the address bar.
const ONE_SHOT_PARAMS = ["returnTo", "refreshAt", "round", "tab", "state"];

/** Runs an optional SDK call; undefined when the method is missing or throws. */
function optional(call) {
  try {
    return call();
  } catch {
    return undefined;
  }
}

let lastRendered;

/** What the page shows depends on: whether signed in, and which token set. */
function renderedState(auth) {
  const tokens = optional(() => auth.getTokens());
  const signedIn = optional(() => auth.isAuthenticated()) ?? Boolean(tokens);
  return { tokens, signedIn, key: `${signedIn}:${tokens?.accessToken ?? ""}:${tokens?.expiresAt ?? ""}` };
}

function render(auth) {
  const { tokens, signedIn, key } = renderedState(auth);
  lastRendered = key;
  showStatus(signedIn, Boolean(tokens));
  showTokens(tokens);
  showClaims(optional(() => auth.getIdTokenClaims()));
  if (!tokens) showUser(undefined);
}

/**
 * Every second: the countdowns, and a re-render when the session changed since the last one
 * (the access token expired, which is judged on read; or another tab's change reached storage).
 */
function tick(auth) {
  tickExpiry();
  tickDevice();
  if (renderedState(auth).key !== lastRendered) render(auth);
}

function fail(error) {
  showError(error);
  logEvent(`${error?.code ?? "unexpected_error"}: ${error?.message ?? String(error)}`, "failed");
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
  auth.on("tokens", (tokens) => {
    const expires = Number.isFinite(tokens?.expiresAt) ? `expires ${countdown(tokens.expiresAt)}` : "no expiry";
    logEvent(`new token set: access token ${redact(tokens?.accessToken)}, ${expires}, refresh token ${tokens?.refreshToken ? "yes" : "no"}`, "tokens");
    render(auth);
  });
  auth.on("logout", () => {
    logEvent("session cleared", "logout");
    render(auth);
  });
  auth.on("error", (error) => logEvent(`${error?.code ?? "unknown"}`, "error"));
}

/** `returnTo` when it is a path on this origin, else undefined. */
function sameOriginPath(returnTo) {
  if (typeof returnTo !== "string") return undefined;
  const url = URL.parse(returnTo, location.origin);
  return url?.origin === location.origin ? `${url.pathname}${url.search}${url.hash}` : undefined;
}

function showSettings(settings) {
  byId("flow").value = settings.flow;
  byId("storage").value = settings.storage;
  byId("end-session").checked = settings.endSession === "1";
  byId("dpop").checked = settings.dpop === "1";
  byId("sdk-log").checked = settings.log === "1";
  byId("flow-hint").textContent = FLOWS[settings.flow];
  byId("settings-hint").textContent = STORAGES[settings.storage];
  byId("settings-summary").textContent = `${settings.flow} / ${settings.storage}${settings.dpop === "1" ? " / DPoP" : ""}`;
  // A change rebuilds the client: reload with the new settings in the query.
  byId("settings").addEventListener("change", () => {
    const next = {
      flow: byId("flow").value,
      storage: byId("storage").value,
      endSession: byId("end-session").checked ? "1" : "0",
      dpop: byId("dpop").checked ? "1" : "0",
      log: byId("sdk-log").checked ? "1" : "0",
    };
    saveSettings(next);
    location.assign(pathWithSettings(next, location, ONE_SHOT_PARAMS));
  });
}

/** Log in with the chosen flow. `returnTo` (this page, or ?returnTo=) comes back after a redirect. */
async function logIn(auth, settings) {
  const asked = new URLSearchParams(location.search).get("returnTo");
  const appState = { returnTo: asked ?? pathWithSettings(settings, location, ONE_SHOT_PARAMS) };
  switch (settings.flow) {
    case "implicit":
      await auth.loginWithImplicit({ responseType: "id_token token", scope: SCOPE_WITHOUT_REFRESH, appState });
      break;
    case "popup": {
      const { tokens } = await auth.loginWithPopup({ appState });
      logEvent(`signed in through the popup (access token ${redact(tokens?.accessToken)})`);
      break;
    }
    default:
      await auth.loginWithRedirect({ appState });
  }
}

/** The "Sign in with a code" panel: device authorization, QR code, countdown, Cancel. */
function setupDevice(auth) {
  const start = byId("device-start");
  const cancel = byId("device-cancel");
  const qr = byId("device-qr");
  let controller;
  cancel.addEventListener("click", () => controller?.abort());
  start.addEventListener("click", async () => {
    showError(undefined);
    controller = new AbortController();
    start.disabled = true;
    cancel.disabled = false;
    try {
      showDeviceStatus("starting", "Asking the provider for a code…");
      const device = await auth.startDeviceAuthorization({ scope: SCOPE_WITHOUT_REFRESH });
      showDevice(device);
      drawQr(qr, device.verificationUriComplete ?? device.verificationUri);
      showDeviceStatus("waiting", `Waiting for approval (checking every ${device.interval} s)…`);
      logEvent(`device sign-in: user code ${device.userCode}, expires ${countdown(device.expiresAt)}`);
      await auth.pollDeviceToken(device, { signal: controller.signal });
      showDeviceStatus("approved", "Approved: signed in with the code.");
      logEvent("signed in with a code");
    } catch (error) {
      const code = error?.code ?? "unexpected_error";
      if (code === "aborted") {
        showDeviceStatus("cancelled", "Cancelled.", code);
        logEvent("device sign-in cancelled");
      } else {
        showDeviceStatus("failed", `${code}: ${error?.message ?? String(error)}`, code);
        fail(error);
      }
    } finally {
      showDevice(undefined);
      clearQr(qr);
      controller = undefined;
      start.disabled = false;
      cancel.disabled = true;
      render(auth);
    }
  });
}

async function boot() {
  const settings = readSettings();
  saveSettings(settings);
  const inPopup = Boolean(window.opener) && window.opener !== window;

  // Imported here, not statically: a missing or broken package shows up as an error on the page.
  const { default: init, AuthClient } = await import("/pkg/index.js");
  await init();
  const config = await (await fetch("/config.json")).json();
  const auth = new AuthClient({
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    silentRedirectUri: config.silentRedirectUri,
    issuer: config.issuer,
    scope: config.scope,
    storage: settings.storage === "custom" ? idbStore() : settings.storage,
    usePar: settings.flow === "par",
    dpop: settings.dpop === "1",
    apiOrigins: [location.origin],
    ...(settings.log === "1" && { logger: demoLogger((text) => logEvent(text, "sdk")), logLevel: "debug" }),
    ...(settings.endSession === "1" && config.endSession && { endpoints: { endSession: config.endSession } }),
  });
  window.__auth = auth;
  subscribe(auth);
  showSettings(settings);

  if (auth.isCallback()) {
    // In the SDK's login popup this hands the response to the opener and closes the popup.
    byId("popup-note").hidden = !inPopup;
    try {
      const { appState } = await auth.handleRedirectCallback();
      const back = sameOriginPath(appState?.returnTo) ?? pathWithSettings(settings, location, ONE_SHOT_PARAMS);
      history.replaceState(null, "", back);
      logEvent(`signed in by ${settings.flow === "implicit" ? "implicit redirect" : "redirect"} (back to ${back})`);
    } catch (error) {
      fail(error);
    }
    byId("popup-note").hidden = true; // handled here after all (not in a waiting popup)
  }

  onClick("login", auth, () => logIn(auth, settings));
  onClick("login-silently", auth, async () => {
    // prompt=none in a hidden iframe, answered to /silent.html: works while the provider's
    // session cookie reaches the frame.
    const tokens = await auth.loginSilently();
    logEvent(`signed in silently (access token ${redact(tokens?.accessToken)})`);
  });
  onClick("logout", auth, async () => {
    await auth.logout({ returnTo: config.redirectUri });
    showUser(undefined);
    logEvent("logged out");
  });
  onClick("refresh", auth, async () => {
    const token = await auth.getAccessToken({ forceRefresh: true });
    logEvent(`refreshed: access token ${redact(token)}`);
  });
  onClick("userinfo", auth, async () => {
    showUser(await auth.getUser());
    logEvent("userinfo");
  });
  onClick("api", auth, async () => {
    // The dev server's protected API: the token (and with DPoP, a proof) added by auth.fetch.
    const response = await auth.fetch("/api/v1/me");
    byId("api-output").textContent = `${response.status} ${JSON.stringify(await response.json(), null, 2)}`;
    logEvent(`API: ${response.status}`);
  });
  setupDevice(auth);
  setupTabs(auth, settings, logEvent);

  // The settings belong in the address bar; one-shot parameters (a provider's post-logout
  // `state`, the 4-tab round) do not stay there. `returnTo` stays until it was used.
  if (!auth.isCallback()) {
    history.replaceState(null, "", pathWithSettings(settings, location, ONE_SHOT_PARAMS.filter((p) => p !== "returnTo")));
  }

  render(auth);
  setInterval(() => tick(auth), 1000);
  document.documentElement.dataset.ready = "true";
}

boot().catch((error) => {
  showStatus(false);
  fail(error);
  document.documentElement.dataset.ready = "failed";
});
