// Rendering for the demo page: takes plain values, writes the DOM. Never shows a whole token.

const byId = (id) => document.getElementById(id);

/** At most a short prefix of a secret, e.g. "eyJhbGci…". */
export function redact(secret) {
  return typeof secret === "string" && secret.length > 0 ? `${secret.slice(0, 8)}…` : "—";
}

export function showStatus(signedIn) {
  const status = byId("status");
  status.textContent = signedIn ? "signed in" : "signed out";
  status.dataset.state = signedIn ? "signed-in" : "signed-out";
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

/** Updates the countdown in #expiry from its data-expires-at (ms since epoch). */
export function tickExpiry(now = Date.now()) {
  const expiry = byId("expiry");
  const expiresAt = Number(expiry.dataset.expiresAt);
  if (!expiry.dataset.expiresAt || !Number.isFinite(expiresAt)) {
    expiry.textContent = "—";
    return;
  }
  const seconds = Math.round((expiresAt - now) / 1000);
  const left = seconds > 0 ? `in ${seconds} s` : `expired ${-seconds} s ago`;
  expiry.textContent = `${new Date(expiresAt).toISOString()} (${left})`;
}

export function showClaims(claims) {
  byId("claims").textContent = claims ? JSON.stringify(claims, null, 2) : "—";
}

export function showUser(user) {
  byId("userinfo-output").textContent = user ? JSON.stringify(user, null, 2) : "—";
  byId("sub").textContent = typeof user?.sub === "string" ? user.sub : "—";
}

/** Appends a line to the #events log (newest last). Callers pass no secrets. */
export function logEvent(text) {
  const item = document.createElement("li");
  const time = document.createElement("time");
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString();
  item.append(time, ` ${text}`);
  byId("events").append(item);
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
