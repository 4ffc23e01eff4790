// Rendering for the demo page: takes plain values, writes the DOM. Never shows a whole token.

const byId = (id) => document.getElementById(id);

/** At most a short prefix of a secret, e.g. "eyJhbGci…". */
export function redact(secret) {
  return typeof secret === "string" && secret.length > 0 ? `${secret.slice(0, 8)}…` : "—";
}

/**
 * "signed in" (a usable access token), "signed out" (none), or "expired" (tokens are held but
 * the access token has expired: Refresh, or log in again).
 */
export function showStatus(signedIn, hasTokens = signedIn) {
  const status = byId("status");
  const state = signedIn ? "signed-in" : hasTokens ? "expired" : "signed-out";
  status.textContent = { "signed-in": "signed in", expired: "access token expired", "signed-out": "signed out" }[state];
  status.dataset.state = state;
}

/** Shows `${code}: ${message}` in #error with data-code, or hides it when `error` is undefined. */
export function showError(error) {
  const box = byId("error");
  if (!error) {
    box.hidden = true;
    box.textContent = "";
    delete box.dataset.code;
    return;
  }
  const code = typeof error.code === "string" && error.code ? error.code : "unexpected_error";
  box.dataset.code = code;
  box.textContent = `${code}: ${error.message ?? String(error)}`;
  box.hidden = false;
}

/** The token set as the SDK reports it (see DESIGN.md: getTokens()), or undefined. */
export function showTokens(tokens) {
  byId("access-token").textContent = redact(tokens?.accessToken);
  byId("scope").textContent = tokens?.scope || "—";
  byId("has-refresh-token").textContent = tokens ? (tokens.refreshToken ? "yes" : "no") : "—";
  const expiry = byId("expiry");
  expiry.dataset.expiresAt = Number.isFinite(tokens?.expiresAt) ? String(tokens.expiresAt) : "";
  tickExpiry();
}

/** "in 59 min 58 s" / "expired 3 s ago", from a time in ms since the epoch. */
export function countdown(at, now = Date.now()) {
  const seconds = Math.round((at - now) / 1000);
  const span = Math.abs(seconds);
  const text = span >= 60 ? `${Math.floor(span / 60)} min ${span % 60} s` : `${span} s`;
  return seconds > 0 ? `in ${text}` : `expired ${text} ago`;
}

/** Updates the countdown in #expiry from its data-expires-at (ms since epoch). */
export function tickExpiry(now = Date.now()) {
  const expiry = byId("expiry");
  const expiresAt = Number(expiry.dataset.expiresAt);
  if (!expiry.dataset.expiresAt || !Number.isFinite(expiresAt)) {
    expiry.textContent = "—";
    delete expiry.dataset.expired;
    return;
  }
  expiry.textContent = `${new Date(expiresAt).toLocaleTimeString()} (${countdown(expiresAt, now)})`;
  expiry.dataset.expired = String(expiresAt <= now);
}

export function showClaims(claims) {
  byId("claims").textContent = claims ? JSON.stringify(claims, null, 2) : "—";
  byId("claim-sub").textContent = typeof claims?.sub === "string" ? claims.sub : "—";
  byId("claim-iss").textContent = typeof claims?.iss === "string" ? claims.iss : "—";
  byId("claim-iat").textContent = Number.isFinite(claims?.iat) ? new Date(claims.iat * 1000).toLocaleString() : "—";
}

export function showUser(user) {
  byId("userinfo-output").textContent = user ? JSON.stringify(user, null, 2) : "—";
  byId("sub").textContent = typeof user?.sub === "string" ? user.sub : "—";
}

/** Appends a line to the #events log (newest last). Callers pass no secrets. */
export function logEvent(text, kind = "app") {
  const item = document.createElement("li");
  item.dataset.kind = kind;
  const time = document.createElement("time");
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString();
  const tag = document.createElement("span");
  tag.className = "tag";
  tag.textContent = kind;
  item.append(time, " ", tag, ` ${text}`);
  const events = byId("events");
  events.append(item);
  events.scrollTop = events.scrollHeight;
}

/** Disables `button` while `action` runs. */
export async function whileBusy(button, action) {
  button.disabled = true;
  try {
    return await action();
  } finally {
    button.disabled = false;
  }
}

/** The device panel: `state` is idle | waiting | approved | failed | cancelled; `code` an AuthError code. */
export function showDeviceStatus(state, text, code) {
  const status = byId("device-status");
  status.dataset.state = state;
  if (code) status.dataset.code = code;
  else delete status.dataset.code;
  status.textContent = text;
}

/** Shows the user code, the link and the countdown of a device authorization (undefined hides them). */
export function showDevice(device) {
  const info = byId("device-info");
  const countdownEl = byId("device-countdown");
  if (!device) {
    info.hidden = true;
    countdownEl.dataset.expiresAt = "";
    return;
  }
  byId("device-user-code").textContent = device.userCode;
  const link = byId("device-link");
  link.href = device.verificationUriComplete ?? device.verificationUri;
  link.textContent = device.verificationUri;
  countdownEl.dataset.expiresAt = String(device.expiresAt);
  info.hidden = false;
  tickDevice();
}

/** Updates the device code's countdown. */
export function tickDevice(now = Date.now()) {
  const el = byId("device-countdown");
  const at = Number(el.dataset.expiresAt);
  el.textContent = el.dataset.expiresAt && Number.isFinite(at) ? countdown(at, now) : "—";
}
